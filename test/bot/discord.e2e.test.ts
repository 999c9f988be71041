// End to end: the bot started as `npm start` starts it (src/main.ts under tsx, DISCORD_API_URL pointed at the
// emulator), the real discord.js client inside it, and the emulated Discord in this process sending it
// interactions as users would. Every message the bot sends is checked against Discord's rules at the end.
// The tests share one bot and run in file order: the moderator tests add articles to its corpus (and refresh
// the in-process engine used as the oracle to match), and the last tests look back over everything sent.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator, EPHEMERAL, type EmulatedInteraction, type StoredMessage } from '../emulator/discord.ts';
import { messageProblems } from '../emulator/limits.ts';
import { BotProcess, ROOT, startBot } from '../support/bot.ts';
import { MEMBER, MODERATOR, buttonIds, embedOf, quoteOf as quoted, unescape, type Json } from '../support/messages.ts';
import { Engine } from '../../src/engine.ts';
import seedQuestions from '../fixtures/seed-questions.json' with { type: 'json' };

// Looks like a real bot token, so the log redaction is tested on the shape it must catch as well as by value.
const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.GxYzAb.emulated-token-value-0123456789abcdef';

let emu: DiscordEmulator;
let bot: BotProcess;
let engine: Engine;
let corpusDir: string;
let dataDir: string;
let work: string;
let lateId = '';

const articleText = (path: string) => readFileSync(join(corpusDir, path), 'utf8');
/** The quoted text of an embed field, without a cut marker. */
const quoteOf = (fieldValue: string) => quoted(fieldValue).text;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'verbatim-e2e-'));
  corpusDir = join(work, 'corpus');
  dataDir = join(work, 'data');
  cpSync(join(ROOT, 'seeds'), corpusDir, { recursive: true });
  emu = await new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: 1000 }).start();
  bot = startBot({
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: emu.apiUrl,
    CORPUS_DIR: corpusDir,
    DATA_DIR: dataDir,
    MODERATOR_ROLE_ID: emu.moderatorRoleId,
    LOG_LEVEL: 'debug',
  });
  engine = await Engine.open({ corpusDir, maxFileBytes: 5 * 1024 * 1024 });
  await bot.waitForOutput(/ready: logged in as verbatim/);
});

