// The short answer: the phrase of a cited sentence that answers the question ("French officials", "213",
// "Lausanne"). Every span of up to MAX_SPAN tokens is a candidate; a linear model over sparse, lexicalised
// features picks one, in the manner of the feature-rich logistic regression of Rajpurkar et al. (2016,
// "SQuAD: 100,000+ Questions for Machine Comprehension of Text", section 5): the question's class crossed
// with the span's part-of-speech pattern, the words around it, the entities and noun chunks it matches,
// and where it lies relative to the question's words in the sentence. The weights are learned on half of
// SQuAD by src/eval/learn-span.ts; a calibration on top gives the probability that the pick is right, and
// below a threshold there is no short answer.
import { createHash } from 'node:crypto';
import type { Index } from '../index/types.ts';
import { RELATION } from '../index/relatives.ts';
import { expansionIn } from '../index/acronyms.ts';
import { isStopWord, NO_TERM } from '../index/terms.ts';
import { analyse, irregularLemma, P, POS, stem, type EntitySpan, type TokenStream } from '../nlp/wink.ts';
import { looksLikeName } from '../nlp/wordnet.ts';
import { idf } from './retrieve.ts';
import type { Question } from './question.ts';
import type { ShortAnswer } from './types.ts';
import spanWeights from './span-weights.json' with { type: 'json' };

/** Longest candidate, in tokens: 95% of SQuAD's answers are no longer. */
export const MAX_SPAN = 10;

/** Question classes: the wh-word, refined by what follows it. */
export const QUESTION_CLASSES = [
  'who', 'when', 'where', 'why', 'how-many', 'how-much', 'how-measure', 'how', 'what-date', 'what-number',
  'what-place', 'what-agent', 'what-thing', 'what-be', 'what-do', 'what-other', 'yes-no', 'other',
] as const;
export type QuestionClass = (typeof QUESTION_CLASSES)[number];
const QC = QUESTION_CLASSES.length;

/** Where the wh-phrase sits in its clause: "who *claimed*..." asks for a subject, "what did X *condemn*" an object. */
const WH_ROLES = ['subject', 'object', 'other'] as const;

/** Chunks a span may coincide with, contain, lie inside or cut across. */
const CHUNKS = ['DATE', 'TIME', 'DURATION', 'CARDINAL', 'ORDINAL', 'MONEY', 'PERCENT', 'ENTITY', 'PROPER', 'NP', 'NP-OF', 'QUOTED', 'PAREN'] as const;
const CHUNK = Object.fromEntries(CHUNKS.map((c, i) => [c, i])) as Record<(typeof CHUNKS)[number], number>;
const RELATIONS = 4; // exact, span inside chunk, chunk inside span, crossing
const NO_CHUNK = CHUNKS.length;

/** Word features hash the lower-case word into this many buckets (the hashing trick; collisions are rare enough). */
const WORD_BUCKETS = 512;
const DIST = 8; // distance buckets, the last meaning "none"
const ROLES = 8; // question-term roles: position (before wh, first after it, last, other) x verb
const POS_N = POS.length + 1; // the tags plus "outside the sentence"
const SHAPES = 5; // a year, a number, all capitalised, some capitalised, lower case
const OUTSIDE = POS.length;
const SHARES = 6; // idf share of the question's terms: 0, <.2, <.4, <.6, <.8, more
const PATH_BUCKETS = 1024; // hashed word/tag paths between a span and the nearest question word
const FOCUS_BUCKETS = 256;
const MAX_PATH = 4;
const SPAN_TYPES = CHUNKS.length + 2; // the chunk the span is exactly, a number inside a noun phrase, or none

/** Verbs that report speech or a claim: their subject is who said what the clause after them says. */
const stems = (words: string[]) => new Set(words.map((w) => stem(w)));
const REPORTING = stems([
  'say', 'tell', 'claim', 'state', 'announce', 'report', 'add', 'warn', 'urge', 'call', 'insist', 'argue', 'deny', 'confirm',
  'note', 'explain', 'accuse', 'demand', 'suggest', 'declare', 'write', 'predict', 'estimate', 'admit', 'acknowledge',
  'allege', 'ask', 'believe', 'propose', 'recommend', 'reveal', 'describe', 'assert', 'conclude',
]);
/** Those that put their subject after them at the end of a quotation ("..., said the minister."); "told" has an object there. */
const INVERTING = stems(['say', 'add', 'write', 'state', 'explain', 'note', 'claim', 'insist', 'argue', 'announce', 'report', 'conclude', 'warn', 'declare']);

/**
 * How a template's features are crossed with the question: by its class, by the kind of answer it expects
 * (fewer blocks, for the sparse word features), or not at all. A crossed template also has a block shared
 * by every question, so that what holds for all of them ("answers rarely repeat the question") is learned
 * from all of them, and each class only learns its departures from it.
 */
type Crossing = 'class' | 'kind' | 'shared';
const KINDS = ['agent', 'date', 'place', 'number', 'thing', 'none'] as const;

/** The feature templates: how many values each takes, and its crossing. */
const TEMPLATE_VALUES = {
  length: [MAX_SPAN + 1, 'class'], // tokens
  startPos: [POS_N, 'class'], // tag of the first token
  endPos: [POS_N, 'class'], // tag of the last token
  prevPos: [POS_N, 'class'], // tag of the token before the span
  nextPos: [POS_N, 'class'], // tag of the token after it
  edgePos: [POS_N * POS_N, 'class'], // first and last tags together
  prevWord: [WORD_BUCKETS, 'kind'], // the word before the span (common words only, else its tag)
  nextWord: [WORD_BUCKETS, 'kind'], // the word after it ("said", "(", "of")
  firstWord: [WORD_BUCKETS, 'kind'], // its first word
  lastWord: [WORD_BUCKETS, 'kind'], // its last word, the head of a noun phrase
  chunk: [(NO_CHUNK + 1) * RELATIONS, 'class'], // each overlapping chunk's type x relation
  overlap: [5, 'class'], // share of the span's words that are the question's
  leftMatch: [ROLES * DIST, 'class'], // nearest question word on the left: its role x distance
  rightMatch: [ROLES * DIST, 'class'], // the same on the right
  matchesAround: [5, 'class'], // question words within five tokens either side
  between: [2, 'class'], // question words close on both sides
  verbSide: [WH_ROLES.length * 3 * DIST, 'class'], // wh-role x side x distance of the nearest matched verb
  focus: [5, 'class'], // where the focus noun is: none, elsewhere, last word, inside, right after
  shape: [SHAPES, 'class'], // year, number, capitalised...
  inner: [3 * 2 * 2, 'class'], // commas, conjunctions and brackets inside
  matchLeft: [SHARES, 'class'], // idf share of the question matched left of the span
  matchRight: [SHARES, 'class'], // ... right of it
  window3: [SHARES, 'class'], // ... within three tokens
  window8: [SHARES, 'class'], // ... within eight tokens
  segment: [SHARES, 'class'], // ... between the same punctuation marks
  leftPath: [PATH_BUCKETS, 'kind'], // the words/tags between the span and the nearest question word left
  rightPath: [PATH_BUCKETS, 'kind'], // ... right
  focusShape: [FOCUS_BUCKETS * SHAPES, 'shared'], // the focus noun x the span's shape ("year" x year)
  typeFit: [SPAN_TYPES, 'kind'], // the chunk the span is exactly, by the kind of answer wanted
  adjacent: [8 * 8, 'class'], // the words just before and after are the question's (alone, as a pair)
  reporter: [7, 'class'], // speaker of a reporting verb, or "according to" someone
  questionChunk: [4, 'class'], // part of a name or phrase that the question uses
} as const satisfies Record<string, readonly [number, Crossing]>;
export type SpanTemplate = keyof typeof TEMPLATE_VALUES;

