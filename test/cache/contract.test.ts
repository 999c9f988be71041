// One contract for every store the cache supports (memory, a real Redis, SQLite), run through the real engine on
// the seed articles: what a store may serve, and when.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { logger } from '../../src/log.ts';
import type { AnswerOptions } from '../../src/answer/answer.ts';
import {
  answerKey,
  CACHE_SCHEMA,
  createAnswerCache,
  createAnswers,
  openAnswerCache,
  openStore,
  type AnswerCache,
  type Answers,
  type Store,
  type StoreKind,
} from '../../src/cache/index.ts';
import { RedisServer } from './redis-server.ts';
import { captureLogs, HARBOUR_ARTICLE, HARBOUR_QUESTION, LAUSANNE, OPTION_SETS, SEED_QUESTIONS, SEEDS, tempCorpus, tempDir } from './helpers.ts';

const logs = captureLogs();
const log = logger('cache');
// The lookup bound is not under test here (failure.test.ts tests it): a generous one keeps a loaded machine from
// turning a slow read into a miss the test did not expect.
const patient = { lookupTimeoutMs: 2000 } as const;

let engine: Engine;
let redis: RedisServer;
let files: ReturnType<typeof tempDir>;
let sqliteFiles = 0;

beforeAll(async () => {
  [engine, redis] = await Promise.all([Engine.open({ corpusDir: SEEDS }), RedisServer.start()]);
  files = tempDir('sqlite');
});

afterAll(async () => {
  await redis?.stop();
  files?.remove();
});

interface StoreCase {
  readonly kind: StoreKind;
  /** Do two caches opened on the same URL (two processes) see each other's entries? */
  readonly shared: boolean;
  /** A URL naming an empty store. */
  fresh(): Promise<string | null>;
}

const STORES: StoreCase[] = [
  { kind: 'memory', shared: false, fresh: async () => null },
  {
    kind: 'redis',
    shared: true,
    fresh: async () => {
      await redis.cli('FLUSHALL');
      return redis.url();
    },
  },
  { kind: 'sqlite', shared: true, fresh: async () => `sqlite://${join(files.path, `answers-${++sqliteFiles}.sqlite`)}` },
];

