// The one module that imports wink-nlp. It builds the pipelines once, with explicit pipes, and hands out
// plain typed arrays, so the rest of the code never touches wink's documents (whose bundled types drift
// from its code) and never pays twice for the same word's stem.
import { createRequire } from 'node:module';
import winkNLP, { type ItemEntity, type ItemSentence } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

const require = createRequire(import.meta.url);

// Sentence boundaries and part-of-speech tags are all the index needs; NER is only run on the handful of
// sentences an answer is drawn from (it costs ~40% more per token).
const indexNlp = winkNLP(model, ['sbd', 'pos']);
const fullNlp = winkNLP(model, ['sbd', 'pos', 'ner']);
const its = indexNlp.its;

/** Universal POS tags as small integers, so a token's tag fits in a byte. */
export const POS = [
  'ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON', 'PROPN', 'PUNCT',
  'SCONJ', 'SYM', 'VERB', 'X', 'SPACE',
] as const;
export type PosTag = (typeof POS)[number];
const posCode = new Map<string, number>(POS.map((tag, i) => [tag, i]));
export const P = Object.fromEntries(POS.map((tag, i) => [tag, i])) as Record<PosTag, number>;

/** Tokens of a text with their exact character offsets in it. */
export interface TokenStream {
  /** Token text as it appears in the source. */
  readonly values: string[];
  /** wink's normal form: lower case, contractions expanded ("n't" -> "not"). */
  readonly normals: string[];
  readonly pos: Uint8Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  /** wink's stop-word flag per token. */
  readonly stop: Uint8Array;
  /** Sentence boundaries as wink's sentence breaker sees them: token index where each sentence ends (exclusive). */
  readonly sentenceEnds: number[];
}

/** A named entity found by wink's recogniser (dates, times, numbers, money, percentages...). */
export interface EntitySpan {
  readonly type: string;
  /** First and last token index (inclusive), as wink reports them. */
  readonly first: number;
  readonly last: number;
}

/** Combining marks (U+0300 to U+036F), as text saved decomposed (NFD) writes its accents. */
const COMBINING = /[\u0300-\u036f]/u;
const COMBINING_ALL = /[\u0300-\u036f]/gu;

/**
 * `decomposed`: the text holds combining marks. foldDiacritics folds a precomposed "é" to "e" but cannot drop the
 * mark of a decomposed "e\u0301" without moving every offset after it, and wink keeps the mark inside the token
 * ("beyonce\u0301"), so a reader's "Beyonce" or "Beyoncé" would never match it. The marks are dropped from the
 * normal forms only: values, and so offsets and citations, stay the source's.
 */
function stream(doc: ReturnType<typeof indexNlp.readDoc>, decomposed: boolean): TokenStream {
  const tokens = doc.tokens();
  const values = tokens.out(its.value) as string[];
  const spaces = tokens.out(its.precedingSpaces) as string[];
  const normals = tokens.out(its.normal) as string[];
  if (decomposed) {
    for (let i = 0; i < normals.length; i++) {
      const w = normals[i] as string;
      if (COMBINING.test(w)) normals[i] = w.replace(COMBINING_ALL, '');
    }
  }
  const tags = tokens.out(its.pos) as string[];
  const stopFlags = tokens.out(its.stopWordFlag) as unknown as boolean[];
  const n = values.length;
  const pos = new Uint8Array(n);
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  const stop = new Uint8Array(n);
  // wink is lossless for the text forWink gives it: that text is exactly the concatenation of every token's
  // preceding spaces and value, so offsets follow by accumulation.
  let offset = 0;
  for (let i = 0; i < n; i++) {
    offset += (spaces[i] as string).length;
    starts[i] = offset;
    offset += (values[i] as string).length;
    ends[i] = offset;
    pos[i] = posCode.get(tags[i] as string) ?? P.X;
    stop[i] = stopFlags[i] ? 1 : 0;
  }
  const sentenceEnds: number[] = [];
  doc.sentences().each((s: ItemSentence) => {
    const span = s.out(its.span) as unknown as [number, number];
    sentenceEnds.push(span[1] + 1);
  });
  return { values, normals, pos, starts, ends, stop, sentenceEnds };
}

/**
 * wink-nlp with its default pipeline, for code that must use wink as a stock library would: the baselines
 * and the benchmark's readDoc floor compare against exactly that, so they do not go through this module's
 * own pipelines.
 */
