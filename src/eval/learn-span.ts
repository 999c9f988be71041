// npm run learn (all weights) or npm run learn-span -- [SQUAD_JSON] (the short-answer model only)
//
// Learns src/answer/span-weights.json from the tuning half of SQuAD v1.1 dev (the even-numbered articles);
// the held-out half is never read here. For each tuning question, the candidates are the spans of the
// sentence that holds its answer, and the target is the set of spans with the best SQuAD F1 against the
// gold answers. The model is a listwise softmax over sparse features (trainSparseListwise); its calibration
// (P(F1 >= 0.5) of the pick) is fitted on out-of-fold picks: two models, each learned on one half of the
// tuning articles, score the other half, so the calibration sees picks as unseen questions get them.
import { writeFileSync } from 'node:fs';
import { buildIndex } from '../index/build.ts';
import type { Index } from '../index/types.ts';
import { analyseQuestion } from '../answer/question.ts';
import { pickSpan, questionFrame, QUESTION_CLASSES, SPAN_DIM, spanConfidenceFeatures, spanProblem, spanScores, weightTables, type SpanProblem } from '../answer/span.ts';
import { tokenize } from '../nlp/wink.ts';
import type { Article } from '../corpus/article.ts';
import { f1Score, loadSquad, type SquadQuestion } from './squad.ts';
import { trainLogistic, trainSparseListwise, type SparseGroup } from './linear.ts';
import { goldSentence } from './eval.ts';

export interface SpanExample {
  readonly question: SquadQuestion;
  readonly klass: number;
  readonly problem: SpanProblem;
  /** SQuAD F1 of each candidate against the gold answers. */
  readonly f1: Float64Array;
}

/**
 * The words that span features keep as words: the most frequent of those used in at least a quarter of the
 * articles, so they are the language's common words rather than one topic's names.
 */
