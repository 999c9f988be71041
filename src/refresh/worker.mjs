// Entry point of the build worker. Plain JavaScript, because a worker thread does not inherit tsx's module
// hooks on Node 20 (tsx issue #354): it registers them for itself, then loads the TypeScript worker.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
