// A cache failure is a miss: with Redis down, killed, hanging or refusing the password, and with a store that
// cannot be opened, every question is answered by the engine, the failure is logged once, nothing crashes, and
// the cache comes back by itself when the store does.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { logger } from '../../src/log.ts';
import { createAnswers, openAnswerCache, type Answers, type OpenAnswerCacheOptions } from '../../src/cache/index.ts';
import { freePort, poll, RedisServer } from './redis-server.ts';
import { captureLogs, LAUSANNE, SEED_QUESTIONS, SEEDS, tempDir } from './helpers.ts';

const logs = captureLogs();
const log = logger('cache');
let engine: Engine;
const servers: RedisServer[] = [];
const opened: Answers[] = [];

beforeAll(async () => {
  engine = await Engine.open({ corpusDir: SEEDS });
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function serve(options: { password?: string; port?: number } = {}): Promise<RedisServer> {
  const s = await RedisServer.start(options);
  servers.push(s);
  return s;
}

async function answersOn(url: string | null, options: Partial<OpenAnswerCacheOptions> = {}): Promise<Answers> {
  const cache = await openAnswerCache({ url, ttlSeconds: 3600, log, ...options });
  const answers = createAnswers({ engine, cache, log, statsIntervalMs: 0 });
  opened.push(answers);
  return answers;
}

/** Ask every seed question; each must be answered by the engine, as it would be fresh. */
async function askAllFresh(answers: Answers): Promise<void> {
  for (const q of SEED_QUESTIONS) {
    const r = await answers.ask(q);
    expect(r.cached, q).toBe(false);
    expect(r.answer).toStrictEqual((await engine.ask(q)));
  }
}

/** Ask until a repeat of LAUSANNE is served from the cache: the cache is working. */
async function cacheWorksAgain(answers: Answers): Promise<void> {
  await poll('the cache to serve a repeat again', async () => {
    const r = await answers.ask(LAUSANNE);
    expect(r.answer).toStrictEqual((await engine.ask(LAUSANNE)));
    await answers.flush();
    return r.cached;
  });
}

const failingReports = () => logs.matching(/is failing, answering from the engine/);
const recoveryReports = () => logs.matching(/ is back after /);

describe('when Redis fails', () => {
  it('answers every question while Redis is down from the start, logs that once, and uses Redis once it is up', async () => {
    logs.clear();
    const port = await freePort();
    const answers = await answersOn(`redis://127.0.0.1:${port}`, { connectWaitMs: 100, retryAfterMs: 50 });
    expect(logs.matching(/is not answering yet/)).toHaveLength(1);
    await askAllFresh(answers);
    await askAllFresh(answers);
    const down = answers.stats();
    expect(down).toMatchObject({ store: 'redis', healthy: false, hits: 0, misses: 2 * SEED_QUESTIONS.length, writes: 0 });
    expect(down.errors).toBeGreaterThan(0);
    // Many failures, one report: the interval is a minute.
    expect(failingReports()).toHaveLength(1);
    expect(failingReports()[0]).toContain('ECONNREFUSED');

    await serve({ port });
    await cacheWorksAgain(answers);
    expect(answers.stats().healthy).toBe(true);
    expect(recoveryReports()).toHaveLength(1);
  });

  it('answers every question while Redis is killed mid-run, and caches again once it is restarted', async () => {
    logs.clear();
    const redis = await serve();
    const answers = await answersOn(redis.url(), { retryAfterMs: 50, lookupTimeoutMs: 2000 });
    for (const q of SEED_QUESTIONS) {
      await answers.ask(q);
      await answers.flush();
    }
    for (const q of SEED_QUESTIONS) expect((await answers.ask(q)).cached).toBe(true);

    await redis.kill();
    await askAllFresh(answers);
    expect(answers.stats().healthy).toBe(false);

    await redis.restart(); // empty: the old entries died with the process
    // The reconnect alone ends the failure: no question needed to probe.
    await poll('the store to be healthy again', () => answers.stats().healthy);
    expect(recoveryReports()).toHaveLength(1);
    await cacheWorksAgain(answers);
    for (const q of SEED_QUESTIONS) {
      await answers.ask(q);
      await answers.flush();
    }
    for (const q of SEED_QUESTIONS) {
      const r = await answers.ask(q);
      expect(r.cached).toBe(true);
      expect(r.answer).toStrictEqual((await engine.ask(q)));
    }
    expect(failingReports()).toHaveLength(1);
    expect(recoveryReports()).toHaveLength(1);
  });

  it('a Redis that hangs holds up one lookup for the bound, then none until it is probed again', async () => {
    const redis = await serve();
    // No probe within the test: every lookup after the first must skip the store.
    const answers = await answersOn(redis.url(), { retryAfterMs: 600_000 });
    await answers.ask(LAUSANNE);
    await answers.flush();
    expect(await redis.keys('verbatim:answers:*')).toHaveLength(1);

    redis.freeze();
    try {
      // Without the bound this call would never return: Redis is frozen.
      const r = await answers.ask(LAUSANNE);
      // The entry is in Redis, but Redis does not answer: the engine did, after one timed-out lookup.
      expect(r.cached).toBe(false);
      expect(r.answer).toStrictEqual((await engine.ask(LAUSANNE)));
      await askAllFresh(answers);
      expect(answers.stats()).toMatchObject({ healthy: false, timeouts: 1, bypassed: SEED_QUESTIONS.length });
      // Shutting down does not wait for a Redis that never answers.
      await answers.close();
    } finally {
      redis.thaw();
    }
  });

  it('recovers by itself when a hanging Redis answers again', async () => {
    const redis = await serve();
    const answers = await answersOn(redis.url(), { retryAfterMs: 50 });
    redis.freeze();
    try {
      await askAllFresh(answers);
      expect(answers.stats().timeouts).toBeGreaterThanOrEqual(1);
    } finally {
      redis.thaw();
    }
    await cacheWorksAgain(answers);
  });

  it('with a wrong password, answers anyway, and no password reaches the logs or the stats', async () => {
    const right = 'correct-horse-7';
    const wrong = 'wrong-battery-9';
    const redis = await serve({ password: right });
    logs.clear();
    const good = await answersOn(redis.url());
    await good.ask(LAUSANNE);
    await good.flush();
    expect((await good.ask(LAUSANNE)).cached).toBe(true);

    const bad = await answersOn(redis.url(wrong), { connectWaitMs: 200 });
    await askAllFresh(bad);
    expect(bad.stats().healthy).toBe(false);
    expect(failingReports().join('\n')).toMatch(/WRONGPASS|NOAUTH|auth/i);
    await bad.close();
    await good.close();

    const everything = [...logs.lines, JSON.stringify(good.stats()), JSON.stringify(bad.stats())].join('\n');
    expect(everything).not.toContain(right);
    expect(everything).not.toContain(wrong);
    // Not even masked: no message was ever built from the URL with its credentials.
    expect(everything).not.toContain('[redacted]');
    expect(bad.stats().where).toBe(`redis://127.0.0.1:${redis.port}`);
  });
});

describe('when the store cannot be opened or read', () => {
  const dir = tempDir('broken');
  afterAll(() => dir.remove());

  const notADatabase = join(dir.path, 'not-a-database.sqlite');
  writeFileSync(notADatabase, 'These bytes are not an SQLite database. '.repeat(200));

  it.each([
    ['a SQLite path under a file', 'sqlite:///dev/null/answers.sqlite', /cannot create the folder for the SQLite file/],
    ['a file that is not a database', `sqlite://${notADatabase}`, /SQLITE_NOTADB|not a database/i],
    ['a Redis URL that does not parse', 'redis://127.0.0.1:not-a-port', /not a valid URL/],
  ])('%s: every question is a miss answered by the engine, with a clear message', async (_what, url, reason) => {
    logs.clear();
    const answers = await answersOn(url, { connectWaitMs: 500 });
    await askAllFresh(answers);
    expect(answers.stats()).toMatchObject({ healthy: false, hits: 0 });
    expect(logs.lines.filter((l) => / (ERROR|WARN) /.test(l) && reason.test(l)).length).toBeGreaterThanOrEqual(1);
  });
});