export function commonWords(articles: readonly Article[], size = LEXICON_SIZE): string[] {
  const count = new Map<string, number>();
  const articlesWith = new Map<string, number>();
  for (const a of articles) {
    const seen = new Set<string>();
    for (const v of tokenize(a.text).values) {
      const w = v.toLowerCase();
      count.set(w, (count.get(w) ?? 0) + 1);
      if (!seen.has(w)) {
        seen.add(w);
        articlesWith.set(w, (articlesWith.get(w) ?? 0) + 1);
      }
    }
  }
  return [...count]
    .filter(([w]) => articlesWith.get(w)! * 4 >= articles.length && /\p{L}/u.test(w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, size)
    .map(([w]) => w);
}
export const LEXICON_SIZE = 300;
const ZERO = new Float64Array(SPAN_DIM);

/** The span problem of each question on the sentence that holds its answer. */
export function spanExamples(index: Index, questions: readonly SquadQuestion[], lexicon: ReadonlySet<string>): SpanExample[] {
  const out: SpanExample[] = [];
  for (const q of questions) {
    const s = goldSentence(index, q);
    if (s < 0) continue;
    const question = analyseQuestion(q.question, index.vocabulary);
    if (question.type === 'yes-no') continue;
    const frame = questionFrame(question);
    const text = index.articles[q.article]!.text.slice(index.sentenceStart[s]!, index.sentenceEnd[s]!);
    const problem = spanProblem(index, question, frame, text, { lexicon, weights: ZERO, record: true });
    const gold = q.answers.map((a) => a.text);
    const { starts, ends } = problem.tokens;
    const f1 = Float64Array.from(problem.first, (first, c) => f1Score(text.slice(starts[first]!, ends[problem.last[c]!]!), gold));
    out.push({ question: q, klass: frame.klass, problem, f1 });
  }
  return out;
}

/** Examples whose best candidate is good enough to learn from, with the best candidates as the target. */
function groupsOf(examples: readonly SpanExample[], minF1: number): SparseGroup[] {
  const groups: SparseGroup[] = [];
  for (const e of examples) {
    let best = 0;
    for (const f of e.f1) best = Math.max(best, f);
    if (best < minF1) continue;
    const target = Float64Array.from(e.f1, (f) => (f >= best - 1e-9 ? 1 : 0));
    const total = target.reduce((a, b) => a + b, 0);
    for (let c = 0; c < target.length; c++) target[c] = target[c]! / total;
    groups.push({ rowStart: e.problem.rowStart, featureIds: e.problem.featureIds, target });
  }
  return groups;
}

// A small AdaGrad rate over many epochs: the averaged model generalises better than a fast fit (chosen by
// two-fold cross-validation on the tuning half).
export const SPAN_TRAINING = { epochs: 40, rate: 0.02, l2: 1e-6, minF1: 0.5 } as const;

export function trainSpans(examples: readonly SpanExample[]): Float64Array {
  return trainSparseListwise(groupsOf(examples, SPAN_TRAINING.minF1), SPAN_DIM, SPAN_TRAINING);
}

export interface SpanModel {
  readonly lexicon: string[];
  readonly weights: Float64Array;
  readonly calibration: number[];
  readonly threshold: number;
}

/** Threshold on the calibrated probability below which the bot shows no short answer. */
export const SPAN_THRESHOLD = 0.4;

export function learnSpans(index: Index, tuneArticles: readonly Article[], tuneQuestions: readonly SquadQuestion[], log: (m: string) => void): SpanModel {
  const lexicon = commonWords(tuneArticles);
  const examples = spanExamples(index, tuneQuestions, new Set(lexicon));
  log(`span: ${examples.length} tuning questions with their answer's sentence, ${examples.reduce((a, e) => a + e.f1.length, 0)} candidate spans`);
  // Out-of-fold picks for the calibration.
  const articles = [...new Set(examples.map((e) => e.question.article))].sort((a, b) => a - b);
  const foldOf = new Map(articles.map((a, i) => [a, i % 2]));
  const x: Float64Array[] = [];
  const y: number[] = [];
  let oof = 0;
  for (const fold of [0, 1]) {
    const w = trainSpans(examples.filter((e) => foldOf.get(e.question.article) !== fold));
    for (const e of examples) {
      if (foldOf.get(e.question.article) !== fold) continue;
      const pick = pickSpan(e.problem, spanScores(e.problem, w), []);
      if (!pick) continue;
      const c = indexOfPick(e, pick.first, pick.last);
      oof += e.f1[c]!;
      x.push(spanConfidenceFeatures(e.problem, spanScores(e.problem, w), c));
      y.push(e.f1[c]! >= 0.5 ? 1 : 0);
    }
  }
  const calibration = Array.from(trainLogistic(x, y, x[0]?.length ?? 1, 1e-4, 800), (v) => Math.round(v * 10000) / 10000);
  log(`span: out-of-fold F1 of the pick in the answer's sentence ${((100 * oof) / Math.max(1, examples.length)).toFixed(1)} (tuning half, two folds)`);
  const weights = trainSpans(examples);
  let f1 = 0;
  for (const e of examples) {
    const pick = pickSpan(e.problem, spanScores(e.problem, weights), calibration);
    if (pick) f1 += e.f1[indexOfPick(e, pick.first, pick.last)]!;
  }
  log(`span: F1 of the pick on the questions it was learned from ${((100 * f1) / Math.max(1, examples.length)).toFixed(1)}`);
  return { lexicon, weights, calibration, threshold: SPAN_THRESHOLD };
}

function indexOfPick(e: SpanExample, first: number, last: number): number {
  for (let c = 0; c < e.problem.first.length; c++) if (e.problem.first[c] === first && e.problem.last[c] === last) return c;
  throw new Error(`learn-span: pick ${first}-${last} is not a candidate`);
}


export function writeSpanModel(model: SpanModel): void {
  const file = { calibration: model.calibration, threshold: model.threshold, lexicon: model.lexicon, templates: weightTables(model.weights) };
  writeFileSync(new URL('../answer/span-weights.json', import.meta.url), `${JSON.stringify(file)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const squad = loadSquad(process.argv[2] ?? '../shared/data/squad-dev-v1.1.json');
  const index = buildIndex(squad.articles);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const tune = squad.articles.filter((_, i) => squad.half(i) === 'tune');
  const model = learnSpans(index, tune, squad.questions.filter((q) => squad.half(q.article) === 'tune'), log);
  writeSpanModel(model);
  log(`wrote src/answer/span-weights.json (${QUESTION_CLASSES.length} question classes, ${SPAN_DIM} features)`);
}
