// Question in, cited sentences out. retrieve (BM25) -> rerank (linear model over features) -> confidence and
// abstention -> short answer from the best sentence.
import type { Index } from '../index/types.ts';
import { analyseQuestion, type Question } from './question.ts';
import { retrieve, type Candidate, type Retrieval } from './retrieve.ts';
import { FEATURE_COUNT, featuresOf, queryContext } from './features.ts';
import { extractShortAnswer } from './span.ts';
import type { Answer, Citation } from './types.ts';
import weights from './weights.json' with { type: 'json' };

export interface AnswerOptions {
  /** Only cite this article (its id). */
  readonly articleId?: string;
  /** Most citations to return (1 to 3 for an answer; more for "show more"). */
  readonly maxCitations?: number;
}

export interface RankedSentence {
  readonly candidate: Candidate;
  readonly features: Float64Array;
  /** Linear score and its logistic squash. */
  readonly score: number;
  readonly probability: number;
}

export interface Ranking {
  readonly question: Question;
  readonly retrieval: Retrieval;
  readonly ranked: readonly RankedSentence[];
}

/** How many BM25 candidates the reranker sees. */
export const CANDIDATES = 40;

const rankWeights = Float64Array.from(weights.rank);
if (rankWeights.length !== FEATURE_COUNT) throw new Error(`answer: weights.json has ${rankWeights.length} rank weights, expected ${FEATURE_COUNT}`);

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Retrieve and rerank; the building block of answer() and of the evaluation. */
export function rank(index: Index, questionText: string, options: AnswerOptions = {}): Ranking {
  const question = analyseQuestion(questionText, index.vocabulary);
  let article: number | undefined;
  if (options.articleId !== undefined) {
    const a = index.articles.findIndex((x) => x.id === options.articleId);
    article = a === -1 ? -1 : a;
  }
  if (question.terms.length === 0 || article === -1) {
    return { question, retrieval: { clauses: [], candidates: [], totalIdf: 0 }, ranked: [] };
  }
  const retrieval = retrieve(index, question, article === undefined ? { limit: CANDIDATES } : { limit: CANDIDATES, article });
  const ctx = queryContext(index, question, retrieval);
  const ranked = retrieval.candidates.map((candidate): RankedSentence => {
    const f = new Float64Array(FEATURE_COUNT);
    featuresOf(index, question, ctx, candidate, f);
    let score = 0;
    for (let i = 0; i < FEATURE_COUNT; i++) score += rankWeights[i]! * f[i]!;
    return { candidate, features: f, score, probability: sigmoid(score) };
  });
  ranked.sort((a, b) => b.score - a.score || a.candidate.sentence - b.candidate.sentence);
  return { question, retrieval, ranked };
}

export function citationOf(index: Index, sentence: number, score: number): Citation {
  const article = index.articles[index.sentenceArticle[sentence]!]!;
  const start = index.sentenceStart[sentence]!;
  const end = index.sentenceEnd[sentence]!;
  return {
    articleId: article.id,
    title: article.title,
    source: article.source,
    path: article.path,
    start,
    end,
    text: article.text.slice(start, end),
    paragraph: index.sentenceParagraph[sentence]!,
    sentence: index.sentenceNumber[sentence]!,
    sentenceId: sentence,
    score,
  };
}

/** Confidence that the best sentence answers the question: the reranker's probability, tempered by how much
 * of the question the corpus knows at all. */
function confidenceOf(ranking: Ranking): number {
  const top = ranking.ranked[0];
  if (!top) return 0;
  return top.probability;
}

export function answer(index: Index, questionText: string, options: AnswerOptions = {}): Answer {
  return answerFromRanking(index, rank(index, questionText, options), options);
}

/** The answer for a ranking already computed (the evaluation inspects both). */
export function answerFromRanking(index: Index, ranking: Ranking, options: AnswerOptions = {}): Answer {
  const { question, ranked } = ranking;
  const max = Math.max(1, options.maxCitations ?? 3);
  const confidence = confidenceOf(ranking);
  const base = { question: question.text, questionType: question.type } as const;
  if (question.terms.length === 0) {
    return { kind: 'not-found', ...base, reason: 'empty-question', confidence: 0, nearest: [] };
  }
  if (ranked.length === 0) return { kind: 'not-found', ...base, reason: 'no-match', confidence: 0, nearest: [] };
  if (confidence < weights.threshold) {
    return {
      kind: 'not-found',
      ...base,
      reason: 'low-confidence',
      confidence,
      nearest: ranked.slice(0, max).map((r) => citationOf(index, r.candidate.sentence, r.probability)),
    };
  }
  // Supporting citations: the best, then others the reranker rates nearly as likely.
  const top = ranked[0]!;
  const citations = [citationOf(index, top.candidate.sentence, top.probability)];
  for (const r of ranked.slice(1)) {
    if (citations.length >= max) break;
    if (r.probability >= Math.max(weights.threshold, top.probability * weights.supportRatio)) {
      citations.push(citationOf(index, r.candidate.sentence, r.probability));
    }
  }
  const short = extractShortAnswer(index, question, top.candidate.sentence);
  return { kind: 'answer', ...base, answer: short, confidence, citations };
}
