// End to end, sharded: `npm run start:sharded` (discord.js's ShardingManager over the bot entry, one process per
// shard) against an emulated Discord that recommends two shards and routes each guild's interactions to the
// shard that owns it, with one real Redis as the shared answer cache. A corpus change made through one shard
// reaches the other; the shards share cached answers; a shard that dies is started again; SIGTERM stops all.
// The tests share the one sharded bot and run in file order.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator, EPHEMERAL, shardOfGuild, type EmulatedGuild, type EmulatedInteraction, type StoredMessage } from '../emulator/discord.ts';
import { BotProcess, npmRun, ROOT } from '../support/bot.ts';
import { MODERATOR, embedOf, quotesOf as quotes } from '../support/messages.ts';
import { RedisServer, poll } from '../cache/redis-server.ts';
import { HARBOUR_ARTICLE, HARBOUR_QUESTION, LAUSANNE } from '../cache/helpers.ts';
import { Engine } from '../../src/engine.ts';
import { CACHE_SCHEMA } from '../../src/cache/index.ts';

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GxYzAb.sharded-token-value-0123456789abcdef';


let emu: DiscordEmulator;
let redis: RedisServer;
let bot: BotProcess;
let oracle: Engine;
let work: string;
let corpusDir: string;
let second: EmulatedGuild;

/** The process id of each shard as the manager logged it when it started it, latest last. */
function shardPids(shard: number): number[] {
  return [...bot.stderr.matchAll(new RegExp(`\\[shards\\] shard ${shard} started \\{"pid":(\\d+)\\}`, 'g'))].map((m) => Number(m[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'verbatim-sharded-'));
  corpusDir = join(work, 'corpus');
  cpSync(join(ROOT, 'seeds'), corpusDir, { recursive: true });
  // max_concurrency 16: the shards may identify together, so the manager starts them 344 ms apart, not 5.5 s.
  [redis, emu] = await Promise.all([RedisServer.start(), new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: 1000, shards: 2, maxConcurrency: 16 }).start()]);
  second = emu.addGuild('Second News Desk', 1);
  bot = npmRun('start:sharded', {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: emu.apiUrl,
    CORPUS_DIR: corpusDir,
    DATA_DIR: join(work, 'data'),
    CACHE_URL: redis.url(),
    MODERATOR_ROLE_ID: emu.moderatorRoleId,
    INGEST_ALLOW_HOSTS: emu.host,
  });
  oracle = await Engine.open({ corpusDir });
  await bot.waitForOutput(/all 2 shards are ready/, 'stderr', 60_000);
}, 90_000);

