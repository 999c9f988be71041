// Tokens to index terms. A term is the Porter2 stem of a word's lemma, so inflection and most derivation
// collapse ("investigation", "investigate", "investigators" -> "investig"; "said" -> "say"). Quote marks
// and whitespace are normalised by the tokenizer; numbers are kept, with digit-group commas removed.
import { irregularLemma, P, stem } from '../nlp/wink.ts';

/** Term id 0 means "no term": punctuation, symbols, empty tokens. */
export const NO_TERM = 0;

/** wink does not flag these as stop words, but in a question or a sentence they carry no topic. */
const EXTRA_STOP = new Set(['’s', "'s", 's', '’', "'", 'also', 'would', 'could', 'should', 'might', 'must', 'may', 'shall', 'will', 'can']);

/**
 * wink flags these as stop words, but a question turns on them: numbers in words ("three turnovers"),
 * ordinals and superlatives ("the first quarterback"), and a few content verbs and nouns. Kept as terms;
 * BM25's idf weighs them by how common they are.
 */
const KEEP = new Set([
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen', 'twenty',
  'fifty', 'hundred', 'thousand', 'million', 'billion', 'first', 'second', 'third', 'last', 'most', 'least', 'many',
  'several', 'few', 'name', 'became', 'become', 'becomes', 'used', 'use', 'uses', 'before', 'after', 'during', 'since',
  'until', 'between', 'against', 'without', 'within', 'among', 'top', 'bottom', 'front', 'back', 'full', 'part', 'move',
  'show', 'call', 'find', 'found', 'fire', 'amount', 'bill', 'side', 'system', 'interest', 'sincere', 'describe', 'serious',
]);

/** Are two strings at most one insertion, deletion, substitution or adjacent transposition apart? */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Is a word (wink's normal form, with wink's stop flag) a stop word for the index? */
export function isStopWord(normal: string, winkStop: boolean, pos: number): boolean {
  // A proper noun is never a stop word: "May" the month, "Will" the name, "The Who".
  if (pos === P.PROPN) return false;
  return isStopForm(normal, winkStop, pos);
}

function isStopForm(normal: string, winkStop: boolean, pos: number): boolean {
  if (EXTRA_STOP.has(normal)) return true;
  // Kept words are kept in every form: wink flags "using" but not "used", and both are the term "use".
  return winkStop && !keptTerms().has(termText(normal, pos));
}

let kept: Set<string> | null = null;
function keptTerms(): Set<string> {
  if (kept === null) kept = new Set([...KEEP].flatMap((w) => [termText(w, P.VERB), termText(w, P.NOUN), termText(w, P.ADJ)]));
  return kept;
}

/** A proper noun spelled like a stop word ("May", "Will") is a term of its own, so it never shares an id, or
 * a stop flag, with the modal. */
const PROPER_MARK = '^';

export class Vocabulary {
  readonly terms: string[] = [''];
  readonly stop: number[] = [1];
  private readonly ids = new Map<string, number>();
  // First-level caches keyed by the token's normal form, one per part-of-speech class that lemmatises
  // differently; a repeated word costs one Map lookup, never a second stem.
  private readonly byVerb = new Map<string, number>();
  private readonly byNoun = new Map<string, number>();
  private readonly byProper = new Map<string, number>();
  private readonly byOther = new Map<string, number>();

  static from(terms: readonly string[], stop: ArrayLike<number>): Vocabulary {
    const v = new Vocabulary();
    v.terms.length = 0;
    v.stop.length = 0;
    for (let i = 0; i < terms.length; i++) {
      v.terms.push(terms[i] as string);
      v.stop.push(stop[i] as number);
      if (i > 0) v.ids.set(terms[i] as string, i);
    }
    return v;
  }

  get size(): number {
    return this.terms.length;
  }

  /** The id of an already-known term string, or NO_TERM. */
  lookup(term: string): number {
    return this.ids.get(term) ?? NO_TERM;
  }

  // Terms by first letter and length, for spelling-tolerant lookups; built on first use.
  private byInitial: Map<string, number[]> | null = null;

  /**
   * A known term one edit away from `term` (an insertion, deletion, substitution or transposition of
   * neighbours, Damerau 1964), for words of five letters or more: "tackels" finds "tackles", "Mullet" finds
   * "Mullett". The first such term in vocabulary order, or NO_TERM.
   */
  nearest(term: string): number {
    if (term.length < 5 || this.ids.has(term)) return this.ids.get(term) ?? NO_TERM;
    if (!this.byInitial) {
      this.byInitial = new Map();
      for (let id = 1; id < this.terms.length; id++) {
        if (this.stop[id] === 1) continue;
        const t = this.terms[id] as string;
        const key = `${t.charAt(0)}${t.length}`;
        const list = this.byInitial.get(key);
        if (list) list.push(id);
        else this.byInitial.set(key, [id]);
      }
    }
    // One edit changes the length by at most one; the first letter is kept (typos rarely hit it).
    let found = NO_TERM;
    for (const length of [term.length, term.length - 1, term.length + 1]) {
      for (const id of this.byInitial.get(`${term.charAt(0)}${length}`) ?? []) {
        if ((found === NO_TERM || id < found) && withinOneEdit(term, this.terms[id] as string)) {
          found = id;
          break;
        }
      }
    }
    return found;
  }

