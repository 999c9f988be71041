// End to end, the bot with its answer cache in a real Redis (CACHE_URL, with a password): the bot started as
// `npm start` starts it, the real discord.js client, the emulated Discord. A repeated question is answered from
// Redis and looks the same; /stats shows the counts; a /refresh through Discord moves the cache to the new
// corpus; Redis killed and restarted mid-run costs no question. The tests share one bot and run in file order.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator, EPHEMERAL, type EmulatedInteraction, type StoredMessage } from '../emulator/discord.ts';
import { BotProcess, ROOT, startBot } from '../support/bot.ts';
import { MODERATOR, embedOf, quotesOf as quotes, unescape, type Json } from '../support/messages.ts';
import { RedisServer, poll } from '../cache/redis-server.ts';
import { HARBOUR_ARTICLE, HARBOUR_QUESTION, LAUSANNE, SEED_QUESTIONS } from '../cache/helpers.ts';
import { Engine } from '../../src/engine.ts';
import { CACHE_SCHEMA } from '../../src/cache/index.ts';
import type { Answer } from '../../src/answer/types.ts';

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GxYzAb.cache-e2e-token-value-0123456789abcd';
const PASSWORD = 'redis-e2e-secret-5519';

/** What the engine would show: the first three cited (or nearest) sentences. */
const shown = (a: Answer) => (a.kind === 'answer' ? a.citations : a.nearest).slice(0, 3).map((c) => c.text);
/** The buttons, with the answer id (random per message) taken out. */
const buttons = (m: StoredMessage) => JSON.stringify(m.components).replace(/ask:(more|up|down):[\w-]+/g, 'ask:$1:ID');
/** The footer of an /ask reply: "Quoted word for word" only when it quotes something (an answer or closest matches). */
const footer = (version: string, cached: boolean, quotes = true) => `${quotes ? 'Quoted word for word from the articles · ' : ''}corpus ${version.slice(0, 8)}${cached ? ' · cached' : ''}`;
const footerOf = (m: Parameters<typeof embedOf>[0], version: string, cached: boolean) => footer(version, cached, (embedOf(m).fields ?? []).length > 0);

let emu: DiscordEmulator;
let redis: RedisServer;
let bot: BotProcess;
let oracle: Engine;
let work: string;
let corpusDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'verbatim-cache-e2e-'));
  corpusDir = join(work, 'corpus');
  cpSync(join(ROOT, 'seeds'), corpusDir, { recursive: true });
  [redis, emu] = await Promise.all([RedisServer.start({ password: PASSWORD }), new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: 1000 }).start()]);
  bot = startBot({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: emu.apiUrl, CORPUS_DIR: corpusDir, DATA_DIR: join(work, 'data'), CACHE_URL: redis.url() });
  oracle = await Engine.open({ corpusDir });
  await bot.waitForOutput(/ready: logged in as verbatim/);
});

