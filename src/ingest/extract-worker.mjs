// Entry point of the HTML extraction worker. Plain JavaScript, because a worker thread does not inherit tsx's
// module hooks on Node 20: it registers them for itself, then loads the TypeScript worker.
import { tsImport } from 'tsx/esm/api';

await tsImport('./extract-worker.ts', import.meta.url);
