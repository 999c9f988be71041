// Reliability and security end to end: the bot started as `npm start` starts it, with a real Redis behind
// CACHE_URL (password-protected), low question rate limits, and faults loaded into it on demand
// (test/support/faults.ts), against the emulated Discord. Hostile input over the wire; one member flooding;
// an exception in a command, a stray rejection and a stray exception; the gateway dropping (resumed and
// re-identified); 5xx and 429 from Discord; Redis killed and restarted; a refresh that fails as a whole;
// moderator commands from members and in DMs. Then, over everything: every question Discord delivered was
// answered, every message was valid, and neither the token nor the Redis password reached a log or a message.
//
// The tests share one bot and run in file order. Each uses its own user ids, so the per-user limit only bites
// where a test means it to.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator, EPHEMERAL, type EmulatedInteraction, type Invoker, type StoredMessage } from '../emulator/discord.ts';
import { BotProcess, ROOT, startBot } from '../support/bot.ts';
import { CAPTURE_DIR_ENV } from '../support/capture.ts';
import { MODERATOR as ANY_MODERATOR, bodyProblems, embedOf, quoteOf } from '../support/messages.ts';
import { CASES, ICC } from '../support/hostile.ts';
import { RedisServer } from '../cache/redis-server.ts';
import { Engine } from '../../src/engine.ts';
import { EDIT_RETRY_DELAYS_MS } from '../../src/bot/discord.ts';

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Nw.RlZbQc.reliability-token-value-0123456789ab';
// Characters that URL-encoding changes, so both spellings are looked for.
const REDIS_PASSWORD = 'r3dis/p@ss:word-7741';
const ERROR_MESSAGE = 'Sorry, something went wrong while handling that. It has been logged; please try again in a moment.';
const MODERATORS_ONLY = 'Only moderators (members with Manage Server) can use this command.';
const NOT_IN_DMS = 'This command works in a server, not in direct messages.';
const CALLBACK = /^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/;
const EDIT = /^\/api\/v10\/webhooks\/\d+\/[^/]+\/messages\/@original$/;

let emu: DiscordEmulator;
let bot: BotProcess;
let redis: RedisServer;
let engine: Engine;
let work: string;
let corpusDir: string;

let users = 0;
/** A member no earlier test has used (a fresh per-user bucket). */
function member(extra: Partial<Invoker> = {}): Invoker {
  users++;
  return { permissions: '0', user: { id: `7000000000000${String(users).padStart(5, '0')}`, username: `reader_${users}` }, ...extra };
}
const MODERATOR: Invoker = { ...ANY_MODERATOR, user: { id: '710000000000000001', username: 'mod_mira' } };

/** The log lines (stderr) written since `mark`, a length of bot.stderr taken earlier. */
const logSince = (mark: number) => bot.stderr.slice(mark).split('\n');

/** The answer the bot should show for `question`: its title, and the exact quotations. */
async function expectAnswer(m: StoredMessage, question: string): Promise<void> {
  const expected = (await engine.ask(question));
  const embed = embedOf(m);
  expect(embed.title).toBe(expected.kind === 'answer' ? 'Answer' : "The articles don't say");
  const cited = expected.kind === 'answer' ? expected.citations : expected.nearest;
  (embed.fields ?? []).forEach((f, i) => expect(quoteOf(f.value).text).toBe(cited[i]!.text));
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
function tree(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(corpusDir, { recursive: true }) as string[]) {
    const full = join(corpusDir, name);
    if (statSync(full).isFile()) out.set(name, sha256(readFileSync(full)));
  }
  return out;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'verbatim-reliability-'));
  corpusDir = join(work, 'corpus');
  cpSync(join(ROOT, 'seeds'), corpusDir, { recursive: true });
  [emu, redis, engine] = await Promise.all([
    new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: 1000 }).start(),
    RedisServer.start({ password: REDIS_PASSWORD }),
    Engine.open({ corpusDir }),
  ]);
  bot = startBot(
    {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: emu.apiUrl,
      CORPUS_DIR: corpusDir,
      DATA_DIR: join(work, 'data'),
      MODERATOR_ROLE_ID: emu.moderatorRoleId,
      CACHE_URL: redis.url(),
      LOG_LEVEL: 'debug',
      RATE_USER_BURST: '3',
      RATE_USER_PER_MINUTE: '6',
      RATE_SERVER_BURST: '1000',
      RATE_SERVER_PER_MINUTE: '6000',
    },
    'src/main.ts',
    { preload: ['./test/support/faults.ts'] },
  );
  await bot.waitForOutput(/ready: logged in as verbatim/);
});

