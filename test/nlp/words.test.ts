// Chat spellings and typing slips (src/nlp/words.ts), which keep the lower-case name rule off ordinary words.
import { describe, expect, it } from 'vitest';
import { chatWord, oneSlipFrom, spellOut } from '../../src/nlp/words.ts';

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

describe('spellOut', () => {
  const none = () => false;

  it('writes out chat spellings and clippings as an article writes them, keeping a capital', () => {
    expect(spellOut('how many ppl did yougov ask', none)).toBe('how many people did yougov ask');
    expect(spellOut('how much did house prices go up in feb?', none)).toBe('how much did house prices go up in February?');
    expect(spellOut('Govt plans for Xmas trading', none)).toBe('Government plans for Christmas trading');
    expect(spellOut('when is the 2nd estimate of Q3 growth', none)).toBe('when is the 2nd estimate of Third quarter growth');
    expect(spellOut('wat did howard get', none)).toBe('what did howard get');
    expect(spellOut("WHen did Harold WInston's party win?", none)).toBe("When did Harold Winston's party win?");
  });

  it('leaves a word the corpus uses as typed, parts of longer words (a possessive aside), and names', () => {
    expect(spellOut('what did the govt say', (w) => w === 'govt')).toBe('what did the govt say');
    expect(spellOut("what is the uni-code for feb's sales at febco", none)).toBe("what is the uni-code for February's sales at febco");
    expect(spellOut('what did jan and pres say on sat', none)).toBe('what did jan and pres say on sat');
    expect(spellOut('What did the NGOs, UKIP and the iPod makers say?', none)).toBe('What did the NGOs, UKIP and the iPod makers say?');
  });

  it('and a written-out word is chat to the name rule, not a name', () => {
    for (const w of ['ppl', 'xmas', 'favs', 'feb', 'q3']) expect(chatWord(w), w).toBe(true);
  });
});
