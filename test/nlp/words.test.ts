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

  it('finds nothing two slips away, and can leave out a letter too many or a wrong one', () => {
    expect(oneSlipFrom('mkng', known)).toBe(false);
    expect(oneSlipFrom('gagueg', known)).toBe(false);
    expect(oneSlipFrom('', known)).toBe(false);
    expect(oneSlipFrom('traditionall', known, { extra: false })).toBe(false);
    expect(oneSlipFrom('makng', known, { extra: false })).toBe(true);
    expect(oneSlipFrom('stotes', known, { wrong: false })).toBe(false);
  });
});

describe('chatWord', () => {
  it('knows chat spellings, and function words typed without an apostrophe or with a letter left out or swapped', () => {
    for (const w of ['srsly', 'wanna', 'gonna', 'lemme', 'prolly', 'bcuz', 'yall', 'lmao', 'heya', 'shld']) expect(chatWord(w), w).toBe(true);
    for (const w of ['whos', 'hows', 'whats', 'thier', 'waht', 'wich', 'abuot', 'wher', 'their']) expect(chatWord(w), w).toBe(true);
    // Contractions typed without the apostrophe, mistyped or not; words with no vowel; clippings.
    for (const w of ['hasnt', 'doesnt', 'theyre', 'youre', 'weve', 'theyll', 'howd', 'whatd', 'wats']) expect(chatWord(w), w).toBe(true);
    for (const w of ['smth', 'wdym', 'hmmm', 'civs', 'govt', 'approx']) expect(chatWord(w), w).toBe(true);
  });

  it('leaves names alone, those one letter from a function word too', () => {
    // A letter too many or a wrong one is not tried against function words: "andy" is "and" and a letter, "chen"
    // is "then" with one wrong, "tran" is "than".
    for (const w of ['pulaski', 'kerry', 'hamas', 'aleppo', 'andy', 'nora', 'sakhur', 'chen', 'tran', 'mary', 'theo', 'hess', 'andre', '']) expect(chatWord(w), w).toBe(false);
  });
});