afterAll(async () => {
  bot?.kill();
  await Promise.all([emu?.stop(), redis?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('hostile input over the wire', () => {
  it('every hostile question gets its clear reply or a clean answer, in a message Discord accepts', async () => {
    const sent = CASES.map((c) => ({ c, i: emu.command('ask', { question: c.question }, member()) }));
    for (const { c, i } of sent) {
      const m = await i.settled();
      expect(i.refusals, c.name).toEqual([]);
      if (c.reply !== undefined) {
        expect(i.callbacks[0]!.type).toBe(4);
        expect(m.content, c.name).toBe(c.reply);
        expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
        continue;
      }
      await expectAnswer(m, c.question);
      if (c.echo !== undefined) expect(embedOf(m).description!.split('\n')[0], c.name).toBe(`**Q:** ${c.echo}`);
      if (c.says !== undefined) expect(embedOf(m).description, c.name).toContain(c.says);
    }
    for (const { c, i } of sent) for (const s of emu.sent.filter((x) => x.interactionId === i.id)) expect(bodyProblems(s.body, s.route !== 'edit'), c.name).toEqual([]);
  });

  it('and through /quote, /sources and autocomplete', async () => {
    const interactions: EmulatedInteraction[] = [];
    for (const c of CASES) {
      interactions.push(emu.command('quote', { about: c.question }, member()));
      interactions.push(emu.command('sources', { filter: c.question }, member()));
      interactions.push(emu.autocomplete('quote', 'speaker', c.question, {}, member()));
    }
    for (const i of interactions) {
      await i.response();
      if (i.type === 2) await i.settled();
      expect(i.refusals).toEqual([]);
      if (i.type === 2) expect(i.followups.map((f) => f.content)).not.toContain(ERROR_MESSAGE);
    }
    const ids = new Set(interactions.map((i) => i.id));
    for (const s of emu.sent.filter((x) => ids.has(x.interactionId))) expect(bodyProblems(s.body, s.route !== 'edit')).toEqual([]);
  });
});

describe('abuse', () => {
  it('one member flooding is told to slow down, logged once; the others asking at the same time are answered', async () => {
    const mark = bot.stderr.length;
    const flooder = member();
    const others = [member(), member(), member()];
    const flood = Array.from({ length: 12 }, () => emu.command('ask', { question: ICC }, flooder));
    const theirs = others.map((o) => emu.command('ask', { question: 'Where will the foreign ministers meet?' }, o));
    const floodMessages = await Promise.all(flood.map((i) => i.settled()));
    const slowed = floodMessages.filter((m) => m.content.startsWith("You're asking faster"));
    expect(floodMessages.filter((m) => m.embeds.length === 1 && embedOf(m).title === 'Answer').length).toBe(3);
    expect(slowed.length).toBe(9);
    for (const m of slowed) {
      expect(m.content).toMatch(/^You're asking faster than I can keep up with\. Please slow down and try again in (?:[1-9]|10) seconds?\.$/);
      expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
    }
    for (const i of theirs) await expectAnswer(await i.settled(), 'Where will the foreign ministers meet?');
    for (const i of [...flood, ...theirs]) {
      expect(i.refusals).toEqual([]);
      expect(i.firstResponseMs).toBeLessThanOrEqual(3000);
    }
    await bot.waitForOutput(/WARN {2}\[bot\] rate limited/);
    const logged = logSince(mark).filter((l) => l.includes('[bot] rate limited'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`"user":"${flooder.user!.id}"`);
    expect(logged[0]).toContain(`"name":"${flooder.user!.username}"`);
  });
});

describe('faults', () => {
  it('an exception inside one command: the user is told, it is logged once with context, the next question is answered', async () => {
    const mark = bot.stderr.length;
    const who = member();
    const i = emu.command('ask', { question: `${ICC} [fault:throw]` }, who);
    await emu.waitFor(() => i.followups.length > 0, 'the error follow-up');
    expect(i.followups[0]!.content).toBe(ERROR_MESSAGE);
    expect(i.followups[0]!.flags & EPHEMERAL).toBe(EPHEMERAL);
    const failed = logSince(mark).filter((l) => l.includes('interaction failed'));
    expect(failed).toHaveLength(1);
    for (const part of [`"interaction":"${i.id}"`, `"command":"ask"`, `"user":"${who.user!.id}"`, 'injected fault: the engine failed on this question']) expect(failed[0]).toContain(part);
    await expectAnswer(await emu.command('ask', { question: ICC }, member()).settled(), ICC);
  });

  it('a stray rejection and a stray exception, three and two times: each logged once, every question answered, the bot running', async () => {
    const mark = bot.stderr.length;
    const asked = [
      ...[1, 2, 3].map((n) => `${ICC} [fault:reject] ${n}`),
      ...[1, 2].map((n) => `Where will the foreign ministers meet? [fault:uncaught] ${n}`),
    ];
    for (const question of asked) await expectAnswer(await emu.command('ask', { question }, member()).settled(), question);
    await bot.waitForOutput(/uncaught exception: not handled where it happened/);
    // A question after them is answered: the process kept serving.
    await expectAnswer(await emu.command('ask', { question: ICC }, member()).settled(), ICC);
    const lines = logSince(mark);
    expect(lines.filter((l) => l.includes('[process] unhandled rejection'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('[process] uncaught exception'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('[process] unhandled rejection'))).toContain('injected fault: a promise rejected with nobody listening');
    expect(bot.running).toBe(true);
  });

  it('the gateway drops (4000): questions sent while it was down are replayed on resume and answered', async () => {
    const { identifies, resumes } = emu.gateway;
    emu.drop(4000);
    const during = ['Where will the foreign ministers meet?', ICC, 'How many civilians died in Aleppo since the ceasefire collapsed?'].map((q) => ({ q, i: emu.command('ask', { question: q }, member()) }));
    for (const { q, i } of during) {
      await expectAnswer(await i.settled(), q);
      expect(i.refusals).toEqual([]);
      expect(i.deliveredAt).not.toBeNull();
    }
    expect(emu.gateway.resumes).toBe(resumes + 1);
    expect(emu.gateway.identifies).toBe(identifies);
  });

  it('the gateway closes normally (1000): the bot identifies afresh and answers what comes after', async () => {
    const { identifies } = emu.gateway;
    const mark = bot.stderr.length;
    emu.drop(1000);
    // @discordjs/ws waits out its identify throttle first: a few seconds.
    await emu.waitFor(() => emu.gateway.identifies === identifies + 1 && emu.connected, 'a new IDENTIFY', 20_000);
    expect(logSince(mark).filter((l) => l.includes('INFO  [discord] gateway reconnecting'))).toHaveLength(1);
    await expectAnswer(await emu.command('ask', { question: ICC }, member()).settled(), ICC);
  });

  it('a 500 on the first response is retried by the REST client', async () => {
    emu.inject(CALLBACK, { method: 'POST', status: 500, count: 1 });
    const i = emu.command('ask', { question: ICC }, member());
    await expectAnswer(await i.settled(), ICC);
    expect(emu.requests.filter((r) => r.path.includes(`/interactions/${i.id}/`)).map((r) => r.status)).toEqual([500, 204]);
  });

  it('502s on the answer that outlast the REST client\'s own retries: sent again after a pause, and delivered', async () => {
    // The REST client tries 4 times at once; the bot waits and sends the edit again.
    emu.inject(EDIT, { method: 'PATCH', status: 502, count: 6 });
    const i = emu.command('ask', { question: ICC }, member());
    await expectAnswer(await i.settled(15_000), ICC);
    const edits = emu.requests.filter((r) => r.method === 'PATCH' && r.path.includes(i.token));
    expect(edits.map((r) => r.status)).toEqual([502, 502, 502, 502, 502, 502, 200]);
    expect(edits[4]!.at - edits[3]!.at).toBeGreaterThanOrEqual(EDIT_RETRY_DELAYS_MS[0] - 20);
    expect(i.followups).toEqual([]);
  });

  it('a 429 with Retry-After on the answer, while another user asks: both answered', async () => {
    emu.inject(EDIT, { method: 'PATCH', status: 429, retryAfter: 0.4, count: 1 });
    const a = emu.command('ask', { question: ICC }, member());
    const b = emu.command('ask', { question: 'Where will the foreign ministers meet?' }, member());
    await expectAnswer(await a.settled(), ICC);
    await expectAnswer(await b.settled(), 'Where will the foreign ministers meet?');
    const statuses = [a, b].flatMap((i) => emu.requests.filter((r) => r.method === 'PATCH' && r.path.includes(i.token)).map((r) => r.status));
    expect(statuses.sort()).toEqual([200, 200, 429]);
  });

  it('Redis killed and restarted: every question answered all along, correctly; the cache used again once it is back', async () => {
    const cached = (m: StoredMessage) => (m.embeds[0] as { footer: { text: string } }).footer.text.endsWith(' · cached');
    const ask = async (q: string) => {
      const m = await emu.command('ask', { question: q }, member()).settled();
      await expectAnswer(m, q);
      return m;
    };
    /** Ask `q` until the answer comes from the cache. A slow lookup (over 50 ms) counts as a failure and the
     * store is then left alone for a second, so this polls by time. */
    const untilCached = async (q: string) => {
      const deadline = Date.now() + 10_000;
      let m = await ask(q);
      while (!cached(m) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        m = await ask(q);
      }
      return cached(m);
    };
    const q = 'How many airstrikes did Russia and Syria launch in 72 hours?';
    const mark = bot.stderr.length;
    expect(await untilCached(q)).toBe(true);

    await redis.kill();
    for (const other of [q, ICC, 'Where will the foreign ministers meet?']) expect(cached(await ask(other))).toBe(false);

    await redis.restart();
    // The restarted Redis is empty: the answer is written again before a repeat is read back.
    expect(await untilCached(q)).toBe(true);
    // The cache reports a failure at most once a minute, and its end only when it reported the failure (see
    // test/cache/failure.test.ts): never a line per question.
    const lines = logSince(mark);
    expect(lines.filter((l) => l.includes('[cache] cache store') && l.includes('is failing')).length).toBeLessThanOrEqual(1);
    expect(lines.filter((l) => l.includes('[cache] cache store') && l.includes('is back after')).length).toBeLessThanOrEqual(1);
    expect(bot.running).toBe(true);
  });

  it('a refresh that fails as a whole changes nothing: the articles loaded before are still served', async () => {
    const version = engine.corpus.version;
    renameSync(corpusDir, `${corpusDir}-away`);
    try {
      const m = await emu.command('refresh', {}, MODERATOR).settled();
      expect(embedOf(m).title).toBe('Refresh failed');
      expect(embedOf(m).description).toContain('Nothing changed: the articles loaded before are still being served.');
      const answered = await emu.command('ask', { question: ICC }, member()).settled();
      await expectAnswer(answered, ICC);
      expect((answered.embeds[0] as { footer: { text: string } }).footer.text).toContain(`corpus ${version.slice(0, 8)}`);
    } finally {
      renameSync(`${corpusDir}-away`, corpusDir);
    }
  });
});

describe('permissions, checked when the command runs', () => {
  it('a member\'s moderator commands are refused, change nothing, and are logged with who asked', async () => {
    const before = tree();
    const mark = bot.stderr.length;
    const plain = member();
    const attempts: [string, Record<string, string>][] = [
      ['remove', { article: '004_08d7a890f8e88d95' }],
      ['restore', { article: 'anything' }],
      ['ingest', { url: 'https://example.com/story' }],
      ['refresh', {}],
      ['audit', {}],
      ['stats', {}],
    ];
    for (const [name, options] of attempts) {
      const i = emu.command(name, options, plain);
      const m = await i.settled();
      expect(i.callbacks[0]!.type).toBe(4);
      expect(m.content).toBe(MODERATORS_ONLY);
      expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
    }
    expect(tree()).toEqual(before);
    expect(existsSync(join(corpusDir, '.audit.jsonl'))).toBe(false);
    const refused = logSince(mark).filter((l) => l.includes('WARN  [bot] refused'));
    expect(refused.map((l) => /"command":"(\w+)"/.exec(l)?.[1])).toEqual(attempts.map(([name]) => name));
    for (const l of refused) {
      expect(l).toContain(`"user":"${plain.user!.id}"`);
      expect(l).toContain(`"name":"${plain.user!.username}"`);
      expect(l).toContain('"reason":"not a moderator"');
    }
  });

  it('in direct messages, moderator commands are refused whoever asks', async () => {
    const mark = bot.stderr.length;
    for (const name of ['remove', 'refresh']) {
      const m = await emu.command(name, name === 'remove' ? { article: '004_08d7a890f8e88d95' } : {}, { dm: true, user: MODERATOR.user! }).settled();
      expect(m.content).toBe(NOT_IN_DMS);
    }
    expect(logSince(mark).filter((l) => l.includes('[bot] refused') && l.includes('"reason":"not in a server"'))).toHaveLength(2);
    expect(engine.articles().map((a) => a.id)).toEqual(['000_9c97e5d4a05ee18f', '004_08d7a890f8e88d95']);
  });

  it('a member with the moderator role may; autocomplete of a moderator command suggests nothing to others', async () => {
    const role = member({ roles: [emu.moderatorRoleId] });
    const audit = await emu.command('audit', {}, role).settled();
    expect(audit.content).toBe('No changes have been made to the articles from Discord yet.');
    // /stats shows the questions asked, hostile ones among them (checked with every other message at the end).
    expect(embedOf(await emu.command('stats', {}, role).settled()).title).toBe('Answer statistics');

    const forModerator = emu.autocomplete('remove', 'article', '', {}, MODERATOR);
    const forMember = emu.autocomplete('remove', 'article', '', {}, member());
    const inDm = emu.autocomplete('remove', 'article', '', {}, { dm: true, user: MODERATOR.user! });
    await Promise.all([forModerator.response(), forMember.response(), inDm.response()]);
    expect(forModerator.choices?.map((c) => c.value)).toEqual(engine.articles().map((a) => a.id));
    expect(forMember.choices).toEqual([]);
    expect(inDm.choices).toEqual([]);
  });
});

describe('over everything', () => {
  it('every question Discord delivered was acknowledged in time and answered', () => {
    const delivered = [...emu.interactions.values()].filter((i) => i.type !== 4 && i.deliveredAt !== null);
    expect(delivered.length).toBeGreaterThan(100);
    for (const i of delivered) {
      expect(i.acknowledged, `interaction ${i.id}`).toBe(true);
      expect(i.firstResponseMs).toBeLessThanOrEqual(3000);
      const first = i.callbacks[0]!;
      const final = first.type === 4 || first.type === 7 || i.originalEdits > 0 || i.followups.length > 0;
      expect(final, `interaction ${i.id} has a final message`).toBe(true);
    }
    // Nothing was refused by Discord's rules.
    expect([...emu.interactions.values()].flatMap((i) => i.refusals)).toEqual([]);
  });

  it('every message was one Discord accepts, with mentions off', () => {
    for (const s of emu.sent) expect(bodyProblems(s.body, s.route !== 'edit' && s.route !== 'callback:7'), s.route).toEqual([]);
  });

  it('neither the token nor the Redis password reached the logs or any message, at debug level, through every fault', () => {
    const secrets = [TOKEN, REDIS_PASSWORD, encodeURIComponent(REDIS_PASSWORD)];
    const messages = JSON.stringify([emu.sent.map((s) => s.body), [...emu.interactions.values()].map((i) => i.choices)]);
    expect(bot.stderr.length).toBeGreaterThan(20_000);
    for (const secret of secrets) {
      expect(bot.stderr.includes(secret)).toBe(false);
      expect(bot.stdout.includes(secret)).toBe(false);
      expect(messages.includes(secret)).toBe(false);
    }
    // And the run-wide scan has this bot's output, with its secrets, to look through at the end.
    const dir = process.env[CAPTURE_DIR_ENV];
    expect(dir).toBeTruthy();
    const mine = readdirSync(dir!)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ meta: JSON.parse(readFileSync(join(dir!, f), 'utf8')) as { label: string; secrets: string[] }, log: join(dir!, f.replace(/\.json$/, '.log')) }))
      .find((c) => c.meta.label === `src/main.ts (pid ${bot.child.pid})`);
    expect(mine?.meta.secrets).toEqual(expect.arrayContaining(secrets));
    expect(readFileSync(mine!.log, 'utf8')).toBe(bot.stdout + bot.stderr);
  });

  it('shuts down cleanly', async () => {
    const exit = await bot.stop('SIGTERM');
    expect(exit).toMatchObject({ code: 0, signal: null });
  });
});
