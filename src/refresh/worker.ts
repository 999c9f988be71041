// The build worker: load and index a corpus folder off the main thread, save its snapshot, and send the
// index to the engine (see protocol.ts). Any failure is reported as an 'error' message.
import { parentPort, workerData } from 'node:worker_threads';
import { buildCorpus, snapshotKey } from '../engine.ts';
import { registeredClassOf } from '../index/portable.ts';
import { writeSnapshot } from '../store/snapshots.ts';
import { PIECE, type Ack, type BuildRequest, type WorkerMessage } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('refresh: worker.ts must run in a worker thread');

/** Post a message and wait for the engine's acknowledgement. */
function send(message: WorkerMessage, transfer: ArrayBuffer[] = []): Promise<void> {
  return new Promise((resolve) => {
    port!.once('message', (_: Ack) => resolve());
    port!.postMessage(message, transfer);
  });
}

async function run(request: BuildRequest): Promise<void> {
  const t0 = performance.now();
  const corpus = await buildCorpus(request);
  const buildMs = performance.now() - t0;
  let snapshotError: string | null = null;
  // Saved before sending: sending transfers (and so empties) the index's typed arrays.
  if (request.snapshot !== null) {
    try {
      await writeSnapshot(request.snapshot, request.corpusDir, corpus, snapshotKey(request));
    } catch (err) {
      snapshotError = err instanceof Error ? err.message : String(err);
    }
  }
  const typed: Record<string, ArrayBufferView> = {};
  const values: Record<string, unknown> = {};
  const instances: Record<string, { name: string; props: Record<string, unknown> }> = {};
  const pieces: string[] = [];
  const order = Object.keys(corpus.index);
  for (const [field, value] of Object.entries(corpus.index)) {
    if (ArrayBuffer.isView(value)) {
      typed[field] = value;
      continue;
    }
    const name = registeredClassOf(value);
    if (name !== null) {
      instances[field] = { name, props: { ...(value as object) } };
    } else if (Array.isArray(value) && value.length > PIECE) {
      pieces.push(field);
      for (let i = 0; i < value.length; i += PIECE) await send({ kind: 'piece', field, items: value.slice(i, i + PIECE) });
    } else {
      values[field] = value;
    }
  }
  const buffers = [...new Set(Object.values(typed).map((t) => t.buffer as ArrayBuffer))];
  await send(
    {
      kind: 'done',
      version: corpus.version,
      skipped: corpus.skipped,
      order,
      typed: typed as Extract<WorkerMessage, { kind: 'done' }>['typed'],
      values,
      instances,
      pieces,
      buildMs,
      snapshotError,
    },
    buffers,
  );
}

run(workerData as BuildRequest).catch((err: unknown) => {
  port.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
});
