// The engine's side of the build worker: start it, take the index in pieces (acknowledging each, so each is
// deserialised in its own event-loop turn), and reassemble it. The main thread never runs the build.
import { Worker } from 'node:worker_threads';
import type { Skipped } from '../corpus/article.ts';
import { restoreInstance } from '../index/portable.ts';
import type { Index } from '../index/types.ts';
import type { Ack, BuildRequest, WorkerMessage } from './protocol.ts';

export interface WorkerBuild {
  readonly index: Index;
  readonly version: string;
  readonly skipped: readonly Skipped[];
  readonly buildMs: number;
  readonly snapshotError: string | null;
}

const ENTRY = new URL('./worker.mjs', import.meta.url);

/** Build the corpus in `request.corpusDir` in a worker thread. Rejects with the worker's error. */
export function buildInWorker(request: BuildRequest): Promise<WorkerBuild> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: request });
    const parts = new Map<string, unknown[]>();
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(err);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      try {
        if (m.kind === 'piece') {
          let list = parts.get(m.field);
          if (!list) parts.set(m.field, (list = []));
          for (const item of m.items) list.push(item);
          worker.postMessage('next' satisfies Ack);
        } else if (m.kind === 'done') {
          const index: Record<string, unknown> = {};
          for (const field of m.order) {
            const instance = m.instances[field];
            if (field in m.typed) index[field] = m.typed[field];
            else if (instance !== undefined) index[field] = restoreInstance(instance.name, instance.props);
            else if (m.pieces.includes(field)) index[field] = parts.get(field) ?? [];
            else if (field in m.values) index[field] = m.values[field];
            else throw new Error(`refresh: the worker did not send field ${field}`);
          }
          settled = true;
          worker.postMessage('next' satisfies Ack);
          resolve({ index: index as unknown as Index, version: m.version, skipped: m.skipped, buildMs: m.buildMs, snapshotError: m.snapshotError });
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
