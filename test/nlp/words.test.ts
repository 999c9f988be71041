// Chat spellings and typing slips (src/nlp/words.ts), which keep the lower-case name rule off ordinary words.
import { describe, expect, it } from 'vitest';
import { chatWord, oneSlipFrom } from '../../src/nlp/words.ts';

describe('oneSlipFrom', () => {
  const lexicon = new Set(['gauge', 'making', 'states', 'feeds', 'entirely', 'traditional']);
  const known = (w: string) => lexicon.has(w);

  it('finds a word one letter added, dropped, wrong or swapped away, or two words run together', () => {
    expect(oneSlipFrom('traditionall', known)).toBe(true); // a letter added
    expect(oneSlipFrom('makng', known)).toBe(true); // a letter dropped
    expect(oneSlipFrom('stotes', known)).toBe(true); // a letter wrong
    expect(oneSlipFrom('guage', known)).toBe(true); // two letters swapped
    expect(oneSlipFrom('feedsentirely', known)).toBe(true); // run together
  });

  it('finds nothing two slips away, and can leave out the added letter', () => {
    expect(oneSlipFrom('mkng', known)).toBe(false);
    expect(oneSlipFrom('gagueg', known)).toBe(false);
    expect(oneSlipFrom('', known)).toBe(false);
    expect(oneSlipFrom('traditionall', known, false)).toBe(false);
    expect(oneSlipFrom('makng', known, false)).toBe(true);
  });
});

describe('chatWord', () => {
  it('knows chat spellings, and function words typed without an apostrophe or with one slip', () => {
    for (const w of ['srsly', 'wanna', 'gonna', 'lemme', 'prolly', 'bcuz', 'yall', 'lmao', 'heya', 'shld']) expect(chatWord(w), w).toBe(true);
    for (const w of ['whos', 'hows', 'whats', 'thier', 'waht', 'wich', 'abuot', 'wher', 'their']) expect(chatWord(w), w).toBe(true);
  });

  it('leaves names alone, those a function word and a letter too', () => {
    for (const w of ['pulaski', 'kerry', 'hamas', 'aleppo', 'andy', 'nora', 'sakhur', '']) expect(chatWord(w), w).toBe(false);
  });
});
