// The decision to answer, checked by meaning. The abstention model (answer.ts, answerableProbability) reads
// words: which of the question's the best sentence has, how rare they are, how the ranking looks. A question
// about another corpus can share every word with a sentence and mean something else ("Who is backing the
// rebels?" and "Without Luther's backing for the uprising, many rebels laid down their weapons").
//
// So the decision reads one more number: the cosine between the question's and the best sentence's vectors
// from a sentence encoder (src/nlp/encoder.ts). A logistic model over the abstention model's log-odds and that
// cosine (clipped to [low, high]) decides; `npm run learn` fits it on the same rows as the abstention model and
// sets its threshold the same way (the strictest that answers 90% of SQuAD's in-corpus tuning questions, rules
// included). The encoder costs 10-40 ms a text, so it is asked only when the cosine could change the outcome:
// when the log-odds alone, with the cosine at either end of its range, fall on both sides of the threshold.
import type { Index } from '../index/types.ts';
import type { Ranking } from './answer.ts';
import weights from './weights.json' with { type: 'json' };

/** The cosine of a question and a sentence, or null when the encoder cannot be read. */
export type Similarity = (question: string, sentence: string) => Promise<number | null>;

export interface VerifyWeights {
  readonly bias: number;
  /** Weight of the abstention model's log-odds. */
  readonly lexical: number;
  /** Weight of the clipped cosine. */
  readonly semantic: number;
  /** The cosine is clipped to [low, high] before it is weighed. */
  readonly low: number;
  readonly high: number;
  /** Answer when the model's probability is at least this. */
  readonly threshold: number;
}

export const VERIFY: VerifyWeights = weights.verify;

const logit = (p: number) => Math.log(Math.max(p, 1e-12) / Math.max(1 - p, 1e-12));

/** The model's log-odds for an abstention probability and a cosine, minus the threshold's: >= 0 answers. */
export function verifyMargin(answerable: number, similarity: number, w: VerifyWeights = VERIFY): number {
  const c = Math.min(w.high, Math.max(w.low, similarity));
  return w.bias + w.lexical * logit(answerable) + w.semantic * c - logit(w.threshold);
}

/** What the check decides before the encoder is read: the outcome when the cosine cannot change it, or 'ask'. */
export function settled(answerable: number, w: VerifyWeights = VERIFY): 'answer' | 'decline' | 'ask' {
  const atLow = verifyMargin(answerable, w.low, w);
  const atHigh = verifyMargin(answerable, w.high, w);
  if (Math.min(atLow, atHigh) >= 0) return 'answer';
  if (Math.max(atLow, atHigh) < 0) return 'decline';
  return 'ask';
}

/** The first-stage ranking with its verdict: unchanged when the rules decided it or nothing matched, or when
 * the encoder was needed and could not be read (then the lexical threshold decides). */
export async function checked(index: Index, first: Ranking, similarity: Similarity, w: VerifyWeights = VERIFY): Promise<Ranking> {
  const top = first.ranked[0];
  if (first.ruled !== null || top === undefined) return first;
  const outcome = settled(first.answerable, w);
  if (outcome !== 'ask') return { ...first, verdict: outcome };
  const s = top.candidate.sentence;
  const sentence = index.articles[index.sentenceArticle[s]!]!.text.slice(index.sentenceStart[s], index.sentenceEnd[s]);
  const cosine = await similarity(first.question.text, sentence);
  if (cosine === null) return first;
  return { ...first, verdict: verifyMargin(first.answerable, cosine, w) >= 0 ? 'answer' : 'decline' };
}
