// Second-stage features of a candidate sentence. Each is a number roughly in [0, 1]; a linear model over them
// (weights learned on half of SQuAD by src/eval/learn.ts) reranks the BM25 candidates.
import type { Index } from '../index/types.ts';
import { FLAG } from '../index/types.ts';
import { DATE_WORD_TERMS, YEAR } from '../index/dates.ts';
import { P } from '../nlp/wink.ts';
import { outsideKeysOf, outsideRange, RELATION } from '../index/relatives.ts';
import type { Question } from './question.ts';
import { bm25Idf, type Candidate, type Retrieval } from './retrieve.ts';

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
  'typeDate', // a when-question and the sentence has a date the question does not
  'length', // log of sentence length in indexed terms
  'properCoverage', // share of the question's proper nouns matched
  'missingIdf', // idf share of the best clause the sentence misses
  'numberCoverage', // share of the question's numbers matched
  'typeNumber', // a how-many/much question and a number the question does not have
  'paragraph', // idf share matched anywhere in the sentence's paragraph
  'focus', // the question's focus noun ("what year") appears
  'bm25Rank', // 1 / (1 + BM25 rank among the candidates)
  'coverageGap', // coverage minus the best coverage among the candidates
  'verbCoverage', // share of the question's verbs matched
  'coverageSquared',
  'typeAgent', // a who-question and a name the question does not have
  'typePlace', // a where-question and a name the question does not have
  'typeThing', // a what/which-question and a noun the question does not have
  'localCoverage', // coverage with idf computed over the sentences of the candidate's own article
  'paragraphScore', // BM25 of the sentence's paragraph as a document of its own, normalised
  'paragraphBest', // that score relative to the best candidate paragraph's
  'paragraphRank', // 1 / (1 + rank of the paragraph among the candidates' paragraphs)
  'neighbourOnly', // the candidate came in as a neighbour of a strong match
  'paragraphShare', // BM25 relative to the best candidate of the same paragraph
  'paragraphFirst', // the first sentence of its paragraph
  'phrase', // longest run of question words (stop words included) found in the same order in the sentence
  'exactCoverage', // idf share of the question's words the sentence has in the very form the question uses
  'synonymCoverage', // idf share of the unmatched question words whose WordNet synonym the sentence has
  'derivedCoverage', // the same for derivationally related forms ("die" / "death", "invent" / "inventor")
  'broaderCoverage', // the same for words one step broader or narrower ("car" / "vehicle")
  'associatedCoverage', // the same for other WordNet links ("French" / "France", "wheel" / "car")
  'relativeLocal', // localCoverage counting a WordNet relative (synonym, derived, associated) as a match
  'relativeTitle', // idf share of the question words the title lacks but has a WordNet relative of
] as const;
export type FeatureName = (typeof FEATURES)[number];
/** Feature positions by name: F.coverage is where the coverage feature sits in a feature vector. */
export const F = Object.fromEntries(FEATURES.map((name, i) => [name, i])) as Record<FeatureName, number>;
export const FEATURE_COUNT = FEATURES.length;

export interface QueryContext {
  readonly clauseIdf: Float64Array;
  readonly totalIdf: number;
  /** Each clause's word as the question writes it, in lower case (matched by stem, compared as written). */
  readonly clauseWords: readonly string[];
  /** term id -> clause index + 1 (0: not a question term), for every term of every alternative. A
   * per-index array shared by all questions: release() clears what this question set. */
  readonly clauseOfTerm: Uint8Array;
  release(): void;
  /** The single-term alternatives of each clause (for per-article document frequencies). */
  readonly clauseTerms: readonly (readonly number[])[];
  readonly properMask: number;
  readonly numberMask: number;
  readonly verbMask: number;
  readonly focusTerm: number;
  /** Best idf coverage among the candidates. */
  readonly bestCoverage: number;
  /** BM25 of each candidate paragraph (paragraphs as documents), the best of them, and their order. */
  readonly paragraphScore: Map<number, number>;
  readonly bestParagraphScore: number;
  readonly paragraphRank: Map<number, number>;
  readonly paragraphIdf: number;
  /** Best sentence BM25 among the candidates of each paragraph. */
  readonly bestInParagraph: Map<number, number>;
  /** Term id t -> the clauses it is a WordNet relative of, one clause mask per relation (RELATIONS order) at
   * relatives[4t .. 4t+4). A per-index array shared by all questions, like clauseOfTerm. */
  readonly relatives: Uint32Array;
  /** Whether any term is a relative of a clause. */
  readonly hasRelatives: boolean;
}