const TEMPLATE_NAMES = Object.keys(TEMPLATE_VALUES) as SpanTemplate[];
/** Template numbers, for the feature loop (an object with fixed keys is a fast lookup; a string-keyed one is not). */
const T = {
  length: 0,
  startPos: 1,
  endPos: 2,
  prevPos: 3,
  nextPos: 4,
  edgePos: 5,
  prevWord: 6,
  nextWord: 7,
  firstWord: 8,
  lastWord: 9,
  chunk: 10,
  overlap: 11,
  leftMatch: 12,
  rightMatch: 13,
  matchesAround: 14,
  between: 15,
  verbSide: 16,
  focus: 17,
  shape: 18,
  inner: 19,
  matchLeft: 20,
  matchRight: 21,
  window3: 22,
  window8: 23,
  segment: 24,
  leftPath: 25,
  rightPath: 26,
  focusShape: 27,
  typeFit: 28,
  adjacent: 29,
  reporter: 30,
  questionChunk: 31,
} as const satisfies Record<SpanTemplate, number>;
for (const [name, i] of Object.entries(T)) if (TEMPLATE_NAMES[i] !== name) throw new Error(`span: template ${name} is not number ${i}`);
const valuesOf = (name: SpanTemplate) => TEMPLATE_VALUES[name][0];
const blocksOf = (name: SpanTemplate) => ({ class: QC + 1, kind: KINDS.length + 1, shared: 1 })[TEMPLATE_VALUES[name][1]];
/** The number of weights of each template: a block per question class (or answer kind) and a shared block. */
export const SPAN_TEMPLATES = Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, valuesOf(name) * blocksOf(name)])) as Record<SpanTemplate, number>;
const OFFSET = {} as Record<SpanTemplate, number>;
let dim = 0;
for (const name of TEMPLATE_NAMES) {
  OFFSET[name] = dim;
  dim += SPAN_TEMPLATES[name];
}
/** Total number of span features. */
export const SPAN_DIM = dim;

/** The learned weights, flattened in template order. A template missing from the file weighs 0. */
function loadWeights(file: { templates: Record<string, number[]> }): Float64Array {
  const w = new Float64Array(SPAN_DIM);
  for (const name of TEMPLATE_NAMES) {
    const values = file.templates[name];
    if (values === undefined) continue;
    if (values.length !== SPAN_TEMPLATES[name]) throw new Error(`span: span-weights.json has ${values.length} weights for ${name}, expected ${SPAN_TEMPLATES[name]}`);
    w.set(values, OFFSET[name]);
  }
  return w;
}

/** Flatten learned weights into the weight file's per-template arrays. */
export function weightTables(w: Float64Array, digits = 3): Record<SpanTemplate, number[]> {
  const scale = 10 ** digits;
  const out = {} as Record<SpanTemplate, number[]>;
  for (const name of TEMPLATE_NAMES) out[name] = Array.from(w.subarray(OFFSET[name], OFFSET[name] + SPAN_TEMPLATES[name]), (x) => Math.round(x * scale) / scale);
  return out;
}

// Loaded on first use, so that the learner, which brings its own weights, runs after the templates change.
let loaded: Float64Array | null = null;
/** The weights learned by src/eval/learn-span.ts, flattened in template order. */
export const learnedSpanWeights = (): Float64Array => (loaded ??= loadWeights(spanWeights));
/** Words common enough across articles to be features themselves (learned with the weights). */
const LEXICON: ReadonlySet<string> = new Set(spanWeights.lexicon);

// ---- the question ----

const WH = new Set(['who', 'whom', 'whose', 'when', 'where', 'why', 'what', 'which', 'how']);
const BE = new Set(['is', 'was', 'are', 'were', "'s", 'be']);
const DO = new Set(['do', 'does', 'did']);

/** What the span features need to know about a question. */
export interface QuestionFrame {
  readonly klass: number;
  /** The kind of answer the question expects (index into KINDS). */
  readonly kind: number;
  readonly whRole: number;
  /** Role of each question term (by index in question.terms). */
  readonly termRole: Uint8Array;
  /** Index into question.terms of the focus noun, or -1. */
  readonly focusTerm: number;
}

/** The question's class: its type, refined by the wh-word and the word after it. */
function classOf(question: Question, word: string, next: string): QuestionClass {
  switch (question.type) {
    case 'when':
      return word === 'when' ? 'when' : 'what-date';
    case 'number':
      return word === 'how' ? 'how-measure' : 'what-number';
    case 'what':
    case 'which':
      if (question.focus !== null && question.expects === 'place') return 'what-place';
      if (question.focus !== null && question.expects === 'agent') return 'what-agent';
      if (question.focus !== null) return 'what-thing';
      return BE.has(next) ? 'what-be' : DO.has(next) ? 'what-do' : 'what-other';
    default:
      // who, where, why, how-many, how-much, how, yes-no, other: the type is the class.
      return question.type;
  }
}

/** The question's class, the wh-phrase's role and the roles of its terms. */
export function questionFrame(question: Question): QuestionFrame {
  const words = question.tokens.normals;
  const tags = question.tokens.pos;
  let wh = words.findIndex((w) => WH.has(w));
  const word = wh === -1 ? '' : (words[wh] as string);
  const next = words[wh + 1] ?? '';
  const klass = classOf(question, word, next);
  // The end of the wh-phrase: "how many civilians", "which country", "what year".
  let end = wh;
  if (wh !== -1) {
    end = wh + 1;
    if (word === 'how' && end < words.length && tags[end] !== P.AUX && tags[end] !== P.VERB) end++;
    while (end < words.length && (tags[end] === P.ADJ || tags[end] === P.NOUN || tags[end] === P.PROPN || tags[end] === P.NUM)) end++;
  }
  let whRole = 2;
  if (wh !== -1 && end < words.length) {
    const a = tags[end];
    const b = tags[end + 1];
    if (a === P.VERB) whRole = 0;
    else if (a === P.AUX && (b === P.VERB || b === P.ADV || b === P.ADP)) whRole = 0;
    else if (a === P.AUX) whRole = 1;
  }
  if (wh === -1) wh = 0;
  const terms = question.terms;
  const termRole = new Uint8Array(terms.length);
  let firstAfter = -1;
  for (let k = 0; k < terms.length; k++) {
    if (terms[k]!.at >= end) {
      firstAfter = k;
      break;
    }
  }
  let focusTerm = -1;
  terms.forEach((t, k) => {
    const place = t.at < wh ? 0 : k === firstAfter ? 1 : k === terms.length - 1 ? 2 : 3;
    termRole[k] = place * 2 + (t.verb ? 1 : 0);
    if (t.focus && focusTerm === -1) focusTerm = k;
  });
  return { klass: QUESTION_CLASSES.indexOf(klass), kind: KINDS.indexOf(question.expects), whRole, termRole, focusTerm };
}

// ---- the sentence ----

