// npm run bench -- [--quick] [--json] [--save FILE] [--discord] [--burst N] [--reps N] [--sizes 1000,5000,full]
//                  [--questions N] [--bbc DIR] [--reuters FILE] [--squad FILE] [--cache DIR]
//
// The engine against the stock libraries at news-archive scale (README "Performance"). The corpus is the BBC
// folder plus the Reuters-21578 items written out as article files once (under --cache), at 1k, 5k and all
// ~21k articles. Each measurement runs in its own child process (so peak RSS is its own); the jobs of one
// size are interleaved and repeated, and the report gives medians with ratios measured in the same run. The
// Discord job (discord.ts) runs the real bot against the Discord emulator: bursts of --burst concurrent /ask,
// cold and warm cache, and a refresh under load; --discord runs only it (after the build it starts from).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchQuestions, DATA_OPTIONS, defaultBenchData, linkedCopy, prepareCorpus, readDataOption, type BenchData } from './corpus.ts';
import type { Job, Library, Metrics } from './jobs.ts';
import { median } from './stats.ts';
import { messageOf } from '../log.ts';

interface Args extends BenchData {
  sizes: number[];
  reps: number;
  questions: number;
  warmup: number;
  digest: number;
  /** Concurrent /ask interactions in the Discord job's bursts. */
  burst: number;
  json: boolean;
  quick: boolean;
  /** Only the Discord job (and the engine build whose saved index it starts from). */
  discordOnly: boolean;
  /** Also write the JSON report to this file. */
  save: string | null;
}

const FULL = Number.POSITIVE_INFINITY;
const USAGE =
  `usage: npm run bench -- [--quick] [--json] [--save FILE] [--discord] [--burst N] [--reps N] [--sizes 1000,5000,full] [--questions N] ${DATA_OPTIONS}`;

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    ...defaultBenchData(),
    sizes: [1000, 5000, FULL],
    reps: 3,
    questions: 2000,
    warmup: 100,
    digest: 200,
    burst: 200,
    json: false,
    quick: false,
    discordOnly: false,
    save: null,
  };
  const value = (i: number, name: string): string => {
    const v = argv[i];
    if (v === undefined) throw new Error(`bench: ${name} needs a value\n${USAGE}`);
    return v;
  };
  const count = (s: string, name: string): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`bench: ${name} must be a positive whole number (got "${s}")`);
    return n;
  };
  let sizesGiven = false;
  let repsGiven = false;
  let questionsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    else if (a === '--json') args.json = true;
    else if (a === '--quick') args.quick = true;
    else if (a === '--discord') args.discordOnly = true;
    else if (a === '--save') args.save = value(++i, a);
    else if (a === '--burst') args.burst = count(value(++i, a), a);
    else if (readDataOption(args, a, () => value(++i, a))) continue;
    else if (a === '--reps') ((args.reps = count(value(++i, a), a)), (repsGiven = true));
    else if (a === '--questions') ((args.questions = count(value(++i, a), a)), (questionsGiven = true));
    else if (a === '--sizes') {
      args.sizes = value(++i, a)
        .split(',')
        .map((s) => (s === 'full' ? FULL : count(s, a)));
      sizesGiven = true;
    } else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else throw new Error(`bench: unknown option ${a}\n${USAGE}`);
  }
  if (args.quick) {
    if (!sizesGiven) args.sizes = [1000, 5000];
    if (!repsGiven) args.reps = 1;
    if (!questionsGiven) args.questions = 500;
    args.warmup = 50;
  }
  // The Discord job's burst asks the first `burst` questions, and members go on asking the rest during refreshes.
  if (args.questions <= args.burst) throw new Error(`bench: --questions (${args.questions}) must be more than --burst (${args.burst})\n${USAGE}`);
  return args;
}

const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

interface Run {
  readonly size: number;
  readonly rep: number;
  readonly label: string;
  readonly seconds: number;
  readonly metrics: Metrics;
}

function runChild(job: Job): Promise<Metrics> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', `--import=${TSX}`, CHILD, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`bench: ${job.kind} failed (exit ${code})\n${err.slice(-4000)}`));
        return;
      }
      resolvePromise(JSON.parse(last) as Metrics);
    });
  });
}

