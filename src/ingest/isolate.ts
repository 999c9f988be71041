// HTML extraction in a worker thread, with a time and memory cap. Parsing and scoring a hostile or merely
// huge page can take minutes of CPU and hundreds of megabytes (Readability's scoring grows faster than the
// page: about 2.5 s for 10,000 elements, over a minute for 60,000 on this project's CI machine); in a worker
// the bot keeps answering meanwhile, and a page that takes too long or too much memory is refused by ending
// the worker, which frees everything it held.
import { startWorker, stopWorker } from '../threads.ts';
import type { Extraction } from './extract.ts';

export interface ExtractRequest {
  readonly bytes: Uint8Array;
  readonly options: { readonly url: string; readonly charset: string | null; readonly sourceFallback: string | null };
}

/** How long one page may take to read, worker start-up (about a second and a half) included. */
export const EXTRACT_TIMEOUT_MS = 30_000;
/** The worker's heap cap. */
const MAX_HEAP_MB = 512;

const ENTRY = new URL('./extract-worker.mjs', import.meta.url);

export function extractInWorker(request: ExtractRequest, timeoutMs = EXTRACT_TIMEOUT_MS): Promise<Extraction> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(ENTRY, { workerData: request, resourceLimits: { maxOldGenerationSizeMb: MAX_HEAP_MB } });
    let settled = false;
    const settle = (outcome: Extraction | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Settled once the thread has stopped, so no extraction outlives the call that started it.
      void stopWorker(worker).then(() => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
    };
    const timer = setTimeout(() => settle({ kind: 'refused', reason: `the page took longer than ${timeoutMs / 1000} s to read` }), timeoutMs);
    worker.once('message', (m: Extraction) => settle(m));
    worker.once('error', (err: NodeJS.ErrnoException) => {
      // Running out of the heap cap is the page's doing, not a bug: refuse it. Anything else is a bug.
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') settle({ kind: 'refused', reason: 'the page needs too much memory to read' });
      else settle(err);
    });
    worker.once('exit', (code) => settle(new Error(`ingest: the extraction worker exited (code ${code}) without a result`)));
  });
}
