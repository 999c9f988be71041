// Abstention's reading of question words the corpus never uses (answer.ts, answerableFeatures): on a small
// corpus most everyday words are missing only because the corpus is small.
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.ts';
import { buildIndex } from '../../src/index/build.ts';
import { ANSWERABLE_FEATURES, answerableFeatures, answerFromRanking, firstStage, rank } from '../../src/answer/answer.ts';

const seeds = buildIndex((await loadCorpus(new URL('../../seeds', import.meta.url).pathname)).articles);
const feature = (q: string, name: (typeof ANSWERABLE_FEATURES)[number]) => answerableFeatures(firstStage(seeds, q))[ANSWERABLE_FEATURES.indexOf(name)]!;

describe('unknown question words', () => {
  it('count an unknown rare word or name against answering, and not an unknown everyday word', () => {
    // "angry" is not in the seeds (they say "outrage"); "zorbling" is in no corpus, "Pulaski" not in these.
    expect(feature('What are western nations angry about?', 'unknownShare')).toBe(0);
    expect(feature('What are western nations angry about?', 'maxUnknown')).toBe(0);
    expect(feature('What are western nations zorbling about?', 'unknownShare')).toBeGreaterThan(0.3);
    expect(feature('What did Pulaski say about western nations?', 'unknownProper')).toBe(1);
    expect(feature('What did Pulaski say about western nations?', 'unknownShare')).toBeGreaterThan(0.3);
  });

  it('so the seeds answer a paraphrase with everyday words, are less sure with a rare one, and decline an unknown name', () => {
    const angry = answerFromRanking(seeds, rank(seeds, 'What are western nations angry about?'));
    expect(angry.kind).toBe('answer');
    if (angry.kind === 'answer') expect(angry.citations[0]!.text).toContain('Several western nations have expressed outrage');
    // A word no article uses, and no dictionary, may be a typo of anything: it lowers the confidence.
    expect(firstStage(seeds, 'What are western nations zorbling about?').answerable).toBeLessThan(firstStage(seeds, 'What are western nations angry about?').answerable - 0.1);
    const pulaski = answerFromRanking(seeds, rank(seeds, 'What did Pulaski say about western nations?'));
    expect(pulaski.kind === 'not-found' && pulaski.reason).toBe('unknown-name');
  });
});
