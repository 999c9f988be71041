// Second-stage features of a candidate sentence. Each is a number roughly in [0, 1]; a linear model over them
// (weights learned on half of SQuAD by scripts/learn.ts) reranks the BM25 candidates.
import type { Index } from '../index/types.ts';
import { FLAG } from '../index/types.ts';
import { P } from '../nlp/wink.ts';
import type { Question } from './question.ts';
import type { Candidate, Retrieval } from './retrieve.ts';
import { idf } from './retrieve.ts';

export const FEATURES = [
  'bias',
  'bm25', // BM25 / sum of clause idf
  'coverage', // idf share of the question's clauses the sentence matches
  'countCoverage', // share of clauses matched, unweighted
  'neighbours', // best BM25 of the previous or next sentence, normalised
  'article', // idf share matched anywhere in the article
  'title', // idf share matched by the article title
  'proximity', // matched terms / span of tokens covering them
  'bigrams', // share of adjacent question-term pairs found close and in order
  'answerType', // the sentence holds something of the type the question wants
  'length', // log of sentence length in indexed terms
  'properCoverage', // share of the question's proper nouns matched
  'missingIdf', // idf share of the best clause the sentence misses
  'numberCoverage', // share of the question's numbers matched
  'novel', // the sentence has content words beyond the question's
] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;

export interface QueryContext {
  readonly clauseIdf: Float64Array;
  readonly totalIdf: number;
  /** term id -> clause index, for every term of every alternative. */
  readonly clauseOfTerm: Map<number, number>;
  readonly properMask: number;
  readonly numberMask: number;
}

export function queryContext(index: Index, question: Question, retrieval: Retrieval): QueryContext {
  const clauseIdf = new Float64Array(retrieval.clauses.length);
  const clauseOfTerm = new Map<number, number>();
  let properMask = 0;
  let numberMask = 0;
  retrieval.clauses.forEach((c, i) => {
    clauseIdf[i] = c.idf;
    for (const alt of c.alternatives) for (const t of alt) if (!clauseOfTerm.has(t)) clauseOfTerm.set(t, i);
    const term = question.terms[c.term];
    if (term?.proper) properMask |= 1 << i;
    if (term?.numeric) numberMask |= 1 << i;
  });
  void index;
  return { clauseIdf, totalIdf: retrieval.totalIdf || 1, clauseOfTerm, properMask, numberMask };
}

function maskIdf(ctx: QueryContext, mask: number): number {
  let sum = 0;
  for (let i = 0; i < ctx.clauseIdf.length; i++) if (mask & (1 << i)) sum += ctx.clauseIdf[i]!;
  return sum;
}

function popcount(x: number): number {
  let n = 0;
  while (x) {
    x &= x - 1;
    n++;
  }
  return n;
}

const titleMaskCache = new WeakMap<QueryContext, Map<number, number>>();
function titleMask(index: Index, ctx: QueryContext, article: number): number {
  let cache = titleMaskCache.get(ctx);
  if (!cache) titleMaskCache.set(ctx, (cache = new Map()));
  let m = cache.get(article);
  if (m === undefined) {
    m = 0;
    for (let p = index.titleOffset[article]!, end = index.titleOffset[article + 1]!; p < end; p++) {
      const c = ctx.clauseOfTerm.get(index.titleTerm[p]!);
      if (c !== undefined) m |= 1 << c;
    }
    cache.set(article, m);
  }
  return m;
}

/** Fill `out` with the features of one candidate. */
export function featuresOf(index: Index, question: Question, ctx: QueryContext, c: Candidate, out: Float64Array): void {
  const s = c.sentence;
  const total = ctx.totalIdf;
  const nClauses = ctx.clauseIdf.length || 1;
  const first = index.tokenOffset[s]!;
  const end = index.tokenOffset[s + 1]!;

  // Positions of matched clauses in the sentence, for proximity and order.
  let minPos = Infinity;
  let maxPos = -Infinity;
  const firstPos = new Int32Array(ctx.clauseIdf.length).fill(-1);
  let novel = 0;
  for (let t = first; t < end; t++) {
    const term = index.tokenTerm[t]!;
    const c2 = ctx.clauseOfTerm.get(term);
    if (c2 !== undefined) {
      const pos = t - first;
      if (firstPos[c2] === -1) firstPos[c2] = pos;
      if (pos < minPos) minPos = pos;
      if (pos > maxPos) maxPos = pos;
    } else if (term !== 0 && index.vocabulary.stop[term] !== 1) {
      const tag = index.tokenPos[t]!;
      if (tag === P.NOUN || tag === P.PROPN || tag === P.NUM) novel++;
    }
  }
  const matched = popcount(c.mask);
  const span = maxPos >= minPos ? maxPos - minPos + 1 : 0;
  let pairs = 0;
  let ordered = 0;
  for (let i = 0; i + 1 < firstPos.length; i++) {
    if (firstPos[i]! < 0 || firstPos[i + 1]! < 0) continue;
    pairs++;
    const d = firstPos[i + 1]! - firstPos[i]!;
    if (d > 0 && d <= 3) ordered++;
  }
  const flags = index.sentenceFlags[s]!;
  let typeMatch = 0;
  switch (question.expects) {
    case 'date':
      typeMatch = flags & (FLAG.year | FLAG.dateWord) ? 1 : 0;
      break;
    case 'number':
      typeMatch = flags & (FLAG.number | FLAG.money) ? 1 : 0;
      break;
    case 'agent':
    case 'place':
      typeMatch = flags & FLAG.properNoun ? 1 : 0;
      break;
    default:
      typeMatch = 0;
  }
  let missing = 0;
  for (let i = 0; i < ctx.clauseIdf.length; i++) if (!(c.mask & (1 << i)) && ctx.clauseIdf[i]! > missing) missing = ctx.clauseIdf[i]!;
  const article = index.sentenceArticle[s]!;

  out[0] = 1;
  out[1] = c.bm25 / total;
  out[2] = maskIdf(ctx, c.mask) / total;
  out[3] = matched / nClauses;
  out[4] = Math.max(c.prev, c.next) / total;
  out[5] = maskIdf(ctx, c.articleMask) / total;
  out[6] = maskIdf(ctx, titleMask(index, ctx, article)) / total;
  out[7] = span > 0 ? Math.min(1, matched / span) : 0;
  out[8] = firstPos.length > 1 ? ordered / (firstPos.length - 1) : 0;
  out[9] = typeMatch;
  out[10] = Math.log1p(index.sentenceLength[s]!) / 4;
  out[11] = ctx.properMask ? popcount(c.mask & ctx.properMask) / popcount(ctx.properMask) : 1;
  out[12] = missing / total;
  out[13] = ctx.numberMask ? popcount(c.mask & ctx.numberMask) / popcount(ctx.numberMask) : 1;
  out[14] = Math.min(1, novel / 3);
  void pairs;
  void idf;
}
