// `npm run ask -- --json` through the answers service: each JSON line says whether the answer was cached.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SNAPSHOTS_ENV } from '../support/capture.ts';
import { Engine } from '../../src/engine.ts';
import { toJson } from '../../src/cli/ask.ts';
import { RedisServer } from './redis-server.ts';
import { LAUSANNE, SEEDS } from './helpers.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function ask(env: Record<string, string>, ...questions: string[]): Promise<{ lines: Record<string, unknown>[]; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', '--json', ...questions], {
    cwd: ROOT,
    env: { ...process.env, CACHE_URL: '', LOG_LEVEL: 'info', SNAPSHOT_DIR: process.env[TEST_SNAPSHOTS_ENV] ?? '', ...env },
    timeout: 30_000,
  });
  return { lines: stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>), stderr };
}

let engine: Engine;
let redis: RedisServer;
const PASSWORD = 'cli-secret-4821';

beforeAll(async () => {
  [engine, redis] = await Promise.all([Engine.open({ corpusDir: SEEDS }), RedisServer.start({ password: PASSWORD })]);
});
afterAll(async () => {
  await redis?.stop();
});

describe('npm run ask -- --json', () => {
  it('with the memory store, answers a repeat in the same run from the cache', async () => {
    const other = 'How many civilians died in Aleppo since the ceasefire collapsed?';
    const { lines, stderr } = await ask({}, LAUSANNE, other, LAUSANNE);
    expect(lines.map((l) => l.cached)).toEqual([false, false, true]);
    // Otherwise the lines are the contract's, as the engine answers now.
    expect(lines[2]).toEqual(JSON.parse(toJson(LAUSANNE, (await engine.ask(LAUSANNE)), { cached: true })));
    expect(lines[0]).toEqual({ ...lines[2], cached: false });
    // The counts reach the log (stderr), not stdout.
    expect(stderr).toContain('answers since start: 3 questions, 1 answered from the cache, 2 by the engine');
  });

  it('with CACHE_URL=redis://, a second run is answered from the first run’s entries; the password is never printed', async () => {
    const env = { CACHE_URL: redis.url() };
    const first = await ask(env, LAUSANNE);
    const second = await ask(env, LAUSANNE);
    expect(first.lines.map((l) => l.cached)).toEqual([false]);
    expect(second.lines.map((l) => l.cached)).toEqual([true]);
    expect(second.lines[0]).toEqual({ ...first.lines[0], cached: true });
    for (const out of [first, second]) {
      expect(out.stderr).toContain(`answer cache: redis://127.0.0.1:${redis.port}`);
      expect(out.stderr).not.toContain(PASSWORD);
    }
  });
});
