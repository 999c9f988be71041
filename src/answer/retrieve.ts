// First-stage retrieval: BM25 over sentences (Robertson & Zaragoza, "The Probabilistic Relevance Framework:
// BM25 and Beyond", 2009, eq. 3.15 with Lucene's non-negative idf), with acronyms and their expansions as
// one clause: a sentence matches "ICC" if it says "ICC" or "International Criminal Court".
import type { Index } from '../index/types.ts';
import { NO_TERM } from '../index/terms.ts';
import type { Question } from './question.ts';

// Sentences are short: a repeated word says little more than one occurrence (low k1), and length matters
// less than in documents (low b). Chosen on the tuning half of SQuAD (npm run eval reports both halves).
export const BM25 = { k1: 0.5, b: 0.45 } as const;

/** One question term (or acronym group) with the ways a sentence can match it. */
export interface Clause {
  /** Alternatives: each is a list of term ids that must all occur (one id for a plain term). */
  readonly alternatives: readonly (readonly number[])[];
  /** idf of the clause: the largest idf of its alternatives (for an unknown word, the idf of df = 0). */
  readonly idf: number;
  /** Index into question.terms of the clause's first term. */
  readonly term: number;
  readonly known: boolean;
  /** Multiplier on the clause's term weights (below 1 for words that frame a question). */
  readonly weight: number;
}

export interface Candidate {
  readonly sentence: number;
  readonly bm25: number;
  /** Bit i set when clause i matched the sentence. */
  readonly mask: number;
  /** BM25 of the previous and next sentence of the same article (0 at article edges). */
  readonly prev: number;
  readonly next: number;
  /** Clauses matched anywhere in the candidate's article, and in its paragraph. */
  readonly articleMask: number;
  readonly paragraphMask: number;
  /** True when the candidate was added as the neighbour of a strong match rather than by its own score. */
  readonly neighbour: boolean;
}

export interface Retrieval {
  readonly clauses: readonly Clause[];
  readonly candidates: readonly Candidate[];
  /** Sum of clause idf: the best score a sentence could reach with tf = 1 at average length. */
  readonly totalIdf: number;
}

export interface RetrieveOptions {
  readonly limit: number;
  /** Sentences a question may touch before commoner words stop adding new ones (default ACCUMULATORS). */
  readonly accumulators?: number;
  /** The paragraphs and next-door sentences of this many best sentences join the candidates. */
  readonly neighboursOf?: number;
  /** Restrict to the sentences of one article (index into index.articles). */
  readonly article?: number;
}

const MAX_CLAUSES = 31;
/** Sentences a question may touch before commoner words stop adding new ones. */
export const ACCUMULATORS = 20_000;
const FRAME = new Set(['name', 'named', 'called', 'call', 'type', 'types', 'kind', 'kinds', 'term', 'known', 'example', 'refer', 'referred', 'describe', 'described']);
const FRAME_WEIGHT = 0.3;

/** Lucene's BM25 idf, never negative: ln(1 + (N - df + 0.5) / (df + 0.5)), for N units of which df hold the term. */
export function bm25Idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

export function idf(index: Index, term: number): number {
  const n = index.sentenceStart.length;
  const df = term === NO_TERM ? 0 : (index.postingOffset[term + 1] as number) - (index.postingOffset[term] as number);
  return bm25Idf(n, df);
}

/**
 * Per-index work arrays, reused by every question (JavaScript runs one question at a time), so a question
 * allocates almost nothing however many sentences its words touch.
 */
