// Chat spellings and typing slips (src/nlp/words.ts), which keep the lower-case name rule off ordinary words.
import { describe, expect, it } from 'vitest';
import { chatWord, oneSlipFrom, repairShift, spellOut } from '../../src/nlp/words.ts';

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

  it('writes out chat spellings and clippings typed in lower case, in lower case', () => {
    expect(spellOut('how many ppl did yougov ask', none)).toBe('how many people did yougov ask');
    expect(spellOut('how much did house prices go up in feb?', none)).toBe('how much did house prices go up in february?');
    expect(spellOut('govt plans for xmas trading', none)).toBe('government plans for christmas trading');
    expect(spellOut('wat did howard get', none)).toBe('what did howard get');
    // A tester's "hw many civilians r trapped in aleppo??" was declined; so were "u" and "ur".
    expect(spellOut('hw many civilians r trapped in aleppo??', none)).toBe('how many civilians are trapped in aleppo??');
    expect(spellOut('wht did u say about ur plan', none)).toBe('what did you say about your plan');
    // Not inside other words or as capitals: "R&D", "U.S.", "HW".
    expect(spellOut('what did U say about R&D at HW', none)).toBe('what did U say about R&D at HW');
    // Found by a review: "u.s." read as "you.s.", "r&d" as "are&d", "the r number" as "the are number".
    expect(spellOut('what did u.s. officials say about r&d', none)).toBe('what did u.s. officials say about r&d');
    expect(spellOut('what is the r number, and did u see it', none)).toBe('what is the r number, and did you see it');
    expect(spellOut("what were feb's sales", none)).toBe("what were february's sales");
  });

  it('reads a clipping capitalised only as a sentence\'s first word, a month\'s, or a quarter', () => {
    expect(spellOut('Ppl say what? Govt plans for Xmas', none)).toBe('people say what? government plans for Xmas');
    expect(spellOut('how much did prices rise in Feb and Sept', none)).toBe('how much did prices rise in february and september');
    expect(spellOut('when is the 2nd estimate of Q3 growth', none)).toBe('when is the 2nd estimate of third quarter growth');
  });

  it('leaves names, acronyms, words the corpus uses as typed, and parts of longer words', () => {
    // "Dec" of Ant and Dec, the APR of a loan, Wat Pho: capitalised, or not in the list at all.
    expect(spellOut('What show did Ant and Dec host? What is the APR? Where is Wat Pho?', none)).toBe('What show did Ant and Dec host? What is the APR? Where is Wat Pho?');
    expect(spellOut('what did jan and pres say on sat in dec', none)).toBe('what did jan and pres say on sat in dec');
    expect(spellOut('what did the govt say', (w) => w === 'govt')).toBe('what did the govt say');
    expect(spellOut('what is the uni-code of febco', none)).toBe('what is the uni-code of febco');
  });

  it('and a written-out word is chat to the name rule, not a name', () => {
    for (const w of ['ppl', 'xmas', 'favs', 'feb', 'q3']) expect(chatWord(w), w).toBe(true);
  });
});

describe('repairShift', () => {
  it('makes a capital typed twice one, and leaves acronyms and their plurals', () => {
    expect(repairShift("WHen did Harold WInston's party win? HOw? WHy?")).toBe("When did Harold Winston's party win? How? Why?");
    expect(repairShift('What did the MPs, NGOs, PCs, UKIP and the iPod makers say? WHO CALLED?')).toBe('What did the MPs, NGOs, PCs, UKIP and the iPod makers say? WHO CALLED?');
  });
});
