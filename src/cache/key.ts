// Cache keys: which questions share one cached answer. Pure.
//
// Two questions may share an entry only when the engine would give them deep-equal answers. The engine's
// answer depends on nothing but the corpus (its version), the question as normaliseQuestion() leaves it, and
// the options; so that normalisation is the key's normalisation, and the key can never merge two questions the
// engine tells apart. NFKC, invisible and control characters, curly quotes and runs of whitespace are folded
// (by the engine, and so by the key).
//
// Letter case is not folded, on purpose:
// - The engine reads case. "US" is an acronym and a search term, "us" a stop word: on the seed articles
//   "What did the US say?" is answered and "what did the us say?" is not a question it can look up. A capital
//   also makes wink tag a word as a proper noun, which moves the ranking ("WHO CALLED FOR AN ICC
//   INVESTIGATION?" gets a lower confidence than "who called for an ICC investigation?").
// - Even where the ranking agrees, the Answer echoes the question (`answer.question`), so an entry shared by
//   "Where ...?" and "where ...?" would hand one of them an answer that is not deep-equal to its fresh one.
// The price is a miss for a re-cased repeat; the engine answers in milliseconds, so correctness wins.
import { createHash } from 'node:crypto';
import { normaliseQuestion } from '../answer/question.ts';
import type { AnswerOptions } from '../answer/answer.ts';

/** Bump when the stored entry's layout or the key's material changes: old entries then never match. */
export const CACHE_SCHEMA = 1;

/** Every key starts with this; the corpus version follows, so one version's entries share a prefix. */
const KEY_ROOT = `verbatim:answers:v${CACHE_SCHEMA}`;

export interface AnswerKey {
  /** The store key: root, corpus version, hash of the material. */
  readonly id: string;
  /**
   * What the key stands for, written into the stored entry and compared on every read ("fingerprint what you
   * store"): a hash collision or a foreign entry under our key can never be served.
   */
  readonly material: string;
}

/** The prefix every key of one corpus version starts with (clearing a version deletes by it). */
export function versionPrefix(version: string): string {
  if (!/^[0-9a-z]+$/i.test(version)) throw new Error(`cache: corpus version must be alphanumeric, got ${JSON.stringify(version)}`);
  return `${KEY_ROOT}:${version}:`;
}

/** The question as the key sees it: exactly the text the engine analyses. */
export function keyQuestion(question: string): string {
  return normaliseQuestion(question);
}

export function answerKey(version: string, question: string, options: AnswerOptions = {}): AnswerKey {
  // maxCitations as a string: JSON would write NaN and Infinity as null, the same as "not given", although the
  // engine treats them differently.
  const material = JSON.stringify([
    CACHE_SCHEMA,
    version,
    keyQuestion(question),
    options.articleId ?? null,
    options.maxCitations === undefined ? null : String(options.maxCitations),
  ]);
  const hash = createHash('sha256').update(material).digest('hex').slice(0, 40);
  return { id: `${versionPrefix(version)}${hash}`, material };
}
