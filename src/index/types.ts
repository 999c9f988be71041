import type { Article } from '../corpus/article.ts';
import type { Quotation } from '../quotes/quotations.ts';
import type { RelativeTable } from './relatives.ts';
import type { Vocabulary } from './terms.ts';

/** Bits of Index.sentenceFlags: what kinds of answer a sentence can hold, for answer-type matching. */
export const FLAG = {
  number: 1,
  year: 2,
  dateWord: 4, // a month or weekday name
  money: 8, // currency or percentage
  properNoun: 16,
  quote: 32,
} as const;

/**
 * The retrieval index: plain typed arrays, so it can be built in a worker, transferred, and saved to disk.
 * Sentences are numbered 0..n-1 in corpus order (articles in order, sentences in reading order). It also
 * holds the WordNet relatives of its terms (RelativeTable, src/index/relatives.ts).
 */
export interface Index extends RelativeTable {
  readonly articles: readonly Article[];
  readonly vocabulary: Vocabulary;

  // Sentences.
  readonly sentenceArticle: Uint32Array;
  readonly sentenceStart: Uint32Array;
  readonly sentenceEnd: Uint32Array;
  readonly sentenceParagraph: Uint16Array;
  readonly sentenceNumber: Uint16Array;
  /** Number of indexed (non-stop) terms in each sentence, the BM25 document length. */
  readonly sentenceLength: Uint16Array;
  readonly sentenceFlags: Uint8Array;
  /** CSR offsets into the token arrays: sentence s has tokens [tokenOffset[s], tokenOffset[s+1]). */
  readonly tokenOffset: Uint32Array;
  readonly tokenTerm: Uint32Array;
  readonly tokenPos: Uint8Array;

  // Postings, CSR by term: term t occurs in sentences postingSentence[postingOffset[t] .. postingOffset[t+1]).
  readonly postingOffset: Uint32Array;
  readonly postingSentence: Uint32Array;
  readonly postingTf: Uint8Array;
  readonly averageLength: number;

  /** First sentence of each article, CSR: article a has sentences [articleSentence[a], articleSentence[a+1]). */
  readonly articleSentence: Uint32Array;
  /** Paragraphs, numbered across the corpus: paragraph p has sentences [paragraphSentence[p], paragraphSentence[p+1]). */
  readonly paragraphSentence: Uint32Array;
  /** Indexed terms in each paragraph (its BM25 length). */
  readonly paragraphLength: Uint32Array;
  /** The paragraph of each sentence. */
  readonly paragraphOf: Uint32Array;
  /** Number of paragraphs each term occurs in. */
  readonly paragraphDf: Uint32Array;
  /** Title terms of each article, CSR by article. */
  readonly titleOffset: Uint32Array;
  readonly titleTerm: Uint32Array;

  /** Acronym term id -> the term ids of its expansion, as the corpus defines it. */
  readonly acronyms: ReadonlyMap<number, readonly number[]>;
  /** Direct quotations with their speakers, in corpus order. */
  readonly quotations: readonly Quotation[];
}