/** The WordNet relations the reranker weighs, in the order of their features and of QueryContext.relatives. */
const RELATIONS = [RELATION.synonym, RELATION.derived, RELATION.broader, RELATION.associated] as const;
/** A name's synonyms and narrower words are other senses of the word ("Apple"); its derived and associated
 * words ("France" / "French") are still the same thing. */
const PROPER_RELATIONS = RELATION.derived | RELATION.associated;

const relativeScratches = new WeakMap<Index, { masks: Uint32Array; busy: boolean }>();
/** The per-index term -> relation masks array; cleared whole if the last question threw before releasing it. */
function relativeScratch(index: Index): { masks: Uint32Array; busy: boolean } {
  let a = relativeScratches.get(index);
  if (!a) relativeScratches.set(index, (a = { masks: new Uint32Array(index.vocabulary.size * RELATIONS.length), busy: false }));
  if (a.busy) a.masks.fill(0);
  a.busy = true;
  return a;
}

/** Writes the relatives of the clauses' terms (numbers have none worth having), minus the clauses' own terms,
 * into `masks`, read from the table the index build made (src/index/relatives.ts); returns the terms set. */
function clauseRelatives(index: Index, question: Question, retrieval: Retrieval, clauseTerms: readonly (readonly number[])[], clauseOfTerm: Uint8Array, masks: Uint32Array): number[] {
  const set: number[] = [];
  const { relativeOffset, relativeTerm, relativeKind } = index;
  retrieval.clauses.forEach((c, i) => {
    const term = question.terms[c.term];
    if (!term || term.numeric) return;
    const allowed = term.proper ? PROPER_RELATIONS : 0xff;
    const add = (terms: Uint32Array, kinds: Uint8Array, from: number, to: number) => {
      for (let p = from; p < to; p++) {
        const kind = kinds[p]! & allowed;
        const id = terms[p]!;
        if (kind === 0 || clauseOfTerm[id] === i + 1) continue;
        const at = id * RELATIONS.length;
        if (masks[at]! === 0 && masks[at + 1]! === 0 && masks[at + 2]! === 0 && masks[at + 3]! === 0) set.push(id);
        for (let r = 0; r < RELATIONS.length; r++) if (kind & RELATIONS[r]!) masks[at + r]! |= 1 << i;
      }
    };
    for (const t of clauseTerms[i]!) add(relativeTerm, relativeKind, relativeOffset[t]!, relativeOffset[t + 1]!);
    // A word the corpus never uses has no term id; its relatives are found by its text.
    if (!c.known) {
      for (const key of outsideKeysOf(term.word.toLowerCase())) {
        const range = outsideRange(index, key);
        if (range) add(index.outsideTerm, index.outsideKind, range[0], range[1]);
      }
    }
  });
  return set;
}

