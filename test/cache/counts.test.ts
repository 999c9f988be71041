// The hit and miss counts the bot shows (/stats) and logs: stats() after real questions on the seed articles,
// the line logged every interval when there were questions (and not when there were none), with a frozen clock,
// and the corpus version each answer reports.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { logger } from '../../src/log.ts';
import { createAnswers, openAnswerCache } from '../../src/cache/index.ts';
import { captureLogs, LAUSANNE, SEED_QUESTIONS, SEEDS } from './helpers.ts';

const logs = captureLogs();
const log = logger('answers');
let engine: Engine;

beforeAll(async () => {
  engine = await Engine.open({ corpusDir: SEEDS });
});

afterEach(() => {
  vi.useRealTimers();
  logs.clear();
});

const INTERVAL = /answers in the last interval \(totals since start\): (\d+) questions, (\d+) answered from the cache, (\d+) by the engine \(hit rate (\d+\.\d)%\); store memory \(up to 10000 entries\) healthy/;

describe('hit and miss counts', () => {
  it('are logged every interval when there were questions since the last line, and at close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const cache = await openAnswerCache({ url: null, ttlSeconds: 3600, log });
    const answers = createAnswers({ engine, cache, log, statsIntervalMs: 600_000 });
    const [q1, q2] = SEED_QUESTIONS;
    for (const q of [q1!, q2!, q1!]) {
      await answers.ask(q);
      await answers.flush();
    }
    expect(logs.matching(INTERVAL)).toEqual([]);
    vi.advanceTimersByTime(600_000);
    expect(logs.matching(INTERVAL).map((l) => INTERVAL.exec(l)!.slice(1))).toEqual([['3', '1', '2', '33.3']]);

    // Ten quiet minutes: nothing new to say.
    vi.advanceTimersByTime(600_000);
    expect(logs.matching(INTERVAL).length).toBe(1);

    await answers.ask(q2!);
    vi.advanceTimersByTime(600_000);
    expect(logs.matching(INTERVAL).map((l) => INTERVAL.exec(l)!.slice(1))).toEqual([
      ['3', '1', '2', '33.3'],
      ['4', '2', '2', '50.0'],
    ]);
    expect(answers.stats()).toMatchObject({ asked: 4, hits: 2, misses: 2, hitRate: 0.5, store: 'memory', healthy: true, failingSince: null, ttlSeconds: 3600 });

    await answers.close();
    expect(logs.matching(/answers since start: 4 questions, 2 answered from the cache, 2 by the engine \(hit rate 50\.0%\)/).length).toBe(1);
    // Closed: the interval is gone.
    vi.advanceTimersByTime(3 * 600_000);
    expect(logs.matching(INTERVAL).length).toBe(2);
  });

  it('each answer carries the corpus version it belongs to, cached or not', async () => {
    const cache = await openAnswerCache({ url: null, ttlSeconds: 3600, log });
    const answers = createAnswers({ engine, cache, log, statsIntervalMs: 0 });
    const fresh = await answers.ask(LAUSANNE);
    await answers.flush();
    const cached = await answers.ask(LAUSANNE);
    expect([fresh.cached, cached.cached]).toEqual([false, true]);
    expect([fresh.corpusVersion, cached.corpusVersion]).toEqual([engine.corpus.version, engine.corpus.version]);
    expect(answers.stats().version).toBe(engine.corpus.version);
    await answers.close();
  });
});