/** The jobs of one size and repeat, in groups; a group's jobs run in order (a start needs its build). */
function jobsFor(folder: string, work: string, size: number, questionsFile: string, args: Args, rep: number): { label: string; job: Job }[][] {
  const firstRep = rep === 0;
  const tag = Number.isFinite(size) ? String(size) : 'full';
  const snapshot = join(work, `engine-${tag}.snapshot`);
  // engine-cold rewrites its corpus files for a refresh (and restores them): it gets a copy, not the links.
  const copy = join(work, `copy-${tag}`);
  if (!existsSync(join(copy, '.copied'))) {
    rmSync(copy, { recursive: true, force: true });
    cpSync(folder, copy, { recursive: true });
    writeFileSync(join(copy, '.copied'), '');
  }
  const sentences = join(work, `sentences-${tag}.json`);
  const library = (lib: Library) => [
    { label: `${lib}-build`, job: { kind: 'library-build', library: lib, sentences, saved: join(work, `${lib}-${tag}.json`), questions: questionsFile } as Job },
    { label: `${lib}-start`, job: { kind: 'library-start', library: lib, sentences, saved: join(work, `${lib}-${tag}.json`) } as Job },
  ];
  // The engine's build and wink's own pass run back to back, in alternating order, so that each repeat's ratio
  // compares two runs made under the same load. The first build of a run also writes the sentences the
  // libraries index and the snapshot the start uses, so it comes first.
  const build = { label: 'engine-build', job: { kind: 'engine-build', corpusDir: folder, snapshot, sentences: firstRep ? sentences : null } as Job };
  const readDoc = { label: 'readdoc', job: { kind: 'readdoc', corpusDir: folder } as Job };
  // The bot's own folder (links to the same files): the Discord job adds a file to it for a refresh.
  const botDir = join(work, `bot-${tag}`);
  linkedCopy(folder, botDir);
  const discord = { label: 'discord', job: { kind: 'discord', corpusDir: botDir, snapshot, work: join(work, `discord-${tag}`), questions: questionsFile, burst: args.burst } as Job };
  if (args.discordOnly) return [[build], [discord]];
  return [
    rep % 2 === 0 ? [build, readDoc] : [readDoc, build],
    [{ label: 'engine-start', job: { kind: 'engine-start', corpusDir: folder, snapshot, questions: questionsFile, digest: args.digest } }],
    // The worst-case refresh (every file changed) takes a full build and transfer: measured in the first repeat.
    [{ label: 'engine-cold', job: { kind: 'engine-cold', corpusDir: copy, questions: questionsFile, digest: args.digest, refreshAll: firstRep } }],
    library('minisearch'),
    library('wink-bm25'),
    [discord],
  ];
}

async function measure(args: Args): Promise<{ runs: Run[]; sizes: Map<number, number> }> {
  const t0 = performance.now();
  process.stderr.write(`bench: preparing the corpus under ${args.cache} ...\n`);
  const wanted = args.sizes.map((s) => (Number.isFinite(s) ? s : Number.MAX_SAFE_INTEGER));
  const corpus = prepareCorpus(resolve(args.bbc), resolve(args.reuters), args.cache, wanted);
  const work = join(corpus.root, 'work');
  mkdirSync(work, { recursive: true });
  const questionsFile = join(work, `questions-${args.questions}.json`);
  writeFileSync(questionsFile, JSON.stringify(benchQuestions(resolve(args.squad), args.questions, args.warmup)));
  const sizes = new Map<number, number>(); // requested size -> files
  const runs: Run[] = [];
  for (let rep = 0; rep < args.reps; rep++) {
    for (const size of args.sizes) {
      const files = Number.isFinite(size) ? Math.min(size, corpus.total) : corpus.total;
      sizes.set(size, files);
      const folder = corpus.folders.get(files)!;
      const groups = jobsFor(folder, work, size, questionsFile, args, rep);
      // Interleave: each repeat starts at another group (the first repeat runs builds first, as starts need them).
      const order = groups.map((_, i) => groups[(i + rep) % groups.length]!);
      for (const group of order) {
        for (const { label, job } of group) {
          const t = performance.now();
          process.stderr.write(`bench: [${rep + 1}/${args.reps}] ${files} files: ${label} ... `);
          const metrics = await runChild(job);
          const seconds = (performance.now() - t) / 1000;
          process.stderr.write(`${seconds.toFixed(1)} s\n`);
          runs.push({ size, rep, label, seconds, metrics });
        }
      }
    }
  }
  process.stderr.write(`bench: done in ${((performance.now() - t0) / 60000).toFixed(1)} min\n`);
  return { runs, sizes };
}

