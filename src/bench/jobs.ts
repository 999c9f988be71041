// One measurement each, run in a fresh child process (child.ts) so that its peak RSS is its own: the engine's
// build on the main thread, its start from files and from a saved index, its answers and a refresh under
// load; wink-nlp's own pass over the same text; and each stock library's build, answers and start.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
// wink-nlp is imported here directly, not through src/nlp/wink.ts, on purpose: the readdoc job measures the
// library itself with its default pipeline (the floor for any index built on it), as baselines.ts measures
// MiniSearch and wink-bm25 themselves.
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { createAnswers, openAnswerCache } from '../cache/index.ts';
import { listCorpus, loadCorpus } from '../corpus/load.ts';
import { corpusVersion, Engine, snapshotKey } from '../engine.ts';
import { buildIndex } from '../index/build.ts';
import { releaseWordNet } from '../nlp/wordnet.ts';
import { toPortable } from '../index/portable.ts';
import { logger, setLogSink } from '../log.ts';
import { loadMiniSearchBaseline, loadWinkBm25Baseline, miniSearchBaseline, winkBm25Baseline, type SentenceSearch } from '../eval/baselines.ts';
import { writeSnapshot } from '../store/snapshots.ts';
import { prepareWordLists } from '../store/wordlists.ts';
import { discordJob, type DiscordJob } from './discord.ts';
import { latency, spreadMetrics } from './stats.ts';

export type Library = 'minisearch' | 'wink-bm25';

export type Job =
  | { readonly kind: 'engine-build'; readonly corpusDir: string; readonly snapshot: string; readonly sentences: string | null }
  /** corpusDir is the job's own copy of the corpus: its files are rewritten (and restored) for a refresh. */
  | { readonly kind: 'engine-cold'; readonly corpusDir: string; readonly questions: string; readonly digest: number; readonly refreshAll: boolean }
  | { readonly kind: 'engine-start'; readonly corpusDir: string; readonly snapshot: string; readonly questions: string; readonly digest: number }
  | { readonly kind: 'readdoc'; readonly corpusDir: string }
  | { readonly kind: 'library-build'; readonly library: Library; readonly sentences: string; readonly saved: string; readonly questions: string }
  | { readonly kind: 'library-start'; readonly library: Library; readonly sentences: string; readonly saved: string }
  | DiscordJob;

/** Flat metrics: numbers are aggregated over repeats (median); strings are notes. */
export type Metrics = Record<string, number | string | boolean>;

export interface QuestionSet {
  readonly questions: string[];
  readonly warmup: string[];
}

const MB = 1024 * 1024;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('bench: child processes need --expose-gc');
  collect();
  collect();
}

/** Memory after a full collection: what the process holds, not what it has yet to collect. */
function memory(): { rss: number; heap: number; arrayBuffers: number; peakRss: number } {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss / MB, heap: m.heapUsed / MB, arrayBuffers: m.arrayBuffers / MB, peakRss: peakRss() };
}

/** Peak resident set size of this process so far, in MB. */
function peakRss(): number {
  return (process.resourceUsage().maxRSS * 1024) / MB;
}

/** CPU time (user + system, all threads of the process) since `from`, in ms: unlike wall time, it does not
 * grow while the process waits for a core that other work holds. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

function readQuestions(path: string): QuestionSet {
  return JSON.parse(readFileSync(path, 'utf8')) as QuestionSet;
}

/** Time each call of `ask` over the questions, after a warm-up. */
function timeQuestions<T>(set: QuestionSet, ask: (q: string) => T, isAnswer: (t: T) => boolean): Metrics {
  for (const q of set.warmup) ask(q);
  const ms = new Array<number>(set.questions.length);
  const cpu = new Array<number>(set.questions.length);
  let answered = 0;
  const t0 = performance.now();
  set.questions.forEach((q, i) => {
    const c = process.cpuUsage();
    const t = performance.now();
    const a = ask(q);
    ms[i] = performance.now() - t;
    const used = process.cpuUsage(c);
    cpu[i] = (used.user + used.system) / 1000;
    if (isAnswer(a)) answered++;
  });
  const total = performance.now() - t0;
  const l = latency(ms);
  const u = latency(cpu);
  return {
    cpuP50Ms: u.p50,
    cpuP99Ms: u.p99,
    questions: set.questions.length,
    answeredShare: answered / set.questions.length,
    p50Ms: l.p50,
    p95Ms: l.p95,
    p99Ms: l.p99,
    maxMs: l.max,
    meanMs: l.mean,
    qps: (1000 * set.questions.length) / total,
  };
}

