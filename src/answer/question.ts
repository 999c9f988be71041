// Question analysis: what kind of answer the question wants, and which of its words are the topic. Pure
// apart from wink's tagging of the question text.
import { analyse, P, type TokenStream } from '../nlp/wink.ts';
import { acronymTerm, isStopWord, NO_TERM, termText, type Vocabulary } from '../index/terms.ts';
import { repairShift, spellOut } from '../nlp/words.ts';

export type QuestionType =
  | 'who'
  | 'when'
  | 'where'
  | 'how-many'
  | 'how-much'
  | 'number' // how long / old / far / big..., what percentage
  | 'what'
  | 'which'
  | 'why'
  | 'how'
  | 'yes-no'
  | 'other';

/** What a short answer must be, when the question type allows one. */
export type AnswerType = 'agent' | 'date' | 'place' | 'number' | 'thing' | 'none';

export interface QueryTerm {
  /** Term id in the index vocabulary (NO_TERM when the corpus never uses the word). */
  readonly id: number;
  /** The word as the question has it. */
  readonly word: string;
  /** Token index in the question. */
  readonly at: number;
  readonly proper: boolean;
  readonly numeric: boolean;
  readonly verb: boolean;
  /** Not in the corpus as written; `id` is a term one edit away (a likely typo). */
  readonly fuzzy: boolean;
  /** The word is the question's focus noun ("what *year*"): the answer replaces it more often than repeats it. */
  readonly focus: boolean;
}

export interface Question {
  readonly text: string;
  readonly type: QuestionType;
  readonly expects: AnswerType;
  /** The noun the question asks about: "which *country*", "what *year*". */
  readonly focus: string | null;
  /** Content words, in question order, repeats removed. */
  readonly terms: readonly QueryTerm[];
  readonly tokens: TokenStream;
  /** Term ids of every word of the question after its wh-word, stop words included, in order (NO_TERM for
   * words the corpus never uses): for phrase matches. */
  readonly sequence: readonly number[];
  /** Typed without capitals (the first letter of each sentence, "I" and acronyms aside: "lol. What did I miss in
   * the ICC report") or all in capitals: its names cannot be told by case. */
  readonly caseless: boolean;
  /** Asks about the present state of things: "now", "currently", "these days" (asksAboutNow). */
  readonly asksNow: boolean;
  /** The acronym a question asks the meaning of ("What does ICC stand for?": "ICC"), or null (expansionAsked). */
  readonly expansion: string | null;
}

/** Words whose capitals say nothing of how the asker writes names: the pronoun I, and acronyms ("ICC", "NGOs",
 * "U.S."). */
const ACRONYM_OR_I = /(?<![\p{L}\p{N}])(?:\p{Lu}[\p{Lu}\p{N}]+s?|(?:\p{Lu}\.){2,}|I)(?![\p{L}\p{N}])/gu;
/** The first letter of a question, and of each sentence in it ("lol. What did..."). */
const SENTENCE_START = /(^[^\p{L}]*|[.!?]\s+[^\p{L}]*)\p{L}/gu;
/** Words that ask about the present state of things, and a span of time that runs up to now ("in the past few
 * days", "over the last couple of weeks": an article's present, so a sentence only about years before its latest
 * tells nothing of it; not "the last few days of the war"). Words of recent events ("today", "this week",
 * "yesterday") are left out: "What did Diageo say today?" asks about a statement a news article reports in the past
 * tense, with the year of its figures. */
const NOW_WORDS = /\b(?:now|nowadays|currently|these days|at (?:the moment|present)|(?:in|over|during) the (?:past|last) (?:few |couple of |several )?(?:days|weeks)(?!\s+(?:of|before|after)\b))\b/i;
/** The words that ask for an expansion rather than name a topic. */
const ASKING_EXPANSION = /^(?:stands?|stood|short|shorthand|mean|acronym|abbreviation|letters)$/i;
/** "What does ICC stand for?", "whats the acronym icc short for", "What does ICC mean?": the acronym is the word
 * right before the asking words. "mean" ends the question ("What did the CBI mean by its warning?" asks something
 * else), and nothing stands between the acronym and "stand for" ("What seat did the UKIP candidate stand for?"). */
