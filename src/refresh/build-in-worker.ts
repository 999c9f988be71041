// The engine's side of the build worker: start it, take the index in pieces (acknowledging each, so each is
// deserialised in its own event-loop turn), and reassemble it, reusing the current index's objects for
// unchanged articles; or learn that no file has changed, and build nothing. The main thread never runs the
// build.
import type { Article, Skipped } from '../corpus/article.ts';
import { restoreInstance } from '../index/portable.ts';
import type { Index } from '../index/types.ts';
import type { Quotation } from '../quotes/quotations.ts';
import type { Ack, BuildRequest, Part, WorkerMessage } from './protocol.ts';
import { removeTemporaries } from '../store/snapshots.ts';
import { startWorker, stopWorker } from '../threads.ts';

export interface WorkerBuild {
  readonly kind: 'built';
  readonly index: Index;
  readonly version: string;
  readonly skipped: readonly Skipped[];
  readonly buildMs: number;
  /** Articles the worker sent; the others were reused from the current index. */
  readonly sentArticles: number;
  readonly snapshotError: string | null;
}

/** The folder holds exactly the current corpus's files: nothing was built. */
export interface WorkerUnchanged {
  readonly kind: 'unchanged';
  readonly checkMs: number;
}

/** The corpus the engine serves now, as far as the worker needs it. */
export interface CurrentCorpus {
  readonly index: Index;
  readonly skipped: readonly Skipped[];
}

const ENTRY = new URL('./worker.mjs', import.meta.url);

function formatMs(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** The current index's quotations of each article, by article id (they are contiguous, in corpus order). */
function quotationsByArticle(quotations: readonly Quotation[]): Map<string, Quotation[]> {
  const by = new Map<string, Quotation[]>();
  for (const q of quotations) {
    const list = by.get(q.articleId);
    if (list) list.push(q);
    else by.set(q.articleId, [q]);
  }
  return by;
}

function assemble(m: Extract<WorkerMessage, { kind: 'done' }>, lists: Map<string, unknown[]>, maps: Map<string, Map<unknown, unknown>>, current: Index | undefined): Index {
  const list = (key: string) => lists.get(key) ?? [];
  let articles: readonly Article[] = [];
  const value = (p: Part): unknown => {
    switch (p.kind) {
      case 'typed':
        return p.array;
      case 'value':
        return p.value;
      case 'list':
        return list(p.key);
      case 'map':
        return maps.get(p.key) ?? new Map();
      case 'instance': {
        const props: Record<string, unknown> = {};
        for (const [k, part] of Object.entries(p.props)) props[k] = value(part);
        return restoreInstance(p.name, props);
      }
      case 'articles': {
        const fresh = list(p.key) as Article[];
        let next = 0;
        articles = Array.from(p.reuse, (r) => (r === -1 ? fresh[next++]! : current!.articles[r]!));
        if (next !== fresh.length) throw new Error('refresh: the worker sent more articles than it placed');
        return articles;
      }
      case 'quotations': {
        const fresh = list(p.key) as Quotation[];
        const old = current ? quotationsByArticle(current.quotations) : new Map<string, Quotation[]>();
        const reuse = (m.fields.articles as Extract<Part, { kind: 'articles' }> | undefined)?.reuse;
        if (reuse === undefined) throw new Error('refresh: quotations need the articles field');
        const out: Quotation[] = [];
        let next = 0;
        for (let i = 0; i < reuse.length; i++) {
          if (reuse[i] !== -1) {
            for (const q of old.get(current!.articles[reuse[i]!]!.id) ?? []) out.push(q);
          } else {
            for (let c = 0; c < p.counts[i]!; c++) out.push(fresh[next++]!);
          }
        }
        if (next !== fresh.length) throw new Error('refresh: the worker sent more quotations than it placed');
        return out;
      }
    }
  };
  const index: Record<string, unknown> = {};
  // Articles first: the quotations are placed by them.
  const order = [...m.order].sort((a, b) => (a === 'articles' ? -1 : b === 'articles' ? 1 : 0));
  for (const field of order) {
    const part = m.fields[field];
    if (part === undefined) throw new Error(`refresh: the worker did not send field ${field}`);
    index[field] = value(part);
  }
  // Back in the index's own field order, so a refreshed index has the shape of a built one.
  return Object.fromEntries(m.order.map((f) => [f, index[f]])) as unknown as Index;
}

/**
 * Build the corpus in `request.corpusDir` in a worker thread. With `current`, nothing is built when the folder
 * holds exactly its files (same paths, same bytes, the same files skipped alike), and otherwise articles
 * whose file has not changed are taken from it instead of being sent. Rejects with the worker's error, or when
 * the build has not finished within `deadlineMs` (the worker is then stopped).
 */
export function buildInWorker(request: BuildRequest, current?: CurrentCorpus, deadlineMs = Infinity): Promise<WorkerBuild | WorkerUnchanged> {
  const withCurrent: BuildRequest = current
    ? { ...request, current: current.index.articles.map((a) => [a.path, a.hash] as const), currentSkipped: current.skipped }
    : request;
  const currentIndex = current?.index;
  return new Promise((resolve, reject) => {
    const worker = startWorker(ENTRY, { workerData: withCurrent });
    // Read now: once the thread has stopped, worker.threadId is -1.
    const thread = worker.threadId;
    const lists = new Map<string, unknown[]>();
    const maps = new Map<string, Map<unknown, unknown>>();
    let settled = false;
    const deadline = Number.isFinite(deadlineMs)
      ? setTimeout(() => fail(new Error(`the build took longer than ${formatMs(deadlineMs)} and was stopped`)), deadlineMs)
      : null;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      if (deadline) clearTimeout(deadline);
      // A worker stopped while saving the index leaves its temporary file: removed once the thread is gone.
      void stopWorker(worker)
        .then(() => (request.snapshot === null ? 0 : removeTemporaries(request.snapshot, thread)))
        .catch(() => 0)
        .then(() => reject(err));
    };
    const succeed = (result: WorkerBuild | WorkerUnchanged) => {
      settled = true;
      if (deadline) clearTimeout(deadline);
      worker.postMessage('next' satisfies Ack);
      resolve(result);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      try {
        if (m.kind === 'items') {
          let l = lists.get(m.key);
          if (!l) lists.set(m.key, (l = []));
          for (const item of m.items) l.push(item);
          worker.postMessage('next' satisfies Ack);
        } else if (m.kind === 'entries') {
          let map = maps.get(m.key);
          if (!map) maps.set(m.key, (map = new Map()));
          for (const [k, v] of m.entries) map.set(k, v);
          worker.postMessage('next' satisfies Ack);
        } else if (m.kind === 'done') {
          const index = assemble(m, lists, maps, currentIndex);
          succeed({ kind: 'built', index, version: m.version, skipped: m.skipped, buildMs: m.buildMs, sentArticles: m.sentArticles, snapshotError: m.snapshotError });
        } else if (m.kind === 'unchanged') {
          succeed({ kind: 'unchanged', checkMs: m.checkMs });
        } else {
          fail(new Error(m.message));
        }
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => fail(new Error(`refresh: the build worker exited (code ${code}) before sending the index`)));
  });
}
