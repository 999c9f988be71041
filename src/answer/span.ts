// The short answer: a phrase of the best sentence of the type the question asks for ("French officials",
// "6am local time", "213"). Candidate phrases come from wink's tags and entities; a linear model over
// span features (weights learned on half of SQuAD) picks one, or none when nothing fits.
import type { Index } from '../index/types.ts';
import { NO_TERM } from '../index/terms.ts';
import { analyse, P, type EntitySpan, type TokenStream } from '../nlp/wink.ts';
import type { AnswerType, Question } from './question.ts';
import type { ShortAnswer } from './types.ts';
import weights from './weights.json' with { type: 'json' };

export type SpanKind = 'date' | 'number' | 'proper' | 'noun';

export interface SpanCandidate {
  /** Token range in the sentence's token stream, [first, end). */
  readonly first: number;
  readonly end: number;
  readonly kind: SpanKind;
}

export const SPAN_FEATURES = [
  'bias',
  'typeMatch', // the span's kind is what the question wants
  'typeClash', // the span is of another answer kind (a date for a who-question)
  'overlap', // share of the span's words that are in the question
  'near', // closeness to the nearest question word in the sentence
  'beforeVerb', // directly followed by a verb (a subject: "French officials said")
  'afterPrep', // right after a preposition
  'focus', // contains the question's focus noun ("which river" -> "the Rhine river")
  'proper', // contains a proper noun
  'length', // tokens, scaled
  'leftOfMatch', // lies before the first question word in the sentence
  'comma', // set off by a comma or parenthesis (an appositive)
] as const;
export const SPAN_FEATURE_COUNT = SPAN_FEATURES.length;

const DATE_ENTITIES = new Set(['DATE', 'TIME', 'DURATION']);
const NUMBER_ENTITIES = new Set(['CARDINAL', 'MONEY', 'PERCENT', 'ORDINAL', 'QUANTITY']);
const PREPOSITIONS = new Set(['in', 'at', 'on', 'from', 'since', 'by', 'during', 'near', 'to', 'into', 'of', 'until', 'before', 'after']);

const spanWeights = Float64Array.from(weights.span);
if (spanWeights.length !== SPAN_FEATURE_COUNT) throw new Error(`span: weights.json has ${spanWeights.length} span weights, expected ${SPAN_FEATURE_COUNT}`);

function isNounish(tag: number): boolean {
  return tag === P.NOUN || tag === P.PROPN || tag === P.NUM;
}

