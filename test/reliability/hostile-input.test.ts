// Questions and options a public server will send: empty, blank, punctuation, one letter, the longest Discord
// allows and longer, emoji, right-to-left text and overrides, combining-mark floods, control characters, NUL,
// half surrogate pairs, markdown bombs, mentions, links, code, SQL and shell. Each goes through the handler
// and the real commands; each gets a clear reply or a clean "the articles don't say", never an error, and
// every message is one Discord accepts with nothing that pings, formats or reverses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, ERROR_MESSAGE } from '../../src/bot/handler.ts';
import { autocompleteInteraction, buttonInteraction, commandInteraction, corpus, harness, MODERATOR, type Harness } from '../support/context.ts';
import { ROOT } from '../support/bot.ts';
import { bodyProblems, quoteOf, wireBody } from '../support/messages.ts';
import { CASES, ICC } from '../support/hostile.ts';

describe('hostile questions through /ask', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await harness(join(ROOT, 'seeds'));
  });
  afterAll(async () => {
    await h.close();
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const { interaction, recording } = commandInteraction('ask', { question: c.question });
      await handle(interaction, h.commands, h.ctx);
      expect(recording.sent.length).toBeGreaterThan(0);
      for (const s of recording.sent) {
        expect(s.message.content).not.toBe(ERROR_MESSAGE);
        expect(bodyProblems(wireBody(s.message))).toEqual([]);
      }
      const last = recording.sent.at(-1)!.message;
      if (c.reply !== undefined) {
        // Refused before any work: an immediate reply only the user sees.
        expect(recording.deferred).toBe(false);
        expect(last).toMatchObject({ content: c.reply, ephemeral: true });
        return;
      }
      const embed = last.embeds![0]!;
      const expected = await h.engine.ask(c.question);
      expect(embed.title).toBe(expected.kind === 'answer' ? 'Answer' : "The articles don't say");
      const description = embed.description!;
      if (c.echo !== undefined) expect(description.split('\n')[0]).toBe(`**Q:** ${c.echo}`);
      if (c.says !== undefined) expect(description).toContain(c.says);
      // The citations shown are the engine's, exact.
      const cited = expected.kind === 'answer' ? expected.citations : expected.nearest;
      (embed.fields ?? []).forEach((f, i) => {
        const article = h.engine.corpus.index.articles.find((a) => a.id === cited[i]!.articleId)!;
        expect(quoteOf(f.value).text).toBe(article.text.slice(cited[i]!.start, cited[i]!.end));
      });
    });
  }

  it('the feedback log still reads back, one JSON line per answer shown', () => {
    const lines = readFileSync(join(h.dataDir, 'feedback.jsonl'), 'utf8').trim().split('\n');
    const shown = CASES.filter((c) => c.reply === undefined);
    expect(lines.length).toBe(shown.length);
    expect(lines.map((l) => (JSON.parse(l) as { question: string }).question)).toEqual(shown.map((c) => c.question));
  });
});

describe('questions shown back to moderators', () => {
  it('/stats lists hostile questions made safe to show: no override, no mention markup, marks kept to three', async () => {
    const h = await harness(join(ROOT, 'seeds'));
    try {
      const asked = CASES.filter((c) => ['right-to-left override', 'combining-mark flood', 'mentions', 'half surrogate pairs'].includes(c.name));
      for (const c of asked) await handle(commandInteraction('ask', { question: c.question }).interaction, h.commands, h.ctx);
      const { interaction, recording } = commandInteraction('stats', {}, { member: MODERATOR });
      await handle(interaction, h.commands, h.ctx);
      const m = recording.sent.at(-1)!.message;
      expect(bodyProblems(wireBody(m))).toEqual([]);
      const lines = m.embeds![0]!.fields!.find((f) => f.name === 'Most asked')!.value.split('\n').sort();
      const kinds = new Map(await Promise.all(asked.map(async (c) => [c.question, (await h.engine.ask(c.question)).kind] as const)));
      const said = (q: string) => (kinds.get(q) === 'not-found' ? " (the articles didn't say 1×)" : '');
      expect(lines).toEqual(asked.map((c) => `**1×** ${c.echo}${said(c.question)}`).sort());
    } finally {
      await h.close();
    }
  });
});