const WHAT_DOES = /^\W*what(?:\s+(?:does|do|did|is|was)|['’]?s)\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+)?["“'‘]?([\p{L}\p{N}&]{2,12})["”'’]?\s+(?:acronym\s+|abbreviation\s+)?(?:(?:stands?|stood|short|shorthand)\s+for\b|mean\s*(?:[?.!]|$))/iu;
const WH = new Set(['who', 'whom', 'whose', 'when', 'where', 'why', 'what', 'which', 'how']);
const AUX_START = /^(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might)$/i;
const PLACE_NOUNS = /^(?:country|countries|city|cities|town|state|states|place|region|continent|nation|location|area|province|county|island|river|capital|village|where)$/;
const TIME_NOUNS = /^(?:year|years|date|day|month|time|century|decade|era|period|season|age)$/;
const AGENT_NOUNS = /^(?:person|people|man|woman|men|women|organi[sz]ation|group|company|team|official|officials|leader|president|minister|author|player|body|agency|country|government)$/;
const NUMBER_NOUNS = /^(?:percentage|percent|number|amount|proportion|share|rate|total|size|population|cost|price)$/;
const MEASURE_ADJ = /^(?:long|old|far|big|large|tall|high|deep|wide|heavy|often|fast|much|many)$/;

/** Unicode cleanup for text typed into a chat box: NFKC, straight quotes, no control characters. */
export function normaliseQuestion(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/gu, ' ')
    .replace(/[\ud800-\udfff]/gu, (c, i: number, s: string) => {
      // Keep proper surrogate pairs, drop lone halves.
      const code = c.charCodeAt(0);
      const next = s.charCodeAt(i + 1);
      const prev = s.charCodeAt(i - 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return c;
      if (code >= 0xdc00 && prev >= 0xd800 && prev <= 0xdbff) return c;
      return ' ';
    })
    .replace(/[‘’`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/gu, ' ')
    .trim();
}

function typeOf(words: string[], tags: Uint8Array): { type: QuestionType; expects: AnswerType; focus: string | null } {
  // The first wh-word decides; "In what year..." and "The Normans were from which country?" included. One right after
  // a noun opens a relative clause when another follows: "The area where Jacksonville sits has been inhabited for
  // how many years?" asks how many. "what" opens none ("According to Tesla what had been gone over...?").
  let wh = -1;
  for (let i = 0; i < words.length; i++) {
    if (!WH.has(words[i] as string)) continue;
    if (wh === -1) wh = i;
    else if (words[wh] !== 'what' && (tags[wh - 1] === P.NOUN || tags[wh - 1] === P.PROPN)) {
      wh = i;
      break;
    } else break;
  }
  if (wh === -1) {
    return AUX_START.test(words[0] ?? '') ? { type: 'yes-no', expects: 'none', focus: null } : { type: 'other', expects: 'thing', focus: null };
  }
  const w = words[wh] as string;
  const next = words[wh + 1] ?? '';
  // The focus noun: the first noun after "what/which" (skipping adjectives and determiners).
  let focus: string | null = null;
  for (let i = wh + 1; i < Math.min(words.length, wh + 4); i++) {
    const tag = tags[i];
    if (tag === P.NOUN || tag === P.PROPN) {
      focus = words[i] as string;
      break;
    }
    if (tag !== P.ADJ && tag !== P.DET && tag !== P.NUM) break;
  }
  switch (w) {
    case 'who':
    case 'whom':
    case 'whose':
      return { type: 'who', expects: 'agent', focus: null };
    case 'when':
      return { type: 'when', expects: 'date', focus: null };
    case 'where':
      return { type: 'where', expects: 'place', focus: null };
    case 'why':
      return { type: 'why', expects: 'none', focus: null };
    case 'how':
      if (next === 'many') return { type: 'how-many', expects: 'number', focus };
      if (next === 'much') return { type: 'how-much', expects: 'number', focus };
      if (MEASURE_ADJ.test(next)) return { type: 'number', expects: 'number', focus: next };
      return { type: 'how', expects: 'none', focus: null };
    default: {
      const type: QuestionType = w === 'which' ? 'which' : 'what';
      if (focus !== null) {
        if (TIME_NOUNS.test(focus)) return { type: 'when', expects: 'date', focus };
        if (NUMBER_NOUNS.test(focus)) return { type: 'number', expects: 'number', focus };
        if (PLACE_NOUNS.test(focus)) return { type, expects: 'place', focus };
        if (AGENT_NOUNS.test(focus)) return { type, expects: 'agent', focus };
      }
      return { type, expects: 'thing', focus };
    }
  }
}

/** Offices held by one person or a few at a time. */
const OFFICES = String.raw`(?:president|vice[- ]president|prime minister|premier|chancellor|minister|secretary|leader|head|chief|chief executive|ceo|chairman|chairwoman|chair|vice[- ]chair|director|governor|mayor|king|queen|monarch|ruler|pope|ambassador|envoy|commander|spokesman|spokeswoman|coach|manager|captain|boss|owner)s?`;
/** Who holds an office, asked in the present tense: "Who is France's foreign minister?", "who's the president of
 * Syria", "Who are the club's owners?". It asks for the holder now, not one an encyclopedia names for 1758. The
 * office ends a short noun phrase right after "who is": not "Who is the man the president met?", "Who is accused of
 * killing the king?", nor "Who is the first president...?", "...the former president...?", which ask about the past. */
const OFFICE_HOLDER = new RegExp(String.raw`^\W*who(?:\s+is|\s+are|['’]s)\s+(?:(?:the|an?)\s+)?(?!(?:former|ex|first|last|late|previous|founding|then|original)\b)(?:(?!(?:the|an?)\b)[\p{L}\p{N}'’.-]+\s+){0,3}?${OFFICES}\b`, 'iu');

/** A when-question about what is still to come: "When will the first ID cards be issued?", "When is the election
 * expected to be held?", "When is the verdict due?", "when's Liverpool's new stadium opening" (an -ing word ending
 * the question, not after an article or "to": "When is the wedding?" asks no such thing, nor do "morning", "evening"
 * and "spring"; "When is the board meeting?" does). Within one clause: "When is the match, and who is going to
 * referee?" is not one, and a stop ends a clause only before a space ("Opera 8.0"). "due to" is not "because of"
 * ("...closed due to flooding"). "will" in lower case, or in a question all in capitals: "When Will Carter ran the
 * tug..." names a man (WHEN_WILL, without the i flag). "When does the stadium open?" is not read so: SQuAD asks that
 * of what happens every year. */
const WHEN_WILL = /^\W*(?:(?:[Aa]nd|[Ss]o|[Bb]ut|AND|SO|BUT)\s+)?(?:[Ww]hen|WHEN)\s+(?:will|WILL)\b/u;
const WHEN_AHEAD = new RegExp(
  String.raw`^\W*(?:(?:and|so|but)\s+)?when(?:\s+(?:is|are)|['’]s)\b(?:` +
    String.raw`(?:[^?.;,]|\.(?!\s)){0,80}?\b(?:expected|due|scheduled|set|planned|going)\s+to\b(?!\s+\p{L}+ing\b)` +
    String.raw`|(?:[^?.;,]|\.(?!\s)){0,80}?\b(?:expected|due|scheduled|planned)\s*\??\s*$` +
    String.raw`|\s+(?:[\p{L}\p{N}'’.-]+\s+){0,5}?(?!(?:the|an?|to)\b)[\p{L}\p{N}'’.-]+\s+(?!(?:morning|evening|spring)\b)\p{L}{2,}ing\s*\??\s*$)`,
  'iu',
);

/** Whether a question asks about the present state of things ("What year is the war in now?", "Who currently owns
 * Ferrari?", "Who is Syria's president?"), or about what is still to come ("When will the stadium open?"). */
export function asksAboutNow(text: string): boolean {
  return NOW_WORDS.test(text) || OFFICE_HOLDER.test(text) || WHEN_WILL.test(text) || WHEN_AHEAD.test(text);
}

/** The acronym a question asks the meaning of ("What does ICC stand for?", "What did the LMP acronym stand for
 * regarding...", "what does vBNS stand for", "whats icc short for", "What does ICC mean?"), in the question's form when
 * it is mostly capitals, else in capitals when `isAcronym` says the corpus writes it as one ("what does icc stand
 * for"; "what does the party stand for" and "What does PlayStation mean?" ask no such thing). Null when the
 * question asks no such thing, or names an acronym with digits ("G20"). */
export function expansionAsked(text: string, isAcronym: (word: string) => boolean): string | null {
  const word = WHAT_DOES.exec(text)?.[1];
  // "what is it short for": a pronoun in lower case is no acronym ("IT" in capitals may be).
  if (word === undefined || /\p{N}/u.test(word) || /^(?:it|its|this|that|these|those|they|he|she|we|you|i|one)$/.test(word)) return null;
  const capitals = (word.match(/\p{Lu}/gu) ?? []).length;
  if (/\p{Ll}/u.test(text) && capitals >= 2 && capitals * 2 >= word.length) return word;
  const upper = word.toUpperCase();
  if (isAcronym(upper)) return upper;
  // "ngos": the corpus writes NGO, and "NGOs" is its plural.
  return /S$/.test(upper) && isAcronym(upper.slice(0, -1)) ? `${upper.slice(0, -1)}s` : null;
}

/** Whether the corpus uses `word` as an acronym ("icc" as ICC). */
const knownAcronym = (vocabulary: Vocabulary, word: string): boolean => vocabulary.lookup(word.toUpperCase()) !== NO_TERM;

/**
 * Analyse a question against an index vocabulary. Words the corpus never uses keep NO_TERM as their id:
 * they count against confidence (a question about something the articles never mention). `frequency` rates a
 * term by how common it is in the corpus, for reading a typo as its commonest neighbour.
 */
export function analyseQuestion(raw: string, vocabulary: Vocabulary, frequency?: (id: number) => number): Question {
  // The question as typed is what the reply shows; it is read with a capital typed twice made one ("WHen").
  const typed = normaliseQuestion(raw);
  const text = repairShift(typed);
  // Typed in capitals, a question's capitals say nothing, and every word would be tagged a name ("WHO CALLED FOR
  // AN ICC INVESTIGATION?" would ask about someone called "CALLED"): it is read as if typed in lower case.
  const shouted = /\p{Lu}/u.test(text) && !/\p{Ll}/u.test(text);
  // Chat spellings are read as the articles write them ("ppl" as "people", "feb" as "february").
  const read = spellOut(shouted ? text.toLowerCase() : text, (word) => vocabulary.lookup(termText(word, P.NOUN)) !== NO_TERM || knownAcronym(vocabulary, word));
  const tokens = analyse(read);
  // The first letter of each sentence left out: a keyboard capitalises it for the asker.
  const caseless = shouted || !/\p{Lu}/u.test(text.replace(ACRONYM_OR_I, ' ').replace(SENTENCE_START, '$1'));
  const words = tokens.normals.map((w) => w.toLowerCase());
  const { type, expects, focus } = typeOf(words, tokens.pos);
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const value = tokens.values[i] as string;
    const word = words[i] as string;
    const tag = tokens.pos[i] as number;
    if (tag === P.PUNCT || tag === P.SYM || WH.has(word)) continue;
    // "how many", "how much", "how long": the word after "how" asks for the number, it is not a topic.
    if (i > 0 && words[i - 1] === 'how' && MEASURE_ADJ.test(word)) continue;
    if (!/[\p{L}\p{N}]/u.test(word)) continue;
    const isAcronym = acronymTerm(value) !== null;
    if (isStopWord(word, tokens.stop[i] === 1, tag) && !isAcronym) continue;
    let id = vocabulary.termOf(value, word, tag, false, false);
    // A lower-case "icc" finds the acronym "ICC"; an all-caps word the corpus only has in lower case finds that.
    if (id === NO_TERM && !isAcronym && /^\p{L}{2,6}$/u.test(value)) id = vocabulary.lookup(value.toUpperCase());
    if (id === NO_TERM && isAcronym) id = vocabulary.termOf(value.toLowerCase(), word, tag, false, false);
    // A word the corpus never uses may be a typo of one it does; the match is searched with, but the word
    // still counts as unknown when deciding whether the corpus answers the question.
    let fuzzy = false;
    if (id === NO_TERM && !isAcronym && /^\p{L}+$/u.test(word)) {
      const term = termText(word, tag);
      // A short stem is searched by the word as typed, for a word read as a verb only ("who caled for"): a name
      // the corpus lacks is often one edit from one of its words ("Boeing" from "boring"), and is never a verb.
      if (term.length >= 5) id = vocabulary.nearest(term);
      else if (tag === P.VERB) id = vocabulary.nearestWord(word, tag, frequency);
      fuzzy = id !== NO_TERM;
    }
    if (id !== NO_TERM && vocabulary.stop[id] === 1) continue;
    const key = id === NO_TERM ? `?${word}` : String(id);
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push({
      id,
      word: value,
      at: i,
      proper: tag === P.PROPN || isAcronym,
      numeric: tag === P.NUM,
      verb: tag === P.VERB,
      fuzzy,
      focus: focus !== null && word === focus && i <= (words.findIndex((w) => WH.has(w)) + 3),
    });
  }
  // Single letters alone ("x", "b?") are no question: nothing is looked up. Beside other words ("Vitamin C",
  // "Plan B") they are searched with them.
  if (terms.length > 0 && terms.every((t) => /^\p{L}$/u.test(t.word))) terms.length = 0;
  const sequence: number[] = [];
  const whAt = words.findIndex((w) => WH.has(w));
  for (let i = whAt + 1; i < words.length; i++) {
    const tag = tokens.pos[i] as number;
    if (tag === P.PUNCT || tag === P.SYM) continue;
    sequence.push(vocabulary.termOf(tokens.values[i] as string, words[i] as string, tag, false, false));
  }
  const expansion = expansionAsked(text, (w) => knownAcronym(vocabulary, w));
  // "What does ICC stand for?" is about ICC alone ("stand" would find "stand down"), searched as the acronym the
  // corpus writes: "sec" as SEC, not "secs"; a plural, "pvrs", as PVR; one spelled like a question or stop word
  // ("What does WHO stand for?", "what does us stand for") as a term all the same.
  let topic = terms;
  if (expansion !== null) {
    const same = (w: string) => w.toUpperCase() === expansion.toUpperCase();
    const asked = terms.find((t) => same(t.word));
    const acronym = vocabulary.lookup((/\p{Lu}s$/u.test(expansion) ? expansion.slice(0, -1) : expansion).toUpperCase());
    const at = asked?.at ?? Math.max(0, tokens.values.findIndex((v) => same(v as string)));
    const id = acronym !== NO_TERM ? acronym : (asked?.id ?? NO_TERM);
    topic = [{ id, word: expansion, at, proper: true, numeric: false, verb: false, fuzzy: false, focus: false }, ...terms.filter((t) => !ASKING_EXPANSION.test(t.word) && !same(t.word))];
  }
  return { text: typed, type, expects, focus, terms: topic, tokens, sequence, caseless, asksNow: asksAboutNow(text), expansion };
}
