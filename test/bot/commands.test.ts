// The commands and the handler in-process, on corpora written to provoke them: article text full of markdown
// and mentions, sentences far longer than a Discord field, more articles than a page. Every message is
// checked against the emulator's limit rules, and every quotation against the article text.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import { handle, ERROR_MESSAGE, MODERATORS_ONLY, NOT_IN_DMS, mayUse } from '../../src/bot/handler.ts';
import { isCommand, loadCommands, type Command } from '../../src/bot/command.ts';
import { CUT } from '../../src/bot/render.ts';
import { setLogSink } from '../../src/log.ts';
import { withReplies, type OutgoingMessage } from '../../src/bot/interaction.ts';
import { messageProblems } from '../emulator/limits.ts';
import { autocompleteInteraction, buttonInteraction, commandInteraction, corpus, harness, MEMBER, MODERATOR, type Harness } from '../support/context.ts';
import { quoteOf, unescape } from '../support/messages.ts';


function checkLimits(m: OutgoingMessage): void {
  expect(m.allowedMentions).toEqual({ parse: [] });
  expect(messageProblems({ content: m.content, embeds: m.embeds, components: m.components }, true)).toEqual([]);
}

const MARKDOWN_ARTICLE = [
  'Bridge fund dispute',
  '',
  'The spokesman wrote *urgent* and __underlined__ notes, ~~struck~~ out a line, and tagged @everyone and <@123> and <@&456> in a post about the bridge_fund budget.',
  '',
  'A second sentence says the budget was `12 million` pounds > expected | as planned, with || spoilers || and # no heading.',
  '',
].join('\n');

const LONG_SENTENCE = `The flood committee reported that ${Array.from({ length: 120 }, (_, i) => `the river damaged road ${i + 1} and bridge ${i + 1}`).join(', ')}, according to the survey.`;
const LONG_ARTICLE = `Flood survey published\n\n${LONG_SENTENCE}\n\n“${LONG_SENTENCE.replace('The flood committee reported that', 'We found that')}” the survey leader Maria Lopez said.\n`;

