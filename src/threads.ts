// How the project starts its worker threads (the refresh build and the HTML extraction).
//
// The threads run without require(esm) (`--no-experimental-require-module`). Node 20's require(esm) can
// abort the whole process instead of throwing: "FATAL ERROR: v8::Module::IsGraphAsync must be used on an
// instantiated module", when a require() reaches a module the loader has started but not yet instantiated (the
// case Node's module_job.js marks FIXME in runSync). jsdom's dependencies (@exodus/bytes, parse5) are ES
// modules required from CommonJS, so the extraction worker took that path; the project's CI saw the abort
// once, and a fatal error in a thread ends the bot with it.
//
// Without require(esm), tsx's CommonJS hook compiles such a module instead, so each thread preloads tsx's
// loader (`--import`, as `npm start` runs the bot). On Node 20 only that hook takes effect in a thread; tsx's
// ES module hooks do not reach it (tsx issue #354), which is why each entry is a small .mjs file that
// registers them for itself with tsImport.
import { Worker, type WorkerOptions } from 'node:worker_threads';

const NO_REQUIRE_ESM = '--no-experimental-require-module';
const TSX_LOADER = import.meta.resolve('tsx');

/**
 * Node's flags for a worker thread: tsx's loader, and require(esm) off where this Node has it on. Only these:
 * flags given to a Worker are checked, and one of the parent's that a thread may not take (`--expose-gc`, which
 * the benchmark's processes use) would stop it from starting. V8's flags apply to every thread anyway.
 */
export function workerExecArgv(requireModule = process.features.require_module === true): string[] {
  return requireModule ? ['--import', TSX_LOADER, NO_REQUIRE_ESM] : ['--import', TSX_LOADER];
}

const running = new Set<Worker>();

/** Start the worker thread at `entry` (one of the project's .mjs entries) with the flags above. */
export function startWorker(entry: URL, options: Omit<WorkerOptions, 'execArgv'> = {}): Worker {
  const worker = new Worker(entry, { ...options, execArgv: workerExecArgv() });
  running.add(worker);
  worker.once('exit', () => running.delete(worker));
  return worker;
}

/** Stop a thread started here; resolves once it has stopped (or had already). Never rejects. */
export function stopWorker(worker: Worker): Promise<void> {
  return worker.terminate().then(
    () => undefined,
    () => undefined,
  );
}

/** How many threads started here have not exited yet. */
export function runningWorkers(): number {
  return running.size;
}