describe.each(STORES)('the answer cache contract on the $kind store', (sc) => {
  const toClose: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(toClose.splice(0).map((c) => c.close()));
  });

  async function answersOn(url: string | null, over: Engine = engine): Promise<{ answers: Answers; cache: AnswerCache }> {
    const cache = await openAnswerCache({ url, ttlSeconds: 3600, log, ...patient });
    const answers = createAnswers({ engine: over, cache, log, statsIntervalMs: 0 });
    toClose.push(answers);
    return { answers, cache };
  }

  async function storeOn(url: string | null): Promise<Store> {
    const store = await openStore(url);
    toClose.push(store);
    expect(await store.ready(5000)).toBe(true);
    return store;
  }

  it('opens the store the URL names', async () => {
    const { answers } = await answersOn(await sc.fresh());
    expect(answers.stats()).toMatchObject({ store: sc.kind, healthy: true, hits: 0, misses: 0 });
  });

  it('answers a repeat from the store, deep-equal to a fresh answer, for every seed question and option set', async () => {
    const { answers } = await answersOn(await sc.fresh());
    const asks = SEED_QUESTIONS.flatMap((q) => OPTION_SETS.map((o) => [q, o] as const));
    for (const [q, o] of asks) {
      const r = await answers.ask(q, o);
      expect(r.cached).toBe(false);
      expect(r.answer).toStrictEqual((await engine.ask(q, o)));
      // One write at a time: more than maxPendingWrites in flight would (by design) drop some.
      await answers.flush();
    }
    for (const [q, o] of asks) {
      const r = await answers.ask(q, o);
      expect(r.cached, `${q} ${JSON.stringify(o)}`).toBe(true);
      // Through JSON and the store and back: every field, number and string as the engine gives it now.
      expect(r.answer).toStrictEqual((await engine.ask(q, o)));
    }
    expect(answers.stats()).toMatchObject({ asked: 2 * asks.length, hits: asks.length, misses: asks.length, writes: asks.length, skippedWrites: 0, errors: 0, rejected: 0 });
    // The seed questions include ones the articles do not answer: "not found" is cached too.
    expect(new Set((await Promise.all(asks.map(([q, o]) => engine.ask(q, o)))).map((a) => a.kind))).toEqual(new Set(['answer', 'not-found']));
  });

  it(`${sc.shared ? 'shares' : 'does not share'} entries between two caches opened on the same URL`, async () => {
    const url = await sc.fresh();
    const first = await answersOn(url);
    expect((await first.answers.ask(LAUSANNE)).cached).toBe(false);
    await first.answers.close();
    const second = await answersOn(url);
    const r = await second.answers.ask(LAUSANNE);
    expect(r.cached).toBe(sc.shared);
    expect(r.answer).toStrictEqual((await engine.ask(LAUSANNE)));
  });

  it('shares an entry between spellings the engine folds (NFKC, invisible characters, spacing) and no others', async () => {
    const { answers } = await answersOn(await sc.fresh());
    await answers.ask(LAUSANNE);
    await answers.flush();
    const folded = [
      '  Where will the\tforeign   ministers meet?\n',
      'Ｗｈｅｒｅ will the foreign ministers meet?', // full-width letters: NFKC makes them ASCII
      'Where will\u200b the foreign ministers\u00a0meet?', // zero-width space, no-break space
    ];
    for (const q of folded) {
      const r = await answers.ask(q);
      expect(r.cached, JSON.stringify(q)).toBe(true);
      expect(r.answer).toStrictEqual((await engine.ask(q)));
    }
    // Case is not folded: the Answer echoes the question, so a shared entry would not be deep-equal...
    const lower = await answers.ask('where will the foreign ministers meet?');
    expect(lower.cached).toBe(false);
    expect(lower.answer).toStrictEqual((await engine.ask('where will the foreign ministers meet?')));
    expect(lower.answer.question).not.toBe((await engine.ask(LAUSANNE)).question);
    // ...and the engine reads case: "US" is a country, "us" a stop word.
    const us = 'What did the US say?';
    const lowerUs = 'what did the us say?';
    expect((await engine.ask(us)).kind).toBe('answer');
    expect((await engine.ask(lowerUs))).toMatchObject({ kind: 'not-found', reason: 'empty-question' });
    await answers.ask(us);
    await answers.ask(lowerUs);
    await answers.flush();
    for (const q of [us, lowerUs]) {
      const r = await answers.ask(q);
      expect(r.cached).toBe(true);
      expect(r.answer).toStrictEqual((await engine.ask(q)));
    }
  });

  it('keeps each option set apart', async () => {
    const { answers } = await answersOn(await sc.fresh());
    const sets: AnswerOptions[] = [{}, { maxCitations: 1 }, { maxCitations: 3 }, { articleId: '000_9c97e5d4a05ee18f' }, { articleId: 'no-such-article' }];
    for (const o of sets) expect((await answers.ask(LAUSANNE, o)).cached, JSON.stringify(o)).toBe(false);
    await answers.flush();
    for (const o of sets) {
      const r = await answers.ask(LAUSANNE, o);
      expect(r.cached).toBe(true);
      expect(r.answer).toStrictEqual((await engine.ask(LAUSANNE, o)));
    }
    // The option sets give different answers: at most one citation, none from an unknown article, and an
    // article filter that the answer respects.
    const cited = async (o: AnswerOptions) => {
      const a = (await engine.ask(LAUSANNE, o));
      return a.kind === 'answer' ? a.citations.map((c) => c.articleId) : null;
    };
    expect(await cited({ maxCitations: 1 })).toHaveLength(1);
    expect(await cited({ articleId: 'no-such-article' })).toBeNull();
    expect((await cited({ articleId: '004_08d7a890f8e88d95' }))?.every((id) => id === '004_08d7a890f8e88d95')).toBe(true);
  });

  it('serves an entry until its TTL and not after, by a clock the test controls', async () => {
    let now = Date.UTC(2026, 0, 1);
    const store = await storeOn(await sc.fresh());
    const cache = createAnswerCache({ store, ttlSeconds: 60, log, clock: () => now, ...patient });
    const answers = createAnswers({ engine, cache, log, statsIntervalMs: 0 });
    toClose.push(answers);

    expect((await answers.ask(LAUSANNE)).cached).toBe(false);
    await answers.flush();
    now += 59_999;
    expect((await answers.ask(LAUSANNE)).cached).toBe(true);
    now += 1;
    const expired = await answers.ask(LAUSANNE);
    expect(expired.cached).toBe(false);
    expect(expired.answer).toStrictEqual((await engine.ask(LAUSANNE)));
    expect(answers.stats()).toMatchObject({ expired: 1, hits: 1, misses: 2 });
    // The fresh answer was written again, and lives another 60 s from now.
    await answers.flush();
    now += 59_000;
    expect((await answers.ask(LAUSANNE)).cached).toBe(true);
    if (sc.kind === 'redis') {
      // The store expires the entry too (in real time), not only the read check.
      const key = answerKey(engine.corpus.version, LAUSANNE).id;
      const pttl = Number(await redis.cli('PTTL', key));
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('deletes the entries of one corpus version and no other', async () => {
    const store = await storeOn(await sc.fresh());
    const cache = createAnswerCache({ store, ttlSeconds: 3600, log, ...patient });
    toClose.push(cache);
    const [a, b] = ['a'.repeat(32), 'b'.repeat(32)];
    const answer = (await engine.ask(LAUSANNE));
    cache.remember(a, LAUSANNE, {}, answer);
    cache.remember(a, HARBOUR_QUESTION, {}, (await engine.ask(HARBOUR_QUESTION)));
    cache.remember(b, LAUSANNE, {}, answer);
    await cache.flush();
    expect(await cache.forget(a)).toBe(2);
    expect(await cache.lookup(a, LAUSANNE)).toBeUndefined();
    expect(await cache.lookup(a, HARBOUR_QUESTION)).toBeUndefined();
    expect(await cache.lookup(b, LAUSANNE)).toStrictEqual(answer);
    expect(cache.stats().cleared).toBe(2);
  });

  it('never serves an entry that fails its fingerprint check, and replaces it', async () => {
    const store = await storeOn(await sc.fresh());
    const cache = createAnswerCache({ store, ttlSeconds: 3600, log, ...patient });
    const answers = createAnswers({ engine, cache, log, statsIntervalMs: 0 });
    toClose.push(answers);
    const version = engine.corpus.version;
    const key = answerKey(version, LAUSANNE).id;
    // Not JSON; then a well-formed entry that belongs to another question (as a hash collision would look).
    const foreign = JSON.stringify({ schema: CACHE_SCHEMA, key: answerKey(version, HARBOUR_QUESTION).material, storedAt: Date.now(), answer: (await engine.ask(HARBOUR_QUESTION)) });
    for (const bad of ['{"schema": 1, "answer": trunc', foreign]) {
      await store.set(key, bad, 60_000);
      const r = await answers.ask(LAUSANNE);
      expect(r.cached).toBe(false);
      expect(r.answer).toStrictEqual((await engine.ask(LAUSANNE)));
      await answers.flush();
      expect((await answers.ask(LAUSANNE)).cached).toBe(true);
    }
    expect(answers.stats().rejected).toBe(2);
    expect(logs.matching(/fails its fingerprint check/).length).toBeGreaterThanOrEqual(1);
  });

  it('after a refresh that changes the corpus, answers from the new corpus and deletes the old entries', async () => {
    const corpus = tempCorpus();
    try {
      const own = await Engine.open({ corpusDir: corpus.path });
      const { answers, cache } = await answersOn(await sc.fresh(), own);
      const oldVersion = own.corpus.version;
      for (const q of [HARBOUR_QUESTION, LAUSANNE]) await answers.ask(q);
      await answers.flush();
      const before = await answers.ask(HARBOUR_QUESTION);
      expect(before).toMatchObject({ cached: true, answer: { kind: 'not-found' } });

      corpus.add('harbour-festival.txt', HARBOUR_ARTICLE);
      const report = await own.refresh();
      expect(report).toMatchObject({ ok: true, added: ['harbour-festival'], previousVersion: oldVersion });
      expect(await answers.corpusChanged()).toEqual({ previous: oldVersion, current: own.corpus.version, cleared: 2 });

      const after = await answers.ask(HARBOUR_QUESTION);
      expect(after.cached).toBe(false);
      expect(after.answer).toStrictEqual(own.answer(HARBOUR_QUESTION));
      expect(after.answer).toMatchObject({ kind: 'answer', citations: [{ path: 'harbour-festival.txt' }] });
      // The old version's entries are gone from the store, not merely unread.
      expect(await cache.lookup(oldVersion, LAUSANNE)).toBeUndefined();
      expect(await cache.lookup(oldVersion, HARBOUR_QUESTION)).toBeUndefined();
      if (sc.kind === 'redis') expect(await redis.keys(`verbatim:answers:v${CACHE_SCHEMA}:${oldVersion}:*`)).toEqual([]);
      expect(answers.stats()).toMatchObject({ version: own.corpus.version, cleared: 2 });
    } finally {
      corpus.remove();
    }
  });

  it('notices a new corpus version by itself when nobody calls corpusChanged()', async () => {
    const corpus = tempCorpus();
    try {
      const own = await Engine.open({ corpusDir: corpus.path });
      const { answers, cache } = await answersOn(await sc.fresh(), own);
      const oldVersion = own.corpus.version;
      await answers.ask(LAUSANNE);
      await answers.flush();
      corpus.add('harbour-festival.txt', HARBOUR_ARTICLE);
      expect((await own.refresh()).ok).toBe(true);

      const r = await answers.ask(LAUSANNE);
      expect(r.cached).toBe(false);
      expect(r.answer).toStrictEqual(own.answer(LAUSANNE));
      expect(answers.stats().version).toBe(own.corpus.version);
      // The old entries are deleted in the background.
      await answers.close();
      expect(cache.stats().cleared).toBe(1);
    } finally {
      corpus.remove();
    }
  });
});

describe('store specifics', () => {
  it('the memory store keeps at most maxMemoryEntries, dropping the least recently used', async () => {
    const cache = await openAnswerCache({ url: null, ttlSeconds: 3600, log, maxMemoryEntries: 2, ...patient });
    const answers = createAnswers({ engine, cache, log, statsIntervalMs: 0 });
    const [q1, q2, q3] = SEED_QUESTIONS;
    for (const q of [q1!, q2!]) await answers.ask(q);
    await answers.flush();
    expect((await answers.ask(q1!)).cached).toBe(true); // q1 is now the most recently used
    await answers.ask(q3!); // a third entry: q2 goes
    await answers.flush();
    expect((await answers.ask(q2!)).cached).toBe(false);
    await answers.flush(); // q2 back in, q1 out (q3 was used more recently)
    expect((await answers.ask(q3!)).cached).toBe(true);
    expect((await answers.ask(q1!)).cached).toBe(false);
    await answers.close();
  });

  it('the SQLite store purges expired entries when it is opened', async () => {
    const url = `sqlite://${join(files.path, 'purge.sqlite')}`;
    const prefix = `verbatim:answers:v${CACHE_SCHEMA}:${'c'.repeat(32)}:`;
    const first = await openStore(url);
    await first.set(`${prefix}short`, 'soon gone', 1);
    await first.set(`${prefix}long`, 'still here', 3_600_000);
    const writtenAt = Date.now();
    await first.close();
    while (Date.now() <= writtenAt + 1) await new Promise((r) => setTimeout(r, 1));
    const second = await openStore(url);
    expect(await second.ready(5000)).toBe(true);
    // deletePrefix counts the rows still in the file, expired or not: only the long-lived one is left.
    expect(await second.deletePrefix(prefix)).toBe(1);
    await second.close();
  });
});