describe('commands on hostile article text', () => {
  let h: Harness;
  let dir: ReturnType<typeof corpus>;

  beforeAll(async () => {
    const files: Record<string, string> = {
      'markdown.txt': MARKDOWN_ARTICLE,
      'flood.txt': LONG_ARTICLE,
      // A hyphenated title, and a name only another article uses: an "unmentioned name" decline names this title.
      'review.txt': 'Toll-road review\n\nThe toll-road review found the ferry subsidy overspent by the port authority.\n',
      'smithers.txt': 'Harbour notes\n\nSmithers praised the harbour lighting scheme.\n',
    };
    for (let i = 1; i <= 30; i++) {
      files[`many/${String(i).padStart(2, '0')}.txt`] =
        `${`Council meeting number ${i} discusses the long-delayed harbour redevelopment scheme and its budget `.repeat(3).trim()}\n\nThe council met on Monday to discuss item ${i}. Members voted on the plan.\n`;
    }
    dir = corpus(files);
    h = await harness(dir.dir);
  });
  afterAll(async () => {
    await h.close();
    dir.remove();
  });

  async function run(name: string, options: Record<string, string>, member = MEMBER) {
    const { interaction, recording } = commandInteraction(name, options, { member });
    await handle(interaction, h.commands, h.ctx);
    for (const s of recording.sent) checkLimits(s.message);
    return recording;
  }

  it('/ask quotes markdown and mentions exactly, escaped so they neither format nor ping', async () => {
    const question = 'what did the spokesman write about the bridge fund budget?';
    const expected = (await h.engine.ask(question));
    const cited = expected.kind === 'answer' ? expected.citations : expected.nearest;
    expect(cited.length).toBeGreaterThan(0);
    const text = MARKDOWN_ARTICLE;
    const recording = await run('ask', { question });
    expect(recording.deferred).toBe(true);
    const embed = recording.sent.at(-1)!.message.embeds![0]!;
    const fields = embed.fields!;
    expect(fields.length).toBe(Math.min(3, cited.length));
    fields.forEach((f, i) => {
      const c = cited[i]!;
      const quoted = f.value.split('\n').filter((l) => l.startsWith('> ')).map((l) => l.slice(2)).join('\n');
      expect(unescape(quoted)).toBe(text.slice(c.start, c.end));
      // Nothing left that Discord would read as markdown or as a mention.
      expect(quoted).not.toMatch(/(?<!\\)[*_`~|<>#]/);
    });
    const all = fields.map((f) => f.value).join('\n');
    expect(all).toContain('\\*urgent\\*');
    expect(all).toContain('\\<@123\\>');
  });

  it('/ask cuts a sentence longer than a field at a word, marks the cut, and keeps what it shows exact', async () => {
    const question = 'what did the flood committee report about the river?';
    const expected = (await h.engine.ask(question));
    const cited = expected.kind === 'answer' ? expected.citations : expected.nearest;
    const long = cited.find((c) => c.text.length > 2000);
    expect(long).toBeDefined();
    const recording = await run('ask', { question });
    const embed = recording.sent.at(-1)!.message.embeds![0]!;
    const field = embed.fields![cited.indexOf(long!)]!;
    expect(field.value.length).toBeLessThanOrEqual(1024);
    const lines = field.value.split('\n');
    expect(lines.find((l) => l.startsWith('> '))!.endsWith(CUT)).toBe(true);
    const shown = quoteOf(field.value).text;
    expect(long!.text.startsWith(shown)).toBe(true);
    expect(long!.text[shown.length]).toBe(' ');
  });

  it('/quote shows a quotation too long for a field cut at a word, with its speaker', async () => {
    const found = h.engine.quotations({ speaker: 'Maria Lopez' }, 6);
    expect(found.length).toBe(1);
    const recording = await run('quote', { speaker: 'Maria Lopez' });
    const field = recording.sent.at(-1)!.message.embeds![0]!.fields![0]!;
    expect(field.value.length).toBeLessThanOrEqual(1024);
    const shown = quoteOf(field.value).text;
    expect(found[0]!.text.startsWith(shown)).toBe(true);
    expect(shown.length).toBeLessThan(found[0]!.text.length);
    expect(unescape(field.value)).toContain(`— **${found[0]!.speaker}**`);
  });

  it('/sources pages 32 articles with long titles, every page within the limits', async () => {
    const first = await run('sources', {});
    let message = first.sent[0]!.message;
    const total = h.engine.articles().length;
    const pages = Math.ceil(total / 8);
    expect(message.embeds![0]!.footer!.text).toBe(`Page 1 of ${pages} · ${total} articles`);
    const seen = new Set<string>();
    for (let page = 1; page <= pages; page++) {
      for (const line of message.embeds![0]!.description!.split('\n')) if (/^\*\*\d+\.\*\*/.test(line)) seen.add(line);
      if (page === pages) break;
      const next = message.components![0]!.components[1]!;
      expect(next.disabled).toBe(false);
      const { interaction, recording } = buttonInteraction(next.custom_id);
      await handle(interaction, h.commands, h.ctx);
      expect(recording.sent[0]!.via).toBe('update');
      message = recording.sent[0]!.message;
      checkLimits(message);
    }
    expect(seen.size).toBe(total);
    expect(message.components![0]!.components[1]!.disabled).toBe(true);
  });

  it('autocomplete offers at most 25 articles', async () => {
    const { interaction, choices } = autocompleteInteraction('ask', 'article', '');
    await handle(interaction, h.commands, h.ctx);
    expect(choices()!.length).toBe(25);
    for (const c of choices()!) expect(c.name.length).toBeLessThanOrEqual(100);
  });

  it('/stats counts the questions asked above, and says when no answer is disliked', async () => {
    const recording = await run('stats', {}, MODERATOR);
    const embed = recording.sent.at(-1)!.message.embeds![0]!;
    expect(embed.description).toContain("**2** questions answered");
    expect(embed.fields!.map((f) => f.name)).toEqual(['Most asked', 'Least liked', 'Answer cache']);
    expect(embed.fields![0]!.value.split('\n').sort()).toEqual([
      '**1×** what did the flood committee report about the river?',
      '**1×** what did the spokesman write about the bridge fund budget?',
    ]);
    expect(embed.fields![1]!.value).toBe('No answer has more 👎 than 👍.');
    // Two different questions: both answered by the engine, through the in-memory cache.
    expect(embed.fields![2]!.value.split('\n')).toEqual([
      '**0** answered from the cache · **2** by the engine · hit rate **0.0%** (since the bot started)',
      'Store: memory (up to 10000 entries) — healthy',
      `Errors 0 (0 timed out) · entries live 1 h · corpus ${h.engine.corpus.version.slice(0, 8)}`,
    ]);
  });

  it('/ask names the article that matches best escaped once, as Discord shows it: "Toll\\-road", not "Toll\\\\-road"', async () => {
    const expected = (await h.engine.ask('What did Smithers say about the toll-road review of the ferry subsidy?'));
    expect(expected.kind === 'not-found' ? [expected.reason, expected.name] : expected.kind).toEqual(['unmentioned-name', 'Smithers']);
    const embed = (await run('ask', { question: 'What did Smithers say about the toll-road review of the ferry subsidy?' })).sent.at(-1)!.message.embeds![0]!;
    expect(embed.description).toContain('The article that matches it best, *Toll\\-road review* (closest match 1), never mentions “Smithers”.');
  });

  it('/ask reads a question\'s Discord markup as the words it shows: the same answer as the plain question', async () => {
    const plain = 'what did the flood committee report about the river?';
    const expected = (await h.engine.ask(plain));
    const cited = expected.kind === 'answer' ? expected.citations : expected.nearest;
    expect(cited.length).toBeGreaterThan(0);
    for (const typed of ['what did the **flood committee** report about the *river*?', '> what did the ||flood|| committee report about the `river`?', 'what did the flood committee report about the river <t:1700000000:R>?']) {
      const embed = (await run('ask', { question: typed })).sent.at(-1)!.message.embeds![0]!;
      expect(embed.description, typed).not.toMatch(/mentions “R”|“t”/);
      if (!typed.includes('<t:')) expect(cited[0]!.text.startsWith(quoteOf(embed.fields![0]!.value).text), typed).toBe(true);
    }
  });

  it('a vote button for an answer that is not on record changes nothing and says so', async () => {
    const { interaction, recording } = buttonInteraction('ask:up:doesnotexist');
    await handle(interaction, h.commands, h.ctx);
    expect(recording.sent[0]!.message.content).toBe('That answer is no longer on record. Ask the question again.');
    expect(h.ctx.feedback.stats().up).toBe(0);
  });
});

describe('/refresh', () => {
  it('reports a failed reload and keeps serving the articles it had', async () => {
    const dir = corpus({ 'one.txt': 'Harbour plan approved\n\nThe council approved the harbour plan on Monday after a long debate.\n' });
    const h = await harness(dir.dir);
    try {
      const version = h.ctx.library.version;
      rmSync(join(dir.dir, 'one.txt'));
      const { interaction, recording } = commandInteraction('refresh', {}, { member: MODERATOR });
      await handle(interaction, h.commands, h.ctx);
      expect(recording.deferredEphemeral).toBe(true);
      const embed = recording.sent[0]!.message.embeds![0]!;
      expect(embed.title).toBe('Refresh failed');
      expect(embed.description).toContain('no articles found');
      expect(embed.description).toContain('Nothing changed: the articles loaded before are still being served.');
      expect(h.ctx.library.version).toBe(version);
      expect(h.ctx.library.articles().map((a) => a.id)).toEqual(['one']);
    } finally {
      await h.close();
      dir.remove();
    }
  });
});

describe('the error boundary', () => {
  let h: Harness;
  const logged: string[] = [];
  let previousSink: (line: string) => void;
  beforeAll(async () => {
    h = await harness(join(import.meta.dirname, '../../seeds'));
    previousSink = setLogSink((line) => logged.push(line));
  });
  afterAll(async () => {
    setLogSink(previousSink);
    await h.close();
  });

  const command = (name: string, execute: Command['execute'], extra: Partial<Command> = {}): Command => ({
    data: { name, description: 'test command' },
    execute,
    ...extra,
  });

  it('answers a command that throws with a short ephemeral message', async () => {
    const boom = command('boom', async () => {
      throw new Error('engine exploded');
    });
    const { interaction, recording } = commandInteraction('boom', {});
    await handle(interaction, new Map([['boom', boom]]), h.ctx);
    expect(recording.sent).toEqual([{ via: 'reply', message: { content: ERROR_MESSAGE, ephemeral: true, allowedMentions: { parse: [] } } }]);
    // Logged in full, never silenced.
    expect(logged.find((l) => l.includes('interaction failed') && l.includes(interaction.id))).toContain('engine exploded');
  });

  it('follows up once the command has deferred or replied', async () => {
    const late = command(
      'late',
      async (i) => {
        await i.editReply({ content: 'partial', allowedMentions: { parse: [] } });
        throw new Error('failed after replying');
      },
      { defer: 'public' },
    );
    const { interaction, recording } = commandInteraction('late', {});
    await handle(interaction, new Map([['late', late]]), h.ctx);
    expect(recording.sent.map((s) => [s.via, s.message.content, s.message.ephemeral])).toEqual([
      ['editReply', 'partial', undefined],
      ['followUp', ERROR_MESSAGE, true],
    ]);
  });

  it('treats a command that never replies as a failure the user hears about', async () => {
    const silent = command('silent', async () => {});
    const { interaction, recording } = commandInteraction('silent', {});
    await handle(interaction, new Map([['silent', silent]]), h.ctx);
    expect(recording.sent.map((s) => s.message.content)).toEqual([ERROR_MESSAGE]);
  });

  it('answers autocomplete that throws with no choices', async () => {
    const broken = command('broken', async () => {}, {
      autocomplete: async () => {
        throw new Error('no suggestions today');
      },
    });
    const { interaction, choices } = autocompleteInteraction('broken', 'x', 'y');
    await handle(interaction, new Map([['broken', broken]]), h.ctx);
    expect(choices()).toEqual([]);
  });

  it('refuses moderator commands to members without the permission, in DMs, and allows Administrator and the moderator role', async () => {
    const refresh = h.commands.get('refresh')!;
    expect(mayUse(refresh.data, MEMBER, 'role-mod')).toBe(false);
    expect(mayUse(refresh.data, { permissions: PermissionFlagsBits.Administrator, roles: [] }, null)).toBe(true);
    expect(mayUse(refresh.data, { permissions: 0n, roles: ['role-mod'] }, 'role-mod')).toBe(true);
    expect(mayUse(refresh.data, { permissions: 0n, roles: ['role-mod'] }, null)).toBe(false);
    expect(mayUse(refresh.data, null, 'role-mod')).toBe(false);
    expect(mayUse(h.commands.get('ask')!.data, null, null)).toBe(true);

    const member = commandInteraction('refresh', {}, { member: MEMBER });
    await handle(member.interaction, h.commands, h.ctx);
    expect(member.recording.sent[0]!.message).toMatchObject({ content: MODERATORS_ONLY, ephemeral: true });
    const dm = commandInteraction('stats', {}, { member: null, guildId: null });
    await handle(dm.interaction, h.commands, h.ctx);
    expect(dm.recording.sent[0]!.message).toMatchObject({ content: NOT_IN_DMS, ephemeral: true });
    // /ask works in DMs.
    const ask = commandInteraction('ask', { question: 'who called for an ICC investigation?' }, { member: null, guildId: null });
    await handle(ask.interaction, h.commands, h.ctx);
    expect(ask.recording.sent.at(-1)!.message.embeds![0]!.title).toBe('Answer');
  });

  it('says so for an unknown command or button', async () => {
    const unknown = commandInteraction('nope', {});
    await handle(unknown.interaction, h.commands, h.ctx);
    expect(unknown.recording.sent[0]!.message.content).toBe('There is no /nope command here. Try /help.');
    const button = buttonInteraction('nope:1');
    await handle(button.interaction, h.commands, h.ctx);
    expect(button.recording.sent[0]!.message.content).toBe('That button no longer does anything. Run the command again.');
  });
});

describe('the command loader', () => {
  it('loads the ten commands from commands/', async () => {
    const commands = await loadCommands();
    expect([...commands.keys()]).toEqual(['ask', 'audit', 'help', 'ingest', 'quote', 'refresh', 'remove', 'restore', 'sources', 'stats']);
    for (const c of commands.values()) expect(isCommand(c)).toBe(true);
  });

  it('admits only values that are commands', () => {
    const execute = async () => {};
    expect(isCommand({ data: { name: 'ok', description: 'fine' }, execute })).toBe(true);
    expect(isCommand({ data: { name: 'ok', description: 'fine' } })).toBe(false);
    expect(isCommand({ data: { name: 'Not Lowercase', description: 'x' }, execute })).toBe(false);
    expect(isCommand({ data: { name: 'ok', description: '' }, execute })).toBe(false);
    expect(isCommand({ data: { name: 'ok', description: 'x' }, execute, defer: 'sometimes' })).toBe(false);
    expect(isCommand({ data: { name: 'ok', description: 'x' }, execute, press: 'not a function' })).toBe(false);
    expect(isCommand(null)).toBe(false);
  });

  it('refuses a folder holding a module that is not a command, or two commands with one name, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verbatim-commands-'));
    try {
      writeFileSync(join(dir, 'a.mjs'), "export default { data: { name: 'same', description: 'one' }, execute: async () => {} };\n");
      writeFileSync(join(dir, 'b.mjs'), "export default { data: { name: 'same', description: 'two' }, execute: async () => {} };\n");
      await expect(loadCommands(dir)).rejects.toThrow('commands: duplicate command name "same" in b.mjs');
      rmSync(join(dir, 'b.mjs'));
      writeFileSync(join(dir, 'c.mjs'), 'export default { hello: 1 };\n');
      await expect(loadCommands(dir)).rejects.toThrow('commands: c.mjs does not default-export a command');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the reply bookkeeping every adapter shares (withReplies)', () => {
  const fields = () => ({
    kind: 'command' as const,
    id: 'bookkeeping',
    user: { id: 'user-1', username: 'tester' },
    guildId: 'guild-1',
    member: MEMBER,
    commandName: 'help',
    options: { getString: () => null, getAttachment: () => null },
  });

  it('counts a response only once it was sent: after a first reply that failed, the error boundary replies', async () => {
    const h = await harness(join(import.meta.dirname, '../../seeds'));
    try {
      const sent: OutgoingMessage[] = [];
      let down = true;
      const send = async (m: OutgoingMessage) => {
        if (down) {
          down = false;
          throw new Error('Discord took too long');
        }
        sent.push(m);
      };
      const interaction = withReplies(fields(), { deferReply: async () => {}, reply: send, editReply: send, followUp: send }, 'test');
      const logged: string[] = [];
      const previous = setLogSink((line) => logged.push(line));
      try {
        await handle(interaction, h.commands, h.ctx);
      } finally {
        setLogSink(previous);
      }
      expect(logged.find((l) => l.includes('interaction failed'))).toContain('Discord took too long');
      expect(sent).toEqual([{ content: ERROR_MESSAGE, ephemeral: true, allowedMentions: { parse: [] } }]);
      expect(interaction.replied).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('refuses a second first response, an edit or follow-up before any, and an update that is not a button\'s', async () => {
    const noop = async () => {};
    const fresh = () => withReplies(fields(), { deferReply: noop, reply: noop, editReply: noop, followUp: noop }, 'test');
    const m = { content: 'x', allowedMentions: { parse: [] as [] } };
    await expect(fresh().editReply(m)).rejects.toThrow('test: editReply before the interaction was acknowledged');
    await expect(fresh().followUp(m)).rejects.toThrow('test: followUp before the interaction was acknowledged');
    await expect(fresh().update(m)).rejects.toThrow("test: only a button's interaction can update its message");
    const once = fresh();
    await once.deferReply({ ephemeral: true });
    expect([once.deferred, once.replied]).toEqual([true, false]);
    await expect(once.reply(m)).rejects.toThrow('test: interaction already acknowledged');
    await once.editReply(m);
    await once.followUp(m);
    expect([once.deferred, once.replied]).toEqual([true, true]);
  });
});

describe('the seed articles, as the tester typed to them', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(join(import.meta.dirname, '../../seeds'));
  });
  afterAll(async () => {
    await h.close();
  });

  async function run(name: string, options: Record<string, string>, member = MEMBER) {
    const { interaction, recording } = commandInteraction(name, options, { member });
    await handle(interaction, h.commands, h.ctx);
    for (const s of recording.sent) checkLimits(s.message);
    return recording.sent.at(-1)!.message;
  }

  async function press(customId: string) {
    const { interaction, recording } = buttonInteraction(customId);
    await handle(interaction, h.commands, h.ctx);
    for (const s of recording.sent) checkLimits(s.message);
    return recording.sent;
  }

  it('/quote says how many quotations there are in all, and its buttons show the rest', async () => {
    const all = h.engine.quotations({}, 100);
    // The seeds hold ten quotations (test/engine/quotations.test.ts lists them): six on a page, so two pages.
    expect(all.length).toBe(10);
    const first = await run('quote', {});
    const embed = first.embeds![0]!;
    expect(embed.description).toBe('10 direct quotations, word for word.\nShowing 1–6 of 10; ◀ / ▶ turn the pages.');
    expect(embed.fields!.map((f) => f.name)).toEqual(all.slice(0, 6).map((q, i) => `[${i + 1}] Paragraph ${q.paragraph}`));
    expect(embed.footer!.text).toBe(`Page 1 of 2 · Quoted word for word from the articles · corpus ${h.engine.corpus.version.slice(0, 8)}`);
    const [previous, next] = first.components![0]!.components;
    expect([previous!.label, previous!.disabled, next!.label, next!.disabled]).toEqual(['◀ Previous', true, 'Next ▶', false]);

    const sent = await press(next!.custom_id);
    expect(sent.map((s) => s.via)).toEqual(['update']);
    const second = sent[0]!.message.embeds![0]!;
    expect(second.description).toBe('10 direct quotations, word for word.\nShowing 7–10 of 10; ◀ / ▶ turn the pages.');
    expect(second.fields!.map((f) => f.name)).toEqual(all.slice(6).map((q, i) => `[${i + 7}] Paragraph ${q.paragraph}`));
    // The three the tester missed are on the second page, with their speakers.
    const speakers = second.fields!.map((f) => /— \*\*(.+?)\*\* ·/.exec(unescape(f.value))?.[1]);
    expect(speakers).toEqual(['the statement', 'Russian Foreign Ministry', 'French Foreign Minister Jean-Marc Ayrault', 'Local activists']);
    expect(sent[0]!.message.components![0]!.components.map((b) => b.disabled)).toEqual([false, true]);
  });

  it('/quote pages carry what was asked: the next page of one article is still that article', async () => {
    const id = '000_9c97e5d4a05ee18f';
    const all = h.engine.quotations({ articleId: id }, 100);
    expect(all.length).toBe(7);
    const first = await run('quote', { article: id });
    expect(first.embeds![0]!.fields!.map((f) => quoteOf(f.value).text)).toEqual(all.slice(0, 6).map((q) => q.text));
    const [next] = (await press(first.components![0]!.components[1]!.custom_id)).map((s) => s.message);
    expect(unescape(next!.embeds![0]!.description!)).toBe(`7 direct quotations in *${all[0]!.title}*, word for word.\nShowing 7–7 of 7; ◀ / ▶ turn the pages.`);
    expect(next!.embeds![0]!.fields!.map((f) => quoteOf(f.value).text)).toEqual([all[6]!.text]);
    // A button that names an article no longer in the corpus says so rather than showing another's.
    const stale = await press(first.components![0]!.components[1]!.custom_id.replace(id, id.replace('000', '999')));
    expect(stale.map((s) => [s.via, s.message.content])).toEqual([['reply', 'The article these quotations came from is no longer in the corpus. Run /quote again.']]);
  });

  it('/quote speaker matches whole words: "he" is not "the statement"', async () => {
    expect((await run('quote', { speaker: 'he' })).content).toBe('No quotations found by he. Try fewer or other words, or /quote with no options to see some.');
    // "the statement", two whole words one after the other: not "A statement from more than 30 rebel groups".
    const byStatement = (await run('quote', { speaker: 'The Statement' })).embeds![0]!;
    expect(byStatement.fields!.map((f) => /— \*\*(.+?)\*\* ·/.exec(unescape(f.value))?.[1])).toEqual(['the statement']);
    const suggested = async (typed: string) => {
      const { interaction, choices } = autocompleteInteraction('quote', 'speaker', typed);
      await handle(interaction, h.commands, h.ctx);
      return choices()!.map((c) => c.value);
    };
    expect(await suggested('he')).toEqual([]);
    // Autocomplete: the word being typed may be unfinished.
    expect(await suggested('boris joh')).toEqual(['Boris Johnson']);
    expect(await suggested('jean-m')).toEqual(['French Foreign Minister Jean-Marc Ayrault']);
  });

  it('a straight apostrophe finds the curly one in titles: /sources and the article option', async () => {
    const sources = await run('sources', { filter: "Syria's" });
    expect(unescape(sources.embeds![0]!.description!).split('\n')).toEqual([
      'Articles matching “Syria\'s”:',
      '**1.** Civilian casualties increase in Syria’s Aleppo ahead of Swiss talks',
      'ARA News · id 004\\_08d7a890f8e88d95 · 2.4 KB · 15 sentences'.replace('\\_', '_'),
    ]);
    const ask = await run('ask', { question: 'who called for an ICC investigation?', article: "Civilian casualties increase in Syria's Aleppo" });
    expect(unescape(ask.embeds![0]!.description!)).toContain('Searched only: *Civilian casualties increase in Syria’s Aleppo ahead of Swiss talks (ARA News)*');
    // And the other way round, a curly one typed finds a straight one in a speaker's name, and case never matters.
    expect(h.ctx.library.articles('SYRIA’S ALEPPO').map((a) => a.id)).toEqual(['004_08d7a890f8e88d95']);
  });

  it('/sources filter looks in the full title: "aleppo" finds the article whose title is cut before it', async () => {
    const boy = h.engine.article('000_9c97e5d4a05ee18f')!;
    expect(boy.title).toBe('A little Syrian boy is seen crying and covered in blood in the latest heartbreaking…');
    const sources = await run('sources', { filter: 'aleppo' });
    expect(sources.embeds![0]!.footer!.text).toBe('Page 1 of 1 · 2 articles');
    expect(unescape(sources.embeds![0]!.description!)).toContain(`**1.** ${boy.title}\npublisher not named · id 000_9c97e5d4a05ee18f`);
    expect(h.ctx.library.resolveArticle('bomb-blasted aleppo')).toEqual({ kind: 'found', article: boy });
  });

  it('"Quoted word for word" is said only under quotations', async () => {
    const version = h.engine.corpus.version.slice(0, 8);
    const nothing = (await run('ask', { question: '?' })).embeds![0]!;
    expect(nothing.fields).toEqual([]);
    expect(nothing.footer!.text).toBe(`corpus ${version}`);
    const answered = (await run('ask', { question: 'who called for an ICC investigation?' })).embeds![0]!;
    expect(answered.fields!.length).toBeGreaterThan(0);
    expect(answered.footer!.text).toMatch(new RegExp(`^Quoted word for word from the articles · corpus ${version}`));
  });

  it('names an option that is too long or too short as an option', async () => {
    expect((await run('quote', { about: 'x'.repeat(201) })).content).toBe('The `about` option is too long: 201 characters, and the most is 200. Please shorten it and try again.');
    expect((await run('ask', { question: '' })).content).toBe('The `question` option needs at least 1 character.');
  });
});

describe('/quote when the query is too long for a page button to carry', () => {
  it('shows the first page, says how many there are and how to narrow the search', async () => {
    const id = `${'harbour-'.repeat(9)}interviews`;
    const quotes = Array.from({ length: 8 }, (_, i) => `“The harbour works of stage ${i + 1} will finish in the spring,” the engineer Maria Lopez said.`);
    const dir = corpus({ [`${id}.txt`]: `Harbour interviews\n\n${quotes.join('\n\n')}\n` });
    const h = await harness(dir.dir);
    try {
      expect(h.engine.quotations({ speaker: 'Maria Lopez' }, 100).length).toBe(8);
      const { interaction, recording } = commandInteraction('quote', { speaker: 'Maria Lopez', article: id });
      await handle(interaction, h.commands, h.ctx);
      const reply = recording.sent.at(-1)!.message;
      checkLimits(reply);
      expect(reply.components).toEqual([]);
      expect(unescape(reply.embeds![0]!.description!)).toBe(
        '8 direct quotations by Maria Lopez in *Harbour interviews*, word for word.\nShowing 1–6 of 8. To see the others, ask again with a shorter about, speaker or article (the page buttons carry them, in 100 characters at most).',
      );
      expect(reply.embeds![0]!.fields!.length).toBe(6);
    } finally {
      await h.close();
      dir.remove();
    }
  });
});

describe('counts in words', () => {
  it('one sentence, one article: singular in /sources, /refresh, /remove and /restore', async () => {
    const dir = corpus({ 'one.txt': 'Ferry resumes\n\nThe ferry to the island resumed on Monday.\n', 'two.txt': 'Bridge closes\n\nThe old bridge closed on Friday. It will reopen in May.\n' });
    const h = await harness(dir.dir);
    try {
      const send = async (name: string, options: Record<string, string>) => {
        const { interaction, recording } = commandInteraction(name, options, { member: MODERATOR });
        await handle(interaction, h.commands, h.ctx);
        return recording.sent.at(-1)!.message;
      };
      const sources = unescape((await send('sources', {})).embeds![0]!.description!);
      expect(sources).toMatch(/publisher not named · id one · \d+ B · 1 sentence\n/);
      expect(sources).toMatch(/publisher not named · id two · \d+ B · 2 sentences$/);
      const removed = unescape((await send('remove', { article: 'two' })).embeds![0]!.description!);
      expect(removed).toContain('id two · 2 sentences no longer answered from.');
      const refreshed = unescape((await send('refresh', {})).embeds![0]!.description!);
      expect(refreshed.split('\n')[0]).toMatch(/^\*\*1\*\* article, \*\*1\*\* sentence; every file checked in \d+ ms\.$/);
      expect(refreshed.split('\n')[1]).toBe('0 added · 0 removed · 0 changed · 1 unchanged · 0 files skipped');
      const [entry] = await h.ctx.curator.trash();
      await send('restore', { article: entry!.id });
      const again = unescape((await send('remove', { article: 'one' })).embeds![0]!.description!);
      expect(again).toContain('id one · 1 sentence no longer answered from.');
      const [one] = await h.ctx.curator.trash('one');
      const restored = unescape((await send('restore', { article: one!.id })).embeds![0]!.description!);
      expect(restored).toContain('id one · 1 sentence · back at one.txt');
    } finally {
      await h.close();
      dir.remove();
    }
  });
});