describe('the same through every other text option', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(join(ROOT, 'seeds'));
  });
  afterAll(async () => {
    await h.close();
  });

  const options: readonly { command: string; option: string; max: number; extra?: Record<string, string> }[] = [
    { command: 'ask', option: 'article', max: 100, extra: { question: ICC } },
    { command: 'quote', option: 'about', max: 200 },
    { command: 'quote', option: 'speaker', max: 100 },
    { command: 'quote', option: 'article', max: 100 },
    { command: 'sources', option: 'filter', max: 60 },
  ];

  for (const o of options) {
    it(`/${o.command} ${o.option}`, async () => {
      for (const c of CASES) {
        const { interaction, recording } = commandInteraction(o.command, { ...o.extra, [o.option]: c.question });
        await handle(interaction, h.commands, h.ctx);
        expect(recording.sent.length, c.name).toBeGreaterThan(0);
        for (const s of recording.sent) {
          expect(s.message.content, c.name).not.toBe(ERROR_MESSAGE);
          expect(bodyProblems(wireBody(s.message)), c.name).toEqual([]);
        }
        const codePoints = [...c.question].length;
        if (codePoints > o.max) expect(recording.sent.at(-1)!.message.content, c.name).toMatch(new RegExp(`^The \`${o.option}\` option is too long: ${codePoints} characters, and the most is ${o.max}\\.`));
      }
    });

    if (!['article', 'speaker'].includes(o.option)) continue;
    it(`/${o.command} ${o.option} autocomplete`, async () => {
      for (const c of CASES) {
        const { interaction, choices } = autocompleteInteraction(o.command, o.option, c.question);
        await handle(interaction, h.commands, h.ctx);
        const got = choices();
        expect(got, c.name).not.toBeNull();
        for (const choice of got!) {
          expect(choice.name.length).toBeGreaterThan(0);
          expect(choice.name.length).toBeLessThanOrEqual(100);
          expect(choice.value.length).toBeLessThanOrEqual(100);
        }
      }
    });
  }

  it('/sources with a filter of 60 emoji (120 UTF-16 units): searched as the 40 its page buttons can carry in 100', async () => {
    const files: Record<string, string> = {};
    for (let n = 1; n <= 10; n++) files[`fire-${n}.txt`] = `${'🔥'.repeat(60)} Harbour fire ${n}\n\nA fire broke out in warehouse ${n} at the harbour on Sunday night, the fire service said.\n`;
    const dir = corpus(files);
    const fire = await harness(dir.dir);
    try {
      const { interaction, recording } = commandInteraction('sources', { filter: '🔥'.repeat(60) });
      await handle(interaction, fire.commands, fire.ctx);
      const m = recording.sent[0]!.message;
      expect(bodyProblems(wireBody(m))).toEqual([]);
      expect(m.embeds![0]!.description!.split('\n')[0]).toBe(`Articles matching “${'🔥'.repeat(40)}”:`);
      expect(m.embeds![0]!.footer!.text).toBe('Page 1 of 2 · 10 articles');
      const next = wireBody(m).components as { components: { custom_id: string }[] }[];
      expect(next[0]!.components.map((b) => b.custom_id)).toEqual([`sources:page:0:${'🔥'.repeat(40)}`, `sources:page:1:${'🔥'.repeat(40)}`]);
      const { interaction: press, recording: pressed } = buttonInteraction(`sources:page:1:${'🔥'.repeat(40)}`);
      await handle(press, fire.commands, fire.ctx);
      expect(pressed.sent[0]!.message.embeds![0]!.footer!.text).toBe('Page 2 of 2 · 10 articles');
    } finally {
      await fire.close();
      dir.remove();
    }
  });
});
