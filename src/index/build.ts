// Articles to an Index. One wink pass per article (sentence breaking and tagging), one stem per distinct
// word, postings laid out as CSR typed arrays by a counting sort at the end.
import type { Article } from '../corpus/article.ts';
import { P, tokenize } from '../nlp/wink.ts';
import { findQuotations, type Quotation } from '../quotes/quotations.ts';
import { findAcronyms } from './acronyms.ts';
import { relativeTable } from './relatives.ts';
import { isDateWord, YEAR } from './dates.ts';
import { segment } from './segment.ts';
import { NO_TERM, Vocabulary } from './terms.ts';
import { FLAG, type Index } from './types.ts';

/** A typed array that grows by doubling. */
class Growable<T extends Uint32Array | Uint16Array | Uint8Array> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
  set(i: number, v: number): void {
    this.data[i] = v;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}
const u32 = (n: number) => new Growable(new Uint32Array(n), (m) => new Uint32Array(m));
const u16 = (n: number) => new Growable(new Uint16Array(n), (m) => new Uint16Array(m));
const u8 = (n: number) => new Growable(new Uint8Array(n), (m) => new Uint8Array(m));

const MONEY = /^[$£€¥%]$|^(?:percent|per cent|dollars?|pounds?|euros?|cents?)$/i;

/** Incrementally builds an index; `add` each article, then `finish`. */
export class IndexBuilder {
  private readonly vocabulary = new Vocabulary();
  private readonly articles: Article[] = [];
  private readonly sentenceArticle = u32(1024);
  private readonly sentenceStart = u32(1024);
  private readonly sentenceEnd = u32(1024);
  private readonly sentenceParagraph = u16(1024);
  private readonly sentenceNumber = u16(1024);
  private readonly sentenceLength = u16(1024);
  private readonly sentenceFlags = u8(1024);
  private readonly tokenOffset = u32(1024);
  private readonly tokenTerm = u32(16384);
  private readonly tokenPos = u8(16384);
  private readonly articleSentence = u32(256);
  private readonly titleOffset = u32(256);
  private readonly titleTerm = u32(1024);
  // Postings as (term, sentence, tf) triples, sorted into CSR at the end.
  private readonly postTerm = u32(16384);
  private readonly postSentence = u32(16384);
  private readonly postTf = u8(16384);
  // Per-term scratch for counting term frequency within one sentence.
  private lastSentence = new Int32Array(1024).fill(-1);
  private tfSlot = new Uint32Array(1024);
  private readonly acronyms = new Map<number, number[]>();
  private readonly quotations: Quotation[] = [];

  constructor() {
    this.tokenOffset.push(0);
    this.titleOffset.push(0);
  }

  private ensureScratch(size: number): void {
    if (size <= this.lastSentence.length) return;
    const n = Math.max(size, this.lastSentence.length * 2);
    const last = new Int32Array(n).fill(-1);
    last.set(this.lastSentence);
    this.lastSentence = last;
    const slot = new Uint32Array(n);
    slot.set(this.tfSlot);
    this.tfSlot = slot;
  }

  add(article: Article): void {
    const a = this.articles.length;
    this.articles.push(article);
    this.articleSentence.push(this.sentenceStart.length);
    const { tokens, sentences } = segment(article);
    const { values, normals, pos, stop } = tokens;
    const vocab = this.vocabulary;

    for (const s of sentences) {
      const sid = this.sentenceStart.length;
      this.sentenceArticle.push(a);
      this.sentenceStart.push(s.start);
      this.sentenceEnd.push(s.end);
      this.sentenceParagraph.push(Math.min(s.paragraph, 65535));
      this.sentenceNumber.push(Math.min(s.sentence, 65535));
      let length = 0;
      let flags = 0;
      for (let t = s.firstToken; t < s.endToken; t++) {
        const value = values[t] as string;
        const tag = pos[t] as number;
        const term = vocab.termOf(value, normals[t] as string, tag, stop[t] === 1);
        this.tokenTerm.push(term);
        this.tokenPos.push(tag);
        if (tag === P.NUM) {
          flags |= FLAG.number;
          if (YEAR.test(value)) flags |= FLAG.year;
        } else if (tag === P.PROPN) {
          flags |= FLAG.properNoun;
          if (isDateWord(value)) flags |= FLAG.dateWord;
        } else if (tag === P.SYM || tag === P.NOUN) {
          if (MONEY.test(value)) flags |= FLAG.money;
          if (tag === P.NOUN && isDateWord(value)) flags |= FLAG.dateWord;
        } else if (tag === P.PUNCT && (value === '"' || value === '“' || value === '”')) {
          flags |= FLAG.quote;
        }
        if (term === NO_TERM || vocab.stop[term] === 1) continue;
        length++;
        this.ensureScratch(vocab.size);
        if (this.lastSentence[term] === sid) {
          const slot = this.tfSlot[term] as number;
          // tf saturates in BM25 long before 255.
          this.postTf.set(slot, Math.min(255, this.postTf.get(slot) + 1));
        } else {
          this.lastSentence[term] = sid;
          this.tfSlot[term] = this.postTf.length;
          this.postTerm.push(term);
          this.postSentence.push(sid);
          this.postTf.push(1);
        }
      }
      this.sentenceLength.push(Math.min(length, 65535));
      this.sentenceFlags.push(flags);
      this.tokenOffset.push(this.tokenTerm.length);

      // Acronyms defined in this sentence; the first definition of an acronym in the corpus wins.
      if (flags & FLAG.properNoun) {
        for (const def of findAcronyms(values, s.firstToken, s.endToken)) {
          const acronym = vocab.termOf(def.acronym, def.acronym.toLowerCase(), P.PROPN, false);
          if (this.acronyms.has(acronym)) continue;
          const expansion: number[] = [];
          for (let t = def.first; t < def.end; t++) {
            const term = vocab.termOf(values[t] as string, normals[t] as string, pos[t] as number, stop[t] === 1);
            if (term !== NO_TERM && vocab.stop[term] !== 1) expansion.push(term);
          }
          if (expansion.length >= 2) this.acronyms.set(acronym, expansion);
        }
      }
    }

    for (const q of findQuotations(article, tokens)) this.quotations.push(q);

    // An all-capitals headline ("BAHIA COCOA REVIEW") is shouting, not acronyms.
    const title = tokenize(/\p{Ll}/u.test(article.title) ? article.title : article.title.toLowerCase());
    for (let t = 0; t < title.values.length; t++) {
      const term = vocab.termOf(title.values[t] as string, title.normals[t] as string, title.pos[t] as number, title.stop[t] === 1);
      if (term !== NO_TERM && vocab.stop[term] !== 1) this.titleTerm.push(term);
    }
    this.titleOffset.push(this.titleTerm.length);
  }

