// Question in, cited sentences out. retrieve (BM25) -> rerank (linear model over features) -> abstention -> for a
// question the corpus answers and whose first two sentences are close, a second stage that reads the top three
// with the short-answer model -> short answer from the best sentence.
import { FLAG, type Index } from '../index/types.ts';
import { NO_TERM } from '../index/terms.ts';
import { everydayLowerCaseWord, everydayWord, looksLikeName } from '../nlp/wordnet.ts';
import { chatWord } from '../nlp/words.ts';
import { analyse, P } from '../nlp/wink.ts';
import { analyseQuestion, type Question } from './question.ts';
import { retrieve, type Candidate, type Retrieval } from './retrieve.ts';
import { F, FEATURE_COUNT, FEATURES, featuresOf, queryContext, type FeatureName } from './features.ts';
import { bestSpanScore, expansionOf, questionFrame, sentenceSpans, shortAnswerOf, type SpanProblem, type SpanProblems } from './span.ts';
import type { Answer, Citation, ShortAnswer } from './types.ts';
import weights from './weights.json' with { type: 'json' };
import { checked, type Similarity } from './verify.ts';

export interface AnswerOptions {
  /** Only cite this article (its id). */
  readonly articleId?: string;
  /** Most citations to return (1 to 3 for an answer; more for "show more"). */
  readonly maxCitations?: number;
}

export interface RankedSentence {
  readonly candidate: Candidate;
  readonly features: Float64Array;
  /** Linear score, and the share of the softmax over all candidates' scores this sentence takes: the
   * listwise model's estimate that it is the one that answers, if any candidate does. */
  readonly score: number;
  readonly probability: number;
}

export interface Ranking {
  readonly question: Question;
  readonly retrieval: Retrieval;
  readonly ranked: readonly RankedSentence[];
  /** The estimate that the corpus answers the question with the best sentence, read from the first stage's
   * ranking (answerableProbability). The second stage runs only when it clears the threshold, and does not
   * change it. */
  readonly answerable: number;
  /** A name of the question that the corpus, or the best sentence's article, never mentions (unmentionedName),
   * or null. */
  readonly unmentioned: UnmentionedName | null;
  /** What the rules decide of the best sentence, whatever the abstention model says (ruling). */
  readonly ruled: Ruling;
  /** The sentence encoder's check (src/answer/verify.ts), when it was read: it decides in place of the
   * threshold on `answerable`. The rules still come first. */
  readonly verdict?: 'answer' | 'decline';
  /** The span problems the second stage computed, kept for the short answer. */
  readonly spans?: SpanProblems;
}

/** What the decisions on a first-stage ranking read (answerableProbability, unmentionedName). */
type FirstStageRanking = Pick<Ranking, 'ranked' | 'retrieval' | 'question'>;

/**
 * The reranker's second stage (weights.json's spanStage, learned by src/eval/learn.ts): when the first stage's
 * best two scores are closer than `gap`, the short-answer model reads the `top` best sentences, and they are
 * reordered by `score` x the first stage's score + `span` x the best span's score (bestSpanScore).
 */
export interface SpanStage {
  readonly gap: number;
  readonly top: number;
  readonly score: number;
  readonly span: number;
}

/** How many BM25 candidates the reranker sees. */
export const CANDIDATES = 40;
/** How many a question about an acronym sees: its definition is looked for among them (spelledOutFirst). */
export const EXPANSION_CANDIDATES = 400;
/** The neighbours of this many of the best BM25 sentences join the candidates. */
export const NEIGHBOURS_OF = 10;

// Weights learned by src/eval/learn.ts; a feature added since the last learning run weighs 0 until then.
const rankWeights = Float64Array.from({ length: FEATURE_COUNT }, (_, i) => weights.rank[i] ?? 0);


const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Retrieve, rerank, decide whether the corpus answers; the second stage for a question it answers. The
 * building block of answer() and of the evaluation. (The second stage costs three sentence analyses; on a
 * corpus that answers few of the questions asked, it would run for most of them to no purpose.)
 */
export function rank(index: Index, questionText: string, options: AnswerOptions = {}): Ranking {
  const first = firstStage(index, questionText, options);
  return declineReason(first) === null ? spanStage(index, first) : first;
}

/** Why the corpus is taken not to answer a ranked question, or null when it answers. */
function declineReason(ranking: Ranking): RuleReason | 'low-confidence' | null {
  if (ranking.ruled === 'answer') return null;
  if (ranking.ruled !== null) return ranking.ruled;
  if (ranking.verdict !== undefined) return ranking.verdict === 'answer' ? null : 'low-confidence';
  return ranking.answerable < weights.answerableThreshold ? 'low-confidence' : null;
}