afterAll(async () => {
  bot?.kill();
  await emu?.stop();
  await redis?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function ask(question: string): Promise<{ i: EmulatedInteraction; m: StoredMessage }> {
  const i = emu.command('ask', { question });
  return { i, m: await i.settled() };
}

/** The "Answer cache" field of /stats, unescaped, line by line. */
async function cacheStats(): Promise<string[]> {
  const m = await emu.command('stats', {}, MODERATOR).settled();
  expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
  const field = embedOf(m).fields?.find((f) => f.name === 'Answer cache');
  expect(field).toBeDefined();
  return unescape(field!.value).split('\n');
}

const answersIn = (version: string) => redis.keys(`verbatim:answers:v${CACHE_SCHEMA}:${version}:*`);

describe('the bot with CACHE_URL=redis://', () => {
  it('answers the second identical /ask from Redis, shown exactly as the first but for “cached”; /stats counts it', async () => {
    const version = oracle.corpus.version;
    const first = await ask(LAUSANNE);
    // The write is fire-and-forget: the repeat is asked once the entry has landed in Redis.
    await poll('the answer in Redis', async () => (await answersIn(version)).length === 1);
    const second = await ask(LAUSANNE);

    expect(embedOf(first.m).footer?.text).toBe(footer(version, false));
    expect(embedOf(second.m).footer?.text).toBe(footer(version, true));
    expect({ ...embedOf(second.m), footer: null }).toEqual({ ...embedOf(first.m), footer: null });
    expect(buttons(second.m)).toBe(buttons(first.m));
    expect(second.m.content).toBe(first.m.content);
    expect(quotes(second.m)).toEqual(shown((await oracle.ask(LAUSANNE))));

    // Recorded as the feedback log's "from the cache" as well.
    const records = readFileSync(join(work, 'data', 'feedback.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(records.map((r) => [r.question, r.cached])).toEqual([
      [LAUSANNE, false],
      [LAUSANNE, true],
    ]);
    expect(await cacheStats()).toEqual([
      '**1** answered from the cache · **1** by the engine · hit rate **50.0%** (since the bot started)',
      `Store: redis://127.0.0.1:${redis.port} — healthy`,
      `Errors 0 (0 timed out) · entries live 24 h · corpus ${version.slice(0, 8)}`,
    ]);
  });

  it('after a /refresh through Discord that adds an article, answers from the new corpus, and the old entries are gone', async () => {
    const oldVersion = oracle.corpus.version;
    const before = await ask(HARBOUR_QUESTION);
    expect(embedOf(before.m).title).toBe("The articles don't say");
    await poll('the answer in Redis', async () => (await answersIn(oldVersion)).length === 2);
    const harbourBefore = (await ask(HARBOUR_QUESTION)).m;
    expect(embedOf(harbourBefore).footer?.text).toBe(footerOf(harbourBefore, oldVersion, true));

    writeFileSync(join(corpusDir, 'harbour-festival.txt'), HARBOUR_ARTICLE);
    expect(await oracle.refresh()).toMatchObject({ ok: true, added: ['harbour-festival'] });
    const report = await emu.command('refresh', {}, MODERATOR).settled();
    expect(embedOf(report).description).toContain('1 added · 0 removed · 0 changed · 2 unchanged');
    expect(embedOf(report).description).toContain(`Corpus version ${oldVersion.slice(0, 8)} → ${oracle.corpus.version.slice(0, 8)}`);
    // Deleted before the reply was sent: the cache follows every reindex before the curator reports it.
    expect(await answersIn(oldVersion)).toEqual([]);

    const after = await ask(HARBOUR_QUESTION);
    expect(embedOf(after.m).title).toBe('Answer');
    expect(embedOf(after.m).footer?.text).toBe(footerOf(after.m, oracle.corpus.version, false));
    const expected = (await oracle.ask(HARBOUR_QUESTION));
    expect(expected).toMatchObject({ kind: 'answer', citations: [{ path: 'harbour-festival.txt' }] });
    expect(quotes(after.m)).toEqual(shown(expected));
    await poll('the new answer in Redis', async () => (await answersIn(oracle.corpus.version)).length === 1);
    const harbourAfter = (await ask(HARBOUR_QUESTION)).m;
    expect(embedOf(harbourAfter).footer?.text).toBe(footerOf(harbourAfter, oracle.corpus.version, true));
    expect(bot.stderr).toMatch(new RegExp(`deleted 2 cached answers of corpus version ${oldVersion.slice(0, 12)}`));
  });

  it('with Redis killed mid-run, answers every question from the engine, says so once, and uses Redis again once it is back', async () => {
    const version = oracle.corpus.version;
    await redis.kill();
    // Every seed question, ten at a time, and the ones cached before: all answered, none from the cache.
    const questions = [LAUSANNE, HARBOUR_QUESTION, ...SEED_QUESTIONS.slice(0, 18)];
    for (let n = 0; n < questions.length; n += 10) {
      const batch = questions.slice(n, n + 10);
      const answered = await Promise.all(batch.map(ask));
      const oracleAnswers = await Promise.all(batch.map((q) => oracle.ask(q)));
      answered.forEach(({ i, m }, k) => {
        expect(i.refusals).toEqual([]);
        const expected = oracleAnswers[k]!;
        expect(embedOf(m).title).toBe(expected.kind === 'answer' ? 'Answer' : "The articles don't say");
        expect(quotes(m)).toEqual(shown(expected));
        expect(embedOf(m).footer?.text).toBe(footerOf(m, version, false));
      });
    }
    const failing = await cacheStats();
    expect(failing[1]).toMatch(new RegExp(`^Store: redis://127\\.0\\.0\\.1:${redis.port} — \\*\\*failing\\*\\* since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: every question is answered by the engine until it is back$`));
    // Logged once, not once per question.
    expect(bot.stderr.match(/cache store redis:\/\/127\.0\.0\.1:\d+ is failing/g)?.length).toBe(1);

    await redis.restart();
    // The client reconnects by itself; until it has, each question is still answered (from the engine).
    await poll(
      'a question answered from Redis again',
      async () => {
        const { m } = await ask(LAUSANNE);
        expect(quotes(m)).toEqual(shown((await oracle.ask(LAUSANNE))));
        return embedOf(m).footer?.text === footerOf(m, version, true);
      },
      20_000,
      100,
    );
    expect(bot.stderr).toMatch(/cache store redis:\/\/127\.0\.0\.1:\d+ is back after \d+\.\d s and \d+ failures/);
    expect((await cacheStats())[1]).toBe(`Store: redis://127.0.0.1:${redis.port} — healthy`);
  });

  it('logs the hit and miss counts at shutdown; neither the Redis password nor the token is ever logged', async () => {
    const exit = await bot.stop('SIGTERM');
    expect(exit).toMatchObject({ code: 0, signal: null });
    const counts = /\[answers\] answers since start: (\d+) questions?, (\d+) answered from the cache, (\d+) by the engine \(hit rate (\d+\.\d)%\); store redis:\/\/127\.0\.0\.1:\d+ healthy/.exec(bot.stderr);
    expect(counts).not.toBeNull();
    const [asked, hits, misses] = [Number(counts![1]), Number(counts![2]), Number(counts![3])];
    expect(hits + misses).toBe(asked);
    expect(hits).toBeGreaterThanOrEqual(4);
    expect(counts![4]).toBe(((hits / asked) * 100).toFixed(1));
    expect(bot.stderr).not.toContain(PASSWORD);
    expect(bot.stderr).not.toContain(TOKEN);
  });
});
