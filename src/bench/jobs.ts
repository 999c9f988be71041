// One measurement each, run in a fresh child process (child.ts) so that its peak RSS is its own: the engine's
// build on the main thread, its start from files and from a saved index, its answers and a refresh under
// load; wink-nlp's own pass over the same text; and each stock library's build, answers and start.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { listCorpus, loadCorpus } from '../corpus/load.ts';
import { corpusVersion, Engine, snapshotKey } from '../engine.ts';
import { buildIndex } from '../index/build.ts';
import { toPortable } from '../index/portable.ts';
import { setLogSink } from '../log.ts';
import { loadMiniSearchBaseline, loadWinkBm25Baseline, miniSearchBaseline, winkBm25Baseline, type SentenceSearch } from '../eval/baselines.ts';
import { writeSnapshot } from '../store/snapshots.ts';
import { latency } from './stats.ts';

export type Library = 'minisearch' | 'wink-bm25';

export type Job =
  | { readonly kind: 'engine-build'; readonly corpusDir: string; readonly snapshot: string; readonly sentences: string | null }
  /** corpusDir is the job's own copy of the corpus: its files are rewritten (and restored) for a refresh. */
  | { readonly kind: 'engine-cold'; readonly corpusDir: string; readonly questions: string; readonly digest: number; readonly refreshAll: boolean }
  | { readonly kind: 'engine-start'; readonly corpusDir: string; readonly snapshot: string; readonly questions: string; readonly digest: number }
  | { readonly kind: 'readdoc'; readonly corpusDir: string }
  | { readonly kind: 'library-build'; readonly library: Library; readonly sentences: string; readonly saved: string; readonly questions: string }
  | { readonly kind: 'library-start'; readonly library: Library; readonly sentences: string; readonly saved: string };

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

/** Time each call of `ask` over the questions, after a warm-up; plus a Map memo's hits over the same list. */
function timeQuestions<T>(set: QuestionSet, ask: (q: string) => T, isAnswer: (t: T) => boolean): Metrics {
  for (const q of set.warmup) ask(q);
  const ms = new Array<number>(set.questions.length);
  const cpu = new Array<number>(set.questions.length);
  const memo = new Map<string, T>();
  let answered = 0;
  const t0 = performance.now();
  set.questions.forEach((q, i) => {
    const c = process.cpuUsage();
    const t = performance.now();
    const a = ask(q);
    ms[i] = performance.now() - t;
    const used = process.cpuUsage(c);
    cpu[i] = (used.user + used.system) / 1000;
    memo.set(q, a);
    if (isAnswer(a)) answered++;
  });
  const total = performance.now() - t0;
  // The cache placeholder: an in-process Map memo in front of the same call (src/cache/ replaces it).
  const cached = set.questions.map((q) => {
    const t = performance.now();
    const hit = memo.get(q) ?? ask(q);
    const dt = performance.now() - t;
    if (hit === undefined) throw new Error('bench: empty memo entry');
    return dt;
  });
  const l = latency(ms);
  const c = latency(cached);
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
    cachedP50Us: c.p50 * 1000,
    cachedP99Us: c.p99 * 1000,
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
 * millisecond from the refresh call until 2 s after the swap (when the old index is collected).
 */
async function measureRefresh(engine: Engine, set: QuestionSet, digest: number): Promise<Metrics> {
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
  const d = latency(during);
  return {
    refreshOk: report.ok,
    refreshChanged: report.ok ? report.changed.length : -1,
    refreshMs,
    eldP50Ms: eld.percentile(50) / 1e6,
    eldP99Ms: eld.percentile(99) / 1e6,
    eldMaxMs: eld.max / 1e6,
    answeredDuringRefresh: during.length,
    duringRefreshP50Ms: d.p50,
    duringRefreshP99Ms: d.p99,
    digestAfterRefresh: digestOf(engine, set.questions.slice(0, digest)),
    peakRssWithRefreshMb: peakRss(),
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
  const after = memory();
  let arrayBytes = 0;
  for (const a of Object.values(toPortable(index).typed)) arrayBytes += a.byteLength;
  const sentences = index.sentenceStart.length;
  t = performance.now();
  const snapshotBytes = await writeSnapshot(job.snapshot, job.corpusDir, { index, version, skipped }, snapshotKey({}));
  const saveMs = performance.now() - t;
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
  const t = performance.now();
  const engine = await Engine.open({ corpusDir: job.corpusDir, snapshot: false });
  const openMs = performance.now() - t;
  const readyMs = performance.now(); // since this process started
  const m = memory();
  const digest = digestOf(engine, set.questions.slice(0, job.digest));
  if (!job.refreshAll) return { openMs, processReadyMs: readyMs, rssMb: m.rss, heapMb: m.heap, peakRssMb: m.peakRss, digest };
  // The worst refresh: every file has changed (one more trailing newline), so every article crosses from the
  // worker to the main thread. The files are restored afterwards.
  const { files } = await listCorpus(job.corpusDir);
  const original = files.map((f) => readFileSync(f.absolute));
  files.forEach((f, i) => writeFileSync(f.absolute, Buffer.concat([original[i]!, Buffer.from('\n')])));
  let refresh: Metrics;
  try {
    refresh = await measureRefresh(engine, set, job.digest);
  } finally {
    files.forEach((f, i) => writeFileSync(f.absolute, original[i]!));
  }
  return { openMs, processReadyMs: readyMs, rssMb: m.rss, heapMb: m.heap, peakRssMb: m.peakRss, digest, ...refresh };
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
  const peakBeforeRefresh = peakRss();
  // The typical refresh: the folder has not changed (or barely), so few articles cross from the worker.
  const refresh = await measureRefresh(engine, set, job.digest);
  return { fromSnapshot, openMs, processReadyMs: readyMs, rssMb: m.rss, heapMb: m.heap, peakRssBeforeRefreshMb: peakBeforeRefresh, ...answers, digest, ...refresh };
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
  }
}