export function defaultPipeline(): ReturnType<typeof winkNLP> {
  return winkNLP(model);
}

/** Letters with a stroke or bar and no decomposition, and their base letter (others, such as ɨ or ƚ, stay). */
const STROKED: Readonly<Record<string, string>> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T', ƀ: 'b', ı: 'i' };
const folded = new Map<string, string>();
/**
 * Letters with diacritics to their base letter, one UTF-16 unit for one, so every offset stays true. wink's
 * tokenizer splits words at letters outside Latin-1 ("Zach|ę|ta", "Dvo|ř|ák"), and readers type names
 * without accents ("Beyonce", "Dvorak"): folding before tokenising mends the first and matches the second,
 * as search engines' ASCII folding does. A few letters carry their stroke in the letter itself, so Unicode
 * gives them no decomposition; they fold to the letter readers type for them ("Skłodowska" is found as
 * "Sklodowska", "Bolesław" as "Boleslaw"). Letters that would need two (ß, æ, œ) stay.
 */
export function foldDiacritics(text: string): string {
  return text.replace(/[\u00c0-\u024f\u1e00-\u1eff]/gu, (c) => {
    let f = folded.get(c);
    if (f === undefined) {
      const base = STROKED[c] ?? c.normalize('NFD').charAt(0);
      f = /^[A-Za-z]$/.test(base) ? base : c;
      folded.set(c, f);
    }
    return f;
  });
}

/**
 * The characters wink's tokenizer drops from its output, found by reading every BMP character through it: some
 * spaces (U+1680, U+2000, U+2001, U+2006 to U+2008, U+3000), line and page breaks (U+000B, U+000C, U+2028, U+2029)
 * and the zero-width no-break space U+FEFF. Dropped, each would shift every offset after it by one: SQuAD's Rhine
 * article writes U+FEFF three times inside a coordinate, and every sentence after it was cut a character or more
 * early ("...the famous rock Lorel"). Each is read as a plain space, one UTF-16 unit for one.
 */
const DROPPED_BY_WINK = /[\u000b\u000c\u1680\u2000\u2001\u2006-\u2008\u2028\u2029\u3000\ufeff]/gu;

/** The text wink reads: diacritics folded and the characters it would drop spaced, with every offset kept. */
const forWink = (text: string): string => foldDiacritics(text).replace(DROPPED_BY_WINK, ' ');

/** Tokenise, split sentences and tag a text (no entity recognition). */
export function tokenize(text: string): TokenStream {
  return stream(indexNlp.readDoc(forWink(text)), COMBINING.test(text));
}

/** Tokenise and tag a short text (a question or one sentence) and find its entities. */
export function analyse(text: string): TokenStream & { entities: EntitySpan[] } {
  const doc = fullNlp.readDoc(forWink(text));
  const entities: EntitySpan[] = [];
  doc.entities().each((e: ItemEntity) => {
    const detail = e.out(its.detail) as unknown as { type: string };
    const span = e.out(its.span) as unknown as [number, number];
    entities.push({ type: detail.type, first: span[0], last: span[1] });
  });
  return { ...stream(doc, COMBINING.test(text)), entities };
}

const addons = (model as unknown as { addons: { stem: (word: string) => string } }).addons;
// wink's WordNet exception tables map irregular forms to their lemma ("said" -> "say", "children" -> "child").
// They ship inside the model package; reading them here keeps the lemma of a word a table lookup instead of
// a second pass of wink's lemmatiser over every token.
const verbExceptions = require('wink-eng-lite-web-model/dist/wn-verb-exceptions.js') as Record<string, string>;
const nounExceptions = require('wink-eng-lite-web-model/dist/wn-noun-exceptions.js') as Record<string, string>;

const stemCache = new Map<string, string>();
/** Porter2 stem of a lower-case word, computed once per distinct word. */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = addons.stem(word);
    if (stemCache.size > 2_000_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** The lemma of an irregular verb or noun form, or undefined when the form is regular. */
export function irregularLemma(word: string, pos: number): string | undefined {
  if (pos === P.VERB || pos === P.AUX) return verbExceptions[word];
  if (pos === P.NOUN) return nounExceptions[word];
  return undefined;
}
