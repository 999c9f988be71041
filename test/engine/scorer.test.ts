// BM25 on a corpus small enough to score on paper.
import { describe, expect, it } from 'vitest';
import { isSkipped, parseArticle, type Article } from '../../src/corpus/article.ts';
import { buildIndex } from '../../src/index/build.ts';
import { analyseQuestion } from '../../src/answer/question.ts';
import { BM25, retrieve } from '../../src/answer/retrieve.ts';
import { rank } from '../../src/answer/answer.ts';

function article(path: string, text: string): Article {
  const a = parseArticle(path, Buffer.from(text));
  if (isSkipped(a)) throw new Error(a.reason);
  return a;
}

// Three sentences, one paragraph each, with no stop words among the listed goods, so a sentence's BM25
// length is its count of content words: 8, 9 and 9.
const A = 'Farmers harvest apples, pears, plums, cherries, grapes and melons.';
const B = 'Bakers bake bread, rolls, cakes, pies, tarts and muffins with apples.';
const C = 'Sailors mend nets, ropes, sails, masts, hulls and anchors carefully.';
const index = buildIndex([article('market.txt', `${A}\n\n${B}\n\n${C}\n`)]);

describe('BM25 by hand', () => {
  it('indexes three sentences with the lengths counted by hand', () => {
    expect(index.sentenceStart.length).toBe(3);
    expect(Array.from(index.sentenceLength)).toEqual([8, 9, 9]);
    expect(index.averageLength).toBeCloseTo(26 / 3, 10);
  });

  it('scores "apples harvest" as Robertson-Zaragoza BM25 with Lucene idf', () => {
    const r = retrieve(index, analyseQuestion('apples harvest', index.vocabulary), { limit: 10 });
    const { k1, b } = BM25;
    const N = 3;
    const idf = (df: number) => Math.log(1 + (N - df + 0.5) / (df + 0.5));
    const tf1 = (len: number) => (1 * (k1 + 1)) / (1 + k1 * (1 - b + (b * len) / (26 / 3)));
    // A has both words (apples df 2, harvest df 1); B has apples only; C neither.
    const expectA = idf(2) * tf1(8) + idf(1) * tf1(8);
    const expectB = idf(2) * tf1(9);
    expect(r.candidates.map((c) => c.sentence)).toEqual([0, 1]);
    expect(r.candidates[0]!.bm25).toBeCloseTo(expectA, 10);
    expect(r.candidates[1]!.bm25).toBeCloseTo(expectB, 10);
    expect(r.totalIdf).toBeCloseTo(idf(2) + idf(1), 10);
    // Bit masks of the matched clauses: both, then the first ("apples").
    expect(r.candidates.map((c) => c.mask)).toEqual([0b11, 0b01]);
  });

  it('matches inflections through stems: "harvested apple" finds the same sentences', () => {
    const r = retrieve(index, analyseQuestion('harvested apple', index.vocabulary), { limit: 10 });
    expect(r.candidates.map((c) => c.sentence)).toEqual([0, 1]);
  });

  it('returns nothing for an empty query, an all-stop-word query, and on an empty corpus', () => {
    expect(retrieve(index, analyseQuestion('', index.vocabulary), { limit: 10 }).candidates).toEqual([]);
    expect(retrieve(index, analyseQuestion('what is it that was there', index.vocabulary), { limit: 10 }).candidates).toEqual([]);
    expect(rank(index, 'which of them are there').ranked).toEqual([]);
    const empty = buildIndex([]);
    expect(empty.sentenceStart.length).toBe(0);
    expect(rank(empty, 'apples harvest').ranked).toEqual([]);
  });

  it('keeps at most `limit` candidates, in descending score', () => {
    const r = retrieve(index, analyseQuestion('apples harvest bread nets', index.vocabulary), { limit: 2 });
    expect(r.candidates).toHaveLength(2);
    expect(r.candidates[0]!.bm25).toBeGreaterThanOrEqual(r.candidates[1]!.bm25);
  });
});
