// Property-based: thousands of generated questions and option values, made of the seed questions' words,
// hostile fragments (mentions, markdown, overrides, NUL, half surrogate pairs, combining marks), arbitrary
// Unicode and lengths past the limits, through the engine and through the commands and the rendering. The
// invariants: nothing throws; every citation is the article's text at its offsets; every message is one
// Discord accepts, with mentions off and nothing left that renders as a mention or reverses a line; and the
// answer shown is the engine's. Seeded, so a failure reproduces; fast-check shrinks it to a small example.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle, ERROR_MESSAGE } from '../../src/bot/handler.ts';
import { questionText } from '../../src/bot/render.ts';
import type { Citation } from '../../src/answer/types.ts';
import { autocompleteInteraction, commandInteraction, harness, type Harness } from '../support/context.ts';
import { ROOT } from '../support/bot.ts';
import { bodyProblems, quoteOf, wireBody } from '../support/messages.ts';
import seedQuestions from '../fixtures/seed-questions.json' with { type: 'json' };

/** Runs per property: about 2 ms each through the engine (five calls), under 1 ms through a command. */
export const ENGINE_RUNS = 2000;
export const COMMAND_RUNS = 1500;
const SEED = 20261121;

const WORDS = [...new Set([...seedQuestions.answerable.map((q) => q.q), ...seedQuestions.unanswerable].join(' ').split(/\s+/))];
const HOSTILE = [
  '@everyone', '@here', '<@123>', '<@!123>', '<@&456>', '<#789>', '<t:0:R>', '<:e:1>', '<a:e:2>', '**', '__', '~~', '||', '`', '```', '> ', '# ', '- ', '1. ',
  '[x](http://e.x)', 'https://evil.example/?a=1&b=<2>', '\\', '\\\\', '\u202E', '\u202A', '\u2066', '\u200B', '\uFEFF', '\u0000', '\u0007', '\u001B', '\r\n',
  '\u2028', '\u0301\u0302\u0303\u0304\u0305', 'Z\u0336\u0336\u0336\u0336\u0336\u0336', '🇫🇷', '👨‍👩‍👧', '😀', 'مرحبا', 'שלום', "'; DROP TABLE x; --", '$(id)', '`rm -rf /`', '%s%n', '{{7*7}}', '\uFFFD',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const unit = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 3, arbitrary: fc.constantFrom(' ', ' ', ' ', '?', '\n', '\t') },
);
/**
 * Mostly phrases of a few dozen pieces; sometimes one long run of a piece, up to twice the longest option
 * Discord allows (the bot refuses longer ones before the engine sees them), cut anywhere, even mid-pair.
 */
const text = fc.oneof(
  { weight: 8, arbitrary: fc.array(unit, { maxLength: 40 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...WORDS, ...HOSTILE), fc.integer({ min: 50, max: 600 })).map(([s, n]) => s.repeat(n).slice(0, n)) },
);

let h: Harness;
let texts: Map<string, string>;

beforeAll(async () => {
  h = await harness(join(ROOT, 'seeds'));
  texts = new Map(h.engine.corpus.index.articles.map((a) => [a.id, a.text]));
});
afterAll(async () => {
  await h.close();
});

function exact(c: Citation): void {
  expect(texts.get(c.articleId)!.slice(c.start, c.end)).toBe(c.text);
  expect(c.paragraph).toBeGreaterThan(0);
  expect(c.sentence).toBeGreaterThan(0);
}

describe('the engine on generated questions', () => {
  it(`answers or abstains, citing exact slices (${ENGINE_RUNS} runs)`, () => {
    const articleIds = [...texts.keys()];
    fc.assert(
      fc.property(text, fc.option(fc.constantFrom(...articleIds, 'no-such-article'), { nil: undefined }), (question, articleId) => {
        const a = h.engine.answer(question, articleId === undefined ? {} : { articleId });
        expect(a.confidence).toBeGreaterThanOrEqual(0);
        expect(a.confidence).toBeLessThanOrEqual(1);
        if (a.kind === 'answer') {
          expect(a.citations.length).toBeGreaterThan(0);
          expect(a.citations.length).toBeLessThanOrEqual(3);
        }
        for (const c of a.kind === 'answer' ? a.citations : a.nearest) {
          exact(c);
          if (articleId !== undefined) expect(c.articleId).toBe(articleId);
        }
        for (const c of h.engine.ranked(question, { limit: 5 })) exact(c);
        for (const q of h.engine.quotations({ about: question }, 3)) expect(texts.get(q.articleId)!.slice(q.start, q.end)).toBe(q.text);
        h.engine.speakers(question);
        h.engine.articles(question);
      }),
      { numRuns: ENGINE_RUNS, seed: SEED },
    );
  });
});

