// Retrieval against a brute-force oracle on random small corpora: BM25 computed straight from each sentence's
// tokens, with no postings, no heap, no pruning and no reused work arrays.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSkipped, parseArticle, type Article } from '../../src/corpus/article.ts';
import { buildIndex } from '../../src/index/build.ts';
import type { Index } from '../../src/index/types.ts';
import { analyseQuestion } from '../../src/answer/question.ts';
import { BM25, idf, retrieve } from '../../src/answer/retrieve.ts';
import { rank } from '../../src/answer/answer.ts';

const WORDS = ['apple', 'banana', 'cherry', 'dragon', 'eagle', 'falcon', 'garden', 'harbor', 'island', 'jungle', 'kettle', 'lemon', 'mango', 'nectar', 'orange', 'pepper', 'quartz', 'river', 'salmon', 'tiger'];

/** A corpus of articles whose paragraphs are one sentence of 8 to 14 of the words above. */
const corpusArb = fc.array(fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 8, maxLength: 14 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 });
const questionArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '));

function build(corpus: string[][][]): Index {
  const articles: Article[] = corpus.map((paragraphs, i) => {
    const text = paragraphs.map((ws) => `${ws.join(' ').replace(/^./, (c) => c.toUpperCase())}.`).join('\n\n');
    const a = parseArticle(`a${i}.txt`, Buffer.from(`${text}\n`));
    if (isSkipped(a)) throw new Error(a.reason);
    return a;
  });
  return buildIndex(articles);
}

/** BM25 of every sentence for the question's clauses, from the token stream. */
function bruteForce(index: Index, question: string): Map<number, number> {
  const q = analyseQuestion(question, index.vocabulary);
  const terms = [...new Set(q.terms.map((t) => t.id))].filter((t) => t !== 0);
  const scores = new Map<number, number>();
  for (let s = 0; s < index.sentenceStart.length; s++) {
    let score = 0;
    for (const term of terms) {
      let tf = 0;
      for (let t = index.tokenOffset[s]!; t < index.tokenOffset[s + 1]!; t++) if (index.tokenTerm[t] === term) tf++;
      if (tf === 0) continue;
      const norm = BM25.k1 * (1 - BM25.b + (BM25.b * index.sentenceLength[s]!) / index.averageLength);
      score += (idf(index, term) * tf * (BM25.k1 + 1)) / (tf + norm);
    }
    if (score > 0) scores.set(s, score);
  }
  return scores;
}

describe('retrieve against a brute-force BM25', () => {
  it('scores and orders every matching sentence as the oracle does', () => {
    fc.assert(
      fc.property(corpusArb, questionArb, (corpus, question) => {
        const index = build(corpus);
        const oracle = bruteForce(index, question);
        const r = retrieve(index, analyseQuestion(question, index.vocabulary), { limit: 1000 });
        expect(r.candidates.map((c) => c.sentence).sort((a, b) => a - b)).toEqual([...oracle.keys()].sort((a, b) => a - b));
        for (const c of r.candidates) expect(c.bm25).toBeCloseTo(oracle.get(c.sentence)!, 9);
        for (let i = 1; i < r.candidates.length; i++) expect(r.candidates[i]!.bm25).toBeLessThanOrEqual(r.candidates[i - 1]!.bm25);
      }),
      { numRuns: 150, seed: 20261121 },
    );
  });

  it('with a tiny accumulator budget, still scores every sentence it returns exactly (commoner words only add to sentences already touched)', () => {
    fc.assert(
      fc.property(corpusArb, questionArb, fc.integer({ min: 1, max: 4 }), (corpus, question, budget) => {
        const index = build(corpus);
        const oracle = bruteForce(index, question);
        const r = retrieve(index, analyseQuestion(question, index.vocabulary), { limit: 1000, accumulators: budget });
        for (const c of r.candidates) expect(c.bm25).toBeCloseTo(oracle.get(c.sentence)!, 9);
      }),
      { numRuns: 100, seed: 20261121 },
    );
  });

  it("marks the clauses matched anywhere in each candidate's article and paragraph, as the tokens have them", () => {
    fc.assert(
      fc.property(corpusArb, questionArb, fc.constantFrom(1, 3, 1000), fc.array(questionArb, { maxLength: 3 }), fc.boolean(), (corpus, question, limit, before, inArticle) => {
        const index = build(corpus);
        // Questions asked before on the same index: a mark or mask left set would show in this one's.
        for (const b of before) retrieve(index, analyseQuestion(b, index.vocabulary), { limit, neighboursOf: 2 });
        const q = analyseQuestion(question, index.vocabulary);
        const r = retrieve(index, q, inArticle ? { limit, neighboursOf: 2, article: index.articles.length - 1 } : { limit, neighboursOf: 2 });
        /** Clause bits of the question's terms found in sentences [from, to). */
        const clausesIn = (from: number, to: number) => {
          let m = 0;
          r.clauses.forEach((c, i) => {
            for (let t = index.tokenOffset[from]!; t < index.tokenOffset[to]!; t++) if (c.alternatives.some((alt) => alt[0] === index.tokenTerm[t])) m |= 1 << i;
          });
          return m;
        };
        for (const c of r.candidates) {
          const a = index.sentenceArticle[c.sentence]!;
          const p = index.paragraphOf[c.sentence]!;
          expect(c.articleMask).toBe(clausesIn(index.articleSentence[a]!, index.articleSentence[a + 1]!));
          expect(c.paragraphMask).toBe(clausesIn(index.paragraphSentence[p]!, index.paragraphSentence[p + 1]!));
        }
      }),
      { numRuns: 150, seed: 20261122 },
    );
  });

  it('gives the same ranking to a question asked first and asked after others (work arrays are reused cleanly)', () => {
    fc.assert(
      fc.property(corpusArb, questionArb, fc.array(questionArb, { maxLength: 5 }), (corpus, question, before) => {
        const fresh = rank(build(corpus), question).ranked.map((r) => [r.candidate.sentence, r.score]);
        const index = build(corpus);
        for (const q of before) rank(index, q);
        expect(rank(index, question).ranked.map((r) => [r.candidate.sentence, r.score])).toEqual(fresh);
      }),
      { numRuns: 60, seed: 20261121 },
    );
  });
});
