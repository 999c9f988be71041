// Rendering: markdown escaping, cutting to Discord's limits, the last-resort message fitter. Hand-written
// cases, then properties over generated text, checked against simple oracles and against the emulator's own
// (independently written) limit rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUT, counted, escapeMarkdown, fitChoices, fitMessage, fitText, linesWithin, plainText, plural, questionText, quoteBlock } from '../../src/bot/render.ts';
import { messageProblems, choiceProblems } from '../emulator/limits.ts';
import type { ButtonRow, OutgoingMessage } from '../../src/bot/interaction.ts';

/** Oracle: undo backslash escapes. */
const unescape = (s: string) => s.replace(/\\([^A-Za-z0-9\s])/g, '$1');

/** Oracle: every markdown-active character in `s` is escaped (preceded by an unescaped backslash). */
function allEscaped(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\') {
      i++; // the escaped character
      continue;
    }
    if ('*_`~|><#[]-'.includes(ch)) return false;
  }
  return true;
}

const markdownish = fc.string({ unit: fc.constantFrom(...'*_`~|><#[]-\\.:1 \nab@&é😀'.split(''), '😀'), maxLength: 200 });

describe('questionText', () => {
  it('reads Discord markup as the words it shows, and leaves other text as typed', () => {
    expect(questionText('**who** called for an *ICC* investigation?')).toBe('who called for an ICC investigation?');
    expect(questionText('||who|| called for an __ICC__ ~~probe~~ investigation?')).toBe('who called for an ICC probe investigation?');
    expect(questionText('> what did <@123456> say about `ICC`?')).toBe('what did say about ICC?');
    expect(questionText('what happened on <t:1476000000:D>?')).toBe('what happened on 9 October 2016?');
    expect(questionText('what did [the ICC](https://icc-cpi.int) say <:flag:123>')).toBe('what did the ICC say');
    expect(questionText('what happened in [Aleppo](https://en.wikipedia.org/wiki/Aleppo_(city)) <t:1476000000:t>?')).toBe('what happened in Aleppo ?');
    expect(questionText('what happened <t:1476000000:R>')).toBe('what happened 9 October 2016');
    // Not markup: a product of numbers, a word with underscores, an escaped star, an apostrophe.
    expect(questionText('what is 2*3*4')).toBe('what is 2*3*4');
    expect(questionText('what is snake_case_word')).toBe('what is snake_case_word');
    expect(questionText('who is \\*the\\* minister')).toBe('who is *the* minister');
    expect(questionText("what's al-Assad's *title*?")).toBe("what's al-Assad's title?");
  });
});