/** Whether the second stage reads a ranking: its best two are closer than `gap` (and the question asks for a
 * phrase: a yes-no question has none; nor does one about an acronym, whose answer is the sentence that spells it
 * out). */
export function closeAtTop(ranking: Pick<Ranking, 'ranked' | 'question'>, gap: number): boolean {
  const { ranked } = ranking;
  return ranking.question.type !== 'yes-no' && ranking.question.expansion === null && ranked.length >= 2 && ranked[0]!.score - ranked[1]!.score < gap;
}

/** Retrieve and rerank by the linear model only, and decide whether the corpus answers. */
export function firstStage(index: Index, questionText: string, options: AnswerOptions = {}): Ranking {
  const question = analyseQuestion(questionText, index.vocabulary, (id) => index.postingOffset[id + 1]! - index.postingOffset[id]!);
  let article: number | undefined;
  if (options.articleId !== undefined) {
    const a = index.articles.findIndex((x) => x.id === options.articleId);
    article = a === -1 ? -1 : a;
  }
  if (question.terms.length === 0 || article === -1) {
    return { question, retrieval: { clauses: [], candidates: [], totalIdf: 0 }, ranked: [], answerable: 0, unmentioned: null, ruled: null };
  }
  // Asked what an acronym stands for, the sentence that defines it may be any of those that write it.
  const limit = question.expansion === null ? CANDIDATES : EXPANSION_CANDIDATES;
  const retrieval = retrieve(index, question, article === undefined ? { limit, neighboursOf: NEIGHBOURS_OF } : { limit, neighboursOf: NEIGHBOURS_OF, article });
  const ctx = queryContext(index, question, retrieval);
  // One block of memory for every candidate's features; each candidate keeps a view of its row.
  const block = new Float64Array(retrieval.candidates.length * FEATURE_COUNT);
  const scored = retrieval.candidates.map((candidate, rankNo) => {
    const f = block.subarray(rankNo * FEATURE_COUNT, (rankNo + 1) * FEATURE_COUNT);
    featuresOf(index, question, ctx, candidate, rankNo, f);
    let score = 0;
    for (let i = 0; i < FEATURE_COUNT; i++) score += rankWeights[i]! * f[i]!;
    return { candidate, features: f, score };
  });
  ctx.release();
  const ranked = spelledOutFirst(index, question, withProbabilities(scored));
  const first = { question, retrieval, ranked };
  const unmentioned = unmentionedName(first);
  return { ...first, answerable: answerableProbability(first), unmentioned, ruled: ruling(index, first, unmentioned) };
}

/** Asked what an acronym stands for (Question.expansion), the best-ranked sentence that spells it out comes first;
 * the others keep their order, and the probabilities keep theirs (the first takes the highest), so the reranker's
 * reading still falls with rank. */
function spelledOutFirst(index: Index, question: Question, ranked: RankedSentence[]): RankedSentence[] {
  if (question.expansion === null) return ranked;
  const at = ranked.findIndex((r) => expansionOf(index, r.candidate.sentence, question.expansion!) !== null);
  if (at <= 0) return ranked;
  const probabilities = ranked.map((r) => r.probability);
  const order = [ranked[at]!, ...ranked.slice(0, at), ...ranked.slice(at + 1)];
  return order.map((r, i) => ({ ...r, probability: probabilities[i]! }));
}

/** Why a rule declines a question. */
export type RuleReason = 'unknown-name' | 'unmentioned-name' | 'unexpanded' | 'dated';
/** What the rules decide of a ranking's best sentence: a reason to decline, 'answer', or null (the model decides). */
export type Ruling = RuleReason | 'answer' | null;

/** What the rules decide whatever the abstention model says, in this order: decline for a name (unmentionedName);
 * for a question about an acronym, answer when the best sentence spells it out and decline when not (unexpanded);
 * decline a question about now answered from the past (pastOnly); else null, and the model decides.
 * `unmentioned` is unmentionedName(ranking), when the caller has it. */
export function ruling(index: Index, ranking: FirstStageRanking, unmentioned: UnmentionedName | null = unmentionedName(ranking)): Ruling {
  if (unmentioned !== null) return unmentioned.inCorpus ? 'unmentioned-name' : 'unknown-name';
  if (ranking.question.expansion !== null) return unexpanded(index, ranking) ? 'unexpanded' : 'answer';
  return pastOnly(index, ranking) ? 'dated' : null;
}