/**
 * The answers service the bot calls (src/cache: the memory store, as with no CACHE_URL): every question asked
 * once (a miss: the engine answers, the entry is written), then each asked again and timed, awaited one at a
 * time as a command awaits it. Every repeat must be a hit, deep-equal to the engine's answer.
 */
async function timeCached(engine: Engine, set: QuestionSet): Promise<Metrics> {
  const cache = await openAnswerCache({ url: null, ttlSeconds: 3600, log: logger('cache') });
  const answers = createAnswers({ engine, cache, log: logger('answers'), statsIntervalMs: 0 });
  const missMs: number[] = [];
  for (const q of set.questions) {
    const t = performance.now();
    await answers.ask(q);
    missMs.push(performance.now() - t);
  }
  await answers.flush();
  const hitMs: number[] = [];
  const cpu = process.cpuUsage();
  for (const q of set.questions) {
    const t = performance.now();
    const r = await answers.ask(q);
    hitMs.push(performance.now() - t);
    if (!r.cached) throw new Error(`bench: a repeat was not answered from the cache: ${JSON.stringify(q)}`);
  }
  const used = process.cpuUsage(cpu);
  const h = createHash('sha256');
  const e = createHash('sha256');
  for (const q of set.questions.slice(0, 200)) {
    h.update(JSON.stringify((await answers.ask(q)).answer));
    e.update(JSON.stringify(engine.answer(q)));
  }
  if (h.digest('hex') !== e.digest('hex')) throw new Error('bench: cached answers differ from the engine\'s');
  await answers.close();
  const hit = latency(hitMs);
  const miss = latency(missMs);
  return {
    cachedP50Us: hit.p50 * 1000,
    cachedP99Us: hit.p99 * 1000,
    cachedMeanCpuUs: ((used.user + used.system) / set.questions.length),
    serviceMissP50Ms: miss.p50,
    serviceMissP99Ms: miss.p99,
  };
}

function digestOf(engine: Engine, questions: readonly string[]): string {
  const h = createHash('sha256');
  for (const q of questions) h.update(JSON.stringify(engine.answer(q)));
  return h.digest('hex').slice(0, 16);
}

/** Engine log lines, so a job can tell whether the saved index was used. */
function captureLog(): string[] {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  return lines;
}

/**
 * A refresh while questions keep coming (one every 10 ms), with the event-loop delay sampled every
 * millisecond from the refresh call until 2 s after the swap (when the old index is collected). Metrics are
 * named `${prefix}...`.
 */
async function measureRefresh(engine: Engine, set: QuestionSet, digest: number, prefix: string): Promise<Metrics> {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const during: number[] = [];
  let next = 0;
  const asker = setInterval(() => {
    const q = set.questions[next++ % set.questions.length]!;
    const s = performance.now();
    engine.answer(q);
    during.push(performance.now() - s);
  }, 10);
  eld.enable();
  const t = performance.now();
  const report = await engine.refresh();
  const refreshMs = performance.now() - t;
  await new Promise((r) => setTimeout(r, 2000));
  eld.disable();
  clearInterval(asker);
  return {
    [`${prefix}Ok`]: report.ok,
    [`${prefix}Changed`]: report.ok ? report.added.length + report.removed.length + report.changed.length : -1,
    [`${prefix}Ms`]: refreshMs,
    ...spreadMetrics(`${prefix}Eld`, { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 }),
    [`${prefix}Answered`]: during.length,
    ...spreadMetrics(`${prefix}Answer`, latency(during)),
    [`${prefix}Digest`]: digestOf(engine, set.questions.slice(0, digest)),
    [`${prefix}PeakRssMb`]: peakRss(),
  };
}

