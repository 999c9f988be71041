// Entry point of the HTML extraction worker, started by src/threads.ts. Plain JavaScript, because tsx's ES
// module hooks do not reach a worker thread on Node 20 (tsx issue #354): it registers them for itself, then
// loads the TypeScript worker.
import { tsImport } from 'tsx/esm/api';

await tsImport('./extract-worker.ts', import.meta.url);
