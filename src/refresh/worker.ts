// The build worker: load and index a corpus folder off the main thread, save its snapshot, and send the
// index to the engine (see protocol.ts). When the folder still holds exactly the current corpus, it builds
// nothing and says so. Any failure is reported as an 'error' message.
//
// Only what compares the folder is imported up front: the indexing code (and the language model it loads,
// most of the worker's start-up time) is imported when there is something to build.
import { parentPort, workerData } from 'node:worker_threads';
import type { Article } from '../corpus/article.ts';
import { folderChange } from '../corpus/compare.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../corpus/load.ts';
import type { Quotation } from '../quotes/quotations.ts';
import { PIECE, type Ack, type BuildRequest, type Part, type WorkerMessage } from './protocol.ts';
import { messageOf } from '../log.ts';

const port = parentPort;
if (port === null) throw new Error('refresh: worker.ts must run in a worker thread');

/** Post a message and wait for the engine's acknowledgement. */
function send(message: WorkerMessage, transfer: ArrayBuffer[] = []): Promise<void> {
  return new Promise((resolve) => {
    port!.once('message', (_: Ack) => resolve());
    port!.postMessage(message, transfer);
  });
}

async function sendList(key: string, items: readonly unknown[]): Promise<Part> {
  for (let i = 0; i < items.length; i += PIECE) await send({ kind: 'items', key, items: items.slice(i, i + PIECE) });
  return { kind: 'list', key };
}

async function sendMap(key: string, map: ReadonlyMap<unknown, unknown>): Promise<Part> {
  let entries: [unknown, unknown][] = [];
  for (const e of map) {
    entries.push(e);
    if (entries.length === PIECE * 16) {
      await send({ kind: 'entries', key, entries });
      entries = [];
    }
  }
  if (entries.length > 0) await send({ kind: 'entries', key, entries });
  return { kind: 'map', key };
}

/** Send a value as pieces where it is large; small values travel in the 'done' message. */
async function sendValue(key: string, value: unknown, registeredClassOf: (v: unknown) => string | null): Promise<Part> {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return { kind: 'typed', array: value as Extract<Part, { kind: 'typed' }>['array'] };
  if (Array.isArray(value) && value.length > PIECE) return sendList(key, value);
  if (value instanceof Map && value.size > PIECE) return sendMap(key, value);
  const name = registeredClassOf(value);
  if (name !== null) {
    const props: Record<string, Part> = {};
    for (const [prop, v] of Object.entries(value as object)) props[prop] = await sendValue(`${key}.${prop}`, v, registeredClassOf);
    return { kind: 'instance', name, props };
  }
  return { kind: 'value', value };
}

async function run(request: BuildRequest): Promise<void> {
  const t0 = performance.now();
  // Reading and hashing every file costs a small fraction of indexing them: a refresh of a folder that has
  // not changed (the usual /refresh) is over in a fraction of a second and the engine keeps its index.
  if (request.current !== undefined && request.currentSkipped !== undefined) {
    const change = await folderChange(request.corpusDir, {
      files: request.current,
      skipped: request.currentSkipped,
      skippedFiles: [],
      maxFileBytes: request.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    });
    if (change === null) {
      await send({ kind: 'unchanged', checkMs: performance.now() - t0 });
      return;
    }
  }
  const [{ buildCorpus, snapshotKey }, { writeSnapshot }, { registeredClassOf }] = await Promise.all([
    import('../engine.ts'),
    import('../store/snapshots.ts'),
    import('../index/portable.ts'),
  ]);
  const corpus = await buildCorpus(request);
  const buildMs = performance.now() - t0;
  let snapshotError: string | null = null;
  // Saved before sending: sending transfers (and so empties) the index's typed arrays.
  if (request.snapshot !== null) {
    try {
      await writeSnapshot(request.snapshot, request.corpusDir, corpus, snapshotKey(request));
    } catch (err) {
      snapshotError = messageOf(err);
    }
  }

  const index = corpus.index;
  const known = new Map((request.current ?? []).map(([path, hash], i) => [`${path}\0${hash}`, i]));
  const reuse = Int32Array.from(index.articles, (a) => known.get(`${a.path}\0${a.hash}`) ?? -1);
  const fields: Record<string, Part> = {};
  let sentArticles = 0;
  for (const [field, value] of Object.entries(index)) {
    if (field === 'articles') {
      const fresh = index.articles.filter((_, i) => reuse[i] === -1);
      sentArticles = fresh.length;
      await sendList('articles', fresh);
      fields[field] = { kind: 'articles', reuse, key: 'articles' };
    } else if (field === 'quotations') {
      const reused = new Set(index.articles.filter((_, i) => reuse[i] !== -1).map((a: Article) => a.id));
      const counts = new Uint32Array(index.articles.length);
      const position = new Map(index.articles.map((a, i) => [a.id, i]));
      const fresh = index.quotations.filter((q: Quotation) => {
        if (reused.has(q.articleId)) return false;
        counts[position.get(q.articleId)!]! += 1;
        return true;
      });
      await sendList('quotations', fresh);
      fields[field] = { kind: 'quotations', counts, key: 'quotations' };
    } else {
      fields[field] = await sendValue(field, value, registeredClassOf);
    }
  }
  const buffers = new Set<ArrayBuffer>();
  const collect = (p: Part): void => {
    if (p.kind === 'typed') buffers.add(p.array.buffer as ArrayBuffer);
    else if (p.kind === 'articles') buffers.add(p.reuse.buffer as ArrayBuffer);
    else if (p.kind === 'quotations') buffers.add(p.counts.buffer as ArrayBuffer);
    else if (p.kind === 'instance') Object.values(p.props).forEach(collect);
  };
  Object.values(fields).forEach(collect);
  await send(
    { kind: 'done', version: corpus.version, skipped: corpus.skipped, order: Object.keys(index), fields, buildMs, sentArticles, snapshotError },
    [...buffers],
  );
}

run(workerData as BuildRequest).catch((err: unknown) => {
  port.postMessage({ kind: 'error', message: messageOf(err) } satisfies WorkerMessage);
});