/** Whether the rules would accept sentence `r` in place of the best of a ranking whose best they accept: the
 * question's own names are the same whatever the sentence, so only what depends on it is read (its article's
 * names, its years, its spelling of an acronym). */
function acceptedInstead(index: Index, ranking: FirstStageRanking, r: RankedSentence): boolean {
  const instead = { question: ranking.question, retrieval: ranking.retrieval, ranked: [r] };
  const ruled = ruling(index, instead, nameOutsideArticle(instead, r));
  return ruled === null || ruled === 'answer';
}

/**
 * Whether the question asks what an acronym stands for (Question.expansion) and the best sentence has no run of
 * words that spells it (expansionIn): "What does ICC stand for?" is not answered by "They participated in the ICC
 * Cricket World Cup 2011." (spelledOutFirst has already put the best sentence that spells it out first.) Of
 * SQuAD's questions that ask what an acronym stands for, 14 are answered with its expansion and 2 declined ("What
 * is QED short for?", "What does ATP mean?", which no candidate defines).
 */
export function unexpanded(index: Index, ranking: FirstStageRanking): boolean {
  const top = ranking.ranked[0];
  const acronym = ranking.question.expansion;
  if (!top || acronym === null) return false;
  return expansionOf(index, top.candidate.sentence, acronym) === null;
}

/** Words of a sentence that speak of the present or the future: auxiliaries and modals in those tenses, and words
 * of the present day, in lower case (the month "May" and the name "Will" are neither). "would", "could", "should"
 * and "might" are left out: "In 1999 the company said it would double its fleet" is past. A verb in the third
 * person present ("owns", "aims", "says") is found by its tag, and by its -s: not after "to" ("to bias"), nor in -us
 * ("to focus", no such form whatever the tagger says). */
const PRESENT = /\b(?:is|are|am|has|have|does|do|will|shall|can|may|must|remains?|now|nowadays|currently|current|today|tonight|recently|still|this (?:week|month|year|weekend))\b/;
/** A year, as the rule reads one: 1500 to 2199, not money or a share ("$2000", "1500%"). */
const YEAR_IN_TEXT = /(?<![\p{L}\p{N}$£€.,])(?:1[5-9]\d\d|2[01]\d\d)(?![\p{N}%]|,\d|\.\d)/gu;
const yearsOf = (text: string) => Array.from(text.matchAll(YEAR_IN_TEXT), (m) => Number(m[0]));
/** Words before a year that make it a point of comparison, not the time the sentence speaks of: "up 2.6% on 2003",
 * "higher than in 2003", "the same period of 2003", "from 2.4bn euros in 2003", "up from 2003", "compared with 2003",
 * "its highest since 1997", "the smallest rise since the second quarter of 2000". Not "in the first quarter of 2003" (a
 * date), nor "since" without a record before it ("had run the division since 1998"). */
const COMPARISONS = [
  String.raw`(?:\d%?|per ?cent|\b(?:up|down|rise|fall|jump|increase|decrease|drop|gain|growth))[^.;]{0,25}\bon`,
  String.raw`\bthan(?: in| the)?`,
  String.raw`\b(?:compared (?:with|to)|relative to|versus|vs\.?)`,
  String.raw`\b(?:up|down|rises?|falls?|increases?|decreases?|drops?|gains?|growth) (?:from|over)`,
  String.raw`\b(?:same|corresponding|year-earlier) (?:\p{L}+ )?(?:period|quarter|months?|weeks?|time) (?:of|in|last)`,
  String.raw`\bfrom [^\s]*\d[^\s]*(?: [\p{L}]+){0,3} in`,
  String.raw`\b(?:\p{L}+est|best|worst|first|most|least)\b[^.;]{0,40}\bsince(?: the (?:\p{L}+ )?(?:quarter|half|months?|weeks?|end|start) of)?`,
];
const COMPARED_WITH = new RegExp(String.raw`(?:${COMPARISONS.join('|')})\s+(?:(?:early|late|mid|the end of|all of)\s+)?$`, 'iu');
/** The years a sentence speaks of: those it names, bar points of comparison (COMPARED_WITH). */
const datingYears = (text: string) =>
  Array.from(text.matchAll(YEAR_IN_TEXT))
    .filter((m) => !COMPARED_WITH.test(text.slice(Math.max(0, m.index - 50), m.index)))
    .map((m) => Number(m[0]));