/** FNV-1a hash of a string. */
function hashString(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
const wordBucket = (word: string) => hashString(word) % WORD_BUCKETS;
const bucketCache = new Map<string, number>();
function bucketOf(word: string): number {
  let b = bucketCache.get(word);
  if (b === undefined) {
    b = wordBucket(word);
    if (bucketCache.size > 200_000) bucketCache.clear();
    bucketCache.set(word, b);
  }
  return b;
}
const EDGE_BUCKET = wordBucket('<edge>');
const TAG_BUCKET = POS.map((tag) => wordBucket(`<${tag}>`));
const TAG_SYMBOL = POS.map((tag) => hashString(tag));
const symbolCache = new Map<string, number>();
function symbolOf(word: string): number {
  let h = symbolCache.get(word);
  if (h === undefined) {
    h = hashString(word);
    if (symbolCache.size > 100_000) symbolCache.clear();
    symbolCache.set(word, h);
  }
  return h;
}
const mix = (h: number, x: number) => Math.imul(h ^ x, 0x01000193) >>> 0;
// Function words stay words in a path; other words become their tag.
const PATH_TAGS = new Set<number>([P.ADP, P.DET, P.AUX, P.PART, P.SCONJ, P.CCONJ, P.PUNCT, P.PRON]);

interface Chunk {
  readonly type: number;
  readonly first: number;
  /** Inclusive. */
  readonly last: number;
}

const ENTITY_CHUNK: Record<string, number> = {
  DATE: CHUNK.DATE,
  TIME: CHUNK.TIME,
  DURATION: CHUNK.DURATION,
  CARDINAL: CHUNK.CARDINAL,
  ORDINAL: CHUNK.ORDINAL,
  MONEY: CHUNK.MONEY,
  PERCENT: CHUNK.PERCENT,
};
const OPEN_QUOTE = /^["“‘'«]$/;
const CLOSE_QUOTE = /^["”’'»]$/;

/** Entities, proper-noun runs, base noun phrases (with an "of" attachment), quoted and bracketed text. */
function chunksOf(tokens: TokenStream, entities: readonly EntitySpan[]): Chunk[] {
  const out: Chunk[] = [];
  for (const e of entities) out.push({ type: ENTITY_CHUNK[e.type] ?? CHUNK.ENTITY, first: e.first, last: e.last });
  const n = tokens.pos.length;
  // A name does not run into a date: "Yesterday Boris Johnson" is a date and a name.
  const dated = new Uint8Array(n);
  for (const e of entities) if (e.type === 'DATE' || e.type === 'TIME') dated.fill(1, e.first, e.last + 1);
  const name = (i: number) => tokens.pos[i] === P.PROPN && !dated[i];
  const tag = (i: number) => tokens.pos[i] as number;
  const nps: Chunk[] = [];
  for (let i = 0; i < n; i++) {
    if (name(i) && (i === 0 || !name(i - 1))) {
      let j = i;
      while (j + 1 < n && name(j + 1)) j++;
      out.push({ type: CHUNK.PROPER, first: i, last: j });
    }
    // Base noun phrase: determiner, modifiers, a run of nouns ("the main battle ground", "250,000 civilians").
    const t = tag(i);
    if (t === P.DET || t === P.ADJ || t === P.NUM || t === P.NOUN || t === P.PROPN) {
      const p = i > 0 ? tag(i - 1) : -1;
      if (p === P.DET || p === P.ADJ || p === P.NUM || p === P.NOUN || p === P.PROPN) continue;
      let j = i;
      if (tag(j) === P.DET) j++;
      while (j < n && (tag(j) === P.ADJ || tag(j) === P.NUM || (tag(j) === P.ADV && tag(j + 1) === P.ADJ))) j++;
      let k = j;
      while (k < n && (tag(k) === P.NOUN || tag(k) === P.PROPN || (tag(k) === P.PART && /^['’]s$/.test(tokens.values[k] as string)))) k++;
      if (k > j) nps.push({ type: CHUNK.NP, first: i, last: k - 1 });
    }
  }
  out.push(...nps);
  for (let a = 0; a + 1 < nps.length; a++) {
    const x = nps[a]!;
    const y = nps[a + 1]!;
    if (y.first === x.last + 2 && (tokens.normals[x.last + 1] === 'of')) out.push({ type: CHUNK['NP-OF'], first: x.first, last: y.last });
  }
  // Quoted titles and bracketed expansions: the text between the marks.
  for (let i = 0; i < n; i++) {
    const v = tokens.values[i] as string;
    const closing = v === '(' ? /^\)$/ : OPEN_QUOTE.test(v) ? CLOSE_QUOTE : null;
    if (!closing) continue;
    for (let j = i + 2; j < Math.min(n, i + 2 + MAX_SPAN); j++) {
      if (closing.test(tokens.values[j] as string)) {
        out.push({ type: v === '(' ? CHUNK.PAREN : CHUNK.QUOTED, first: i + 1, last: j - 1 });
        break;
      }
    }
  }
  return out;
}

/**
 * Sentence tokens matched to question terms: `match[t]` is the term's index, or -1. `terms[t]` is the
 * token's term id in the index vocabulary (stop words included, NO_TERM for words the corpus lacks).
 */
function matchQuestion(index: Index, question: Question, tokens: TokenStream): { match: Int16Array; terms: Uint32Array } {
  const byId = new Map<number, number>();
  const byWord = new Map<string, number>();
  question.terms.forEach((t, k) => {
    if (t.id !== NO_TERM && !byId.has(t.id)) byId.set(t.id, k);
    const w = t.word.toLowerCase();
    if (!byWord.has(w)) byWord.set(w, k);
  });
  // Acronym definitions: the expansion's words count as the acronym the question used.
  question.terms.forEach((t, k) => {
    for (const id of index.acronyms.get(t.id) ?? []) if (!byId.has(id)) byId.set(id, k);
  });
  // A word derived from a question word stands for it ("Russian" for "Russia", "French" for "France"): an answer
  // is not the question's own word in another form.
  question.terms.forEach((t, k) => {
    if (t.id === NO_TERM || t.numeric) return;
    for (let r = index.relativeOffset[t.id]!; r < index.relativeOffset[t.id + 1]!; r++) {
      const id = index.relativeTerm[r]!;
      if (index.relativeKind[r]! & RELATION.derived && !byId.has(id)) byId.set(id, k);
    }
  });
  const marks = new Int16Array(tokens.pos.length).fill(-1);
  const terms = new Uint32Array(tokens.pos.length);
  for (let t = 0; t < marks.length; t++) {
    const value = tokens.values[t] as string;
    const id = index.vocabulary.termOf(value, tokens.normals[t] as string, tokens.pos[t] as number, tokens.stop[t] === 1, false);
    terms[t] = id;
    const k = (id !== NO_TERM ? byId.get(id) : undefined) ?? byWord.get(value.toLowerCase());
    if (k !== undefined) marks[t] = k;
  }
  return { match: marks, terms };
}

const isCapitalised = (word: string) => {
  const c = word.charAt(0);
  return c !== c.toLowerCase();
};
const hasDigit = (word: string) => {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
};
const distBucket = (d: number) => (d <= 3 ? d - 1 : d <= 5 ? 3 : d <= 8 ? 4 : d <= 12 ? 5 : 6);

/**
 * wink splits words at letters outside ASCII ("Zach ę ta" for "Zachęta", "Pi ł sudski") and at hyphens
 * ("Jean - Marc", "al - Assad"): the pieces of one word take the first piece's tag (a proper noun's, when any
 * piece of a hyphenated word is one: "al-Assad"), and `glued[t]` marks a piece that continues the word
 * before it, so that a span never cuts a word ("Bashar" for "Bashar al-Assad").
 */
function wholeWords<T extends TokenStream>(tokens: T): T & { glued: Uint8Array } {
  const n = tokens.pos.length;
  const glued = new Uint8Array(n + 1);
  let pos = tokens.pos;
  let stop = tokens.stop;
  const letterEnd = (t: number) => /\p{L}$/u.test(tokens.values[t] as string);
  const letterStart = (t: number) => /^\p{L}/u.test(tokens.values[t] as string);
  const touching = (t: number) => tokens.starts[t] === tokens.ends[t - 1];
  const copy = () => {
    if (pos === tokens.pos) {
      pos = Uint8Array.from(tokens.pos);
      stop = Uint8Array.from(tokens.stop);
    }
  };
  for (let t = 1; t < n; t++) {
    if (!touching(t) || !letterEnd(t - 1)) continue;
    if (tokens.values[t] === '-' && t + 1 < n && touching(t + 1) && letterStart(t + 1)) {
      copy();
      let first = t - 1;
      while (first > 0 && glued[first]) first--;
      const tag = pos[first] === P.PROPN || tokens.pos[t + 1] === P.PROPN ? P.PROPN : pos[first]!;
      glued[t] = 1;
      glued[t + 1] = 1;
      pos.fill(tag, first, t + 2);
      stop.fill(0, first, t + 2);
      t++;
      continue;
    }
    if (!letterStart(t)) continue;
    copy();
    glued[t] = 1;
    pos[t] = pos[t - 1]!;
    stop[t] = 0;
    stop[t - 1] = 0;
  }
  return { ...tokens, pos, stop, glued };
}

const MAX_TOKENS = 1 << 16; // token positions as map keys (first * MAX_TOKENS + last)
const PAIR = 2 ** 26; // term id pairs as one number (vocabularies stay far below 2^26 terms)
const questionWordsOf = new WeakMap<Question, { words: Set<number>; pairs: Set<number> }>();
/** The question's words as term ids, stop words included, and its pairs of adjacent words. */
function questionWords(index: Index, question: Question): { words: Set<number>; pairs: Set<number> } {
  let out = questionWordsOf.get(question);
  if (out) return out;
  out = { words: new Set(), pairs: new Set() };
  const qt = question.tokens;
  let previous = NO_TERM;
  for (let t = 0; t < qt.values.length; t++) {
    const w = qt.normals[t] as string;
    const id = WH.has(w) ? NO_TERM : index.vocabulary.termOf(qt.values[t] as string, w, qt.pos[t] as number, qt.stop[t] === 1, false);
    if (id !== NO_TERM) {
      out.words.add(id);
      if (previous !== NO_TERM) out.pairs.add(previous * PAIR + id);
    }
    previous = id;
  }
  questionWordsOf.set(question, out);
  return out;
}

/** One sentence's candidate spans and their active features, as compressed rows. */
export interface SpanProblem {
  readonly tokens: TokenStream;
  /** The question's class (index into QUESTION_CLASSES). */
  readonly klass: number;
  /** Candidate i covers tokens [first[i], last[i]]. */
  readonly first: Uint16Array;
  readonly last: Uint16Array;
  /** Score of each candidate: its prior (see SPAN_PRIOR) plus its learned score under the weights given. */
  readonly scores: Float64Array;
  /** With `record`, the features of candidate i: featureIds[rowStart[i] .. rowStart[i+1]) (else empty). */
  readonly rowStart: Uint32Array;
  readonly featureIds: Uint32Array;
  /** Rule-based prior score of each candidate, added to the learned score. */
  readonly prior: Float64Array;
}

export interface SpanOptions {
  /** Words kept as words in the word features (default: the learned lexicon). */
  readonly lexicon?: ReadonlySet<string>;
  /** Weights to score with (default: the learned weights). */
  readonly weights?: ArrayLike<number>;
  /** Keep every candidate's feature ids, for learning. */
  readonly record?: boolean;
}

// Answers do not start with a conjunction, particle, auxiliary or preposition, nor end with a determiner,
// preposition, conjunction or auxiliary: ruling those spans out halves the candidates and costs almost
// nothing (on SQuAD the best candidate's F1 drops from 98.6 to 98.3, the span F1 rises).
const NO_START = tagSet([P.CCONJ, P.SCONJ, P.PART, P.AUX, P.ADP]);
const NO_END = tagSet([P.DET, P.ADP, P.CCONJ, P.SCONJ, P.AUX]);
/** Words that state a quantity or a rank without being tagged a number (wink's number entities count too). */
const QUANTITY = /^(?:.*\d.*|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth|(?:twen|thir|for|fif|six|seven|eigh|nine)tieth|hundredth|thousandth|millionth|dozens?|scores|hundreds|thousands|millions|billions|trillions|several|few|half|once|twice|thrice|both|single|no)$/i;
/** wink's entities that state a quantity or a rank ("fifteenth" is tagged a noun, but is an ORDINAL entity). */
const QUANTITY_ENTITIES = new Set(['CARDINAL', 'ORDINAL', 'MONEY', 'PERCENT']);
/** Heads of what is won or held, never of who: "Who directed L'Esquive?" is not answered "Cesar prize", from "L'Esquive
 * earned a Cesar prize for its director, Tunisian-born Abdellatif Kechiche". */
const PRIZE = /^(?:awards?|prizes?|troph(?:y|ies)|medals?|cups?|festivals?|championships?|oscars|grammys|baftas|emmys)$/i;
// The words of a title or a noun phrase ("French Foreign Minister", "the rebel group's leader").
const NOMINAL = tagSet([P.DET, P.ADJ, P.NOUN, P.PROPN, P.NUM, P.PART]);
function tagSet(tags: number[]): Uint8Array {
  const set = new Uint8Array(POS.length + 1);
  for (const t of tags) set[t] = 1;
  return set;
}
// Feature ids of the candidates being scored, reused from call to call when they need not be kept.
let scratchIds = new Uint32Array(1 << 14);

/**
 * Prior scores for rules that news text relies on and SQuAD's Wikipedia text rarely shows, so the learned
 * weights cannot know them. The speaker of a reported statement answers "who" when the question's words
 * are in the statement ("French officials said on Monday that the ICC must investigate" answers "who
 * called for an ICC investigation?"); a date answers a question that asks for one whatever its part of
 * speech ("on Monday", where SQuAD's dates are mostly years); a place or a name does not take a date
 * along ("in Lausanne on Saturday"); and "who is NAME?" asks for the apposition or the title news writes
 * beside a name ("Bebars Mishal, a civil defence worker in rebel-held Aleppo, ...", "French Foreign Minister
 * Jean-Marc Ayrault"), where SQuAD asks "who is NAME?" once in 10,570 questions. They are added to the
 * learned score after learning, so the learner cannot undo them; on SQuAD they change the held-out span F1
 * by less than 0.1 (they rarely fire there), and their size is set so that the rule wins where it fires.
 */
export const SPAN_PRIOR = Object.freeze({ speaker: 3, dateEntity: 1, datedName: -1, apposition: 3 });

/** The question is "who is" or "what is" and a name: after its first auxiliary, only capitalised words (and the
 * pieces of a hyphenated one: "al-Assad"). */
function onlyAName(question: Question): boolean {
  const { values, pos, starts, ends } = question.tokens;
  const aux = pos.indexOf(P.AUX);
  if (aux === -1) return false;
  let words = 0;
  for (let t = aux + 1; t < values.length; t++) {
    if (pos[t] === P.PUNCT) continue;
    const hyphenated = (t > 0 && starts[t] === ends[t - 1] && values[t - 1] === '-') || (t + 1 < values.length && ends[t] === starts[t + 1] && values[t + 1] === '-');
    // Typed without capitals ("who is bebars mishal"), a name is a word that reads as one: not "biggest" or
    // "minister" ("who's germany's finance minister" asks for a name, not what a name is).
    const name = question.caseless ? looksLikeName(values[t]!) : isCapitalised(values[t]!);
    if (!name && !hyphenated) return false;
    words++;
  }
  return words > 0;
}

/**
 * Typed without capitals, "who is dan brown" asks what a name is when the sentence writes each word after "is"
 * as a name ("...author Dan Brown..."): WordNet reads "brown" as a word (onlyAName), the article does not.
 */
function namedHere(question: Question, tokens: TokenStream, match: Int16Array): boolean {
  if (!question.caseless) return false;
  const { pos } = question.tokens;
  const aux = pos.indexOf(P.AUX);
  if (aux === -1) return false;
  for (let t = aux + 1; t < pos.length; t++) if (pos[t] === P.DET || pos[t] === P.PRON) return false;
  const asked = question.terms.map((term, k) => [term, k] as const).filter(([term]) => term.at > aux);
  if (asked.length === 0) return false;
  return asked.every(([, k]) => {
    for (let t = 0; t < tokens.values.length; t++) if (match[t] === k && isCapitalised(tokens.values[t] as string)) return true;
    return false;
  });
}

/** Every candidate span of a sentence with its feature ids. */
export function spanProblem(index: Index, question: Question, frame: QuestionFrame, text: string, options: SpanOptions = {}): SpanProblem {
  const { lexicon = LEXICON, weights = learnedSpanWeights(), record = false } = options;
  const tokens = wholeWords(analyse(text));
  const n = tokens.pos.length;
  const q = frame.klass;
  const { match, terms: termIds } = matchQuestion(index, question, tokens);
  const chunks = chunksOf(tokens, tokens.entities);
  // The chunk each span is exactly, the first-listed type when several coincide (an entity before a name).
  const exact = new Map<number, number>();
  for (const c of chunks) {
    const key = c.first * MAX_TOKENS + c.last;
    const seen = exact.get(key);
    if (seen === undefined || c.type < seen) exact.set(key, c.type);
  }

  // Per-token tables and prefix counts, so each candidate costs a few lookups.
  const bucket = new Uint16Array(n);
  const content = new Uint16Array(n + 1); // content tokens
  const matched = new Uint16Array(n + 1); // matched content tokens
  const capital = new Uint16Array(n + 1); // capitalised content tokens
  const digits = new Uint16Array(n + 1);
  const commas = new Uint16Array(n + 1);
  const conj = new Uint16Array(n + 1);
  const paren = new Uint16Array(n + 1);
  const tag = new Uint8Array(n + 2); // tag of token t - 1, "outside" at both edges
  tag[0] = OUTSIDE;
  tag[n + 1] = OUTSIDE;
  for (let t = 0; t < n; t++) {
    const value = tokens.values[t] as string;
    // Common words are themselves; a rarer word is its tag, so that what is learned about "said" or "in"
    // carries over to other articles while what would be learned about "Warsaw" would not.
    const lower = value.toLowerCase();
    bucket[t] = tokens.stop[t] === 1 || tokens.pos[t] === P.PUNCT || lexicon.has(lower) ? bucketOf(lower) : TAG_BUCKET[tokens.pos[t] as number]!;
    tag[t + 1] = tokens.pos[t] as number;
    // Content words, with the index's notion of stop words: "seven", "many" or "first" can be an answer.
    const isContent = tokens.pos[t] !== P.PUNCT && !isStopWord(tokens.normals[t] as string, tokens.stop[t] === 1, tokens.pos[t] as number) ? 1 : 0;
    content[t + 1] = content[t]! + isContent;
    matched[t + 1] = matched[t]! + (isContent && match[t]! >= 0 ? 1 : 0);
    capital[t + 1] = capital[t]! + (isContent && isCapitalised(value) ? 1 : 0);
    digits[t + 1] = digits[t]! + (hasDigit(value) ? 1 : 0);
    commas[t + 1] = commas[t]! + (value === ',' ? 1 : 0);
    conj[t + 1] = conj[t]! + (tokens.pos[t] === P.CCONJ ? 1 : 0);
    paren[t + 1] = paren[t]! + (value === '(' || value === ')' ? 1 : 0);
  }
  const glued = tokens.glued;
  const reporting = new Uint8Array(n + 2);
  for (let t = 0; t < n; t++) {
    if (tokens.pos[t] !== P.VERB) continue;
    const w = tokens.normals[t] as string;
    const lemma = stem(irregularLemma(w, P.VERB) ?? w);
    reporting[t] = INVERTING.has(lemma) ? 2 : REPORTING.has(lemma) ? 1 : 0;
  }
  // The question's words as written, stop words included, and its word pairs: "an example *of* ___"
  // and "the Royal Castle is" put the answer next to the same small words in the sentence.
  const { words: qKeys, pairs: qPairs } = questionWords(index, question);
  const keyIn = new Uint8Array(n + 4); // shifted by 2, so that t - 2 and t + 2 stay in range
  const pairIn = new Uint8Array(n + 4);
  for (let t = 0; t < n; t++) {
    const id = termIds[t]!;
    if (id === NO_TERM) continue;
    keyIn[t + 2] = qKeys.has(id) ? 1 : 0;
    if (t + 1 < n && termIds[t + 1] !== NO_TERM) pairIn[t + 2] = qPairs.has(id * PAIR + termIds[t + 1]!) ? 1 : 0;
  }
  const inQ = (t: number) => keyIn[t + 2]!;
  // Content tokens that are the question's words, matched or written alike ("said" for "say").
  const asked = new Uint16Array(n + 1);
  for (let t = 0; t < n; t++) asked[t + 1] = asked[t]! + (content[t + 1]! > content[t]! && (match[t]! >= 0 || keyIn[t + 2] === 1) ? 1 : 0);
  const pairInQ = (t: number) => pairIn[t + 2]!;
  const year = (t: number) => /^(?:1[0-9]|20)\d\d$/.test(tokens.values[t] as string);
  // Nearest matched token strictly left of t, and strictly right of t (-1 when none).
  const leftOf = new Int32Array(n + 1).fill(-1);
  for (let t = 1; t <= n; t++) leftOf[t] = match[t - 1]! >= 0 ? t - 1 : leftOf[t - 1]!;
  const rightOf = new Int32Array(n + 1).fill(-1);
  for (let t = n - 2; t >= 0; t--) rightOf[t] = match[t + 1]! >= 0 ? t + 1 : rightOf[t + 1]!;
  const allNominal = (from: number, to: number) => {
    for (let t = from; t <= to; t++) if (!NOMINAL[tokens.pos[t]!]) return false;
    return true;
  };
  // A token of a name the question uses.
  const namedAt = (t: number) => match[t]! >= 0 && (question.terms[match[t]!]!.proper === true || (question.caseless && isCapitalised(tokens.values[t] as string)));
  // Matched question verbs: the clause the question is about.
  const verbs: number[] = [];
  for (let t = 0; t < n; t++) if (match[t]! >= 0 && question.terms[match[t]!]!.verb) verbs.push(t);
  const focusAt = new Uint8Array(n + 2);
  if (frame.focusTerm >= 0) for (let t = 0; t < n; t++) if (match[t] === frame.focusTerm) focusAt[t] = 1;

  // Question terms as bits, and the idf share of a set of them.
  const termIdf = question.terms.map((t) => (t.id === NO_TERM ? 0 : idf(index, t.id)));
  const totalIdf = termIdf.reduce((a, b) => a + b, 0) || 1;
  const bit = new Uint32Array(n);
  for (let t = 0; t < n; t++) if (match[t]! >= 0 && match[t]! < 31 && tokens.stop[t] !== 1) bit[t] = 1 << match[t]!;
  const shareOf = new Map<number, number>();
  const share = (mask: number): number => {
    let b = shareOf.get(mask);
    if (b === undefined) {
      let sum = 0;
      for (let k = 0; k < termIdf.length && k < 31; k++) if (mask & (1 << k)) sum += termIdf[k]!;
      const x = sum / totalIdf;
      b = x === 0 ? 0 : Math.min(SHARES - 1, 1 + Math.floor(x * 5));
      shareOf.set(mask, b);
    }
    return b;
  };
  const leftMask = new Uint32Array(n + 1); // terms matched before token t
  for (let t = 0; t < n; t++) leftMask[t + 1] = leftMask[t]! | bit[t]!;
  const rightMask = new Uint32Array(n + 1); // terms matched from token t on
  for (let t = n - 1; t >= 0; t--) rightMask[t] = rightMask[t + 1]! | bit[t]!;
  // Segments between punctuation marks: a span's own clause or phrase.
  const segment = new Uint16Array(n);
  for (let t = 1; t < n; t++) segment[t] = segment[t - 1]! + (tokens.pos[t - 1] === P.PUNCT ? 1 : 0);
  const segmentMask = new Uint32Array(n + 1);
  for (let t = 0; t < n; t++) segmentMask[segment[t]!] = segmentMask[segment[t]!]! | bit[t]!;
  const symbol = new Uint32Array(n);
  for (let t = 0; t < n; t++) symbol[t] = PATH_TAGS.has(tokens.pos[t] as number) ? symbolOf(tokens.normals[t] as string) : TAG_SYMBOL[tokens.pos[t] as number]!;
  const focusBlock = frame.focusTerm >= 0 ? (hashString(question.terms[frame.focusTerm]!.word.toLowerCase()) % FOCUS_BUCKETS) * SHAPES : -1;

  // Each feature is emitted twice: in the question class's block and in the shared block.
  const kind = frame.kind;
  const cls = new Int32Array(TEMPLATE_NAMES.length);
  for (let t = 0; t < cls.length; t++) cls[t] = BLOCK_CROSSING[t] === 0 ? -1 : BLOCK_BASE[t]! + (BLOCK_CROSSING[t] === 1 ? q : kind) * BLOCK_SIZE[t]!;
  const any = SHARED_BASE;
  const path = (from: number, to: number, anchor: number, side: number): number => {
    // Tokens strictly between the span and the anchor (the nearest question word), then the anchor's tag.
    let h = mix(0x811c9dc5, side);
    if (to - from > MAX_PATH) h = mix(h, 0x9e3779b9);
    else for (let t = from; t < to; t++) h = mix(h, symbol[t]!);
    return mix(h, tokens.pos[anchor] as number) % PATH_BUCKETS;
  };

  const first: number[] = [];
  const last: number[] = [];
  const rowStart: number[] = [0];
  const prior: number[] = [];
  const scores: number[] = [];
  const asksAgent = (QUESTION_CLASSES[q] === 'who' || QUESTION_CLASSES[q] === 'what-agent') && frame.whRole === 0;
  const asksDate = KINDS[kind] === 'date';
  const asksName = KINDS[kind] === 'place' || KINDS[kind] === 'agent';
  // "Who is Bebars Mishal?": nothing but a name after "who is" or "what is" asks what the name is.
  const klassName = QUESTION_CLASSES[q];
  const describesName = (klassName === 'who' || klassName === 'what-be') && frame.whRole === 1 && (onlyAName(question) || (klassName === 'who' && namedHere(question, tokens, match)));
  // Only where SQuAD's answers are nearly always numbers: "how many" (98%; "zero", "fourteen" are tagged numbers)
  // and "how old", not "how long" or "what rate" ("a week", "rapidly"); "what year", not "what day" ("Monday").
  const asksNumber = klassName === 'how-many' || (klassName === 'how-measure' && question.tokens.normals.some((w, t) => w === 'old' && question.tokens.normals[t - 1] === 'how'));
  const asksWhatDate = klassName === 'what-date' && (question.focus === 'year' || question.focus === 'years');
  const asksWho = klassName === 'who' || klassName === 'what-agent';
  // Tokens that state a quantity or a rank: a number in digits or words ("213", "six", "dozens"), an ordinal.
  // Counted only for the questions that ask for one.
  const quantities = new Uint16Array(n + 1);
  if (asksNumber || asksWhatDate) {
    const counted = new Uint8Array(n);
    for (const e of tokens.entities) if (QUANTITY_ENTITIES.has(e.type)) counted.fill(1, e.first, e.last + 1);
    // For "how many", the year of a date is no count: "how many rebel groups signed?" is not answered "2014" (nor
    // "In December 2014") from "In December 2014, President Kenyatta signed...". A number before a word the question
    // asks about (`match`) is one: "2000 guests" for "How many guests came?" (wink may tag it a date), not "the 2010
    // election" for "How many votes...?".
    const dated = new Uint8Array(n);
    if (klassName === 'how-many') for (const e of tokens.entities) if (e.type === 'DATE') dated.fill(1, e.first, e.last + 1);
    const dateYear = (t: number) => dated[t] === 1 && year(t) && !(t + 1 < n && match[t + 1]! >= 0);
    for (let t = 0; t < n; t++) quantities[t + 1] = quantities[t]! + ((counted[t] === 1 || tokens.pos[t] === P.NUM || QUANTITY.test(tokens.values[t] as string)) && !dateYear(t) ? 1 : 0);
  }
  const datedPrefix = new Uint16Array(n + 1);
  for (const e of tokens.entities) if (e.type === 'DATE' || e.type === 'TIME') for (let t = e.first; t <= e.last; t++) datedPrefix[t + 1] = 1;
  for (let t = 0; t < n; t++) datedPrefix[t + 1] = datedPrefix[t]! + datedPrefix[t + 1]!;
  let ids = record ? new Uint32Array(n * MAX_SPAN * 64) : scratchIds;
  // `put` returns a feature's weight; when recording, it also writes the feature's ids (class block,
  // shared block) at buffer[at]. Scoring alone reads one table that holds both blocks' sum. (The score is
  // summed by the caller: a number the closure updated would be boxed on every feature.)
  let buffer = ids;
  let at = 0;
  const table = record ? weights : classWeights(weights, q, kind);
  const put = record
    ? (template: number, value: number): number => {
        const own = cls[template]!;
        const shared = any[template]! + value;
        buffer[at++] = shared;
        if (own < 0) return weights[shared]!;
        buffer[at++] = own + value;
        return weights[own + value]! + weights[shared]!;
      }
    : (template: number, value: number): number => table[CLASS_OFFSET[template]! + value]!;

  // The features of a span's first token and of its last token, computed once per token.
  const EDGE = 16;
  const startIds = new Uint32Array(n * EDGE);
  const startEnd = new Uint32Array(n);
  const startScore = new Float64Array(n);
  const endIds = new Uint32Array(n * EDGE);
  const endEnd = new Uint32Array(n);
  const endScore = new Float64Array(n);
  buffer = startIds;
  for (let i = 0; i < n; i++) {
    at = i * EDGE;
    let score = 0;
    const l = leftOf[i]!;
    score += put(T.startPos, tag[i + 1]!);
    score += put(T.prevPos, tag[i]!);
    score += put(T.prevWord, i > 0 ? bucket[i - 1]! : EDGE_BUCKET);
    score += put(T.firstWord, bucket[i]!);
    score += put(T.leftMatch, l >= 0 ? frame.termRole[match[l]!]! * DIST + distBucket(i - l) : DIST - 1);
    score += put(T.leftPath, l >= 0 ? path(l + 1, i, l, 1) : 0);
    // How much of the question the sentence matches left of the span (and right of it, below).
    score += put(T.matchLeft, share(leftMask[i]!));
    startEnd[i] = at;
    startScore[i] = score;
  }
  buffer = endIds;
  for (let j = 0; j < n; j++) {
    at = j * EDGE;
    let score = 0;
    const r = j + 1 < n ? rightOf[j]! : -1;
    score += put(T.endPos, tag[j + 1]!);
    score += put(T.nextPos, tag[j + 2]!);
    score += put(T.nextWord, j + 1 < n ? bucket[j + 1]! : EDGE_BUCKET);
    score += put(T.lastWord, bucket[j]!);
    score += put(T.rightMatch, r >= 0 ? frame.termRole[match[r]!]! * DIST + distBucket(r - j) : DIST - 1);
    score += put(T.rightPath, r >= 0 ? path(j + 1, r, r, 2) : 1);
    score += put(T.matchRight, share(rightMask[j + 1]!));
    endEnd[j] = at;
    endScore[j] = score;
  }

  buffer = ids;
  let k = 0;
  for (let i = 0; i < n; i++) {
    // A preposition starts a span only as a number's modifier ("over 330", "about 300 km").
    if (tokens.pos[i] === P.PUNCT || glued[i] || (NO_START[tokens.pos[i]!] && !(tokens.pos[i] === P.ADP && tokens.pos[i + 1] === P.NUM))) continue;
    const l = leftOf[i]!;
    let near3 = 0;
    let near8 = 0;
    for (let t = Math.max(0, i - 8); t < i; t++) {
      near8 |= bit[t]!;
      if (t >= i - 3) near3 |= bit[t]!;
    }
    let inside = 0;
    for (let j = i; j < Math.min(n, i + MAX_SPAN); j++) {
      inside |= bit[j]!;
      if (tokens.pos[j] === P.PUNCT || glued[j + 1] || NO_END[tokens.pos[j]!]) continue;
      const inner = content[j + 1]! - content[i]!;
      if (inner === 0) continue;
      // Spans no reader would take for the answer, whatever the weights say: the question's own words ("what did
      // Mishal tell Reuters?" is not answered "Reuters", nor "what did Ayrault say?" "said"); no number for a
      // question that asks for one ("how old is the boy?"); no date, number or ordinal for "what year" (below).
      if (asked[j + 1]! - asked[i]! === inner) continue;
      const quantity = quantities[j + 1]! > quantities[i]!;
      if (asksNumber && !quantity) continue;
      if (asksWhatDate && !quantity && datedPrefix[j + 1] === datedPrefix[i]) continue;
      if (asksWho && PRIZE.test(tokens.values[j] as string)) continue;
      // "Who is Bebars Mishal?" is answered by what the sentence says the name is: an apposition right after
      // "NAME ," and closed by a comma or the end ("Bebars Mishal, a civil defence worker in rebel-held Aleppo,
      // said"), a whole title right before the name ("French Foreign Minister Jean-Marc Ayrault"), or what follows
      // "NAME is"; any other phrase of the sentence ("Russia", of "Boris Johnson claimed Russia...") is not.
      const appositive =
        describesName &&
        datedPrefix[j + 1] === datedPrefix[i] &&
        ((i >= 2 && tokens.values[i - 1] === ',' && namedAt(i - 2) && (j + 1 >= n || tokens.pos[j + 1] === P.PUNCT)) ||
          (j + 1 < n && namedAt(j + 1) && (i === 0 || !NOMINAL[tag[i]!]) && allNominal(i, j)));
      if (describesName && !appositive && !(i >= 2 && tokens.pos[i - 1] === P.AUX && namedAt(i - 2))) continue;
      const m = matched[j + 1]! - matched[i]!;
      if (!record) k = 0;
      if (k + 2 * (48 + chunks.length) > ids.length) {
        const grown = new Uint32Array(ids.length * 2);
        grown.set(ids);
        buffer = ids = grown;
        if (!record) scratchIds = grown;
      }
      at = k;
      if (record) {
        for (let x = i * EDGE; x < startEnd[i]!; x++) ids[at++] = startIds[x]!;
        for (let x = j * EDGE; x < endEnd[j]!; x++) ids[at++] = endIds[x]!;
      }
      let score = startScore[i]! + endScore[j]!;
      first.push(i);
      last.push(j);
      score += put(T.length, j - i + 1);
      score += put(T.edgePos, tag[i + 1]! * POS_N + tag[j + 1]!);
      let anyChunk = false;
      // Part of a name or phrase the question itself uses ("Nikola" of "Nikola Tesla" when the question
      // asks about Tesla): a name (1) or a noun phrase (2) with question words outside the span.
      let questionChunk = 0;
      for (const c of chunks) {
        if (c.last < i || c.first > j) continue;
        anyChunk = true;
        const rel = c.first === i && c.last === j ? 0 : c.first <= i && c.last >= j ? 1 : c.first >= i && c.last <= j ? 2 : 3;
        score += put(T.chunk, c.type * RELATIONS + rel);
        if (rel !== 0 && rel !== 2 && matched[c.last + 1]! - matched[c.first]! > m) questionChunk |= c.type === CHUNK.PROPER ? 1 : c.type === CHUNK.NP || c.type === CHUNK['NP-OF'] ? 2 : 0;
      }
      if (!anyChunk) score += put(T.chunk, NO_CHUNK * RELATIONS);
      score += put(T.questionChunk, questionChunk);
      // Answers rarely repeat the question.
      score += put(T.overlap, m === 0 ? 0 : m === inner ? 4 : m * 2 < inner ? 1 : m * 2 === inner ? 2 : 3);
      const r = j + 1 < n ? rightOf[j]! : -1;
      // Question words within five tokens either side: the question's context around its gap.
      const around = matched[i]! - matched[Math.max(0, i - 5)]! + matched[Math.min(n, j + 6)]! - matched[j + 1]!;
      score += put(T.matchesAround, Math.min(4, around));
      score += put(T.between, l >= 0 && r >= 0 && i - l <= 8 && r - j <= 8 ? 1 : 0);
      // The nearest matched question verb: its side and distance, by the wh-phrase's role.
      let side = 0;
      let vd = DIST - 1;
      let best = Infinity;
      for (const v of verbs) {
        if (v >= i && v <= j) continue;
        const d = v < i ? i - v : v - j;
        if (d < best) {
          best = d;
          side = v < i ? 1 : 2;
          vd = distBucket(d);
        }
      }
      score += put(T.verbSide, (frame.whRole * 3 + side) * DIST + vd);
      // The focus noun: "how many *civilians*" -> "213 civilians"; "which *river*" -> "the Rhine river".
      let focus = 0;
      if (frame.focusTerm >= 0) {
        focus = focusAt[j] ? 2 : 1;
        if (focus === 1) for (let t = i; t < j; t++) if (focusAt[t]) focus = 3;
        if (focus === 1 && (focusAt[j + 1] || focusAt[j + 2])) focus = 4;
      }
      score += put(T.focus, focus);
      const caps = capital[j + 1]! - capital[i]!;
      const shape = i === j && year(i) ? 0 : digits[j + 1]! > digits[i]! ? 1 : caps === inner ? 2 : caps > 0 ? 3 : 4;
      score += put(T.shape, shape);
      if (focusBlock >= 0) score += put(T.focusShape, focusBlock + shape);
      const c = Math.min(2, commas[j + 1]! - commas[i]!);
      score += put(T.inner, (c * 2 + (conj[j + 1]! > conj[i]! ? 1 : 0)) * 2 + (paren[j + 1]! > paren[i]! ? 1 : 0));
      // How much of the question the sentence matches near the span, and in its segment.
      let w3 = near3;
      let w8 = near8;
      for (let t = j + 1; t < Math.min(n, j + 9); t++) {
        w8 |= bit[t]!;
        if (t <= j + 3) w3 |= bit[t]!;
      }
      score += put(T.window3, share(w3));
      score += put(T.window8, share(w8));
      score += put(T.segment, share((segmentMask[segment[i]!]! | segmentMask[segment[j]!]!) & ~inside));
      // Exactly an entity or chunk: the span's type, for the kinds of answer questions expect.
      let type = exact.get(i * MAX_TOKENS + j) ?? SPAN_TYPES - 1;
      if (type === SPAN_TYPES - 1 && digits[j + 1]! > digits[i]!) type = SPAN_TYPES - 2;
      score += put(T.typeFit, type);

      // The words right before and right after the span are the question's, alone or as a pair.
      score += put(T.adjacent, (inQ(i - 1) * 4 + inQ(i - 2) * 2 + pairInQ(i - 2)) * 8 + inQ(j + 1) * 4 + inQ(j + 2) * 2 + pairInQ(j + 1));
      // Who said it: the subject of a reporting verb ("French officials said ... the ICC must investigate"),
      // the subject after it ("..., said the minister") or "according to" someone, and whether the
      // question's words are in what was said.
      let reporter = 0;
      if (reporting[j + 1]) reporter = rightMask[j + 2] ? 1 : 2;
      else if (i > 0 && reporting[i - 1] === 2 && (j + 1 >= n || tokens.pos[j + 1] === P.PUNCT)) reporter = leftMask[i - 1] ? 3 : 4;
      else if (i > 1 && tokens.normals[i - 1] === 'to' && tokens.normals[i - 2] === 'according') reporter = leftMask[i - 2] || rightMask[j + 1] ? 5 : 6;
      score += put(T.reporter, reporter);
      const dated = datedPrefix[j + 1]! - datedPrefix[i]!;
      // An apposition or title (above) with no question word and no date in it is the likeliest answer.
      const apposition = appositive && m === 0;
      const rule =
        (asksAgent && (reporter === 1 || reporter === 3 || reporter === 5) ? SPAN_PRIOR.speaker : 0) +
        (asksDate && (type === CHUNK.DATE || type === CHUNK.TIME) ? SPAN_PRIOR.dateEntity : 0) +
        (asksName && dated > 0 ? SPAN_PRIOR.datedName : 0) +
        (apposition ? SPAN_PRIOR.apposition : 0);
      prior.push(rule);
      scores.push(rule + score);
      k = at;
      if (record) rowStart.push(k);
    }
  }
  return {
    tokens,
    klass: q,
    first: Uint16Array.from(first),
    last: Uint16Array.from(last),
    scores: Float64Array.from(scores),
    rowStart: record ? Uint32Array.from(rowStart) : new Uint32Array(0),
    featureIds: record ? ids.slice(0, k) : new Uint32Array(0),
    prior: Float64Array.from(prior),
  };
}

// Each template's block layout: its first weight, its block size, its crossing (0 none, 1 class, 2 kind).
const BLOCK_BASE = Int32Array.from(TEMPLATE_NAMES, (name) => OFFSET[name]);
const BLOCK_SIZE = Int32Array.from(TEMPLATE_NAMES, (name) => valuesOf(name));
const BLOCK_CROSSING = Uint8Array.from(TEMPLATE_NAMES, (name) => ({ shared: 0, class: 1, kind: 2 })[TEMPLATE_VALUES[name][1]]);
const SHARED_BASE = Int32Array.from(TEMPLATE_NAMES, (name) => OFFSET[name] + (blocksOf(name) - 1) * valuesOf(name));

/**
 * Fingerprint of everything that decides a short answer: the learned file, the rules' priors and the
 * candidate limits. Part of the engine's settings, so a cached answer from another model is never served.
 */
export const SPAN_MODEL_VERSION = createHash('sha256')
  .update(JSON.stringify({ spanWeights, prior: SPAN_PRIOR, maxSpan: MAX_SPAN }))
  .digest('hex')
  .slice(0, 16);

/** Where each template starts in a class's table of summed weights. */
const CLASS_OFFSET = new Int32Array(TEMPLATE_NAMES.length);
let classTableSize = 0;
TEMPLATE_NAMES.forEach((name, t) => {
  CLASS_OFFSET[t] = classTableSize;
  classTableSize += valuesOf(name);
});
const classTables = new WeakMap<ArrayLike<number>, Map<number, Float64Array>>();
/** For one question class (and its answer kind), each feature's class-block weight plus its shared-block weight. */
function classWeights(w: ArrayLike<number>, klass: number, kind: number): Float64Array {
  let byClass = classTables.get(w);
  if (!byClass) classTables.set(w, (byClass = new Map()));
  const key = klass * 16 + kind;
  let table = byClass.get(key);
  if (!table) {
    table = new Float64Array(classTableSize);
    TEMPLATE_NAMES.forEach((name, t) => {
      const crossing = TEMPLATE_VALUES[name][1];
      const shared = OFFSET[name] + (blocksOf(name) - 1) * valuesOf(name);
      const own = crossing === 'shared' ? -1 : OFFSET[name] + (crossing === 'class' ? klass : kind) * valuesOf(name);
      for (let v = 0; v < valuesOf(name); v++) table![CLASS_OFFSET[t]! + v] = w[shared + v]! + (own >= 0 ? w[own + v]! : 0);
    });
    byClass.set(key, table);
  }
  return table;
}

/** Scores of a recorded problem's candidates under other weights `w` (for learning). */
export function spanScores(problem: SpanProblem, w: ArrayLike<number>): Float64Array {
  const count = problem.first.length;
  const scores = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    let s = problem.prior[c]!;
    for (let k = problem.rowStart[c]!; k < problem.rowStart[c + 1]!; k++) s += w[problem.featureIds[k]!]!;
    scores[c] = s;
  }
  return scores;
}

/** The calibration's inputs for a problem's pick: its softmax share, its margin over the runner-up, the candidates' number, the question's class. */
export function spanConfidenceFeatures(problem: SpanProblem, scores: Float64Array, best: number): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let z = 0;
  let second = -Infinity;
  for (let c = 0; c < scores.length; c++) {
    z += Math.exp(scores[c]! - max);
    if (c !== best && scores[c]! > second) second = scores[c]!;
  }
  const share = Math.exp(scores[best]! - max) / z;
  const f = new Float64Array(4 + QC);
  f[0] = 1;
  f[1] = share;
  f[2] = Math.min(5, scores[best]! - (second === -Infinity ? scores[best]! - 5 : second)) / 5;
  f[3] = Math.log(scores.length) / 6;
  // Some classes of question are answered right far more often than others (dates, numbers, names).
  f[4 + problem.klass] = 1;
  return f;
}

export interface SpanPick {
  readonly first: number;
  /** Inclusive. */
  readonly last: number;
  /** Calibrated probability that the span is right (SQuAD F1 of at least 0.5 given the right sentence). */
  readonly probability: number;
}

/**
 * The best span of a problem and its calibrated probability, or null when there is no candidate. Scores
 * are the problem's own unless given (the learner scores recorded problems under the weights it tries).
 */
export function pickSpan(problem: SpanProblem, scores: Float64Array = problem.scores, calibration: readonly number[] = spanWeights.calibration): SpanPick | null {
  if (scores.length === 0) return null;
  let best = 0;
  for (let c = 1; c < scores.length; c++) {
    // Ties go to the shorter span, then the earlier one.
    const better = scores[c]! > scores[best]! || (scores[c] === scores[best] && problem.last[c]! - problem.first[c]! < problem.last[best]! - problem.first[best]!);
    if (better) best = c;
  }
  const f = spanConfidenceFeatures(problem, scores, best);
  let s = 0;
  for (let k = 0; k < f.length; k++) s += (calibration[k] ?? 0) * f[k]!;
  return { first: problem.first[best]!, last: problem.last[best]!, probability: 1 / (1 + Math.exp(-s)) };
}

interface SentencePick {
  readonly answer: ShortAnswer;
  /** Calibrated probability that the span is right given that its sentence answers. */
  readonly probability: number;
}

/** The candidate spans of indexed sentence `sentence`, scored by the learned weights. */
export function sentenceSpans(index: Index, question: Question, frame: QuestionFrame, sentence: number): SpanProblem {
  const start = index.sentenceStart[sentence]!;
  return spanProblem(index, question, frame, index.articles[index.sentenceArticle[sentence]!]!.text.slice(start, index.sentenceEnd[sentence]!));
}

/** A sentence with no candidate span scores this as its best (lower than nearly every real best score). */
export const NO_SPAN_SCORE = -5;

/** The best candidate's score: how strongly the sentence holds a phrase of the kind the question asks for. */
export function bestSpanScore(problem: SpanProblem): number {
  if (problem.scores.length === 0) return NO_SPAN_SCORE;
  let best = -Infinity;
  for (const s of problem.scores) if (s > best) best = s;
  return best;
}

/** Span problems already computed for a question, by sentence id (the reranker's second stage makes some). */
export type SpanProblems = ReadonlyMap<number, SpanProblem>;

function bestInSentence(index: Index, question: Question, frame: QuestionFrame, sentence: number, known?: SpanProblems): SentencePick | null {
  const start = index.sentenceStart[sentence]!;
  const article = index.articles[index.sentenceArticle[sentence]!]!;
  const problem = known?.get(sentence) ?? sentenceSpans(index, question, frame, sentence);
  const pick = pickSpan(problem);
  if (!pick) return null;
  const from = start + problem.tokens.starts[pick.first]!;
  const to = start + problem.tokens.ends[pick.last]!;
  return { answer: { text: article.text.slice(from, to), start: from, end: to, sentenceId: sentence }, probability: pick.probability };
}

/** The short answer in sentence `sentence`: the best span when its calibrated probability reaches `threshold`. */
export function extractShortAnswer(index: Index, question: Question, sentence: number, threshold: number = spanWeights.threshold): ShortAnswer | null {
  // A yes-no question has no phrase for an answer.
  if (question.type === 'yes-no') return null;
  const pick = bestInSentence(index, question, questionFrame(question), sentence);
  return pick && pick.probability >= threshold ? pick.answer : null;
}

/** A cited sentence and the reranker's probability that it answers. */
export interface CitedSentence {
  readonly sentence: number;
  readonly probability: number;
}

/**
 * The short answer from the cited sentences: each one's best span, weighed by P(the sentence answers) x
 * P(the span is right | it does), so that a second citation nearly as likely as the first gives the answer
 * when its span is clearly better. The answer is always inside one of the sentences the user is shown;
 * it is shown when the chosen span's own probability reaches `threshold`.
 */
export function shortAnswerOf(index: Index, question: Question, cited: readonly CitedSentence[], threshold: number = spanWeights.threshold, known?: SpanProblems): ShortAnswer | null {
  if (question.type === 'yes-no' || cited.length === 0) return null;
  // "What does ICC stand for?": the words that spell it out are the answer.
  if (question.expansion !== null) {
    for (const c of cited.slice(0, MAX_CITED)) {
      const found = expansionOf(index, c.sentence, question.expansion);
      if (found) return { text: index.articles[index.sentenceArticle[c.sentence]!]!.text.slice(found.start, found.end), ...found, sentenceId: c.sentence };
    }
  }
  const frame = questionFrame(question);
  let best: SentencePick | null = null;
  let bestValue = -1;
  for (const c of cited.slice(0, MAX_CITED)) {
    const pick = bestInSentence(index, question, frame, c.sentence, known);
    if (pick && c.probability * pick.probability > bestValue) {
      best = pick;
      bestValue = c.probability * pick.probability;
    }
  }
  return best && best.probability >= threshold ? best.answer : null;
}
/** Where sentence `s` spells out `acronym` (expansionIn), as offsets into its article, or null. */
export function expansionOf(index: Index, s: number, acronym: string): { start: number; end: number } | null {
  const start = index.sentenceStart[s]!;
  const found = expansionIn(index.articles[index.sentenceArticle[s]!]!.text.slice(start, index.sentenceEnd[s]), acronym);
  return found === null ? null : { start: start + found.start, end: start + found.end };
}

/** At most this many sentences are read for a short answer (each costs a full analysis). */
export const MAX_CITED = 3;