afterAll(async () => {
  bot?.kill();
  await emu?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function ask(question: string, options: Record<string, string> = {}, invoker: Json = MEMBER): Promise<{ i: EmulatedInteraction; m: StoredMessage }> {
  const i = emu.command('ask', { question, ...options }, invoker);
  return { i, m: await i.settled() };
}

describe('registration', () => {
  it('npm run deploy-commands registers every command in the guild when DISCORD_GUILD_ID is set, else globally', async () => {
    const env = { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: emu.apiUrl, DISCORD_CLIENT_ID: emu.applicationId };
    const guild = startBot({ ...env, DISCORD_GUILD_ID: emu.guild.id }, 'src/cli/deploy-commands.ts');
    const global = startBot({ DISCORD_TOKEN: TOKEN, DISCORD_API_URL: emu.apiUrl }, 'src/cli/deploy-commands.ts');
    expect((await guild.exited).code).toBe(0);
    expect((await global.exited).code).toBe(0);

    const names = ['ask', 'audit', 'help', 'ingest', 'quote', 'refresh', 'remove', 'restore', 'sources', 'stats'];
    const inGuild = emu.registered.guild.get(emu.guild.id) ?? [];
    expect(inGuild.map((c) => c.name).sort()).toEqual(names);
    expect(emu.registered.global?.map((c) => c.name).sort()).toEqual(names);
    // Moderator commands: hidden from members without Manage Server by default, and not offered in DMs.
    for (const name of ['audit', 'ingest', 'refresh', 'remove', 'restore', 'stats']) {
      expect(inGuild.find((c) => c.name === name)?.default_member_permissions).toBe('32');
      expect(emu.registered.global?.find((c) => c.name === name)?.contexts).toEqual([0]);
    }
    expect(inGuild.find((c) => c.name === 'ask')?.options).toEqual([
      expect.objectContaining({ name: 'question', type: 3, required: true }),
      expect.objectContaining({ name: 'article', type: 3, autocomplete: true }),
    ]);
    // Without DISCORD_CLIENT_ID the application id was asked of the API.
    expect(emu.requests.some((r) => r.path === '/api/v10/applications/@me' && r.status === 200)).toBe(true);
    expect(inGuild.find((c) => c.name === 'ingest')?.options).toEqual([
      expect.objectContaining({ name: 'file', type: 11, required: false }),
      expect.objectContaining({ name: 'url', type: 3, required: false }),
    ]);
    expect(guild.stderr).toContain(`registered 10 commands in server ${emu.guild.id}`);
    expect(global.stderr).toContain('registered 10 commands globally');
  });

  it('deploy-commands with a wrong token fails with a message and a non-zero exit', async () => {
    const bad = startBot({ DISCORD_TOKEN: 'not-the-token-at-all', DISCORD_API_URL: emu.apiUrl, DISCORD_CLIENT_ID: emu.applicationId }, 'src/cli/deploy-commands.ts');
    expect((await bad.exited).code).toBe(1);
    expect(bad.stderr).toMatch(/could not register the commands/);
  });
});

describe('connection', () => {
  it('stops with a clear message, and without printing it, when the token is refused; and on a bad setting', async () => {
    const wrong = 'MTExMTExMTExMTExMTExMTExMQ.AbCdEf.wrong-token-value-abcdefghijklmnop';
    const refused = startBot({ DISCORD_TOKEN: wrong, DISCORD_API_URL: emu.apiUrl, DATA_DIR: join(work, 'data-refused') });
    const misconfigured = startBot({ DISCORD_API_URL: 'ftp://example.com', DATA_DIR: join(work, 'data-refused') });
    expect((await refused.exited).code).toBe(1);
    expect(refused.stderr).toMatch(/invalid token/i);
    expect(refused.stderr).not.toContain(wrong);
    expect((await misconfigured.exited).code).toBe(2);
    expect(misconfigured.stderr).toContain('configuration: DISCORD_API_URL must be an http(s) URL');
  });

  it('found the gateway through DISCORD_API_URL, identified once and heartbeats', async () => {
    expect(emu.requests.some((r) => r.method === 'GET' && r.path === '/api/v10/gateway/bot' && r.status === 200)).toBe(true);
    expect(emu.gateway.identifies).toBe(1);
    await emu.waitFor(() => emu.gateway.heartbeats >= 1, 'a heartbeat');
  });
});

describe('/ask', () => {
  it('answers with the sentence the engine cites, quoted exactly, with title, publisher, position and confidence', async () => {
    const question = 'who called for an ICC investigation?';
    const expected = (await engine.ask(question));
    expect(expected.kind).toBe('answer');
    if (expected.kind !== 'answer') return;

    const { i, m } = await ask(question);
    // /ask defers (type 5, public) and then edits the reply.
    expect(i.callbacks[0]!.type).toBe(5);
    expect(m.flags & EPHEMERAL).toBe(0);
    const embed = embedOf(m);
    expect(embed.title).toBe('Answer');
    expect(embed.description).toContain(`**Q:** who called for an ICC investigation?`);
    expect(embed.description).toMatch(/Confidence: (?:very high|high|moderate|low|very low) \(\d+%\)/);
    if (expected.answer) expect(unescape(embed.description!)).toContain(`**A:** ${expected.answer.text}`);

    const fields = embed.fields ?? [];
    expect(fields.length).toBe(Math.min(3, expected.citations.length));
    fields.forEach((f, n) => {
      const c = expected.citations[n]!;
      const quote = quoteOf(f.value);
      // Exactly the article's text at the citation's offsets.
      expect(quote).toBe(articleText(c.path).slice(c.start, c.end));
      expect(f.name).toBe(`[${n + 1}] Paragraph ${c.paragraph}, sentence ${c.sentence}`);
      expect(unescape(f.value)).toContain(c.title);
      if (c.source) expect(f.value).toContain(c.source);
    });
    expect(quoteOf(fields[0]!.value)).toContain('French officials said on Monday that the International Criminal Court (ICC)');
    expect(embed.footer?.text).toContain(`corpus ${engine.corpus.version.slice(0, 8)}`);
    expect(buttonIds(m)).toEqual([expect.stringMatching(/^ask:more:/), expect.stringMatching(/^ask:up:/), expect.stringMatching(/^ask:down:/)]);
  });

  it('says "the articles don\'t say" when the engine abstains, with the closest matches labelled as not an answer', async () => {
    const unanswerable = seedQuestions.unanswerable;
    const replies = await Promise.all(unanswerable.map((q) => engine.ask(q)));
    const withNearest = unanswerable.find((_, n) => {
      const a = replies[n]!;
      return a.kind === 'not-found' && a.nearest.length > 0;
    });
    const withNothing = unanswerable.find((_, n) => {
      const a = replies[n]!;
      return a.kind === 'not-found' && a.nearest.length === 0;
    });
    expect(withNearest).toBeDefined();
    expect(withNothing).toBeDefined();

    const near = (await engine.ask(withNearest!));
    if (near.kind !== 'not-found') throw new Error('precondition');
    const { m } = await ask(withNearest!);
    const embed = embedOf(m);
    expect(embed.title).toBe("The articles don't say");
    expect(embed.description).toContain("**The articles don't say.**");
    expect(embed.description).toContain('They are **not** an answer.');
    expect(embed.description).not.toContain('**A:**');
    const fields = embed.fields ?? [];
    expect(fields.length).toBe(Math.min(3, near.nearest.length));
    fields.forEach((f, n) => {
      expect(f.name).toMatch(new RegExp(`^Closest match ${n + 1} \\(not an answer\\)`));
      const c = near.nearest[n]!;
      expect(quoteOf(f.value)).toBe(articleText(c.path).slice(c.start, c.end));
    });

    const { m: none } = await ask(withNothing!);
    expect(embedOf(none).title).toBe("The articles don't say");
    expect(embedOf(none).fields ?? []).toEqual([]);
  });

  it('offers the articles as autocomplete choices for the article option, and keeps citations to the one chosen', async () => {
    const ac = emu.autocomplete('ask', 'article', 'aleppo', { question: 'who' });
    await ac.response();
    expect(ac.callbacks[0]!.type).toBe(8);
    const expected = engine.articles('aleppo');
    expect(expected.length).toBeGreaterThan(0);
    expect(ac.choices).toEqual(expected.map((a) => ({ name: a.source ? `${a.title} (${a.source})` : a.title, value: a.id })));

    const all = emu.autocomplete('ask', 'article', '');
    await all.response();
    expect(all.choices?.length).toBe(engine.articles().length);

    const chosen = engine.articles().find((a) => a.source === 'ARA News')!;
    const { m } = await ask('What did the Foreign Secretary condemn?', { article: chosen.id });
    const embed = embedOf(m);
    expect(unescape(embed.description!)).toContain(`Searched only: *${chosen.title} (${chosen.source})*`);
    const restricted = (await engine.ask('What did the Foreign Secretary condemn?', { articleId: chosen.id }));
    const cited = restricted.kind === 'answer' ? restricted.citations : restricted.nearest;
    for (const c of cited) expect(c.articleId).toBe(chosen.id);
    for (const f of embed.fields ?? []) expect(articleText(chosen.path)).toContain(quoteOf(f.value));
  });

  it('tells the user clearly when the article option names no article, and records nothing', async () => {
    const before = readFileSync(join(dataDir, 'feedback.jsonl'), 'utf8');
    const { m } = await ask('who called for an ICC investigation?', { article: 'no such article anywhere' });
    expect(m.content).toContain('No article matches “no such article anywhere”');
    expect(m.embeds).toEqual([]);
    expect(readFileSync(join(dataDir, 'feedback.jsonl'), 'utf8')).toBe(before);
  });

  it('shows more sources on request: further sentences, exact, not repeating the ones shown', async () => {
    const question = 'Where will the foreign ministers meet?';
    const { m } = await ask(question);
    const shown = (embedOf(m).fields ?? []).map((f) => quoteOf(f.value));
    const press = emu.press(m, buttonIds(m)[0]!, { ...MEMBER, user: { id: '300000000000000002', username: 'curious' } });
    const more = await press.settled();
    expect(more.flags & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(more);
    expect(embed.title).toBe('More sources');
    const fields = embed.fields ?? [];
    expect(fields.length).toBeGreaterThan(0);
    const texts = new Map(engine.articles().map((a) => [a.title, articleText(a.path)]));
    for (const f of fields) {
      const quote = quoteOf(f.value);
      expect(shown).not.toContain(quote);
      expect([...texts.values()].some((t) => t.includes(quote))).toBe(true);
      expect(f.name).toMatch(/^Paragraph \d+, sentence \d+ · (?:very high|high|moderate|low|very low) \(\d+%\)$/);
    }
  });

  it('records 👍/👎 with the question, citations and corpus version; one vote per user, the later replacing the earlier', async () => {
    const question = 'How many civilians died in Aleppo since the ceasefire collapsed?';
    const { m } = await ask(question);
    const [, up, down] = buttonIds(m);
    const alice = { ...MEMBER, user: { id: '300000000000000010', username: 'alice' } };
    const bob = { ...MEMBER, user: { id: '300000000000000011', username: 'bob' } };

    const first = await emu.press(m, up!, alice).settled();
    expect(first.content).toBe('Thanks: your 👍 on this answer is recorded.');
    expect(first.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect((await emu.press(m, down!, alice).settled()).content).toBe('Changed your vote on this answer to 👎.');
    expect((await emu.press(m, down!, alice).settled()).content).toBe('You had already voted 👎 on this answer; it stays recorded once.');
    expect((await emu.press(m, down!, bob).settled()).content).toBe('Thanks: your 👎 on this answer is recorded.');

    const answerId = up!.split(':')[2]!;
    const lines = readFileSync(join(dataDir, 'feedback.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Json);
    const record = lines.find((l) => l.type === 'answer' && l.id === answerId)!;
    const expected = (await engine.ask(question));
    expect(record).toMatchObject({ question, corpusVersion: engine.corpus.version, kind: expected.kind, cached: false });
    const cited = expected.kind === 'answer' ? expected.citations : expected.nearest;
    expect(record.citations).toEqual(cited.slice(0, 3).map((c) => ({ articleId: c.articleId, start: c.start, end: c.end, sentenceId: c.sentenceId })));
    const votes = lines.filter((l) => l.type === 'vote' && l.answerId === answerId).map((l) => [l.userId, l.vote]);
    // Appended in order; the repeated 👎 wrote nothing.
    expect(votes).toEqual([
      [alice.user.id, 'up'],
      [alice.user.id, 'down'],
      [bob.user.id, 'down'],
    ]);

    // Moderators see it among the least-liked answers: two 👎, no 👍 (alice's 👍 was replaced).
    const stats = await emu.command('stats', {}, MODERATOR).settled();
    const embed = embedOf(stats);
    const leastLiked = embed.fields?.find((f) => f.name === 'Least liked')?.value ?? '';
    expect(unescape(leastLiked)).toContain(`👎 2 · 👍 0 — ${question}`);
    expect(unescape(leastLiked)).toContain(answerId);
  });

  it('never lets a mention in the question ping anyone, and shows it as written', async () => {
    const question = '@everyone <@123> <@&456> who called for an ICC investigation?';
    const { i, m } = await ask(question);
    expect(unescape(embedOf(m).description!)).toContain(`**Q:** ${question}`);
    // Escaped, so Discord shows the text rather than a mention pill.
    expect(embedOf(m).description).toContain('\\<@123\\>');
    for (const s of emu.sent.filter((x) => x.interactionId === i.id)) expect(s.body.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('/quote', () => {
  it('finds quotations about a topic, verbatim, with their speaker and article', async () => {
    const expected = engine.quotations({ about: 'war crimes' }, 6);
    expect(expected.length).toBeGreaterThan(0);
    const m = await emu.command('quote', { about: 'war crimes' }).settled();
    const embed = embedOf(m);
    expect(embed.title).toBe('Quotations');
    const fields = embed.fields ?? [];
    expect(fields.length).toBe(expected.length);
    fields.forEach((f, n) => {
      const q = expected[n]!;
      expect(quoteOf(f.value)).toBe(articleText(q.path).slice(q.start, q.end));
      expect(f.name).toBe(`[${n + 1}] Paragraph ${q.paragraph}`);
      expect(unescape(f.value)).toContain(q.speaker ? `**${q.speaker}**` : 'Speaker not named');
    });
  });

  it('filters by speaker, offered through autocomplete', async () => {
    const ac = emu.autocomplete('quote', 'speaker', 'boris');
    await ac.response();
    expect(ac.choices?.map((c) => c.value)).toEqual(engine.speakers('boris').map((s) => s.name));
    const speaker = ac.choices![0]!.value as string;
    const m = await emu.command('quote', { speaker }).settled();
    const fields = embedOf(m).fields ?? [];
    expect(fields.length).toBe(engine.quotations({ speaker }, 6).length);
    for (const f of fields) expect(unescape(f.value)).toContain(`— **${speaker}**`);
  });

  it('says so when nothing matches', async () => {
    const m = await emu.command('quote', { about: 'chocolate cake recipes' }).settled();
    expect(m.content).toMatch(/^No quotations found about “chocolate cake recipes”/);
  });
});

describe('/help', () => {
  it('explains the bot and lists every command, only to the user who asked', async () => {
    const i = emu.command('help');
    const m = await i.settled();
    expect(i.callbacks[0]!.type).toBe(4);
    expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(m);
    expect(embed.description).toContain('quoted word for word');
    expect(embed.fields?.map((f) => f.name.split(' ')[0])).toEqual(['/ask', '/audit', '/help', '/ingest', '/quote', '/refresh', '/remove', '/restore', '/sources', '/stats']);
    expect(embed.fields?.find((f) => f.name.startsWith('/ingest'))?.name).toBe('/ingest [file:<…>] [url:<…>]');
  });
});

describe('Discord behaviour', () => {
  it('answers a burst of 200 concurrent questions from 200 members, each acknowledged within the 3-second deadline', async () => {
    // Every seed question, answerable or not, in turn: the repeats are answered from the cache while the
    // first asking may still be in the engine.
    const seeds = [...seedQuestions.answerable.map((q) => q.q), ...seedQuestions.unanswerable];
    const questions = Array.from({ length: 200 }, (_, n) => seeds[n % seeds.length]!);
    const sent = questions.map((q, n) => emu.command('ask', { question: q }, { ...MEMBER, user: { id: `3000000000000${String(n).padStart(5, '0')}`, username: `reader${n}` } }));
    const messages = await Promise.all(sent.map((i) => i.settled(30_000)));
    const kinds = new Map(await Promise.all(seeds.map(async (q) => [q, (await engine.ask(q)).kind] as const)));
    for (const [n, i] of sent.entries()) {
      // The emulator refuses a first response after Discord's 3 seconds (10062) and a second one (40060).
      expect(i.refusals).toEqual([]);
      expect(i.firstResponseMs).toBeLessThanOrEqual(3000);
      expect(i.callbacks.map((c) => c.type)).toEqual([5]);
      const title = embedOf(messages[n]!).title;
      expect(title).toBe(kinds.get(questions[n]!) === 'answer' ? 'Answer' : "The articles don't say");
    }
    expect(new Set(questions).size).toBe(seeds.length);
  });

  it('answers an interaction sent right after the gateway connection drops, once the session resumes', async () => {
    const identifies = emu.gateway.identifies;
    emu.drop(4000);
    const i = emu.command('ask', { question: 'When are the delegations expected to meet?' });
    const m = await i.settled();
    expect(emu.gateway.resumes).toBe(1);
    expect(emu.gateway.identifies).toBe(identifies); // resumed, not re-identified
    expect(i.refusals).toEqual([]);
    expect(embedOf(m).fields?.length).toBeGreaterThan(0);
    // And one sent after the resume.
    const after = await emu.command('help').settled();
    expect(embedOf(after).title).toContain('Verbatim');
  });

  it('retries a reply that Discord answered with 429, after the Retry-After it was given', async () => {
    emu.inject(/^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/, { method: 'POST', retryAfter: 0.3 });
    const help = emu.command('help');
    const m = await help.settled();
    expect(embedOf(m).title).toContain('Verbatim');
    const tries = emu.requests.filter((r) => r.path.includes(`/interactions/${help.id}/`));
    expect(tries.map((r) => r.status)).toEqual([429, 204]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(300);

    emu.inject(/^\/api\/v10\/webhooks\/\d+\/[^/]+\/messages\/@original$/, { method: 'PATCH', retryAfter: 0.2 });
    const asked = emu.command('ask', { question: 'who called for an ICC investigation?' });
    await asked.settled();
    const edits = emu.requests.filter((r) => r.method === 'PATCH' && r.path.includes(asked.token));
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
  });

  it('turns a failure into a short ephemeral message, through the one error boundary, and keeps running', async () => {
    // Discord keeps failing the edit: discord.js retries 5xx three times, the bot sends the edit twice more
    // after a pause (4 tries each), then the error reaches the boundary.
    emu.inject(/^\/api\/v10\/webhooks\/\d+\/[^/]+\/messages\/@original$/, { method: 'PATCH', status: 500, count: 12 });
    const i = emu.command('ask', { question: 'who called for an ICC investigation?' });
    await emu.waitFor(() => i.followups.length > 0, 'the error follow-up', 20_000);
    expect(i.followups[0]!.content).toBe('Sorry, something went wrong while handling that. It has been logged; please try again in a moment.');
    expect(i.followups[0]!.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(bot.stderr).toContain('interaction failed');
    expect((await emu.command('help').settled()).embeds.length).toBe(1);
  });

  it('logs, and survives, an interaction it could not acknowledge in time', async () => {
    const late = emu.command('help', {}, { ...MEMBER, backdateMs: 3500 });
    lateId = late.id;
    await emu.waitFor(() => late.refusals.length > 0, 'the late reply to be refused');
    expect(late.refusals[0]).toMatchObject({ code: 10062 });
    expect(late.acknowledged).toBe(false);
    expect((await emu.command('help').settled()).embeds.length).toBe(1);
  });
});

describe('moderator commands', () => {
  it('/refresh and /stats are refused to a plain member, at run time, with a short message only they see', async () => {
    for (const name of ['audit', 'ingest', 'refresh', 'remove', 'restore', 'stats']) {
      const i = emu.command(name, {}, MEMBER);
      const m = await i.settled();
      expect(i.callbacks[0]!.type).toBe(4);
      expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(m.content).toBe('Only moderators (members with Manage Server) can use this command.');
    }
  });

  it('/refresh is refused in direct messages', async () => {
    const m = await emu.command('refresh', {}, { dm: true, user: { id: '300000000000000003', username: 'dm-user' } }).settled();
    expect(m.content).toBe('This command works in a server, not in direct messages.');
  });

  it('/refresh works for a member with Manage Server, or with the moderator role, and reports what changed', async () => {
    const unchanged = await emu.command('refresh', {}, MODERATOR).settled();
    expect(unchanged.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedOf(unchanged).title).toBe('Articles refreshed');
    expect(embedOf(unchanged).description).toContain('0 added · 0 removed · 0 changed · 2 unchanged · 0 files skipped');

    // Twelve more articles, and a file that is not an article.
    mkdirSync(join(corpusDir, 'local'), { recursive: true });
    for (let n = 1; n <= 12; n++) {
      writeFileSync(
        join(corpusDir, 'local', `bridge-${String(n).padStart(2, '0')}.txt`),
        `Riverton council approves footbridge plan ${n}\n\nThe town council in Riverton approved plan ${n} for a new footbridge over the river on Tuesday, officials said. ` +
          `The bridge would cost about ${n} million pounds and open next spring. Residents welcomed the decision at a public meeting.\n`,
      );
    }
    writeFileSync(join(corpusDir, 'local', 'empty.txt'), '');
    expect((await engine.refresh()).ok).toBe(true);
    const role = { permissions: '0', roles: [emu.moderatorRoleId] };
    const report = await emu.command('refresh', {}, role).settled();
    const embed = embedOf(report);
    expect(embed.description).toContain('**14** articles');
    expect(embed.description).toContain('12 added · 0 removed · 0 changed · 2 unchanged · 1 file skipped');
    expect(unescape(embed.fields?.find((f) => f.name === 'Added (12)')?.value ?? '')).toContain('local/bridge-01');
    expect(unescape(embed.fields?.find((f) => f.name === 'Skipped (1)')?.value ?? '')).toContain('local/empty.txt: empty file');
  });

  it('/sources pages through the articles with buttons once there are more than fit', async () => {
    const i = emu.command('sources');
    const first = await i.settled();
    expect(i.callbacks[0]!.type).toBe(4);
    expect(embedOf(first).footer?.text).toBe('Page 1 of 2 · 14 articles');
    const [prev, next] = buttonIds(first);
    expect(first.components[0]!.components).toEqual([
      expect.objectContaining({ label: '◀ Previous', disabled: true }),
      expect.objectContaining({ label: 'Next ▶', disabled: false }),
    ]);
    const titlesOnPage1 = (embedOf(first).description ?? '').match(/^\*\*\d+\.\*\* .*$/gm) ?? [];
    expect(titlesOnPage1.length).toBe(8);

    const turn = emu.press(first, next!);
    const second = await turn.settled();
    expect(turn.callbacks[0]!.type).toBe(7); // the same message, updated
    expect(second.id).toBe(first.id);
    expect(embedOf(second).footer?.text).toBe('Page 2 of 2 · 14 articles');
    expect((embedOf(second).description ?? '').match(/^\*\*\d+\.\*\* .*$/gm)?.length).toBe(6);
    const back = await emu.press(second, buttonIds(second)[0]!).settled();
    expect(embedOf(back).footer?.text).toBe('Page 1 of 2 · 14 articles');
    expect(prev).toMatch(/^sources:page:0:/);

    const filtered = await emu.command('sources', { filter: 'aleppo' }).settled();
    expect(embedOf(filtered).footer?.text).toBe(`Page 1 of 1 · ${engine.articles('aleppo').length} article${engine.articles('aleppo').length === 1 ? '' : 's'}`);
    expect(filtered.components).toEqual([]);
  });
});

describe('every message', () => {
  it('had mentions disabled and stayed within Discord\'s limits', () => {
    expect(emu.sent.length).toBeGreaterThan(60);
    for (const s of emu.sent) {
      expect(s.body.allowed_mentions, `${s.route} ${JSON.stringify(s.body).slice(0, 200)}`).toEqual({ parse: [] });
      expect(s.problems).toEqual([]);
      expect(messageProblems(s.body, s.route !== 'edit' && s.route !== 'callback:7')).toEqual([]);
    }
    // Nothing was refused for breaking a rule, except the deliberately late interaction.
    const refused = [...emu.interactions.values()].flatMap((i) => i.refusals.map((r) => ({ id: i.id, ...r })));
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((r) => `${r.id} ${r.code}`))).toEqual(new Set([`${lateId} 10062`]));
  });

  it('the token never reached the logs, even at debug level', () => {
    expect(bot.stderr.length).toBeGreaterThan(1000);
    expect(bot.stderr).not.toContain(TOKEN);
    expect(bot.stdout).not.toContain(TOKEN);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exit = await bot.stop('SIGTERM');
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(bot.stderr).toMatch(/SIGTERM received: shutting down[\s\S]*stopped/);
    await emu.waitFor(() => emu.gateway.closes.length >= 2, 'the gateway connection to close');
  });
});