  finish(): Index {
    const V = this.vocabulary.size;
    const terms = this.postTerm.done();
    const sents = this.postSentence.done();
    const tfs = this.postTf.done();
    // Counting sort of postings by term; sentences stay in ascending order within a term.
    const postingOffset = new Uint32Array(V + 1);
    for (let i = 0; i < terms.length; i++) postingOffset[(terms[i] as number) + 1]! += 1;
    for (let t = 0; t < V; t++) postingOffset[t + 1]! += postingOffset[t] as number;
    const cursor = postingOffset.slice(0, V);
    const postingSentence = new Uint32Array(terms.length);
    const postingTf = new Uint8Array(terms.length);
    for (let i = 0; i < terms.length; i++) {
      const at = cursor[terms[i] as number]!++;
      postingSentence[at] = sents[i] as number;
      postingTf[at] = tfs[i] as number;
    }
    const sentenceLength = this.sentenceLength.done();
    const paragraphs = layoutParagraphs(this.sentenceArticle.done(), this.sentenceParagraph.done(), sentenceLength, postingOffset, postingSentence);
    let total = 0;
    for (let i = 0; i < sentenceLength.length; i++) total += sentenceLength[i] as number;
    this.articleSentence.push(this.sentenceStart.length);
    return {
      articles: this.articles,
      vocabulary: this.vocabulary,
      sentenceArticle: this.sentenceArticle.done(),
      sentenceStart: this.sentenceStart.done(),
      sentenceEnd: this.sentenceEnd.done(),
      sentenceParagraph: this.sentenceParagraph.done(),
      sentenceNumber: this.sentenceNumber.done(),
      sentenceLength,
      sentenceFlags: this.sentenceFlags.done(),
      tokenOffset: this.tokenOffset.done(),
      tokenTerm: this.tokenTerm.done(),
      tokenPos: this.tokenPos.done(),
      postingOffset,
      postingSentence,
      postingTf,
      averageLength: sentenceLength.length > 0 ? total / sentenceLength.length : 0,
      articleSentence: this.articleSentence.done(),
      ...paragraphs,
      titleOffset: this.titleOffset.done(),
      titleTerm: this.titleTerm.done(),
      ...relativeTable(this.vocabulary),
      acronyms: this.acronyms,
      quotations: this.quotations,
    };
  }
}

/**
 * Paragraphs as retrieval units of their own: a question is often written about a paragraph, its words spread
 * over several sentences. Paragraphs are numbered across the corpus; their sentences are contiguous.
 */
function layoutParagraphs(
  sentenceArticle: Uint32Array,
  sentenceParagraph: Uint16Array,
  sentenceLength: Uint16Array,
  postingOffset: Uint32Array,
  postingSentence: Uint32Array,
): Pick<Index, 'paragraphSentence' | 'paragraphLength' | 'paragraphOf' | 'paragraphDf'> {
  const n = sentenceArticle.length;
  const paragraphOf = new Uint32Array(n);
  const starts: number[] = [];
  for (let s = 0; s < n; s++) {
    if (s === 0 || sentenceArticle[s] !== sentenceArticle[s - 1] || sentenceParagraph[s] !== sentenceParagraph[s - 1]) starts.push(s);
    paragraphOf[s] = starts.length - 1;
  }
  starts.push(n);
  const paragraphSentence = Uint32Array.from(starts);
  const paragraphLength = new Uint32Array(starts.length - 1);
  for (let s = 0; s < n; s++) paragraphLength[paragraphOf[s]!]! += sentenceLength[s]!;
  // Paragraph document frequency of each term: distinct paragraphs among its (sorted) sentence postings.
  const terms = postingOffset.length - 1;
  const paragraphDf = new Uint32Array(terms);
  for (let t = 0; t < terms; t++) {
    let last = -1;
    let df = 0;
    for (let p = postingOffset[t]!; p < postingOffset[t + 1]!; p++) {
      const para = paragraphOf[postingSentence[p]!]!;
      if (para !== last) {
        df++;
        last = para;
      }
    }
    paragraphDf[t] = df;
  }
  return { paragraphSentence, paragraphLength, paragraphOf, paragraphDf };
}

export function buildIndex(articles: Iterable<Article>): Index {
  const builder = new IndexBuilder();
  for (const a of articles) builder.add(a);
  return builder.finish();
}