describe('the commands and the rendering on generated input', () => {
  const command = fc.oneof(
    fc.record({ name: fc.constant('ask'), options: fc.record({ question: text }) }),
    fc.record({ name: fc.constant('ask'), options: fc.record({ question: text, article: text }) }),
    fc.record({ name: fc.constant('quote'), options: fc.record({ about: text, speaker: text }, { requiredKeys: [] }) }),
    fc.record({ name: fc.constant('sources'), options: fc.record({ filter: text }) }),
  );

  it(`every message is valid, within the limits, mentions off, its quotations exact (${COMMAND_RUNS} runs)`, async () => {
    let answered = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(command, async ({ name, options }) => {
        const given = Object.fromEntries(Object.entries(options).filter((e): e is [string, string] => e[1] !== undefined));
        const { interaction, recording } = commandInteraction(name, given);
        await handle(interaction, h.commands, h.ctx);
        expect(recording.sent.length).toBeGreaterThan(0);
        for (const s of recording.sent) {
          expect(s.message.content).not.toBe(ERROR_MESSAGE);
          expect(bodyProblems(wireBody(s.message))).toEqual([]);
        }
        const last = wireBody(recording.sent.at(-1)!.message);
        const embed = (last.embeds as { title?: string; fields?: { value: string }[] }[])[0];
        if (name !== 'ask' || embed === undefined) {
          refused += name === 'ask' ? 1 : 0;
          return;
        }
        // An answer (or "the articles don't say") to exactly this question: the engine's citations, shown
        // exactly (or cut with a marker, showing a prefix of them).
        answered++;
        const articleId = given.article === undefined ? undefined : h.ctx.library.resolveArticle(given.article);
        // The bot asks the words Discord shows (questionText), not the markup.
        const expected = await h.engine.ask(questionText(given.question!), articleId?.kind === 'found' ? { articleId: articleId.article.id } : {});
        expect(embed.title).toBe(expected.kind === 'answer' ? 'Answer' : "The articles don't say");
        const cited = expected.kind === 'answer' ? expected.citations : expected.nearest;
        (embed.fields ?? []).forEach((f, i) => {
          const shown = quoteOf(f.value);
          if (shown.cut) expect(cited[i]!.text.startsWith(shown.text)).toBe(true);
          else expect(shown.text).toBe(cited[i]!.text);
        });
      }),
      { numRuns: COMMAND_RUNS, seed: SEED },
    );
    // The generator reaches both sides: questions answered, and option values refused before any work.
    expect(answered).toBeGreaterThan(COMMAND_RUNS / 10);
    expect(refused).toBeGreaterThan(0);
  });

  it(`autocomplete choices stay within Discord's limits (${COMMAND_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(['ask', 'article'], ['quote', 'article'], ['quote', 'speaker']), text, async ([name, option], typed) => {
        const { interaction, choices } = autocompleteInteraction(name!, option!, typed);
        await handle(interaction, h.commands, h.ctx);
        const got = choices();
        expect(got).not.toBeNull();
        expect(got!.length).toBeLessThanOrEqual(25);
        for (const c of got!) {
          expect(c.name.length).toBeGreaterThan(0);
          expect(c.name.length).toBeLessThanOrEqual(100);
          expect(c.value.length).toBeGreaterThan(0);
          expect(c.value.length).toBeLessThanOrEqual(100);
          expect(bodyProblems({ content: c.name, allowed_mentions: { parse: [] } }).filter((p) => !p.includes('unescaped markup'))).toEqual([]);
        }
      }),
      { numRuns: COMMAND_RUNS, seed: SEED },
    );
  });
});