async function engineBuild(job: Extract<Job, { kind: 'engine-build' }>): Promise<Metrics> {
  const base = memory();
  let t = performance.now();
  const { articles, skipped } = await loadCorpus(job.corpusDir);
  const loadMs = performance.now() - t;
  t = performance.now();
  const c = process.cpuUsage();
  const index = buildIndex(articles);
  const buildCpuMs = cpuMs(c);
  const buildMs = performance.now() - t;
  const version = corpusVersion(articles);
  // The WordNet files a build reads are dropped a few seconds after it; the heap measured here is the index's.
  releaseWordNet();
  const after = memory();
  let arrayBytes = 0;
  for (const a of Object.values(toPortable(index).typed)) arrayBytes += a.byteLength;
  const sentences = index.sentenceStart.length;
  t = performance.now();
  const snapshotBytes = await writeSnapshot(job.snapshot, job.corpusDir, { index, version, skipped }, snapshotKey({}));
  const saveMs = performance.now() - t;
  // WordNet's word lists too, as a bot's first start saves them beside its snapshot: the start jobs measure a
  // restart, with both already saved.
  const lists = await prepareWordLists(dirname(job.snapshot));
  if (lists.kind === 'unsaved') throw new Error(`bench: could not save WordNet's word lists beside the snapshot: ${lists.reason}`);
  if (job.sentences !== null) {
    const texts = Array.from(index.sentenceStart, (start, s) => index.articles[index.sentenceArticle[s]!]!.text.slice(start, index.sentenceEnd[s]!));
    await mkdir(dirname(job.sentences), { recursive: true });
    writeFileSync(job.sentences, JSON.stringify(texts));
  }
  return {
    articles: articles.length,
    skippedFiles: skipped.length,
    sentences,
    indexTokens: index.tokenTerm.length,
    vocabulary: index.vocabulary.size,
    quotations: index.quotations.length,
    loadMs,
    buildMs,
    buildCpuMs,
    peakRssMb: peakRss(),
    heapAfterMb: after.heap,
    rssAfterMb: after.rss,
    retainedBytesPerSentence: ((after.heap + after.arrayBuffers - base.heap - base.arrayBuffers) * MB) / sentences,
    arrayBytesPerSentence: arrayBytes / sentences,
    snapshotMb: snapshotBytes / MB,
    snapshotSaveMs: saveMs,
  };
}

async function engineCold(job: Extract<Job, { kind: 'engine-cold' }>): Promise<Metrics> {
  const set = readQuestions(job.questions);
  const probe = join(job.corpusDir, 'bench-refresh-probe.txt');
  rmSync(probe, { force: true }); // left by an interrupted run
  const t = performance.now();
  const engine = await Engine.open({ corpusDir: job.corpusDir, snapshot: false });
  const openMs = performance.now() - t;
  const readyMs = performance.now(); // since this process started
  const m = memory();
  const digest = digestOf(engine, set.questions.slice(0, job.digest));
  const opened = { openMs, processReadyMs: readyMs, rssMb: m.rss, heapMb: m.heap, peakRssMb: m.peakRss, digest };
  // A full refresh: one new file, so the worker loads and indexes the whole folder again; one article crosses.
  writeFileSync(probe, 'Benchmark refresh probe\n\nThe harbour authority at Riverton said on Tuesday that the new ferry pier would open in the spring, after two years of works.\n');
  let full: Metrics;
  try {
    full = await measureRefresh(engine, set, job.digest, 'refresh');
  } finally {
    rmSync(probe, { force: true });
  }
  if (!job.refreshAll) return { ...opened, ...full };
  // The worst refresh: every file has changed (one more trailing newline), so every article crosses from the
  // worker to the main thread. The files are restored afterwards.
  const { files } = await listCorpus(job.corpusDir);
  const original = files.map((f) => readFileSync(f.absolute));
  files.forEach((f, i) => writeFileSync(f.absolute, Buffer.concat([original[i]!, Buffer.from('\n')])));
  let all: Metrics;
  try {
    all = await measureRefresh(engine, set, job.digest, 'refreshAll');
  } finally {
    files.forEach((f, i) => writeFileSync(f.absolute, original[i]!));
  }
  return { ...opened, ...full, ...all };
}

/** The answer users get (Engine.ask: the lexical engine, its decision checked by the sentence encoder where it
 * could change it), one question at a time: wall-clock latency, and the share answered. */
async function timeChecked(engine: Engine, set: QuestionSet): Promise<Metrics> {
  for (const q of set.warmup) await engine.ask(q);
  const ms: number[] = [];
  let answered = 0;
  for (const q of set.questions) {
    const t = performance.now();
    const a = await engine.ask(q);
    ms.push(performance.now() - t);
    if (a.kind === 'answer') answered++;
  }
  const l = latency(ms);
  return { askP50Ms: l.p50, askP95Ms: l.p95, askP99Ms: l.p99, askAnsweredShare: answered / set.questions.length };
}