/** The latest year each article names: the present of a news article is about its latest year. */
const latestYears = new WeakMap<object, number>();
function latestYear(article: { readonly text: string }): number {
  let y = latestYears.get(article);
  if (y === undefined) latestYears.set(article, (y = Math.max(0, ...yearsOf(article.text))));
  return y;
}

/**
 * Whether the question asks about the present state of things (Question.asksNow: "What year is the Syrian war in
 * now?") and the best sentence speaks only of the past: it names a year, every year it names is before the latest
 * its article names, and it has no verb in the present or future ("...joined the fight in the Syrian Civil War
 * beginning in March 2011, and was expelled from al-Qaeda in early 2014"). Such a sentence tells what was so then,
 * not what is so now. A plan for a later year ("aims to become a top five carmaker by 2010") or a state that goes on
 * ("Fiat owns a 56% stake") is left to the model, and so is a sentence without a year. A year named as a point of
 * comparison does not date the sentence (COMPARED_WITH): "It sold nearly 95,000 cars in Asia, up 2.6% on 2003"
 * gives this year's figure.
 */
export function pastOnly(index: Index, ranking: FirstStageRanking): boolean {
  const top = ranking.ranked[0];
  if (!top || !ranking.question.asksNow) return false;
  const s = top.candidate.sentence;
  if ((index.sentenceFlags[s]! & FLAG.year) === 0) return false;
  const article = index.articles[index.sentenceArticle[s]!]!;
  const text = article.text.slice(index.sentenceStart[s], index.sentenceEnd[s]);
  const years = datingYears(text);
  const latest = latestYear(article);
  if (years.length === 0 || years.some((y) => y >= latest) || PRESENT.test(text)) return false;
  const tokens = analyse(text);
  for (let i = 0; i < tokens.values.length; i++) {
    const tag = tokens.pos[i];
    if ((tag === P.VERB || tag === P.AUX) && /[^su'’]s$/i.test(tokens.values[i]!) && !/^was$/i.test(tokens.values[i]!) && tokens.normals[i - 1] !== 'to') return false;
  }
  return true;
}

export interface UnmentionedName {
  readonly name: string;
  /** The corpus uses the name somewhere, but not the best sentence's article. */
  readonly inCorpus: boolean;
}

/**
 * The first name of the question that the corpus never uses (and that is not one edit off a word of five
 * letters or more it uses, with the same first letter: taken as a typo), else the first name the corpus uses
 * but the best sentence's article never mentions; null when there is neither. Names are rarely paraphrased,
 * so an article that never uses one is not about it:
 * - "What year was Genghis Pulaski born in Warsaw?" is not answered from the article on Casimir Pulaski. On
 *   SQuAD, 0.6% of the held-out questions the model would answer have such a name (two thirds of them cited
 *   rightly), against 88% of held-out questions whose name was swapped for one their article lacks (the eval's
 *   substituted questions), which the model alone answered 70% of the time.
 * - "What did Pulaski say about western nations?" is not answered from the seeds, which never name him. On
 *   SQuAD, 0.4% of the questions the model would answer have a name the corpus never uses (misspellings more
 *   than one letter off, "Merceds-Benz", or a compound written as one word, "Superbowl"), against most of the
 *   seed questions whose name was swapped for one the seeds never use (the eval's unknown-name questions).
 * - In a question typed without capitals (Question.caseless), where wink tags no name, a word the corpus never
 *   uses reads as a name when WordNet never writes it in lower case and it is no chat spelling (looksLikeName,
 *   chatWord): "what did pulaski say about western nations?". On SQuAD it catches 13 questions, nearly all typos
 *   too far from any word ("guage").
 */
export function unmentionedName(ranking: FirstStageRanking): UnmentionedName | null {
  const top = ranking.ranked[0];
  if (!top) return null;
  const { clauses } = ranking.retrieval;
  for (const clause of clauses) {
    const term = ranking.question.terms[clause.term]!;
    // In title case an everyday word is tagged a name too ("What Are Western Nations Angry About?"); "English" and
    // "Sunday" are everyday too, but never written in lower case.
    if (term.proper && term.id === NO_TERM && !everydayLowerCaseWord(term.word)) return { name: term.word, inCorpus: false };
    // Typed without capitals, a name has no tag to tell it by: a word no dictionary writes in lower case, and no
    // chat spelling, is one.
    if (ranking.question.caseless && term.id === NO_TERM && !chatWord(term.word.toLowerCase()) && looksLikeName(term.word)) return { name: term.word, inCorpus: false };
  }
  return nameOutsideArticle(ranking, top);
}

/** The first name of the question that the corpus uses but the article of sentence `r` never mentions, or null. */
function nameOutsideArticle(ranking: FirstStageRanking, r: RankedSentence): UnmentionedName | null {
  const { clauses } = ranking.retrieval;
  for (let i = 0; i < clauses.length; i++) {
    const clause = clauses[i]!;
    const term = ranking.question.terms[clause.term]!;
    if (term.proper && clause.known && !(r.candidate.articleMask & (1 << i))) return { name: term.word, inCorpus: true };
  }
  return null;
}

/**
 * The second stage of the reranker (see SpanStage). A sentence that holds a phrase of the kind asked for, placed
 * as the question's words suggest, is the likelier answer of two the first stage cannot tell apart: on SQuAD
 * it moves hit@1 from 74.8% to 75.3% (held-out half 77.6% to 77.8%), reading three sentences for about one
 * question in four. The top sentences keep their share of the probability (the first stage's estimate that one
 * of them is the answer) and split it by a softmax over their second-stage scores.
 */
export function spanStage(index: Index, ranking: Ranking, stage: SpanStage = weights.spanStage): Ranking {
  const { ranked, question } = ranking;
  if (!closeAtTop(ranking, stage.gap)) return ranking;
  const top = ranked.slice(0, stage.top);
  const frame = questionFrame(question);
  const spans = new Map<number, SpanProblem>();
  const second = top.map((r) => {
    const problem = sentenceSpans(index, question, frame, r.candidate.sentence);
    spans.set(r.candidate.sentence, problem);
    return stage.score * r.score + stage.span * bestSpanScore(problem);
  });
  const share = top.reduce((sum, r) => sum + r.probability, 0);
  const max = Math.max(...second);
  const z = second.reduce((sum, x) => sum + Math.exp(x - max), 0);
  const order = top.map((_, i) => i).sort((a, b) => second[b]! - second[a]! || a - b);
  const reordered = order.map((i) => ({ ...top[i]!, probability: (share * Math.exp(second[i]! - max)) / z }));
  // It never brings up a sentence the rules would decline ("What state is eastern Aleppo's infrastructure in?" cited
  // a sentence on Warsaw's, whose article never names Aleppo): the best of its order that they accept comes first.
  // The first stage's best passed them, so there is one.
  const after = [...reordered, ...ranked.slice(stage.top)];
  const first = after[0]!.candidate.sentence === ranked[0]!.candidate.sentence ? after[0]! : (reordered.find((r) => acceptedInstead(index, ranking, r)) ?? after[0]!);
  return { ...ranking, ranked: [first, ...after.filter((x) => x !== first)], spans };
}

/** Sort by score and attach softmax probabilities (the listwise model's own reading of its scores). */
export function withProbabilities(scored: readonly Omit<RankedSentence, 'probability'>[]): RankedSentence[] {
  const max = scored.reduce((m, r) => Math.max(m, r.score), -Infinity);
  let z = 0;
  for (const r of scored) z += Math.exp(r.score - max);
  // Written in place: the objects are this ranking's own, fresh from featuresOf.
  const ranked = scored as (Omit<RankedSentence, 'probability'> & { probability: number })[];
  for (const r of ranked) r.probability = Math.exp(r.score - max) / z;
  return ranked.sort((a, b) => b.score - a.score || a.candidate.sentence - b.candidate.sentence);
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

const QUESTION_FEATURES = [
  'bias',
  'topProbability', // the reranker's softmax probability for the best sentence
  'coverage', // idf share of the question the best sentence matches
  'unknownShare', // idf share of question words the corpus never uses, everyday English words aside
  'unknownProper', // a proper noun or number of the question is unknown to the corpus
  'articleCoverage', // idf share matched anywhere in the best sentence's article
  'properCoverage', // share of the question's proper nouns the best sentence matches
  'clauses', // log of the number of question terms
  'maxUnknown', // idf share of the single most specific unknown word (everyday words aside)
  'missing', // idf share of the most specific word the best sentence misses
  'answerType', // the best sentence holds a word of the kind the question asks for, not in the question
  'localCoverage', // the best sentence's coverage with idf over its own article
  'margin', // probability of the best sentence minus the second best
  'coverageSquared', // coverage is the strongest sign; its square lets a linear model bend
  'coverageLocal', // coverage x local coverage: the sentence matches the words that single it out
  'topCoverage', // top probability x coverage
  'relativeLocal', // localCoverage counting a WordNet relative as a match: a paraphrase is evidence too
] as const;
/** Positions of the question's features in an abstention feature vector. */
const A = Object.fromEntries(QUESTION_FEATURES.map((name, i) => [name, i])) as Record<(typeof QUESTION_FEATURES)[number], number>;
/** Reranking features the question's features above already hold, and the constant. */
const ALREADY_READ = ['bias', 'coverage', 'article', 'properCoverage', 'missingIdf', 'localCoverage', 'coverageSquared', 'relativeLocal'] as const;
type BestFeature = Exclude<FeatureName, (typeof ALREADY_READ)[number]>;
const BEST_FEATURES = FEATURES.filter((name): name is BestFeature => !(ALREADY_READ as readonly string[]).includes(name));
/** Where each of BEST_FEATURES sits in a reranking feature vector. */
const BEST_AT = Int32Array.from(BEST_FEATURES, (name) => F[name]);
/** The abstention model's features: the question's as a whole (above), then the best sentence's other reranking
 * features (features.ts), which weigh differently when the question is whether to answer at all. */
export const ANSWERABLE_FEATURES: readonly ((typeof QUESTION_FEATURES)[number] | `best.${BestFeature}`)[] = [...QUESTION_FEATURES, ...BEST_FEATURES.map((name) => `best.${name}` as const)];
export const ANSWERABLE_FEATURE_COUNT = ANSWERABLE_FEATURES.length;

/**
 * Features of the question as a whole, for deciding whether the corpus answers it at all, then the best
 * sentence's reranking features. They are shares and probabilities rather than raw scores, so they mean the same
 * on two articles and on twenty thousand. (The reranking features were added 2026-11-22: measured on a dump of
 * `npm run learn`'s rows, news questions asked of SQuAD were declined 92.6% of the tuning half instead of 88.9%,
 * with SQuAD's own answered as before.)
 */
export function answerableFeatures(ranking: FirstStageRanking): Float64Array {
  const f = new Float64Array(ANSWERABLE_FEATURE_COUNT);
  const top = ranking.ranked[0];
  const clauses = ranking.retrieval.clauses;
  const total = ranking.retrieval.totalIdf || 1;
  let unknown = 0;
  let maxUnknown = 0;
  let unknownProper = 0;
  for (const c of clauses) {
    if (c.known) continue;
    const term = ranking.question.terms[c.term];
    if (term && (term.proper || term.numeric)) unknownProper = 1;
    // An everyday word ("happened", "angry") missing from a small corpus says little about the question.
    if (term && !term.proper && !term.numeric && everydayWord(term.word)) continue;
    unknown += c.idf;
    maxUnknown = Math.max(maxUnknown, c.idf);
  }
  const coverage = top ? top.features[F.coverage]! : 0;
  const local = top ? top.features[F.localCoverage]! : 0;
  const probability = top ? top.probability : 0;
  f[A.bias] = 1;
  f[A.topProbability] = probability;
  f[A.coverage] = coverage;
  f[A.unknownShare] = unknown / total;
  f[A.unknownProper] = unknownProper;
  f[A.articleCoverage] = top ? top.features[F.article]! : 0;
  f[A.properCoverage] = top ? top.features[F.properCoverage]! : 0;
  f[A.clauses] = Math.log1p(clauses.length) / 2;
  f[A.maxUnknown] = maxUnknown / total;
  f[A.missing] = top ? top.features[F.missingIdf]! : 1;
  // The type features are 0 unless the question expects that type; at most one is set.
  f[A.answerType] = top ? Math.max(top.features[F.typeDate]!, top.features[F.typeNumber]!, top.features[F.typeAgent]!, top.features[F.typePlace]!, top.features[F.typeThing]!) : 0;
  f[A.localCoverage] = local;
  f[A.margin] = top ? probability - (ranking.ranked[1]?.probability ?? 0) : 0;
  f[A.coverageSquared] = coverage * coverage;
  f[A.coverageLocal] = coverage * local;
  f[A.topCoverage] = probability * coverage;
  f[A.relativeLocal] = top ? top.features[F.relativeLocal]! : 0;
  if (top) for (let i = 0; i < BEST_AT.length; i++) f[QUESTION_FEATURES.length + i] = top.features[BEST_AT[i]!]!;
  return f;
}

const answerableWeights = Float64Array.from({ length: ANSWERABLE_FEATURE_COUNT }, (_, i) => weights.answerable[i] ?? 0);
/**
 * Throws when weights.json was learned for another set of features (a feature added or removed since the
 * last `npm run learn`). The engine checks at open; the learner itself runs with whatever is on disk, since
 * it is what rewrites the file.
 */
export function checkWeights(): void {
  if (weights.rank.length !== FEATURE_COUNT) throw new Error(`answer: weights.json has ${weights.rank.length} rank weights, expected ${FEATURE_COUNT}: run npm run learn`);
  if (weights.answerable.length !== ANSWERABLE_FEATURE_COUNT) {
    throw new Error(`answer: weights.json has ${weights.answerable.length} answerable weights, expected ${ANSWERABLE_FEATURE_COUNT}: run npm run learn`);
  }
  if (typeof weights.spanStage?.span !== 'number') throw new Error('answer: weights.json has no spanStage: run npm run learn');
}

/** The abstention model's estimate that the first-stage ranking's best sentence answers the question (trained
 * on questions the corpus answers, cited rightly or wrongly, and on questions it never takes up). */
export function answerableProbability(ranking: FirstStageRanking): number {
  if (ranking.ranked.length === 0) return 0;
  const f = answerableFeatures(ranking);
  let s = 0;
  for (let i = 0; i < ANSWERABLE_FEATURE_COUNT; i++) s += answerableWeights[i]! * f[i]!;
  return sigmoid(s);
}

/** The focus nouns of a what- or which-question that ask for a place by its name, as "where" does: one country, city
 * or town ("What country are the talks being held in?"). Not "state" or "region", which may be a condition or an
 * area of study ("What state is eastern Aleppo's infrastructure in?"), nor a plural, which asks for a list the span
 * model gives as no one phrase ("Which countries joined...?"). */
const PLACE_NAMES = /^(?:country|city|town|village|capital)$/;
/**
 * Whether a question asks where, how many, or for one country or city by name (PLACE_NAMES), so that cited sentences
 * in which the short-answer model finds no phrase (for "where", none that reads as a place: placeLike) do not answer
 * it (reason 'untyped'): "Where will the foreign ministers meet?" is not answered by "...there will be a different
 * minister at each meeting". Other kinds are left to the model: a when- or who-question's sentence without a
 * confident date or name is still cited rightly as often as the rest.
 */
export function wantsTypedPhrase(question: Question): boolean {
  return question.type === 'how-many' || question.type === 'where' || (question.expects === 'place' && PLACE_NAMES.test(question.focus ?? ''));
}

/** Prepositions that place something: a where-question's answer follows one ("in Lausanne", "at the school"). */
const LOCATIVE = new Set(
  'in at on near from to into across inside outside within throughout between around towards toward by under over along off beyond among amongst behind through via beneath above below onto upon against amid amidst beside alongside opposite atop underneath'.split(' '),
);
/** Verbs and relative words that a preposition of place cannot reach past to the phrase. */
const CLAUSE_WORDS = new Set('be am is are was were been being have has had do does did will would can could shall should may might must who which that whom whose what when where why how not'.split(' '));
/** Adverbs that are places themselves ("underground", "overseas"). */
const PLACE_ADVERBS = new Set('underground overseas abroad home offshore outdoors indoors upstream downstream nearby inland ashore worldwide everywhere elsewhere'.split(' '));

/**
 * Whether a where-question's short answer (`start` to `end` of `text`, inside the sentence that begins at
 * `sentenceStart`) reads as a place:
 * - it begins with a preposition of place, or follows one within three words of the same clause with no verb
 *   between ("on Fresno's far southeast side"; not "appears to be no older than five");
 * - it holds a capitalised word, a name ("Lausanne", "New York hotels"; the sentence's first word only when it
 *   reads as one);
 * - or it is a place adverb ("underground").
 * Else it is a thing the span model found for want of a place: "older than five" for "Where was the infant found?",
 * "a structure", "the time". On SQuAD's where-questions, the answers that fail it had F1 18 (first citation right
 * 44%), against F1 66 (86%) for those after a preposition of place; 11% of SQuAD's gold answers would fail it.
 */
export function placeLike(text: string, sentenceStart: number, start: number, end: number): boolean {
  const words = text.slice(start, end).match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  if (words.length === 0) return false;
  if (LOCATIVE.has(words[0]!.toLowerCase())) return true;
  const clause = text.slice(sentenceStart, start).split(/[,;:.!?()"“”]/u).at(-1)!;
  const before = clause.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  for (const w of before.slice(-3).reverse()) {
    if (LOCATIVE.has(w.toLowerCase())) return true;
    if (CLAUSE_WORDS.has(w.toLowerCase())) break; // "appears to be no older than five": that "to" is no place
  }
  // The sentence's first word is capitalised whatever it is: there it is a name only when it reads as one
  // ("Houston-based Continental..." for "where's continental based", not "Starch is...").
  const sentenceFirst = /^[^\p{L}\p{N}]*$/u.test(text.slice(sentenceStart, start));
  if (words.some((w, i) => /^\p{Lu}/u.test(w) && (i > 0 || !sentenceFirst || looksLikeName(w.split('-')[0]!)))) return true;
  return words.some((w) => PLACE_ADVERBS.has(w.toLowerCase()));
}

/** Whether a short answer is of the type its question asks for: a place for a where-question (placeLike). Other
 * types are the span model's to judge. */
function typedAsAsked(index: Index, question: Question, short: ShortAnswer): boolean {
  if (question.type !== 'where') return true;
  const text = index.articles[index.sentenceArticle[short.sentenceId]!]!.text;
  return placeLike(text, index.sentenceStart[short.sentenceId]!, short.start, short.end);
}

export function answer(index: Index, questionText: string, options: AnswerOptions = {}): Answer {
  return answerFromRanking(index, rank(index, questionText, options), options);
}

/** rank(), with the decision to answer checked by the sentence encoder where it could change it
 * (src/answer/verify.ts). `similarity` gives the cosine of a question and a sentence, or null when the
 * encoder is unavailable: then the lexical threshold decides, as in rank(). */
export async function rankChecked(index: Index, questionText: string, similarity: Similarity, options: AnswerOptions = {}): Promise<Ranking> {
  const first = await checked(index, firstStage(index, questionText, options), similarity);
  return declineReason(first) === null ? spanStage(index, first) : first;
}

/** answer(), checked by the sentence encoder: what the bot and the CLI reply. */
export async function answerChecked(index: Index, questionText: string, similarity: Similarity, options: AnswerOptions = {}): Promise<Answer> {
  return answerFromRanking(index, await rankChecked(index, questionText, similarity, options), options);
}

/** The answer for a ranking already computed (the evaluation inspects both). */
export function answerFromRanking(index: Index, ranking: Ranking, options: AnswerOptions = {}): Answer {
  const { question, ranked } = ranking;
  const max = Math.max(1, options.maxCitations ?? 3);
  const { answerable } = ranking;
  // The abstention model's estimate that the first citation is right, times the reranker's probability for it.
  const confidence = answerable * (ranked[0]?.probability ?? 0);
  const base = { question: question.text, questionType: question.type } as const;
  if (question.terms.length === 0) {
    return { kind: 'not-found', ...base, reason: 'empty-question', confidence: 0, nearest: [] };
  }
  if (ranked.length === 0) return { kind: 'not-found', ...base, reason: 'no-match', confidence: 0, nearest: [] };
  /** The closest sentences, offered when it declines: the best `max` of the ranking. */
  const nearest = () => ranked.slice(0, max).map((r) => citationOf(index, r.candidate.sentence, r.probability));
  const declined = declineReason(ranking);
  if (declined !== null) {
    return {
      kind: 'not-found',
      ...base,
      reason: declined,
      ...(ranking.unmentioned === null ? {} : { name: ranking.unmentioned.name }),
      ...(declined === 'unexpanded' && question.expansion !== null ? { name: question.expansion } : {}),
      confidence,
      nearest: nearest(),
    };
  }
  // Supporting citations: the best, then others the reranker rates nearly as likely.
  const top = ranked[0]!;
  const citations = [citationOf(index, top.candidate.sentence, top.probability)];
  for (const r of ranked.slice(1)) {
    if (citations.length >= max) break;
    if (r.probability < top.probability * weights.supportRatio) continue;
    // A supporting sentence may give the short answer and be shown first, so the rules must accept it as the best
    // (a name its article never mentions, the past for a question about now; for an acronym, it spells it out).
    if (!acceptedInstead(index, ranking, r)) continue;
    citations.push(citationOf(index, r.candidate.sentence, r.probability));
  }
  const short = shortAnswerOf(index, question, citations.map((c) => ({ sentence: c.sentenceId, probability: c.score })), undefined, ranking.spans);
  if ((short === null || !typedAsAsked(index, question, short)) && wantsTypedPhrase(question)) {
    return { kind: 'not-found', ...base, reason: 'untyped', confidence, nearest: nearest() };
  }
  // The sentence the short answer is a phrase of comes first: a reader sees the answer, then where it is said.
  const at = short === null ? 0 : citations.findIndex((c) => c.sentenceId === short.sentenceId);
  if (at > 0) citations.unshift(...citations.splice(at, 1));
  return { kind: 'answer', ...base, answer: short, confidence, citations };
}