export function queryContext(index: Index, question: Question, retrieval: Retrieval): QueryContext {
  const clauseIdf = new Float64Array(retrieval.clauses.length);
  const scratchTerms = termScratch(index);
  const clauseOfTerm = scratchTerms.terms;
  const set: number[] = [];
  let properMask = 0;
  let numberMask = 0;
  let verbMask = 0;
  let focusTerm = -1;
  const clauseTerms = retrieval.clauses.map((c) => c.alternatives.filter((a) => a.length === 1).map((a) => a[0]!));
  const clauseWords = retrieval.clauses.map((c) => (question.terms[c.term]?.word ?? '').toLowerCase());
  retrieval.clauses.forEach((c, i) => {
    clauseIdf[i] = c.idf;
    for (const alt of c.alternatives) {
      for (const t of alt) {
        if (clauseOfTerm[t] !== 0) continue;
        clauseOfTerm[t] = i + 1;
        set.push(t);
      }
    }
    const term = question.terms[c.term];
    if (term?.proper) properMask |= 1 << i;
    if (term?.numeric) numberMask |= 1 << i;
    if (term?.verb) verbMask |= 1 << i;
    if (term?.focus && term.id !== 0) focusTerm = term.id;
  });
  const scratchRelatives = relativeScratch(index);
  const relatives = scratchRelatives.masks;
  const relativeSet = clauseRelatives(index, question, retrieval, clauseTerms, clauseOfTerm, relatives);
  const release = () => {
    for (const t of set) clauseOfTerm[t] = 0;
    scratchTerms.busy = false;
    for (const t of relativeSet) relatives.fill(0, t * RELATIONS.length, (t + 1) * RELATIONS.length);
    scratchRelatives.busy = false;
  };
  const total = retrieval.totalIdf || 1;
  let bestCoverage = 0;
  for (const c of retrieval.candidates) {
    let sum = 0;
    for (let i = 0; i < clauseIdf.length; i++) if (c.mask & (1 << i)) sum += clauseIdf[i]!;
    bestCoverage = Math.max(bestCoverage, sum / total);
  }
  const paragraphScore = new Map<number, number>();
  const bestInParagraph = new Map<number, number>();
  for (const c of retrieval.candidates) {
    const p = index.paragraphOf[c.sentence]!;
    bestInParagraph.set(p, Math.max(bestInParagraph.get(p) ?? 0, c.bm25));
  }
  const nParagraphs = index.paragraphLength.length;
  const idfs = clauseTerms.map((ts) => ts.map((t) => bm25Idf(nParagraphs, index.paragraphDf[t]!)));
  let paragraphIdf = 0;
  for (const v of idfs) paragraphIdf += Math.max(0, ...v);
  const avg = averageParagraphLength(index);
  for (const c of retrieval.candidates) {
    const p = index.paragraphOf[c.sentence]!;
    if (paragraphScore.has(p)) continue;
    const lo = index.paragraphSentence[p]!;
    const hi = index.paragraphSentence[p + 1]!;
    const norm = PARAGRAPH_BM25.k1 * (1 - PARAGRAPH_BM25.b + (PARAGRAPH_BM25.b * index.paragraphLength[p]!) / avg);
    let score = 0;
    clauseTerms.forEach((ts, ci) => {
      let best = 0;
      ts.forEach((t, k) => {
        const tf = termFrequencyIn(index, t, lo, hi);
        if (tf > 0) best = Math.max(best, (idfs[ci]![k]! * tf * (PARAGRAPH_BM25.k1 + 1)) / (tf + norm));
      });
      score += best;
    });
    paragraphScore.set(p, score);
  }
  const order = [...paragraphScore].sort((a, b) => b[1] - a[1]);
  const paragraphRank = new Map(order.map(([p], i) => [p, i]));
  const bestParagraphScore = order[0]?.[1] ?? 0;
  return { clauseIdf, totalIdf: total, clauseWords, clauseOfTerm, release, clauseTerms, properMask, numberMask, verbMask, focusTerm, bestCoverage, paragraphScore, bestParagraphScore, paragraphRank, paragraphIdf: paragraphIdf || 1, bestInParagraph, relatives, hasRelatives: relativeSet.length > 0 };
}

const termScratches = new WeakMap<Index, { terms: Uint8Array; busy: boolean }>();
/** The per-index term -> clause array; cleared whole if the last question threw before releasing it. */
function termScratch(index: Index): { terms: Uint8Array; busy: boolean } {
  let a = termScratches.get(index);
  if (!a) termScratches.set(index, (a = { terms: new Uint8Array(index.vocabulary.size), busy: false }));
  if (a.busy) a.terms.fill(0);
  a.busy = true;
  return a;
}

const TERM_STOP = 1;
const TERM_YEAR = 2;
const TERM_DATE_WORD = 4;
const termClasses = new WeakMap<Index, Uint8Array>();
/** Per-term flags (stop word, a year, a month or weekday), computed once per index instead of per token. */
function termClass(index: Index): Uint8Array {
  let a = termClasses.get(index);
  if (!a) {
    const { terms, stop } = index.vocabulary;
    a = new Uint8Array(terms.length);
    for (let t = 0; t < terms.length; t++) {
      const text = terms[t]!;
      a[t] = (stop[t] === 1 ? TERM_STOP : 0) | (YEAR.test(text) ? TERM_YEAR : 0) | (DATE_WORD_TERMS.has(text) ? TERM_DATE_WORD : 0);
    }
    termClasses.set(index, a);
  }
  return a;
}

/** Paragraph BM25: paragraphs are longer than sentences, so length counts more than for sentences. */
const PARAGRAPH_BM25 = { k1: 0.5, b: 0.5 } as const;

const averageParagraphLengths = new WeakMap<Index, number>();
function averageParagraphLength(index: Index): number {
  let avg = averageParagraphLengths.get(index);
  if (avg === undefined) {
    let total = 0;
    for (let p = 0; p < index.paragraphLength.length; p++) total += index.paragraphLength[p]!;
    avg = total / Math.max(1, index.paragraphLength.length) || 1;
    averageParagraphLengths.set(index, avg);
  }
  return avg;
}