interface Scratch {
  score: Float64Array;
  mask: Uint32Array;
  touched: Uint32Array;
  // Multi-term alternatives (acronym expansions): per-sentence partial sums and hit counts.
  altSum: Float64Array;
  altHits: Uint8Array;
  altTouched: Uint32Array;
  best: Float64Array;
  bestTouched: Uint32Array;
  // Candidate articles and paragraphs, and the question clauses matched anywhere in them.
  articleMark: Uint8Array;
  articleMask: Uint32Array;
  paragraphMark: Uint8Array;
  paragraphMask: Uint32Array;
  /** Set while a question is using the arrays: still set at the start of the next one means the last one
   * threw half-way, and every array is cleared before use. */
  busy: boolean;
}
const scratchOf = new WeakMap<Index, Scratch>();
function scratch(index: Index): Scratch {
  let s = scratchOf.get(index);
  if (!s) {
    const n = index.sentenceStart.length;
    const articles = index.articles.length;
    const paragraphs = index.paragraphLength.length;
    s = {
      score: new Float64Array(n),
      mask: new Uint32Array(n),
      touched: new Uint32Array(n),
      altSum: new Float64Array(n),
      altHits: new Uint8Array(n),
      altTouched: new Uint32Array(n),
      best: new Float64Array(n),
      bestTouched: new Uint32Array(n),
      articleMark: new Uint8Array(articles),
      articleMask: new Uint32Array(articles),
      paragraphMark: new Uint8Array(paragraphs),
      paragraphMask: new Uint32Array(paragraphs),
      busy: false,
    };
    scratchOf.set(index, s);
  }
  if (s.busy) {
    for (const a of [s.score, s.mask, s.altSum, s.altHits, s.best, s.articleMark, s.articleMask, s.paragraphMark, s.paragraphMask]) a.fill(0);
  }
  s.busy = true;
  return s;
}

const expansionKeyOf = new WeakMap<Index, Map<string, number>>();
/** Expansion term ids (joined) -> acronym term id, for finding acronyms behind a spelled-out question. */
function expansions(index: Index): Map<string, number> {
  let m = expansionKeyOf.get(index);
  if (!m) {
    m = new Map();
    for (const [acronym, terms] of index.acronyms) m.set(terms.join(' '), acronym);
    expansionKeyOf.set(index, m);
  }
  return m;
}

/** The question's terms as clauses. */
export function clausesOf(index: Index, question: Question): Clause[] {
  const terms = question.terms;
  const clauses: Clause[] = [];
  const byExpansion = expansions(index);
  for (let i = 0; i < terms.length && clauses.length < MAX_CLAUSES; i++) {
    // A spelled-out expansion in the question ("International Criminal Court") also matches its acronym.
    let matchedRun = 0;
    for (let len = Math.min(6, terms.length - i); len >= 2; len--) {
      const ids = terms.slice(i, i + len).map((t) => t.id);
      const acronym = byExpansion.get(ids.join(' '));
      if (acronym !== undefined) {
        clauses.push({ alternatives: [ids, [acronym]], idf: Math.max(idf(index, acronym), ...ids.map((t) => idf(index, t))), term: i, known: true, weight: 1 });
        matchedRun = len;
        break;
      }
    }
    if (matchedRun > 0) {
      i += matchedRun - 1;
      continue;
    }
    const t = terms[i]!;
    const alternatives: number[][] = [];
    if (t.id !== NO_TERM) alternatives.push([t.id]);
    const expansion = t.id === NO_TERM ? undefined : index.acronyms.get(t.id);
    if (expansion) alternatives.push([...expansion]);
    // Words that frame a question ("What is the *name* of...", "What *type* of...", "is *called*") seldom
    // appear in the sentence that answers it: they count for a fraction of their idf.
    const frame = FRAME.has(t.word.toLowerCase()) ? FRAME_WEIGHT : 1;
    clauses.push({ alternatives, idf: idf(index, t.id) * frame, term: i, known: t.id !== NO_TERM && !t.fuzzy, weight: frame });
  }
  return clauses;
}