async function engineStart(job: Extract<Job, { kind: 'engine-start' }>): Promise<Metrics> {
  const log = captureLog();
  const set = readQuestions(job.questions);
  let t = performance.now();
  const engine = await Engine.open({ corpusDir: job.corpusDir, snapshot: job.snapshot });
  const openMs = performance.now() - t;
  const readyMs = performance.now();
  const fromSnapshot = !log.some((l) => l.includes('saved index not used'));
  const m = memory();
  const digest = digestOf(engine, set.questions.slice(0, job.digest));
  const answers = timeQuestions(set, (q) => engine.answer(q), (a) => a.kind === 'answer');
  const checked = await timeChecked(engine, set);
  const cached = await timeCached(engine, set);
  const peakBeforeRefresh = peakRss();
  // The usual /refresh: the folder has not changed, so every file is read and hashed, and nothing is built.
  const refresh = await measureRefresh(engine, set, job.digest, 'unchanged');
  return { fromSnapshot, openMs, processReadyMs: readyMs, rssMb: m.rss, heapMb: m.heap, peakRssBeforeRefreshMb: peakBeforeRefresh, ...answers, ...checked, ...cached, digest, ...refresh };
}

async function readDocPass(job: Extract<Job, { kind: 'readdoc' }>): Promise<Metrics> {
  const { articles } = await loadCorpus(job.corpusDir);
  const pass = (nlp: ReturnType<typeof winkNLP>) => {
    let tokens = 0;
    const t = performance.now();
    const c = process.cpuUsage();
    for (const a of articles) tokens += nlp.readDoc(a.text).tokens().length();
    return { tokens, ms: performance.now() - t, cpu: cpuMs(c) };
  };
  // wink-nlp's default pipeline (what readDoc does out of the box), then the engine's own pipe.
  const full = pass(winkNLP(model));
  const own = pass(winkNLP(model, ['sbd', 'pos']));
  return { articles: articles.length, tokens: full.tokens, defaultMs: full.ms, defaultCpuMs: full.cpu, sbdPosMs: own.ms, sbdPosCpuMs: own.cpu, peakRssMb: peakRss() };
}

const LIBRARIES: Record<Library, { build: (s: readonly string[]) => SentenceSearch; load: (json: string) => SentenceSearch }> = {
  minisearch: { build: miniSearchBaseline, load: loadMiniSearchBaseline },
  'wink-bm25': { build: winkBm25Baseline, load: loadWinkBm25Baseline },
};

async function libraryBuild(job: Extract<Job, { kind: 'library-build' }>): Promise<Metrics> {
  const base = memory();
  let t = performance.now();
  const sentences = JSON.parse(readFileSync(job.sentences, 'utf8')) as string[];
  const readMs = performance.now() - t;
  t = performance.now();
  const c = process.cpuUsage();
  const search = LIBRARIES[job.library].build(sentences);
  const buildCpuMs = cpuMs(c);
  const buildMs = performance.now() - t;
  const after = memory();
  const answers = timeQuestions(readQuestions(job.questions), (q) => search.search(q, 10), (ids) => ids.length > 0);
  t = performance.now();
  const json = search.save();
  await mkdir(dirname(job.saved), { recursive: true });
  writeFileSync(job.saved, json);
  const saveMs = performance.now() - t;
  return {
    sentences: sentences.length,
    readMs,
    buildMs,
    buildCpuMs,
    coldStartMs: readMs + buildMs,
    peakRssAfterBuildMb: after.peakRss,
    heapAfterMb: after.heap,
    rssAfterMb: after.rss,
    retainedBytesPerSentence: ((after.heap + after.arrayBuffers - base.heap - base.arrayBuffers) * MB) / sentences.length,
    ...answers,
    savedMb: Buffer.byteLength(json) / MB,
    saveMs,
    peakRssMb: peakRss(),
  };
}

async function libraryStart(job: Extract<Job, { kind: 'library-start' }>): Promise<Metrics> {
  const t = performance.now();
  const sentences = JSON.parse(readFileSync(job.sentences, 'utf8')) as string[];
  const search = LIBRARIES[job.library].load(readFileSync(job.saved, 'utf8'));
  const openMs = performance.now() - t;
  const readyMs = performance.now();
  const m = memory();
  if (sentences.length === 0 || search.search('the', 1) === undefined) throw new Error('bench: nothing loaded');
  return { openMs, processReadyMs: readyMs, rssMb: m.rss, heapMb: m.heap, peakRssMb: m.peakRss };
}

export function runJob(job: Job): Promise<Metrics> {
  switch (job.kind) {
    case 'engine-build':
      return engineBuild(job);
    case 'engine-cold':
      return engineCold(job);
    case 'engine-start':
      return engineStart(job);
    case 'readdoc':
      return readDocPass(job);
    case 'library-build':
      return libraryBuild(job);
    case 'library-start':
      return libraryStart(job);
    case 'discord':
      return discordJob(job);
  }
}