describe('escapeMarkdown', () => {
  it('escapes emphasis, code, spoilers, quotes, headings, lists, links and mentions', () => {
    expect(escapeMarkdown('*bold* _it_ __u__ ~~s~~')).toBe('\\*bold\\* \\_it\\_ \\_\\_u\\_\\_ \\~\\~s\\~\\~');
    expect(escapeMarkdown('`code` and ```block```')).toBe('\\`code\\` and \\`\\`\\`block\\`\\`\\`');
    expect(escapeMarkdown('||spoiler|| > quote')).toBe('\\|\\|spoiler\\|\\| \\> quote');
    expect(escapeMarkdown('# Heading\n- item\n1. first')).toBe('\\# Heading\n\\- item\n1\\. first');
    expect(escapeMarkdown('[text](https://example.com)')).toBe('\\[text\\](https://example.com)');
    expect(escapeMarkdown('@everyone <@123> <@&456> <#789>')).toBe('@everyone \\<@123\\> \\<@&456\\> \\<\\#789\\>');
    expect(escapeMarkdown('a \\ backslash')).toBe('a \\\\ backslash');
    // Ordinary prose is untouched.
    expect(escapeMarkdown('Aleppo, Syria’s largest city: 250,000 civilians (reportedly).')).toBe('Aleppo, Syria’s largest city: 250,000 civilians (reportedly).');
  });

  it('leaves no markdown character unescaped, and plainText reads back exactly the original', () => {
    fc.assert(
      fc.property(fc.oneof(markdownish, fc.string({ unit: 'binary', maxLength: 200 })), (s) => {
        const escaped = escapeMarkdown(s);
        expect(allEscaped(escaped)).toBe(true);
        expect(plainText(escaped)).toBe(s);
        expect(unescape(escaped)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });
});

/** Generated prose: sentences of lowercase words ending in full stops; in half of it, words with markdown. */
const words = (letters: RegExp) => fc.array(fc.stringMatching(letters), { minLength: 3, maxLength: 15 }).map((ws) => `${ws.join(' ')}.`);
const sentence = words(/^[a-z]{1,10}$/);
const prose = fc.oneof(words(/^[a-z]{1,10}$/), words(/^[a-z*_]{1,10}$/)).chain(() =>
  fc.oneof(
    fc.array(words(/^[a-z]{1,10}$/), { minLength: 1, maxLength: 60 }),
    fc.array(words(/^[a-z*_]{1,10}$/), { minLength: 1, maxLength: 60 }),
  ).map((ss) => ss.join(' ')),
);

describe('fitText', () => {
  it('keeps text that fits as it is, escaped', () => {
    expect(fitText('Short *and* sweet.', 100)).toBe('Short \\*and\\* sweet.');
  });

  it('cuts at a sentence end with a visible marker', () => {
    const text = 'First sentence here. Second sentence is a little longer. Third one.';
    expect(fitText(text, 60)).toBe(`First sentence here. Second sentence is a little longer.${CUT}`);
  });

  it('cuts one long sentence at a word end, never mid-word', () => {
    const text = `Officials said ${'the convoy moved slowly through the ruined districts '.repeat(5)}today.`;
    const out = fitText(text, 80);
    expect(out.length).toBeLessThanOrEqual(80);
    expect(out.endsWith(CUT)).toBe(true);
    const kept = out.slice(0, -CUT.length);
    expect(text.startsWith(kept)).toBe(true);
    expect(text[kept.length]).toBe(' ');
  });

  it('splits a single word longer than the room only between characters, never inside an emoji', () => {
    const out = fitText('😀'.repeat(100), 21);
    expect(out.length).toBeLessThanOrEqual(21);
    expect(out).toBe(`${'😀'.repeat(8)}${CUT}`);
  });

  it('on generated prose: within the limit, a prefix of the text, cut at a sentence end (or a word end), marked', () => {
    fc.assert(
      fc.property(prose, fc.integer({ min: 20, max: 2500 }), (text, max) => {
        const out = fitText(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (escapeMarkdown(text).length <= max) {
          expect(out).toBe(escapeMarkdown(text));
          return;
        }
        expect(out.endsWith(CUT)).toBe(true);
        const kept = unescape(out.slice(0, -CUT.length));
        expect(text.startsWith(kept)).toBe(true);
        // Never mid-word (unless the first word alone is longer than the room): a space follows the kept text.
        const firstWord = text.split(' ')[0]!;
        if (escapeMarkdown(firstWord).length <= max - CUT.length) expect(text[kept.length]).toBe(' ');
        // Plain sentences here are at most 165 characters, so with room for 500 a sentence end is always close
        // enough to be preferred over a word end.
        if (max >= 500 && !/[*_]/.test(text)) expect(kept.endsWith('.')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('quoteBlock', () => {
  it('quotes every line and fits the budget', () => {
    expect(quoteBlock('One line.\nSecond *line*.', 100)).toBe('> One line.\n> Second \\*line\\*.');
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 60 }).map((ss) => ss.join('\n')), fc.integer({ min: 30, max: 1024 }), (text, max) => {
        const out = quoteBlock(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        for (const line of out.split('\n')) expect(line.startsWith('> ')).toBe(true);
        const kept = unescape(out.split('\n').map((l) => l.slice(2)).join('\n')).replace(/ \[…\]$/, '');
        expect(text.startsWith(kept)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('linesWithin', () => {
  it('joins what fits and says how many were left out', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line number ${i + 1} with some words in it`);
    const out = linesWithin(lines, 300);
    expect(out.length).toBeLessThanOrEqual(300);
    const kept = out.split('\n');
    const note = kept.pop()!;
    expect(note).toBe(`…and ${50 - kept.length} more`);
    expect(kept).toEqual(lines.slice(0, kept.length));
    expect(linesWithin(['a', 'b'], 100)).toBe('a\nb');
  });
});

function body(m: OutgoingMessage): Record<string, unknown> {
  return { content: m.content, embeds: m.embeds, components: m.components };
}

describe('fitMessage', () => {
  it('brings an oversized message within every limit Discord enforces, and disables mentions', () => {
    const long = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed} ${i}.`).join(' ');
    const row = (r: number): ButtonRow => ({
      type: 1,
      components: Array.from({ length: 7 }, (_, b) => ({ type: 2, style: 2, label: `button ${r}-${b} ${'x'.repeat(100)}`, custom_id: b === 6 ? 'y'.repeat(101) : `id:${r}:${b}` })),
    });
    const huge: OutgoingMessage = {
      content: long(500, 'Content sentence'),
      embeds: Array.from({ length: 12 }, (_, e) => ({
        title: long(60, `Title ${e}`),
        description: long(900, 'Description sentence'),
        fields: Array.from({ length: 30 }, (_, f) => ({ name: long(50, `Field ${f}`), value: long(300, 'Value sentence') })),
        footer: { text: long(400, 'Footer') },
        author: { name: long(60, 'Author') },
      })),
      components: Array.from({ length: 7 }, (_, r) => row(r)),
      allowedMentions: { parse: [] },
    };
    expect(messageProblems(body(huge), true).length).toBeGreaterThan(0);
    const fitted = fitMessage(huge);
    expect(messageProblems(body(fitted), true)).toEqual([]);
    expect(fitted.allowedMentions).toEqual({ parse: [] });
    expect(fitted.content!.endsWith(CUT)).toBe(true);
    // Fields that did not fit are counted in the footer, not silently lost.
    expect(fitted.embeds![0]!.footer!.text).toMatch(/\d+ more not shown$/);
  });

  it('on generated messages: always within the limits', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '.', '*', '\n', 'é', '😀'), maxLength: 3000 });
    const field = fc.record({ name: text.map((t) => t || 'n'), value: text.map((t) => t || 'v') });
    const embed = fc.record({ title: text, description: text.map((t) => t || 'd'), fields: fc.array(field, { maxLength: 30 }), footer: fc.record({ text }) });
    fc.assert(
      fc.property(text, fc.array(embed, { maxLength: 4 }), (content, embeds) => {
        const fitted = fitMessage({ content, embeds, allowedMentions: { parse: [] } });
        expect(messageProblems(body(fitted), false)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('fitChoices', () => {
  it('offers at most 25 choices, names cut to 100 characters, and leaves out values too long to send', () => {
    const choices = Array.from({ length: 40 }, (_, i) => ({ name: `Article ${i} ${'with a very long title '.repeat(8)}`, value: i === 0 ? 'v'.repeat(101) : `id-${i}` }));
    const fitted = fitChoices(choices);
    expect(fitted.length).toBe(25);
    expect(fitted[0]!.value).toBe('id-1');
    expect(choiceProblems({ choices: fitted })).toEqual([]);
    for (const c of fitted) expect(c.name.endsWith(CUT)).toBe(true);
  });
});

describe('counts in words', () => {
  it('says one sentence, and two sentences', () => {
    expect([0, 1, 2, 15].map((n) => counted(n, 'sentence'))).toEqual(['0 sentences', '1 sentence', '2 sentences', '15 sentences']);
    expect(counted(1, 'entry', 'entries')).toBe('1 entry');
    expect(counted(3, 'entry', 'entries')).toBe('3 entries');
    expect(`**1** ${plural(1, 'article')}, **38** ${plural(38, 'sentence')}`).toBe('**1** article, **38** sentences');
  });
});