type Summary = Record<string, Record<string, number | string | boolean>>;

/** Medians over repeats of each job's numeric metrics; notes (strings, flags) from every repeat. */
function summarise(runs: readonly Run[], size: number): Summary {
  const out: Summary = {};
  for (const r of runs.filter((x) => x.size === size)) {
    const row = (out[r.label] ??= {});
    for (const [k, v] of Object.entries(r.metrics)) {
      if (typeof v === 'number') continue;
      const prev = row[k];
      row[k] = prev === undefined || prev === v ? v : `${String(prev)}|${String(v)}`;
    }
  }
  for (const label of Object.keys(out)) {
    const mine = runs.filter((x) => x.size === size && x.label === label);
    const keys = new Set(mine.flatMap((r) => Object.keys(r.metrics)));
    for (const k of keys) {
      const values = mine.map((r) => r.metrics[k]).filter((v): v is number => typeof v === 'number');
      if (values.length > 0) out[label]![k] = median(values);
    }
    out[label]!.repeats = mine.length;
  }
  return out;
}

const num = (s: Summary, label: string, key: string): number => {
  const v = s[label]?.[key];
  return typeof v === 'number' ? v : Number.NaN;
};

function fmt(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 10_000) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

function report(args: Args, runs: readonly Run[], sizes: Map<number, number>): string {
  const out: string[] = [];
  const libs = [
    ['MiniSearch', 'minisearch'],
    ['wink-bm25', 'wink-bm25'],
  ] as const;
  for (const [size, files] of sizes) {
    const s = summarise(runs, size);
    const tokens = num(s, 'readdoc', 'tokens');
    const eb = (k: string) => num(s, 'engine-build', k);
    const es = (k: string) => num(s, 'engine-start', k);
    const ec = (k: string) => num(s, 'engine-cold', k);
    const lb = (lib: string, k: string) => num(s, `${lib}-build`, k);
    const ls = (lib: string, k: string) => num(s, `${lib}-start`, k);
    const readDocMs = num(s, 'readdoc', 'defaultMs');
    // Ratios to wink's pass: per repeat (the two ran back to back), then the median.
    const paired = (label: string, key: string, refKey: string) =>
      median(
        runs
          .filter((r) => r.size === size && r.label === label)
          .map((r) => {
            const ref = runs.find((x) => x.size === size && x.rep === r.rep && x.label === 'readdoc')?.metrics[refKey];
            const v = r.metrics[key];
            return typeof v === 'number' && typeof ref === 'number' ? v / ref : Number.NaN;
          }),
      );
    out.push(
      `== ${files.toLocaleString('en-US')} files: ${fmt(eb('articles'), 0)} articles (${fmt(eb('skippedFiles'), 0)} files skipped by the loader), ` +
        `${fmt(eb('sentences'), 0)} sentences, ${(tokens / 1e6).toFixed(2)}M tokens; medians of ${s['engine-build']?.repeats ?? 0} runs ==`,
    );
    const rows: string[][] = [['', 'engine', 'MiniSearch', 'wink-bm25', 'readDoc default', 'readDoc sbd+pos']];
    const libCells = (f: (lib: string) => number, digits = 1) => libs.map(([, lib]) => fmt(f(lib), digits));
    rows.push(['index build (s)', fmt(eb('buildMs') / 1000, 2), ...libCells((l) => lb(l, 'buildMs') / 1000, 2), fmt(readDocMs / 1000, 2), fmt(num(s, 'readdoc', 'sbdPosMs') / 1000, 2)]);
    // Libraries index only the sentences; the engine and readDoc read whole articles. Tokens are wink's.
    rows.push([
      'tokens/s (k)',
      fmt(tokens / eb('buildMs'), 0),
      ...libCells((l) => eb('indexTokens') / lb(l, 'buildMs'), 0),
      fmt(tokens / readDocMs, 0),
      fmt(tokens / num(s, 'readdoc', 'sbdPosMs'), 0),
    ]);
    const buildRatio = paired('engine-build', 'buildMs', 'defaultMs');
    const buildCpuRatio = paired('engine-build', 'buildCpuMs', 'defaultCpuMs');
    const pipeRatio = paired('readdoc', 'sbdPosMs', 'defaultMs');
    rows.push(['build / readDoc default', fmt(buildRatio, 2), ...libCells((l) => paired(`${l}-build`, 'buildMs', 'defaultMs'), 2), '1.00', fmt(pipeRatio, 2)]);
    rows.push(['  same, in CPU time', fmt(buildCpuRatio, 2), ...libCells((l) => paired(`${l}-build`, 'buildCpuMs', 'defaultCpuMs'), 2), '1.00', fmt(paired('readdoc', 'sbdPosCpuMs', 'defaultCpuMs'), 2)]);
    rows.push(['peak RSS, build (MB)', fmt(eb('peakRssMb'), 0), ...libCells((l) => lb(l, 'peakRssAfterBuildMb'), 0), fmt(num(s, 'readdoc', 'peakRssMb'), 0), '']);
    rows.push(['heap after build (MB)', fmt(eb('heapAfterMb'), 0), ...libCells((l) => lb(l, 'heapAfterMb'), 0), '', '']);
    rows.push(['retained bytes/sentence', fmt(eb('retainedBytesPerSentence'), 0), ...libCells((l) => lb(l, 'retainedBytesPerSentence'), 0), '', '']);
    rows.push(['  of which typed arrays', fmt(eb('arrayBytesPerSentence'), 0), '', '', '', '']);
    rows.push(['latency p50 (ms)', fmt(es('p50Ms'), 3), ...libCells((l) => lb(l, 'p50Ms'), 3), '', '']);
    rows.push(['latency p95 (ms)', fmt(es('p95Ms'), 3), ...libCells((l) => lb(l, 'p95Ms'), 3), '', '']);
    rows.push(['latency p99 (ms)', fmt(es('p99Ms'), 3), ...libCells((l) => lb(l, 'p99Ms'), 3), '', '']);
    rows.push(['questions/s', fmt(es('qps'), 0), ...libCells((l) => lb(l, 'qps'), 0), '', '']);
    rows.push(['answered (share)', fmt(es('answeredShare'), 2), ...libCells((l) => lb(l, 'answeredShare'), 2), '', '']);
    rows.push(['checked (Engine.ask) p50/p95/p99 (ms)', `${fmt(es('askP50Ms'), 2)}/${fmt(es('askP95Ms'), 2)}/${fmt(es('askP99Ms'), 2)}`, '', '', '', '']);
    rows.push(['checked: answered (share)', fmt(es('askAnsweredShare'), 2), '', '', '', '']);
    rows.push(['cached ask p50/p99 (µs)', `${fmt(es('cachedP50Us'), 1)}/${fmt(es('cachedP99Us'), 1)}`, '', '', '', '']);
    rows.push(['cold start, files (s)', fmt(ec('openMs') / 1000, 2), ...libCells((l) => lb(l, 'coldStartMs') / 1000, 2), '', '']);
    rows.push(['start, saved index (s)', fmt(es('openMs') / 1000, 2), ...libCells((l) => ls(l, 'openMs') / 1000, 2), '', '']);
    rows.push(['  process up to ready (s)', fmt(es('processReadyMs') / 1000, 2), ...libCells((l) => ls(l, 'processReadyMs') / 1000, 2), '', '']);
    rows.push(['RSS, from saved (MB)', fmt(es('rssMb'), 0), ...libCells((l) => ls(l, 'rssMb'), 0), '', '']);
    rows.push(['RSS, from files (MB)', fmt(ec('rssMb'), 0), ...libCells((l) => lb(l, 'rssAfterMb'), 0), '', '']);
    rows.push(['saved index (MB)', fmt(eb('snapshotMb'), 1), ...libCells((l) => lb(l, 'savedMb'), 1), '', '']);
    rows.push(['latency, CPU time p50/p99 (ms)', `${fmt(es('cpuP50Ms'), 3)}/${fmt(es('cpuP99Ms'), 2)}`, ...libs.map(([, l]) => `${fmt(lb(l, 'cpuP50Ms'), 3)}/${fmt(lb(l, 'cpuP99Ms'), 2)}`), '', '']);
    const refreshRows = (title: string, m: (k: string) => number, p: string, libsToo: boolean) => {
      rows.push([title, fmt(m(`${p}Ms`) / 1000, 2), ...(libsToo ? libCells((l) => lb(l, 'buildMs') / 1000, 2) : ['', '']), '', '']);
      rows.push(['  loop delay p50/p99/max (ms)', `${fmt(m(`${p}EldP50Ms`))}/${fmt(m(`${p}EldP99Ms`))}/${fmt(m(`${p}EldMaxMs`), 0)}`, ...(libsToo ? libCells((l) => lb(l, 'buildMs'), 0) : ['', '']), '', '']);
      rows.push(['  answers meanwhile p50/p99 (ms)', `${fmt(m(`${p}AnswerP50Ms`), 2)}/${fmt(m(`${p}AnswerP99Ms`), 2)}`, '', '', '', '']);
      rows.push(['  peak RSS (MB)', fmt(m(`${p}PeakRssMb`), 0), '', '', '', '']);
    };
    refreshRows('refresh, folder unchanged (s)', es, 'unchanged', true);
    refreshRows('refresh, one file added (s)', ec, 'refresh', true);
    refreshRows('refresh, every file changed (s) [1st run]', ec, 'refreshAll', false);
    if (!args.discordOnly) out.push(table(rows));
    const dj = (k: string) => num(s, 'discord', k);
    if (s.discord) {
      const trio = (p: string) => `${fmt(dj(`${p}P50Ms`), 0)}/${fmt(dj(`${p}P99Ms`), 0)}/${fmt(dj(`${p}MaxMs`), 0)}`;
      out.push(
        `Discord emulator on loopback, the bot as npm start runs it (src/main.ts), started from the saved index: index open ${fmt(dj('openMs') / 1000, 2)} s, ` +
          `process up to ready ${fmt(dj('processReadyMs') / 1000, 2)} s, RSS ${fmt(dj('rssReadyMb'), 0)} MB at ready, ${fmt(dj('rssAfterBurstsMb'), 0)} MB after the bursts, peak ${fmt(dj('peakRssMb'), 0)} MB (refreshes included)`,
      );
      const d: string[][] = [['', 'cold cache', 'warm cache']];
      d.push([`${fmt(dj('burst'), 0)} concurrent /ask: late / failed`, `${fmt(dj('coldLate'), 0)} / ${fmt(dj('coldFailed'), 0)}`, `${fmt(dj('warmLate'), 0)} / ${fmt(dj('warmFailed'), 0)}`]);
      d.push(['  acknowledged p50/p99/max (ms)', trio('coldAck'), trio('warmAck')]);
      d.push(['  reply shown p50/p99/max (ms)', trio('coldReply'), trio('warmReply')]);
      out.push(table(d));
      const r: string[][] = [['', 'full refresh (one file added)', 'refresh, nothing changed']];
      r.push(['/refresh to its reply (s)', fmt(dj('refreshMs') / 1000, 2), fmt(dj('unchangedRefreshMs') / 1000, 2)]);
      r.push(['  bot loop delay p50/p99/max (ms)', trio('refreshLoop'), trio('unchangedRefreshLoop')]);
      r.push([
        `  heartbeats (every ${fmt(dj('heartbeatIntervalMs'), 0)} ms); longest gap (ms)`,
        `${fmt(dj('refreshHeartbeats'), 0)}; ${fmt(dj('refreshHeartbeatMaxGapMs'), 0)}`,
        `${fmt(dj('unchangedRefreshHeartbeats'), 0)}; ${fmt(dj('unchangedRefreshHeartbeatMaxGapMs'), 0)}`,
      ]);
      r.push(['  /ask meanwhile: sent, late / failed', `${fmt(dj('refreshAsked'), 0)}, ${fmt(dj('refreshAskLate'), 0)} / ${fmt(dj('refreshAskFailed'), 0)}`, `${fmt(dj('unchangedRefreshAsked'), 0)}, ${fmt(dj('unchangedRefreshAskLate'), 0)} / ${fmt(dj('unchangedRefreshAskFailed'), 0)}`]);
      r.push(['  /ask meanwhile: reply p50/p99/max (ms)', trio('refreshAskReply'), trio('unchangedRefreshAskReply')]);
      r.push(['  report', String(s.discord.refreshReport ?? ''), String(s.discord.unchangedRefreshReport ?? '')]);
      out.push(table(r));
    }
    if (args.discordOnly) {
      out.push('');
      continue;
    }
    const digests = new Set(
      runs
        .filter((r) => r.size === size)
        // Not after the refresh that adds a file: that corpus holds one more article, so scores move.
        .flatMap((r) => [r.metrics.digest, r.metrics.unchangedDigest, r.metrics.refreshAllDigest])
        .filter((d) => typeof d === 'string'),
    );
    const fromSnapshot = runs.filter((r) => r.size === size && (r.label === 'engine-start' || r.label === 'discord')).every((r) => r.metrics.fromSnapshot === true);
    const refreshOk = runs.filter((r) => r.size === size).flatMap((r) => ['unchangedOk', 'refreshOk', 'refreshAllOk'].map((k) => r.metrics[k]).filter((v) => v !== undefined));
    if (refreshOk.length === 0) throw new Error('bench: no refresh was measured');
    const ratios = libs.map(([name, l]) => `${name} ${fmt(lb(l, 'p50Ms') / es('p50Ms'))}x p50, ${fmt(lb(l, 'p99Ms') / es('p99Ms'))}x p99, ${fmt(lb(l, 'peakRssMb') / es('peakRssBeforeRefreshMb'))}x peak RSS`);
    out.push(
      `ratios: engine build / wink readDoc default pass ${fmt(buildRatio, 2)} wall, ${fmt(buildCpuRatio, 2)} CPU (engine pipe alone ${fmt(pipeRatio, 2)}; medians of per-repeat ratios); ` +
        `library / engine: ${ratios.join('; ')}`,
    );
    out.push(
      `checks: started from the saved index every time: ${fromSnapshot ? 'yes' : 'NO'}; answers identical built, from snapshot and after refresh (${Math.min(args.digest, args.questions)} questions): ${digests.size === 1 ? 'yes' : `NO (${[...digests].join(', ')})`}; refreshes ok: ${refreshOk.every((v) => v === true) ? 'yes' : 'NO'}; ` +
        `unchanged folder found unchanged: ${runs.filter((r) => r.size === size && r.label === 'engine-start').every((r) => r.metrics.unchangedChanged === 0) ? 'yes' : 'NO'}`,
    );
    out.push('');
  }
  out.push(
    'Notes: tokens are wink-nlp\'s, of the article texts for the engine and readDoc, of the indexed sentences for the libraries. ' +
      'Latency is the whole pipeline for the engine (engine.answer: question analysis, BM25, reranking, short answer) and plain search (top 10) for the libraries; ' +
      `${args.questions} SQuAD dev questions, uncached, after ${args.warmup} warm-up questions. ` +
      '"Cached ask" is the answers service the bot calls (src/cache, memory store), each question asked once and then again, awaited one at a time. ' +
      'Libraries have no worker refresh: their "refresh" is a rebuild on the main thread, which blocks the loop for the whole build (shown as the loop delay). ' +
      'Loop delay is monitorEventLoopDelay at 1 ms resolution from the refresh call to 2 s after the swap, with a question every 10 ms; ' +
      'an unchanged folder is read and hashed in the worker and nothing is built; one file added rebuilds the whole index in the worker and sends one article to the main thread; ' +
      'every file changed sends every article (measured in the first repeat only). ' +
      'The Discord rows are the real bot process (its loop delay from a preloaded probe, src/bench/loop-probe.mjs) and the emulator in the benchmark process; a reply is late past Discord\'s 3 s. ' +
      'CPU time is the process\'s user+system time (all its threads, GC included), which waiting for a busy core does not inflate. RSS is after a full GC; peak RSS is the process maximum.',
  );
  return out.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = new Date().toISOString();
  const loadBefore = loadavg();
  const { runs, sizes } = await measure(args);
  const load = `load average ${loadBefore.map((x) => x.toFixed(1)).join('/')} before, ${loadavg().map((x) => x.toFixed(1)).join('/')} after (1/5/15 min)`;
  const json = () => {
    const summary = Object.fromEntries([...sizes].map(([size, files]) => [String(files), summarise(runs, size)]));
    return `${JSON.stringify({ started, load, args: { ...args, sizes: args.sizes.map((s) => (Number.isFinite(s) ? s : 'full')) }, summary, runs })}\n`;
  };
  if (args.save !== null) writeFileSync(args.save, json());
  if (args.json) {
    process.stdout.write(json());
  } else {
    process.stdout.write(`Verbatim benchmark, ${started} (node ${process.version}, ${args.reps} repeats; ${load})\n\n${report(args, runs, sizes)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${messageOf(err)}\n`);
  process.exitCode = 1;
});
