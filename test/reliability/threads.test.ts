import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { extractInWorker } from '../../src/ingest/isolate.ts';
import { runningWorkers, startWorker, workerExecArgv } from '../../src/threads.ts';

describe('workerExecArgv', () => {
  const TSX = import.meta.resolve('tsx');

  it('is tsx’s loader with require(esm) off, or the loader alone on a Node without require(esm)', () => {
    expect(workerExecArgv(true)).toEqual(['--import', TSX, '--no-experimental-require-module']);
    expect(workerExecArgv(false)).toEqual(['--import', TSX]);
  });
});

describe('startWorker', () => {
  it('runs the thread without require(esm), and counts it until it exits', async () => {
    const worker = startWorker(new URL('data:text/javascript,import { parentPort } from "node:worker_threads"; parentPort.postMessage(process.features.require_module);'));
    expect(runningWorkers()).toBe(1);
    const [requireModule] = await Promise.all([new Promise((resolve) => worker.once('message', resolve)), new Promise((resolve) => worker.once('exit', resolve))]);
    expect(requireModule).toBe(false);
    expect(runningWorkers()).toBe(0);
  });

  it('the extraction worker reads a page with jsdom that way, and its thread has ended when the call returns', async () => {
    const page = Buffer.from('<html><head><title>Harbour reopens</title></head><body><article><p>The harbour reopened on Monday after a week of repairs, the port authority said.</p></article></body></html>');
    const result = await extractInWorker({ bytes: page, options: { url: 'https://news.example/harbour', charset: null, sourceFallback: null } });
    expect(result).toMatchObject({ kind: 'extracted', article: { title: 'Harbour reopens', paragraphs: ['The harbour reopened on Monday after a week of repairs, the port authority said.'] } });
    expect(runningWorkers()).toBe(0);
  });

  it('a worker stopped by its time limit has ended when the refusal arrives', async () => {
    const slow = Buffer.from(`<html><body>${'<div><p>Words in a paragraph that goes on, with <a href="#">a link</a>.</p></div>'.repeat(6000)}</body></html>`);
    const result = await extractInWorker({ bytes: slow, options: { url: 'https://news.example/slow', charset: null, sourceFallback: null } }, 300);
    expect(result).toEqual({ kind: 'refused', reason: 'the page took longer than 0.3 s to read' });
    expect(runningWorkers()).toBe(0);
  });
});

describe('a process started with flags a thread may not take', () => {
  it('still builds in its worker (node --expose-gc, as the benchmark runs)', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const script = "const { buildInWorker } = await import('./src/refresh/build-in-worker.ts'); const r = await buildInWorker({ corpusDir: 'seeds', snapshot: null }); console.log(r.kind, r.kind === 'built' ? r.index.articles.length : '');";
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root });
    expect(stdout.trim()).toBe('built 2');
  });
});
