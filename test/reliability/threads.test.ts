import { describe, expect, it } from 'vitest';
import { extractInWorker } from '../../src/ingest/isolate.ts';
import { runningWorkers, startWorker, workerExecArgv } from '../../src/threads.ts';

describe('workerExecArgv', () => {
  const TSX = import.meta.resolve('tsx');

  it('adds tsx’s loader and turns require(esm) off, keeping the parent’s other flags', () => {
    expect(workerExecArgv(['--conditions', 'node'], true)).toEqual(['--conditions', 'node', '--import', TSX, '--no-experimental-require-module']);
    expect(workerExecArgv(['--experimental-require-module'], true)).toEqual(['--import', TSX, '--no-experimental-require-module']);
  });

  it('keeps the loader the parent already has, as `node --import tsx` or as the tsx command passes it', () => {
    expect(workerExecArgv(['--import', 'tsx'], true)).toEqual(['--import', 'tsx', '--no-experimental-require-module']);
    expect(workerExecArgv(['--require', 'preflight.cjs', '--import', TSX], true)).toEqual(['--require', 'preflight.cjs', '--import', TSX, '--no-experimental-require-module']);
    expect(workerExecArgv([`--import=${TSX}`, '--no-experimental-require-module'], true)).toEqual([`--import=${TSX}`, '--no-experimental-require-module']);
  });

  it('adds no require(esm) flag on a Node without it', () => {
    expect(workerExecArgv(['--import', 'tsx'], false)).toEqual(['--import', 'tsx']);
    expect(workerExecArgv([], false)).toEqual(['--import', TSX]);
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