/** Candidate phrases of a tagged sentence. */
export function spanCandidates(tokens: TokenStream, entities: readonly EntitySpan[]): SpanCandidate[] {
  const out: SpanCandidate[] = [];
  const seen = new Set<string>();
  const add = (first: number, end: number, kind: SpanKind) => {
    if (end <= first) return;
    // Trim punctuation at the edges.
    while (first < end && tokens.pos[first] === P.PUNCT) first++;
    while (end > first && tokens.pos[end - 1] === P.PUNCT) end--;
    if (end <= first) return;
    const key = `${first}:${end}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ first, end, kind });
  };
  for (const e of entities) {
    if (DATE_ENTITIES.has(e.type)) add(e.first, e.last + 1, 'date');
    else if (NUMBER_ENTITIES.has(e.type)) {
      // A number takes its unit along: "213 civilians", "$5 million".
      let end = e.last + 1;
      while (end < tokens.pos.length && tokens.pos[end] === P.NOUN && end - e.last <= 2) end++;
      add(e.first, end, 'number');
      if (end > e.last + 1) add(e.first, e.last + 1, 'number');
    }
  }
  const n = tokens.pos.length;
  const tag = (i: number) => tokens.pos[i] as number;
  for (let i = 0; i < n; i++) {
    // Proper-noun runs, with "of"/"and"/"-" inside them: "Bashar al-Assad", "Foreign Ministry", "University of Chicago".
    if (tag(i) === P.PROPN && (i === 0 || tag(i - 1) !== P.PROPN)) {
      let j = i + 1;
      for (;;) {
        if (j < n && tag(j) === P.PROPN) j++;
        else if (j + 1 < n && (tokens.values[j] === '-' || /^(?:of|de|al|and)$/i.test(tokens.values[j] as string)) && tag(j + 1) === P.PROPN) j += 2;
        else break;
      }
      add(i, j, 'proper');
    }
    // Noun phrases: optional determiner, modifiers, and a noun run.
    if (isNounish(tag(i)) || tag(i) === P.ADJ || tag(i) === P.DET) {
      if (i > 0 && (isNounish(tag(i - 1)) || tag(i - 1) === P.ADJ || (tag(i - 1) === P.DET && tag(i) !== P.DET))) continue;
      let j = i;
      if (tag(j) === P.DET) j++;
      while (j < n && (tag(j) === P.ADJ || tag(j) === P.NUM || tag(j) === P.ADV && tag(j + 1) === P.ADJ)) j++;
      let k = j;
      while (k < n && (tag(k) === P.NOUN || tag(k) === P.PROPN || (tag(k) === P.PART && /^['’]s$/.test(tokens.values[k] as string)))) k++;
      if (k > j) {
        add(i, k, 'noun');
        if (tag(i) === P.DET) add(i + 1, k, 'noun');
      }
    }
  }
  for (let i = 0; i < n; i++) if (tag(i) === P.NUM && !out.some((c) => c.first <= i && i < c.end && c.kind === 'number')) add(i, i + 1, 'number');
  return out;
}

function kindFits(kind: SpanKind, expects: AnswerType, tokens: TokenStream, c: SpanCandidate): boolean {
  switch (expects) {
    case 'date':
      return kind === 'date' || (kind === 'number' && /^(?:1[0-9]|20)\d\d$/.test(tokens.values[c.first] as string));
    case 'number':
      return kind === 'number';
    case 'agent':
    case 'place':
      return kind === 'proper' || (kind === 'noun' && Array.from({ length: c.end - c.first }, (_, k) => tokens.values[c.first + k] as string).some((w) => /^\p{Lu}/u.test(w)));
    case 'thing':
      return kind === 'noun' || kind === 'proper';
    default:
      return false;
  }
}

/** Fill `out` with one span's features. `inQuestion[t]` marks sentence tokens whose term is in the question. */
export function spanFeatures(question: Question, tokens: TokenStream, inQuestion: Uint8Array, c: SpanCandidate, out: Float64Array): void {
  const n = tokens.pos.length;
  let overlap = 0;
  let content = 0;
  let proper = 0;
  let focus = 0;
  for (let t = c.first; t < c.end; t++) {
    if (tokens.stop[t] !== 1 && tokens.pos[t] !== P.PUNCT) {
      content++;
      if (inQuestion[t]) overlap++;
    }
    if (tokens.pos[t] === P.PROPN) proper = 1;
    if (question.focus !== null && tokens.normals[t] === question.focus) focus = 1;
  }
  let nearest = Infinity;
  let firstMatch = -1;
  for (let t = 0; t < n; t++) {
    if (!inQuestion[t]) continue;
    if (firstMatch === -1) firstMatch = t;
    if (t >= c.first && t < c.end) continue;
    const d = t < c.first ? c.first - t : t - c.end + 1;
    if (d < nearest) nearest = d;
  }
  const after = c.end < n ? (tokens.pos[c.end] as number) : -1;
  const before = c.first > 0 ? (tokens.values[c.first - 1] as string) : '';
  const fits = kindFits(c.kind, question.expects, tokens, c);
  out[0] = 1;
  out[1] = fits ? 1 : 0;
  out[2] = !fits && (c.kind === 'date' || c.kind === 'number') && question.expects !== 'thing' ? 1 : 0;
  out[3] = content > 0 ? overlap / content : 1;
  out[4] = nearest === Infinity ? 0 : 1 / nearest;
  out[5] = after === P.VERB || after === P.AUX ? 1 : 0;
  out[6] = PREPOSITIONS.has(before.toLowerCase()) ? 1 : 0;
  out[7] = focus;
  out[8] = proper;
  out[9] = Math.min(1, (c.end - c.first) / 6);
  out[10] = firstMatch !== -1 && c.end <= firstMatch ? 1 : 0;
  out[11] = before === ',' || before === '(' || (c.end < n && (tokens.values[c.end] === ',' || tokens.values[c.end] === ')')) ? 1 : 0;
}

/** Mark the tokens of a tagged sentence whose term the question asks about. */
export function questionTokens(index: Index, question: Question, tokens: TokenStream): Uint8Array {
  const wanted = new Set<number>();
  for (const t of question.terms) if (t.id !== NO_TERM) wanted.add(t.id);
  const words = new Set(question.terms.map((t) => t.word.toLowerCase()));
  const marks = new Uint8Array(tokens.pos.length);
  for (let t = 0; t < marks.length; t++) {
    const id = index.vocabulary.termOf(tokens.values[t] as string, tokens.normals[t] as string, tokens.pos[t] as number, tokens.stop[t] === 1, false);
    if ((id !== NO_TERM && wanted.has(id)) || words.has((tokens.values[t] as string).toLowerCase())) marks[t] = 1;
  }
  // Acronym definitions: the expansion's words count as the acronym the question used, and vice versa.
  for (const qt of question.terms) {
    const expansion = index.acronyms.get(qt.id);
    if (!expansion) continue;
    const set = new Set(expansion);
    for (let t = 0; t < marks.length; t++) {
      const id = index.vocabulary.termOf(tokens.values[t] as string, tokens.normals[t] as string, tokens.pos[t] as number, tokens.stop[t] === 1, false);
      if (set.has(id)) marks[t] = 1;
    }
  }
  return marks;
}

export interface ScoredSpan {
  readonly candidate: SpanCandidate;
  readonly score: number;
  readonly features: Float64Array;
}

/** Every candidate span of a sentence with its features and score, best first. */
export function scoreSpans(index: Index, question: Question, text: string): { tokens: TokenStream; spans: ScoredSpan[] } {
  const tokens = analyse(text);
  const inQuestion = questionTokens(index, question, tokens);
  const spans = spanCandidates(tokens, tokens.entities).map((candidate) => {
    const features = new Float64Array(SPAN_FEATURE_COUNT);
    spanFeatures(question, tokens, inQuestion, candidate, features);
    let score = 0;
    for (let i = 0; i < SPAN_FEATURE_COUNT; i++) score += spanWeights[i]! * features[i]!;
    return { candidate, score, features };
  });
  spans.sort((a, b) => b.score - a.score || a.candidate.first - b.candidate.first);
  return { tokens, spans };
}

/** The short answer in sentence `sentence`, or null when the question type allows none or nothing fits. */
export function extractShortAnswer(index: Index, question: Question, sentence: number): ShortAnswer | null {
  if (question.expects === 'none') return null;
  const article = index.articles[index.sentenceArticle[sentence]!]!;
  const start = index.sentenceStart[sentence]!;
  const text = article.text.slice(start, index.sentenceEnd[sentence]!);
  const { tokens, spans } = scoreSpans(index, question, text);
  const best = spans[0];
  if (!best || best.score < weights.spanThreshold) return null;
  const from = start + tokens.starts[best.candidate.first]!;
  const to = start + tokens.ends[best.candidate.end - 1]!;
  return { text: article.text.slice(from, to), start: from, end: to };
}