afterAll(async () => {
  bot?.killGroup();
  await emu?.stop();
  await redis?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function ask(question: string, guild: EmulatedGuild): Promise<{ i: EmulatedInteraction; m: StoredMessage }> {
  const i = emu.command('ask', { question }, { permissions: '0', guild: guild.id });
  return { i, m: await i.settled(15_000) };
}

describe('npm run start:sharded', () => {
  it('runs as many shards as Discord recommends, one process each, each identifying as its own shard', async () => {
    expect(bot.stderr).toContain("starting 2 shards (Discord's recommendation; Discord recommends 2), 344 ms apart");
    expect([...emu.gateway.identified].sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const pids = [shardPids(0)[0], shardPids(1)[0]];
    expect(pids.every((p) => p !== undefined && alive(p))).toBe(true);
    expect(new Set(pids).size).toBe(2);
    // Each shard's log reaches the manager's stderr through a pipe, which may deliver the last shard's "ready"
    // line after the manager, told over IPC, has said that all are ready.
    await bot.waitForOutput(/shard 0 \[discord\] ready: logged in as verbatim \(shard 0 of 2\)/);
    await bot.waitForOutput(/shard 1 \[discord\] ready: logged in as verbatim \(shard 1 of 2\)/);
    // The shared cache is Redis, so the manager has no warning about per-shard caches.
    expect(bot.stderr).not.toContain('each shard keeps its own in-memory answer cache');
    expect([shardOfGuild(emu.guild.id, 2), shardOfGuild(second.id, 2)]).toEqual([0, 1]);
  });

  it("routes each guild to its shard, and an answer cached by one shard is served by the other", async () => {
    const first = await ask(LAUSANNE, emu.guild);
    expect(first.i.shard).toBe(0);
    expect(embedOf(first.m).footer?.text).toBe(`Quoted word for word from the articles · corpus ${oracle.corpus.version.slice(0, 8)}`);
    // The write is fire-and-forget: wait until it has landed in Redis.
    await poll('the answer in Redis', async () => (await redis.keys(`verbatim:answers:v${CACHE_SCHEMA}:${oracle.corpus.version}:*`)).length === 1);

    const other = await ask(LAUSANNE, second);
    expect(other.i.shard).toBe(1);
    const fresh = embedOf(first.m);
    const cached = embedOf(other.m);
    expect(cached.footer?.text).toBe(`${fresh.footer?.text} · cached`);
    expect({ ...cached, footer: null }).toEqual({ ...fresh, footer: null });
    const expected = (await oracle.ask(LAUSANNE));
    expect(quotes(other.m)).toEqual((expected.kind === 'answer' ? expected.citations : expected.nearest).slice(0, 3).map((c) => c.text));
  });

  it('a /refresh through shard 0 reloads shard 1: it answers from the new article; the reload is logged, not audited again', async () => {
    const before = await ask(HARBOUR_QUESTION, second);
    expect(embedOf(before.m).title).toBe("The articles don't say");

    const oldVersion = oracle.corpus.version;
    writeFileSync(join(corpusDir, 'harbour-festival.txt'), HARBOUR_ARTICLE);
    expect(await oracle.refresh()).toMatchObject({ ok: true, added: ['harbour-festival'] });
    const refresh = emu.command('refresh', {}, { ...MODERATOR, guild: emu.guild.id });
    const report = await refresh.settled(15_000);
    expect(refresh.shard).toBe(0);
    expect(report.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedOf(report).description).toContain('1 added · 0 removed · 0 changed · 2 unchanged');

    const v = (x: string) => x.slice(0, 8);
    await bot.waitForOutput(new RegExp(`\\[shards\\] shard 1 reloaded after shard 0's refresh: corpus ${v(oldVersion)} -> ${v(oracle.corpus.version)} \\(1 added, 0 removed, 0 changed\\)`));
    expect(bot.stderr).toContain(`shard 1 [shard] shard 0 changed the corpus (refresh, now corpus ${v(oracle.corpus.version)}); reloading the articles folder`);

    const after = await ask(HARBOUR_QUESTION, second);
    expect(after.i.shard).toBe(1);
    expect(embedOf(after.m).title).toBe('Answer');
    expect(embedOf(after.m).footer?.text).toBe(`Quoted word for word from the articles · corpus ${v(oracle.corpus.version)}`);
    const expected = (await oracle.ask(HARBOUR_QUESTION));
    expect(expected).toMatchObject({ kind: 'answer', citations: [{ path: 'harbour-festival.txt' }] });
    expect(quotes(after.m)[0]).toBe(expected.kind === 'answer' ? expected.citations[0]!.text : null);

    // One refresh, audited once, by the shard that ran it.
    const audit = readFileSync(join(corpusDir, '.audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; corpus: { after: string } });
    expect(audit.map((e) => [e.action, e.corpus.after])).toEqual([['refresh', oracle.corpus.version]]);
  });

  it('an /ingest through shard 1 reaches shard 0; two /refresh at once, one per shard, leave both on the same corpus', async () => {
    const text = 'Ferry timetable extended for the summer\n\nThe island ferry will run until midnight from June to August, the harbour authority said on Friday.\n';
    const file = emu.attach('ferry.txt', text, { contentType: 'text/plain; charset=utf-8' });
    const ingest = emu.command('ingest', { file }, { ...MODERATOR, guild: second.id });
    expect(embedOf(await ingest.settled(15_000)).title).toBe('Article ingested');
    expect(ingest.shard).toBe(1);
    expect((await oracle.refresh()).ok).toBe(true);
    const v = oracle.corpus.version.slice(0, 8);
    await bot.waitForOutput(new RegExp(`\\[shards\\] shard 0 reloaded after shard 1's ingest: corpus \\w+ -> ${v} \\(1 added`));
    const question = 'Until when will the island ferry run?';
    const expected = (await oracle.ask(question));
    expect(expected).toMatchObject({ kind: 'answer', citations: [{ path: expect.stringMatching(/^ingested\//) }] });
    const onZero = await ask(question, emu.guild);
    expect(onZero.i.shard).toBe(0);
    expect(quotes(onZero.m)[0]).toBe(expected.kind === 'answer' ? expected.citations[0]!.text : null);

    // Both shards refresh at once, each also asked by the other to reload: the curator runs them in turn, and
    // whichever order they land in, both end on the folder as it is.
    writeFileSync(join(corpusDir, 'tram.txt'), 'Tram line reopens after repairs\n\nThe number 4 tram line reopened on Monday after six weeks of track repairs, the transport office said.\n');
    expect((await oracle.refresh()).ok).toBe(true);
    const reloads = (bot.stderr.match(/\[shards\] shard \d reloaded after/g) ?? []).length;
    const both = [emu.command('refresh', {}, { ...MODERATOR, guild: emu.guild.id }), emu.command('refresh', {}, { ...MODERATOR, guild: second.id })];
    for (const m of await Promise.all(both.map((i) => i.settled(15_000)))) expect(embedOf(m).title).toBe('Articles refreshed');
    await poll('both reloads reported', () => (bot.stderr.match(/\[shards\] shard \d reloaded after/g) ?? []).length >= reloads + 2);
    const tram = 'When did the number 4 tram line reopen?';
    const answers = await Promise.all([ask(tram, emu.guild), ask(tram, second)]);
    for (const { m } of answers) {
      expect(embedOf(m).footer?.text).toMatch(new RegExp(`corpus ${oracle.corpus.version.slice(0, 8)}`));
      expect(quotes(m)[0]).toContain('The number 4 tram line reopened on Monday');
    }
  });

  it('a shard that dies is started again, identifies as the same shard, and answers', async () => {
    const [pid] = shardPids(1).slice(-1);
    const identifies = emu.gateway.identifies;
    process.kill(pid!, 'SIGKILL');
    await bot.waitForOutput(/\[shards\] shard 1 exited on SIGKILL; starting it again in 1\.0 s/);
    await bot.waitForOutput(/\[shards\] shard 1 is ready again/, 'stderr', 30_000);
    expect(emu.gateway.identified.slice(identifies)).toEqual([[1, 2]]);
    expect(shardPids(1).length).toBe(2);
    const { i, m } = await ask(HARBOUR_QUESTION, second);
    expect(i.shard).toBe(1);
    expect(embedOf(m).title).toBe('Answer');
    // Started after the changes above: it loaded the folder as it is now.
    expect(embedOf(m).footer?.text).toContain(`corpus ${oracle.corpus.version.slice(0, 8)}`);
  });

  it('stops every shard on SIGTERM, each logging its cache counts, and exits 0', async () => {
    const pids = [...shardPids(0), ...shardPids(1)];
    // The manager itself, as a service manager signals it (npm would only pass the signal on and exit at once).
    const manager = Number(/\[shards\] starting 2 shards .* \{"pid":(\d+)\}/.exec(bot.stderr)?.[1]);
    process.kill(manager, 'SIGTERM');
    const exit = await bot.exited;
    // npm exits with the manager's code.
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(bot.stderr).toContain('manager [main] SIGTERM received: stopping the shards');
    expect(bot.stderr).toMatch(/shard 0 \[answers\] answers since start: \d+ questions?, \d+ answered from the cache/);
    expect(bot.stderr).toMatch(/shard 1 \[answers\] answers since start: \d+ questions?, \d+ answered from the cache/);
    expect(bot.stderr).toContain('manager [shards] stopped');
    expect(bot.stderr).not.toContain('did not stop within');
    for (const pid of [manager, ...pids]) expect(alive(pid), `process ${pid}`).toBe(false);
    expect(bot.stderr).not.toContain(TOKEN);
  });
});

describe('npm run start:sharded, misconfigured', () => {
  it('warns that shards without CACHE_URL keep separate caches; stops at once when Discord refuses the token, or without one', async () => {
    const refused = npmRun('start:sharded', { DISCORD_TOKEN: 'MTExMTExMTExMTExMTExMTExMQ.AbCdEf.wrong-token-value-abcdefghijklmnop', DISCORD_API_URL: emu.apiUrl, CORPUS_DIR: corpusDir, DATA_DIR: join(work, 'data-refused') });
    const tokenless = npmRun('start:sharded', { DISCORD_API_URL: emu.apiUrl, CORPUS_DIR: corpusDir, DATA_DIR: join(work, 'data-refused') });
    try {
      expect((await refused.exited).code).toBe(1);
      expect(refused.stderr).toContain('CACHE_URL is not set: each shard keeps its own in-memory answer cache');
      expect(refused.stderr).toContain('Discord refused the token (401): check DISCORD_TOKEN');
      expect(refused.stderr).not.toMatch(/shard \d started/);
      expect(refused.stderr).not.toContain('wrong-token-value');
      expect((await tokenless.exited).code).toBe(2);
      expect(tokenless.stderr).toContain('DISCORD_TOKEN is not set');
    } finally {
      refused.killGroup();
      tokenless.killGroup();
    }
  });
});
