// The WordNet relatives table an index build makes (src/index/relatives.ts), and how the reranker reads it.
import { describe, expect, it } from 'vitest';
import { articleFrom } from '../support/articles.ts';
import { buildIndex } from '../../src/index/build.ts';
import { RELATION, relativeTable } from '../../src/index/relatives.ts';
import type { Index } from '../../src/index/types.ts';
import { rank } from '../../src/answer/answer.ts';
import { FEATURES } from '../../src/answer/features.ts';


const TEXT = [
  'Inventor of the steam carriage remembered at Lyon fair',
  'The inventor of the engine died in Lyon in 1850, after years of work on a steam carriage for the city.',
  'His death was reported by French newspapers across France, and his workshop was sold the following spring.',
  'This year the company sold automobiles and cars to the visitors of the fair, who came from many countries.',
].join('\n\n');
const index = buildIndex([articleFrom('fair.txt', `${TEXT}\n`)]);

/** term text -> relative term texts and their RELATION bits, read back from the table. */
function relativesOf(ix: Index, word: string): Map<string, number> {
  const id = ix.vocabulary.lookup(word);
  expect(id, `${word} is a term`).not.toBe(0);
  const out = new Map<string, number>();
  for (let p = ix.relativeOffset[id]!; p < ix.relativeOffset[id + 1]!; p++) out.set(ix.vocabulary.terms[ix.relativeTerm[p]!]!, ix.relativeKind[p]!);
  return out;
}

describe('the relatives table', () => {
  it('links the corpus terms WordNet relates, each way, with how they relate', () => {
    const die = relativesOf(index, 'die');
    expect(die.get('death')! & RELATION.derived).toBeTruthy();
    expect(relativesOf(index, 'death').get('die')! & RELATION.derived).toBeTruthy();
    // "automobile" and "car" share a synset.
    expect(relativesOf(index, 'car').get('automobil')! & RELATION.synonym).toBeTruthy();
    // "French" pertains to "France".
    expect(relativesOf(index, 'french').get('franc')! & RELATION.associated).toBeTruthy();
  });

  it('holds only the corpus own terms, never a term itself, never a stop word', () => {
    const size = index.vocabulary.size;
    expect(index.relativeOffset.length).toBe(size + 1);
    expect(index.relativeOffset[size]).toBe(index.relativeTerm.length);
    for (let t = 0; t < size; t++) {
      const from = index.relativeOffset[t]!;
      const to = index.relativeOffset[t + 1]!;
      expect(to).toBeGreaterThanOrEqual(from);
      if (index.vocabulary.stop[t] === 1) expect(to).toBe(from);
      for (let p = from; p < to; p++) {
        const r = index.relativeTerm[p]!;
        expect(r).not.toBe(t);
        expect(r).toBeGreaterThan(0);
        expect(r).toBeLessThan(size);
        expect(index.vocabulary.stop[r]).toBe(0);
        // In id order, each once.
        if (p > from) expect(r).toBeGreaterThan(index.relativeTerm[p - 1]!);
      }
    }
  });

  it('is empty, and the index still answers, without WordNet', () => {
    const table = relativeTable(index.vocabulary, null);
    expect(table.relativeTerm.length).toBe(0);
    expect(Array.from(table.relativeOffset).every((x) => x === 0)).toBe(true);
    const bare: Index = { ...index, ...table };
    const r = rank(bare, 'When did the inventor die?');
    expect(bare.articles[0]!.text.slice(bare.sentenceStart[r.ranked[0]!.candidate.sentence], bare.sentenceEnd[r.ranked[0]!.candidate.sentence])).toContain('died');
  });
});

describe('relatives as reranking evidence', () => {
  const feature = (name: (typeof FEATURES)[number]) => FEATURES.indexOf(name);
  const text = (s: number) => index.articles[0]!.text.slice(index.sentenceStart[s], index.sentenceEnd[s]);

  it('credits a sentence with a relative of a question word it lacks', () => {
    const r = rank(index, 'Which newspapers reported the death of the inventor?');
    const died = r.ranked.find((x) => text(x.candidate.sentence).includes('died'))!;
    // "died" lacks "death" by stem, but WordNet derives one from the other.
    expect(died.features[feature('derivedCoverage')]).toBeGreaterThan(0);
  });

  it('credits a place that WordNet puts in the country a question names', () => {
    // The question names France; the sentence about the inventor's death says neither "France" nor "French",
    // but Lyon, which WordNet places in France.
    const r = rank(index, 'Where in France did the inventor die?');
    const lyon = r.ranked.find((x) => text(x.candidate.sentence).includes('Lyon'))!;
    expect(lyon.features[feature('associatedCoverage')]).toBeGreaterThan(0);
    expect(text(r.ranked[0]!.candidate.sentence)).toContain('Lyon');
  });
});