export function retrieve(index: Index, question: Question, options: RetrieveOptions): Retrieval {
  const clauses = clausesOf(index, question);
  const work = scratch(index);
  const { score, mask, touched } = work;
  let nTouched = 0;
  const lo = options.article === undefined ? 0 : (index.articleSentence[options.article] as number);
  const hi = options.article === undefined ? index.sentenceStart.length : (index.articleSentence[options.article + 1] as number);
  const postingSentence = index.postingSentence;
  const postingTf = index.postingTf;
  const k1 = BM25.k1 + 1;
  // BM25's length normalisation, k1 * (1 - b + b * length / average length), is computed per posting from the
  // sentence's length (two bytes a sentence) rather than read from a table of doubles: the table's reads missed
  // the cache, and retrieval took 13% less time with it on the benchmark's 147k sentences (2,000 SQuAD questions).
  // It is written out in both posting loops below: as a helper function, the whole pipeline measured 5 to 15%
  // slower (npm run bench:ab, two runs).
  const lengths = index.sentenceLength;
  const { k1: k1n, b } = BM25;
  const oneMinusB = 1 - b;
  const avg = index.averageLength || 1;
  let totalIdf = 0;

  // Rarest words first. Once the sentences touched pass ACCUMULATORS, a commoner word only adds to sentences
  // already touched ("continue" pruning, Moffat & Zobel 1996): a sentence that matches nothing but common
  // words cannot reach the top candidates, and the work per question stays bounded on a large corpus.
  for (const clause of clauses) totalIdf += clause.idf;
  const order = clauses.map((_, c) => c).sort((x, y) => clauses[y]!.idf - clauses[x]!.idf);
  for (const c of order) {
    const clause = clauses[c]!;
    const bit = 1 << c;
    const open = nTouched < (options.accumulators ?? ACCUMULATORS);
    if (clause.alternatives.length === 1 && clause.alternatives[0]!.length === 1) {
      const term = clause.alternatives[0]![0]!;
      const w = idf(index, term) * clause.weight * k1;
      for (let p = index.postingOffset[term]!, end = index.postingOffset[term + 1]!; p < end; p++) {
        const s = postingSentence[p]!;
        if (s < lo || s >= hi) continue;
        if (mask[s] === 0) {
          if (!open) continue;
          touched[nTouched++] = s;
        }
        const tf = postingTf[p]!;
        score[s]! += (w * tf) / (tf + k1n * (oneMinusB + (b * lengths[s]!) / avg));
        mask[s]! |= bit;
      }
      continue;
    }
    // Several alternatives: a sentence scores its best alternative; a multi-term alternative needs all terms.
    const { altSum, altHits, altTouched, best, bestTouched } = work;
    let nBest = 0;
    for (const alt of clause.alternatives) {
      let nAlt = 0;
      let idfSum = 0;
      for (const term of alt) {
        const termIdf = idf(index, term) / alt.length;
        idfSum += termIdf;
        const w = termIdf * k1;
        for (let p = index.postingOffset[term]!, end = index.postingOffset[term + 1]!; p < end; p++) {
          const s = postingSentence[p]!;
          if (s < lo || s >= hi) continue;
          if (altHits[s] === 0) altTouched[nAlt++] = s;
          const tf = postingTf[p]!;
          altSum[s]! += (w * tf) / (tf + k1n * (oneMinusB + (b * lengths[s]!) / avg));
          altHits[s]!++;
        }
      }
      const scale = alt.length > 1 ? clause.idf / idfSum : 1;
      for (let i = 0; i < nAlt; i++) {
        const s = altTouched[i]!;
        if (altHits[s]! >= alt.length) {
          const v = altSum[s]! * scale;
          if (best[s] === 0) bestTouched[nBest++] = s;
          if (v > best[s]!) best[s] = v;
        }
        altSum[s] = 0;
        altHits[s] = 0;
      }
    }
    for (let i = 0; i < nBest; i++) {
      const s = bestTouched[i]!;
      if (mask[s] === 0) {
        if (!open) {
          best[s] = 0;
          continue;
        }
        touched[nTouched++] = s;
      }
      score[s]! += best[s]!;
      mask[s]! |= bit;
      best[s] = 0;
    }
  }

  // Top `limit` by BM25 with a bounded min-heap.
  const limit = options.limit;
  const heap: number[] = [];
  const less = (a: number, b: number) => score[a]! < score[b]! || (score[a] === score[b] && a > b);
  for (let i = 0; i < nTouched; i++) {
    const s = touched[i]!;
    if (heap.length < limit) {
      heap.push(s);
      for (let j = heap.length - 1; j > 0; ) {
        const parent = (j - 1) >> 1;
        if (!less(heap[j]!, heap[parent]!)) break;
        [heap[j], heap[parent]] = [heap[parent]!, heap[j]!];
        j = parent;
      }
    } else if (score[s]! >= score[heap[0]!]! && less(heap[0]!, s)) {
      heap[0] = s;
      for (let j = 0; ; ) {
        const l = 2 * j + 1;
        const r = l + 1;
        let m = j;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === j) break;
        [heap[j], heap[m]] = [heap[m]!, heap[j]!];
        j = m;
      }
    }
  }
  heap.sort((a, b) => (less(a, b) ? 1 : -1));
  // Neighbours of the best sentences: a question often matches one sentence while its answer sits in the
  // next ("He is also the oldest quarterback ..." after "Peyton Manning became ..."), or elsewhere in the
  // paragraph it was written about. The whole paragraph of each of the best sentences joins, and the
  // sentences either side of it.
  const chosen = new Set(heap);
  const extra: number[] = [];
  for (const s of heap.slice(0, options.neighboursOf ?? 0)) {
    const a = index.sentenceArticle[s]!;
    const p = index.paragraphOf[s]!;
    const from = Math.max(lo, index.paragraphSentence[p]! , s - 1 - 4);
    const to = Math.min(hi, index.paragraphSentence[p + 1]!, s + 1 + 5);
    for (let n = Math.min(from, s - 1); n < Math.max(to, s + 2); n++) {
      if (n < lo || n >= hi || index.sentenceArticle[n] !== a || chosen.has(n)) continue;
      chosen.add(n);
      extra.push(n);
    }
  }
  const all = heap.concat(extra);

  // Article- and paragraph-level evidence: the clauses matched anywhere in each candidate's article and
  // paragraph. A sentence no clause touched has an empty mask, so either the touched sentences or the candidate
  // articles' own sentences can be read, whichever are fewer: on a corpus of short news items, the articles.
  const { articleMark, articleMask, paragraphMark, paragraphMask } = work;
  const articles: number[] = [];
  let articleSentences = 0;
  for (const s of all) {
    const a = index.sentenceArticle[s]!;
    if (articleMark[a] === 0) {
      articleMark[a] = 1;
      articles.push(a);
      articleSentences += Math.min(hi, index.articleSentence[a + 1]!) - Math.max(lo, index.articleSentence[a]!);
    }
    paragraphMark[index.paragraphOf[s]!] = 1;
  }
  const addMask = (s: number) => {
    const m = mask[s]!;
    if (m === 0) return;
    const a = index.sentenceArticle[s]!;
    if (articleMark[a] === 0) return;
    articleMask[a]! |= m;
    const p = index.paragraphOf[s]!;
    if (paragraphMark[p] === 1) paragraphMask[p]! |= m;
  };
  if (articleSentences < nTouched) {
    for (const a of articles) for (let s = Math.max(lo, index.articleSentence[a]!), end = Math.min(hi, index.articleSentence[a + 1]!); s < end; s++) addMask(s);
  } else {
    for (let i = 0; i < nTouched; i++) addMask(touched[i]!);
  }

  const candidates = all.map((s, i): Candidate => {
    const a = index.sentenceArticle[s]!;
    const first = index.articleSentence[a]!;
    const last = index.articleSentence[a + 1]! - 1;
    return {
      sentence: s,
      bm25: score[s]!,
      mask: mask[s]!,
      prev: s > first ? score[s - 1]! : 0,
      next: s < last ? score[s + 1]! : 0,
      articleMask: articleMask[a]!,
      paragraphMask: paragraphMask[index.paragraphOf[s]!]!,
      neighbour: i >= heap.length,
    };
  });

  for (let i = 0; i < nTouched; i++) {
    const s = touched[i]!;
    score[s] = 0;
    mask[s] = 0;
  }
  for (const s of all) {
    const a = index.sentenceArticle[s]!;
    const p = index.paragraphOf[s]!;
    articleMark[a] = 0;
    articleMask[a] = 0;
    paragraphMark[p] = 0;
    paragraphMask[p] = 0;
  }
  work.busy = false;
  return { clauses, candidates, totalIdf };
}