  /**
   * For a word of five letters or more whose term is shorter (nearest() leaves those alone: "caled" stems to
   * "cale", one edit from "call", "care" and "case" alike): the known term of a word one edit from the word as
   * typed, its first letter kept ("called"): the one `frequency` rates highest (the corpus's commonest, as a
   * spelling corrector prefers: "caled" is "called" rather than "cased"), the first in vocabulary order among
   * equals; or NO_TERM. Letters a to z.
   */
  nearestWord(word: string, pos: number, frequency: (id: number) => number = () => 0): number {
    if (word.length < 5 || !/^[a-z]+$/.test(word)) return NO_TERM;
    let found = NO_TERM;
    let best = -1;
    const consider = (w: string) => {
      const id = this.ids.get(termText(w, pos));
      if (id === undefined || this.stop[id] === 1 || id === found) return;
      const f = frequency(id);
      if (f > best || (f === best && id < found)) {
        found = id;
        best = f;
      }
    };
    for (let i = 1; i <= word.length; i++) {
      const head = word.slice(0, i);
      if (i < word.length) consider(head + word.slice(i + 1));
      if (i + 1 < word.length) consider(head + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2));
      for (let c = 97; c <= 122; c++) {
        const letter = String.fromCharCode(c);
        consider(head + letter + word.slice(i));
        if (i < word.length && letter !== word.charAt(i)) consider(head + letter + word.slice(i + 1));
      }
    }
    return found;
  }

  /** Each term's forms as the build met them (wink's normal forms, lower case), for looking its words up in
   * a dictionary. Empty for a vocabulary restored from a snapshot, which saves what the build made of them. */
  formsByTerm(): Map<number, string[]> {
    const forms = new Map<number, string[]>();
    for (const cache of [this.byNoun, this.byVerb, this.byOther, this.byProper]) {
      for (const [normal, id] of cache) {
        const list = forms.get(id);
        if (!list) forms.set(id, [normal]);
        else if (!list.includes(normal)) list.push(normal);
      }
    }
    return forms;
  }

  private intern(term: string, isStop: boolean): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(term);
      this.stop.push(isStop ? 1 : 0);
      this.ids.set(term, id);
    }
    return id;
  }

  /**
   * The term id of one token. `value` is the token as written, `normal` wink's normal form, `pos` its tag,
   * `isStop` wink's stop-word flag. With `add` false an unknown term gives NO_TERM (for questions).
   */
  termOf(value: string, normal: string, pos: number, isStop: boolean, add = true): number {
    if (pos === P.PUNCT || pos === P.SYM || pos === P.SPACE) return NO_TERM;
    // An acronym ("US", "ONS", "ICC") is a name: not the pronoun, not a stem of another word.
    const acronym = acronymTerm(value);
    if (acronym !== null) return add ? this.intern(acronym, false) : this.lookup(acronym);
    const cache = pos === P.VERB || pos === P.AUX ? this.byVerb : pos === P.NOUN ? this.byNoun : pos === P.PROPN ? this.byProper : this.byOther;
    const cached = cache.get(normal);
    if (cached !== undefined) return cached;
    const term = termText(normal, pos);
    if (term.length === 0) return NO_TERM;
    const stop = isStopWord(normal, isStop, pos);
    const key = pos === P.PROPN && isStopForm(normal, isStop, P.X) ? PROPER_MARK + term : term;
    if (!add) return this.lookup(key);
    const id = this.intern(key, stop);
    cache.set(normal, id);
    return id;
  }
}

/** Capitals only, 2 to 6 letters (a plural "s" allowed): the term is the acronym itself, never stemmed. */
export function acronymTerm(value: string): string | null {
  if (value.length < 2 || value.length > 7 || !/^\p{Lu}{2,6}s?$/u.test(value)) return null;
  return value.endsWith('s') ? value.slice(0, -1) : value;
}

/** The term string for a normalised token. */
export function termText(normal: string, pos: number): string {
  if (/^[\d.,]+$/.test(normal)) {
    // 250,000 and 250000 are the same number; a trailing full stop is punctuation.
    return normal.replace(/,(?=\d{3}\b)/g, '').replace(/\.$/, '');
  }
  const word = normal.replace(/[’‘`´]/g, "'");
  const lemma = irregularLemma(word, pos) ?? word;
  return stem(lemma);
}