/** First posting of `term` at or after sentence `sentence` (postings are sorted by sentence). */
function lowerBound(index: Index, term: number, sentence: number): number {
  let a = index.postingOffset[term]!;
  let b = index.postingOffset[term + 1]!;
  const p = index.postingSentence;
  while (a < b) {
    const m = (a + b) >> 1;
    if (p[m]! < sentence) a = m + 1;
    else b = m;
  }
  return a;
}

/** Occurrences of `term` in sentences [lo, hi). */
function termFrequencyIn(index: Index, term: number, lo: number, hi: number): number {
  let tf = 0;
  const end = index.postingOffset[term + 1]!;
  for (let p = lowerBound(index, term, lo); p < end && index.postingSentence[p]! < hi; p++) tf += index.postingTf[p]!;
  return tf;
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

/** A per-question memo of one number per article (title masks: the candidates share few articles). */
function perArticle(cache: WeakMap<QueryContext, Map<number, number>>, ctx: QueryContext, article: number, compute: () => number): number {
  let byArticle = cache.get(ctx);
  if (!byArticle) cache.set(ctx, (byArticle = new Map()));
  let m = byArticle.get(article);
  if (m === undefined) byArticle.set(article, (m = compute()));
  return m;
}

const titleMaskCache = new WeakMap<QueryContext, Map<number, number>>();
/** Clauses matched by an article's title terms. */
function titleMask(index: Index, ctx: QueryContext, article: number): number {
  return perArticle(titleMaskCache, ctx, article, () => {
    let m = 0;
    for (let p = index.titleOffset[article]!, end = index.titleOffset[article + 1]!; p < end; p++) {
      const c = ctx.clauseOfTerm[index.titleTerm[p]!]!;
      if (c !== 0) m |= 1 << (c - 1);
    }
    return m;
  });
}

const titleRelativeCache = new WeakMap<QueryContext, Map<number, number>>();
/** Clauses with a WordNet relative (any relation but broader) among an article's title terms. */
function titleRelativeMask(index: Index, ctx: QueryContext, article: number): number {
  if (!ctx.hasRelatives) return 0;
  return perArticle(titleRelativeCache, ctx, article, () => {
    let m = 0;
    for (let p = index.titleOffset[article]!, end = index.titleOffset[article + 1]!; p < end; p++) {
      const at = index.titleTerm[p]! * RELATIONS.length;
      m |= ctx.relatives[at]! | ctx.relatives[at + 1]! | ctx.relatives[at + 3]!;
    }
    return m;
  });
}

/** Sentences of `article` that contain `term`: a binary search in the term's sorted postings. */
function articleDf(index: Index, term: number, article: number): number {
  return lowerBound(index, term, index.articleSentence[article + 1]!) - lowerBound(index, term, index.articleSentence[article]!);
}

const localIdfCache = new WeakMap<QueryContext, Map<number, Float64Array>>();
/**
 * idf of each clause among the sentences of one article. Within the article the question is about, the
 * words that name its topic are everywhere and the words that pick out the sentence are rare.
 */
function localIdf(index: Index, ctx: QueryContext, article: number): Float64Array {
  let cache = localIdfCache.get(ctx);
  if (!cache) localIdfCache.set(ctx, (cache = new Map()));
  let v = cache.get(article);
  if (!v) {
    const n = index.articleSentence[article + 1]! - index.articleSentence[article]!;
    v = new Float64Array(ctx.clauseTerms.length);
    for (let c = 0; c < ctx.clauseTerms.length; c++) {
      let df = 0;
      for (const t of ctx.clauseTerms[c]!) df = Math.max(df, articleDf(index, t, article));
      v[c] = bm25Idf(n, df);
    }
    cache.set(article, v);
  }
  return v;
}

/** Longest run of consecutive question words that occurs, in order and contiguous (punctuation aside), in
 * the sentence's tokens [first, end). */
function longestRun(index: Index, sequence: readonly number[], first: number, end: number): number {
  let best = 0;
  for (let t = first; t < end; t++) {
    const term = index.tokenTerm[t]!;
    if (term === 0) continue;
    for (let q = 0; q < sequence.length; q++) {
      if (sequence[q] !== term) continue;
      let len = 1;
      let u = t + 1;
      let r = q + 1;
      while (u < end && r < sequence.length) {
        const next = index.tokenTerm[u]!;
        if (next === 0) {
          u++;
          continue;
        }
        if (next !== sequence[r]) break;
        len++;
        u++;
        r++;
      }
      if (len > best) best = len;
    }
  }
  return best;
}

/** Where each clause first matches in the sentence being featurised (reused: one question at a time). */
const FIRST_POS = new Int32Array(32);

/** Fill `out` with the features of one candidate; `rankNo` is its place in BM25 order. */
export function featuresOf(index: Index, question: Question, ctx: QueryContext, c: Candidate, rankNo: number, out: Float64Array): void {
  const s = c.sentence;
  const total = ctx.totalIdf;
  const nClauses = ctx.clauseIdf.length || 1;
  const first = index.tokenOffset[s]!;
  const end = index.tokenOffset[s + 1]!;
  const classes = termClass(index);

  // Positions of matched clauses in the sentence, for proximity and order; tokens of the kind the
  // question asks for that the question does not already contain.
  let minPos = Infinity;
  let maxPos = -Infinity;
  const nc = ctx.clauseIdf.length;
  const firstPos = FIRST_POS;
  firstPos.fill(-1, 0, nc);
  let novelNumber = 0;
  let novelDate = 0;
  let novelProper = 0;
  let novelNoun = 0;
  let focus = 0;
  // Clauses with a WordNet relative in the sentence, by relation.
  let synonymMask = 0;
  let derivedMask = 0;
  let broaderMask = 0;
  let associatedMask = 0;
  const relatives = ctx.hasRelatives ? ctx.relatives : null;
  for (let t = first; t < end; t++) {
    const term = index.tokenTerm[t]!;
    if (term === ctx.focusTerm) focus = 1;
    const c2 = ctx.clauseOfTerm[term]! - 1;
    if (c2 >= 0) {
      const pos = t - first;
      if (firstPos[c2] === -1) firstPos[c2] = pos;
      if (pos < minPos) minPos = pos;
      if (pos > maxPos) maxPos = pos;
      continue;
    }
    if (relatives !== null) {
      const at = term * RELATIONS.length;
      synonymMask |= relatives[at]!;
      derivedMask |= relatives[at + 1]!;
      broaderMask |= relatives[at + 2]!;
      associatedMask |= relatives[at + 3]!;
    }
    const tag = index.tokenPos[t]!;
    const cls = classes[term]!;
    if (tag === P.NUM) {
      novelNumber = 1;
      if (cls & TERM_YEAR) novelDate = 1;
    } else if (tag === P.PROPN) {
      novelProper = 1;
      if (cls & TERM_DATE_WORD) novelDate = 1;
    } else if (tag === P.NOUN) {
      if (term !== 0 && !(cls & TERM_STOP)) novelNoun = 1;
      if (cls & TERM_DATE_WORD) novelDate = 1;
    }
  }
  const matched = popcount(c.mask);
  const span = maxPos >= minPos ? maxPos - minPos + 1 : 0;
  let ordered = 0;
  for (let i = 0; i + 1 < nc; i++) {
    if (firstPos[i]! < 0 || firstPos[i + 1]! < 0) continue;
    const d = firstPos[i + 1]! - firstPos[i]!;
    if (d > 0 && d <= 3) ordered++;
  }
  const flags = index.sentenceFlags[s]!;
  let missing = 0;
  for (let i = 0; i < ctx.clauseIdf.length; i++) if (!(c.mask & (1 << i)) && ctx.clauseIdf[i]! > missing) missing = ctx.clauseIdf[i]!;
  const article = index.sentenceArticle[s]!;
  const coverage = maskIdf(ctx, c.mask) / total;
  const expects = question.expects;

  out[0] = 1;
  out[1] = c.bm25 / total;
  out[2] = coverage;
  out[3] = matched / nClauses;
  out[4] = Math.max(c.prev, c.next) / total;
  out[5] = maskIdf(ctx, c.articleMask) / total;
  const inTitle = titleMask(index, ctx, article);
  out[6] = maskIdf(ctx, inTitle) / total;
  out[F.relativeTitle] = maskIdf(ctx, titleRelativeMask(index, ctx, article) & ~inTitle) / total;
  out[7] = span > 0 ? Math.min(1, matched / span) : 0;
  out[8] = nc > 1 ? ordered / (nc - 1) : 0;
  out[9] = expects === 'date' ? (novelDate || flags & FLAG.dateWord ? 1 : 0) : 0;
  out[10] = Math.log1p(index.sentenceLength[s]!) / 4;
  out[11] = ctx.properMask ? popcount(c.mask & ctx.properMask) / popcount(ctx.properMask) : 1;
  out[12] = missing / total;
  out[13] = ctx.numberMask ? popcount(c.mask & ctx.numberMask) / popcount(ctx.numberMask) : 1;
  out[14] = expects === 'number' ? (novelNumber || flags & FLAG.money ? 1 : 0) : 0;
  out[15] = maskIdf(ctx, c.paragraphMask) / total;
  out[16] = focus;
  out[17] = 1 / (1 + rankNo);
  out[18] = coverage - ctx.bestCoverage;
  out[19] = ctx.verbMask ? popcount(c.mask & ctx.verbMask) / popcount(ctx.verbMask) : 1;
  out[20] = coverage * coverage;
  out[21] = expects === 'agent' ? novelProper : 0;
  out[22] = expects === 'place' ? novelProper : 0;
  out[23] = expects === 'thing' ? novelNoun : 0;
  const local = localIdf(index, ctx, article);
  let localMatched = 0;
  let localTotal = 0;
  for (let i = 0; i < local.length; i++) {
    localTotal += local[i]!;
    if (c.mask & (1 << i)) localMatched += local[i]!;
  }
  out[24] = localTotal > 0 ? localMatched / localTotal : 0;
  const viaRelative = (synonymMask | derivedMask | associatedMask) & ~c.mask;
  let localRelative = 0;
  for (let i = 0; i < local.length; i++) if (viaRelative & (1 << i)) localRelative += local[i]!;
  out[F.relativeLocal] = localTotal > 0 ? (localMatched + localRelative) / localTotal : 0;
  const paragraph = index.paragraphOf[s]!;
  const pScore = ctx.paragraphScore.get(paragraph) ?? 0;
  out[F.paragraphScore] = pScore / ctx.paragraphIdf;
  out[F.paragraphBest] = ctx.bestParagraphScore > 0 ? pScore / ctx.bestParagraphScore : 0;
  out[F.paragraphRank] = 1 / (1 + (ctx.paragraphRank.get(paragraph) ?? 40));
  out[F.neighbourOnly] = c.neighbour ? 1 : 0;
  const bestHere = ctx.bestInParagraph.get(paragraph) ?? 0;
  out[F.paragraphShare] = bestHere > 0 ? c.bm25 / bestHere : 0;
  out[F.paragraphFirst] = index.paragraphSentence[paragraph] === s ? 1 : 0;
  out[F.phrase] = longestRun(index, question.sequence, first, end) / Math.max(1, question.sequence.length);
  out[F.exactCoverage] = c.mask === 0 ? 0 : exactIdf(index, ctx, c) / total;
  // Only for the words the sentence does not have itself: a relative is evidence where the stem is not.
  out[F.synonymCoverage] = maskIdf(ctx, synonymMask & ~c.mask) / total;
  out[F.derivedCoverage] = maskIdf(ctx, derivedMask & ~c.mask) / total;
  out[F.broaderCoverage] = maskIdf(ctx, broaderMask & ~c.mask) / total;
  out[F.associatedCoverage] = maskIdf(ctx, associatedMask & ~c.mask) / total;
}

/** Letters and digits (any script above ASCII counts as a letter): what may not touch a whole word. */
function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 127;
}

/** Does `text` (lower case) contain `word` as a whole word? */
function hasWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = at === 0 ? 32 : text.charCodeAt(at - 1);
    const after = at + word.length >= text.length ? 32 : text.charCodeAt(at + word.length);
    if (!isWordChar(before) && !isWordChar(after)) return true;
  }
  return false;
}

/**
 * idf of the matched clauses whose word the sentence has exactly as the question writes it ("renamed", not
 * only "rename"): stems make inflections equal for retrieval, but a question is often written from its
 * sentence's own words, so the same form is the stronger evidence.
 */
function exactIdf(index: Index, ctx: QueryContext, c: Candidate): number {
  const s = c.sentence;
  const text = index.articles[index.sentenceArticle[s]!]!.text.slice(index.sentenceStart[s]!, index.sentenceEnd[s]!).toLowerCase();
  let sum = 0;
  for (let i = 0; i < ctx.clauseIdf.length; i++) {
    const word = ctx.clauseWords[i]!;
    if (c.mask & (1 << i) && word.length > 0 && hasWord(text, word)) sum += ctx.clauseIdf[i]!;
  }
  return sum;
}
