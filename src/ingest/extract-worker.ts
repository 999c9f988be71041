// The worker side of isolate.ts: extract one page, post the result, and let the thread end.
import { parentPort, workerData } from 'node:worker_threads';
import { extractArticle } from './extract.ts';
import type { ExtractRequest } from './isolate.ts';

const request = workerData as ExtractRequest;
parentPort!.postMessage(await extractArticle(request.bytes, request.options));
