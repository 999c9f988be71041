// Direct quotations and who said them. Pure: an article and its token stream in, quotation spans out.
//
// Newspaper attribution comes in a few shapes, and these are the ones handled:
//   “...,” Mishal told Reuters.          (after the quote: NAME VERB / VERB NAME / PRONOUN VERB)
//   He said: “...”                        (before the quote, in the same sentence)
//   “... the statement said.”             (attribution caught inside the closing mark)
//   a paragraph that opens with “ and continues an unclosed quotation keeps its speaker.
// Pronouns resolve to the person named as the subject of a sentence most recently before them.
import type { Article } from '../corpus/article.ts';
import { P, type TokenStream } from '../nlp/wink.ts';
import { everydayLowerCaseWord } from '../nlp/wordnet.ts';

export interface Quotation {
  readonly articleId: string;
  /** The quoted words, without the quotation marks: text of the article at [start, end). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Who said it, as the article names them, or null when the article does not say. */
  readonly speaker: string | null;
  /** 1-based paragraph number among the article's prose paragraphs. */
  readonly paragraph: number;
}

const SPEECH =
  /^(?:said|says|say|told|tells|added|adds|stated|states|asked|asks|explained|warned|warns|insisted|insists|claimed|claims|declared|announced|argued|wrote|writes|noted|urged|replied|continued|tweeted|reported|according|saying|adding|telling)$/i;
const PERSONAL = /^(?:he|she)$/i;
const PRONOUN = /^(?:he|she|they|it|we|i)$/i;
const OPEN = new Set(['“', '"', '«']);
const CLOSE = new Set(['”', '"', '»']);
const MIN_WORDS = 4;

interface Span {
  open: number; // offset of the opening mark
  close: number; // offset of the closing mark, the next opening mark (continued), or the paragraph end
  closed: boolean;
  /** Ended by the opening mark of the quotation's next part, with no closing mark between: `"One. "Two."`. */
  continued: boolean;
}

/** The characters quoteSpans acts on; every other character leaves its state unchanged. */
const QUOTE_MARK = /["“”«»]/g;
/** Any opening mark: an article without one has no quotation. */
const ANY_OPEN = /["“«]/;

/**
 * Quote spans of one paragraph, by matching opening and closing marks (straight quotes alternate). Jumps from
 * quote mark to quote mark: a 20 MB corpus has a few hundred thousand of them.
 */
function quoteSpans(text: string, from: number, to: number): Span[] {
  const spans: Span[] = [];
  let open = -1;
  QUOTE_MARK.lastIndex = from;
  for (let m = QUOTE_MARK.exec(text); m !== null && m.index < to; m = QUOTE_MARK.exec(text)) {
    const i = m.index;
    const ch = m[0];
    // A straight quote at a word start, after a space, opens: BBC writes a quotation of several sentences as
    // `"One. "Two."`, each part opened and only the last closed. Read by alternation, the second mark closed the
    // first part and the third opened the narrative after the quotation.
    const startsWord = ch === '"' && (i === from || /[\s([—–]/.test(text[i - 1] as string)) && i + 1 < to && !/\s/.test(text[i + 1] as string);
    if (open === -1 && OPEN.has(ch)) {
      // A straight quote only opens at a word start: before a word, after a space (`businesses",` closes a
      // quotation whose opening mark the article lost; it opens none).
      if (ch === '"' && ((i + 1 < to && /\s/.test(text[i + 1] as string)) || (i > from && !/[\s([—–'‘]/.test(text[i - 1] as string)))) continue;
      open = i;
    } else if (open !== -1 && startsWord) {
      spans.push({ open, close: i, closed: false, continued: true });
      open = i;
    } else if (open !== -1 && CLOSE.has(ch) && !(ch === '“')) {
      spans.push({ open, close: i, closed: true, continued: false });
      open = -1;
    }
  }
  if (open !== -1) spans.push({ open, close: to, closed: false, continued: false });
  return spans;
}

function tokenAt(tokens: TokenStream, offset: number): number {
  // First token starting at or after offset (binary search over starts).
  let lo = 0;
  let hi = tokens.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tokens.starts[mid] as number) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const isCap = (w: string) => /^\p{Lu}/u.test(w) && !TIME_WORD.test(w);
/** Capitalised at a sentence start and often tagged as names, but never part of one. */
const TIME_WORD = /^(?:Yesterday|Today|Tomorrow|Tonight|Now|Then|Meanwhile|Earlier|Later|Last|Next|This|On|In|At|But|And|However)$/;

/** A run of capitalised tokens ending at token `last` (inclusive), with hyphens and "al-" inside names. */
function nameEndingAt(tokens: TokenStream, last: number, floor: number): number {
  let i = last;
  while (i - 1 >= floor) {
    const w = tokens.values[i - 1] as string;
    if (isCap(w) && tokens.pos[i - 1] === P.PROPN) i--;
    else if ((w === '-' || /^(?:al|de|bin|van|von)$/.test(w)) && i - 2 >= floor && isCap(tokens.values[i - 2] as string)) i -= 2;
    else break;
  }
  return i;
}

function nameStartingAt(tokens: TokenStream, first: number, ceiling: number): number {
  let i = first;
  while (i < ceiling) {
    const w = tokens.values[i] as string;
    if (isCap(w) && tokens.pos[i] === P.PROPN) i++;
    else if ((w === '-' || /^(?:al|de|bin|van|von)$/.test(w)) && i + 1 < ceiling && isCap(tokens.values[i + 1] as string)) i += 2;
    else break;
  }
  return i;
}

function slice(article: Article, tokens: TokenStream, first: number, end: number): string {
  return article.text.slice(tokens.starts[first] as number, tokens.ends[end - 1] as number).replace(/\s+/gu, ' ');
}

interface Subject {
  name: string;
  person: boolean;
}

/**
 * The subject of each sentence that has one before its verb: a capitalised name not preceded by "the"
 * counts as a person ("Yesterday Boris Johnson claimed..."); any noun phrase counts as a subject.
 */
function subjectBefore(article: Article, tokens: TokenStream, first: number, verb: number): Subject | null {
  // Walk back from the verb over the noun phrase before it.
  let i = verb;
  while (i - 1 >= first && tokens.pos[i - 1] === P.ADV) i--;
  const end = i;
  if (end - 1 < first) return null;
  const lastTag = tokens.pos[end - 1] as number;
  if (lastTag !== P.PROPN && lastTag !== P.NOUN) return null;
  const nameStart = nameEndingAt(tokens, end, first);
  // A name after a preposition, a verb or "that" is no subject of this sentence: "moderators on Suprnova made
  // sure..." (the moderators did), "...said Exeem was the next evolution", "He said that UWB was driving..." (clauses
  // reported by the sentence's speaker). Taken for a person, the next "he said" was credited to the site, the
  // program and the radio technology. (A capitalised word before the name is part of it, whatever wink tags it:
  // "Virgin Radio DJ Pete Mitchell said", where "DJ" is tagged a verb.)
  const prev = nameStart - 1;
  if (nameStart < end && prev >= first && (tokens.pos[prev] === P.ADP || (tokens.pos[prev] === P.VERB && !isCap(tokens.values[prev] as string)) || tokens.normals[prev] === 'that')) return null;
  if (nameStart < end && lastTag === P.PROPN) {
    const before = prev >= first ? (tokens.normals[prev] as string) : '';
    // An everyday word that opens the sentence is capitalised, not a name ("Studies have shown...").
    const opening = nameStart === first && end - nameStart === 1 && everydayLowerCaseWord((tokens.values[nameStart] as string).toLowerCase());
    const person = !opening && before !== 'the' && before !== 'a' && end - nameStart >= 1 && !/^(?:The|A)$/.test(tokens.values[nameStart] as string);
    return { name: slice(article, tokens, nameStart, end), person };
  }
  // A descriptive subject from the sentence start to its first comma: "A statement by the Russian Foreign
  // Ministry said", "A statement from more than 30 rebel groups, including ..., said".
  let stop = first;
  while (stop < end && tokens.values[stop] !== ',') stop++;
  if (stop - first >= 1 && stop - first <= 12 && !PRONOUN.test(tokens.values[first] as string)) {
    return { name: slice(article, tokens, first, stop), person: false };
  }
  return null;
}

export function findQuotations(article: Article, tokens: TokenStream): Quotation[] {
  if (!ANY_OPEN.test(article.text)) return [];
  // Quote spans of every content paragraph first: after the last paragraph that has one, nothing more is
  // found, so the walk stops there (the subjects it would track are never used).
  const content = article.paragraphs.filter((p) => p.kind === 'content');
  const spansOf = content.map((p) => quoteSpans(article.text, p.start, p.end));
  let last = spansOf.length - 1;
  while (last >= 0 && spansOf[last]!.length === 0) last--;
  if (last < 0) return [];
  const quotes: Quotation[] = [];
  let lastPerson: string | null = null;
  let lastSubject: string | null = null;
  let carried: string | null | undefined; // speaker of an unclosed quotation, for continuation paragraphs
  let paragraphNo = 0;
  const sentenceStart = new Uint8Array(tokens.starts.length + 1);
  sentenceStart[0] = 1;
  for (const e of tokens.sentenceEnds) sentenceStart[e] = 1;

  const resolve = (word: string): string | null => (PERSONAL.test(word) ? lastPerson : lastSubject ?? lastPerson);

  // Track named subjects sentence by sentence, so pronouns resolve to the latest one before the quote.
  const noteSubjects = (fromTok: number, toTok: number) => {
    let sFirst = fromTok;
    for (let t = fromTok; t < toTok; t++) {
      if (sentenceStart[t]) sFirst = t;
      const tag = tokens.pos[t] as number;
      if (tag !== P.VERB && tag !== P.AUX) continue;
      // The main verb is the first one not set off by a comma ("..., including the faction, said").
      let b = t;
      while (b - 1 >= sFirst && tokens.pos[b - 1] === P.ADV) b--;
      if (b - 1 >= sFirst && tokens.values[b - 1] === ',') {
        // A verb after a phrase set off by commas: its subject is the name the commas set off, when they set off
        // nothing else ("Universities Scotland Director, David Caldwell, said"), or else the name the sentence opens
        // with ("Dr Johan Pouwelse, a researcher at the Delft University of Technology, said").
        let comma = sFirst;
        while (comma < b - 1 && tokens.values[comma] !== ',') comma++;
        let open = b - 2;
        while (open > sFirst && tokens.values[open] !== ',') open--;
        const isName = (from: number, to: number) => to > from && to - from <= 6 && tokens.pos[to - 1] === P.PROPN && nameEndingAt(tokens, to, from) === from;
        const name = tokens.values[open] === ',' && isName(open + 1, b - 1) ? slice(article, tokens, open + 1, b - 1) : comma < b - 1 && isName(sFirst, comma) ? slice(article, tokens, sFirst, comma) : null;
        if (name !== null) {
          lastPerson = name;
          lastSubject = name;
          while (t + 1 < toTok && !sentenceStart[t + 1]) t++;
        }
        continue;
      }
      const subj = subjectBefore(article, tokens, sFirst, t);
      if (subj) {
        if (subj.person) lastPerson = subj.name;
        lastSubject = subj.name;
      }
      // One subject per sentence: skip to the next sentence.
      while (t + 1 < toTok && !sentenceStart[t + 1]) t++;
    }
  };

  for (let k = 0; k <= last; k++) {
    const p = content[k]!;
    paragraphNo++;
    const spans = spansOf[k]!;
    const pFirst = tokenAt(tokens, p.start);
    const pEnd = tokenAt(tokens, p.end);
    let cursor = pFirst;
    const continuing = carried !== undefined && OPEN.has(article.text[p.start] as string);
    if (!continuing) carried = undefined;

    // The quotations of this paragraph, and whether each is a part that the next part continues.
    const parts: { at: number; continued: boolean }[] = [];
    for (const span of spans) {
      const qFirst = tokenAt(tokens, span.open + 1);
      const qEnd = tokenAt(tokens, span.close);
      // Subjects named before this quote in the paragraph.
      noteSubjects(cursor, Math.max(cursor, qFirst - 1));
      let contentEnd = span.close;
      let speaker: string | null | undefined;

      // Attribution caught inside the closing mark: “... forces were using napalm, the statement said.”
      const inner = /,\s+((?:the|a)\s+[\p{Ll}\s]+?|[\p{Lu}][\p{L}\s.'’-]*?|he|she|they)\s+(said|says|added)\.?\s*$/u.exec(article.text.slice(span.open + 1, span.close));
      if (inner) {
        contentEnd = span.open + 1 + inner.index;
        const who = inner[1] as string;
        speaker = PRONOUN.test(who) ? resolve(who) : who;
      }

      // After the quote: ,” NAME said / ,” said NAME / ,” he said / ,” NAME told Reuters.
      // Not after a quotation that ends its sentence when a capital starts the next: `...." Spanish captain Jordi
      // Arrese said` is a sentence about another speaker; `...?" he asked`, `...." the leader said` and `...," said
      // X` are attribution.
      if (speaker === undefined && span.closed) {
        const lastMark = /[.!?]\s*$/u.exec(article.text.slice(span.open + 1, span.close))?.[0].trim();
        let a = qEnd + 1;
        while (a < pEnd && (tokens.values[a] === ',' || CLOSE.has(tokens.values[a] as string))) a++;
        const w0 = (tokens.values[a] ?? '') as string;
        if (lastMark !== undefined && /^\p{Lu}/u.test(w0)) a = pEnd;
        if (a < pEnd && SPEECH.test(w0) && a + 1 < pEnd) {
          const nameEnd = nameStartingAt(tokens, a + 1, pEnd);
          if (nameEnd > a + 1) speaker = slice(article, tokens, a + 1, nameEnd);
          else if (PRONOUN.test(tokens.values[a + 1] as string)) speaker = resolve(tokens.values[a + 1] as string);
        } else if (a < pEnd && PRONOUN.test(w0) && SPEECH.test((tokens.values[a + 1] ?? '') as string)) {
          speaker = resolve(w0);
        } else if (a < pEnd) {
          // NAME (possibly with a title: French Foreign Minister Jean-Marc Ayrault) then a speech verb.
          let b = a;
          if (/^(?:the|a)$/i.test(w0)) b++;
          while (b < pEnd && tokens.pos[b] !== P.VERB && tokens.pos[b] !== P.AUX && tokens.values[b] !== '.' && b - a < 10) b++;
          if (b < pEnd && SPEECH.test(tokens.values[b] as string) && b > a) speaker = slice(article, tokens, a, b);
        }
      }

      // Before the quote, in the same sentence: He said: “...”, A statement by X said that ... “...”.
      if (speaker === undefined) {
        let sFirst = qFirst - 1;
        while (sFirst > pFirst && !sentenceStart[sFirst]) sFirst--;
        for (let v = qFirst - 2; v >= sFirst; v--) {
          if (!SPEECH.test(tokens.values[v] as string)) continue;
          const w = (tokens.values[v - 1] ?? '') as string;
          if (v - 1 >= sFirst && PRONOUN.test(w)) speaker = resolve(w);
          else {
            const subj = subjectBefore(article, tokens, sFirst, v);
            if (subj) speaker = subj.name;
            // "It also cast doubt ..., saying ...": the sentence's pronoun subject.
            else if (PRONOUN.test(tokens.values[sFirst] as string)) speaker = resolve(tokens.values[sFirst] as string);
          }
          break;
        }
      }

      if (speaker === undefined && continuing && span.open === p.start) speaker = carried ?? null;
      if (speaker) speaker = speakerName(speaker);
      const from = span.open + 1;
      const raw = article.text.slice(from, contentEnd);
      const text = raw.replace(/[\s,]+$/u, '');
      const to = from + text.length;
      if (text.split(/\s+/u).filter(Boolean).length >= MIN_WORDS) {
        parts.push({ at: quotes.length, continued: span.continued });
        quotes.push({ articleId: article.id, start: from, end: to, text, speaker: speaker ?? null, paragraph: paragraphNo });
        if (speaker) {
          if (!/^(?:the|a)\s/i.test(speaker) && /^\p{Lu}/u.test(speaker)) lastPerson = speaker;
          lastSubject = speaker;
        }
      }
      carried = span.closed ? undefined : (speaker ?? null);
      cursor = Math.max(cursor, qEnd + 1);
    }
    // A quotation in parts is attributed once: before its first part (`the Bishop said: "One. "Two."`), whose
    // speaker the later parts have too, or else after its last part, whose speaker the earlier parts have.
    for (let j = 1; j < parts.length; j++) {
      const q = quotes[parts[j]!.at]!;
      if (parts[j - 1]!.continued && q.speaker === null) quotes[parts[j]!.at] = { ...q, speaker: quotes[parts[j - 1]!.at]!.speaker };
    }
    let next: string | null = null;
    for (let j = parts.length - 1; j >= 0; j--) {
      const q = quotes[parts[j]!.at]!;
      if (parts[j]!.continued && q.speaker === null && next !== null) quotes[parts[j]!.at] = { ...q, speaker: next };
      next = quotes[parts[j]!.at]!.speaker;
    }
    if (k < last) noteSubjects(cursor, pEnd);
  }
  return canonicalSpeakers(quotes, () => fullNames(article, tokens));
}

/**
 * A speaker as found, made fit to show, or null when it cannot be one: trailing punctuation dropped ("Liam Fox,
 * Tory co-chairman," is "Liam Fox, Tory co-chairman"); nothing with a quotation mark in it (the words of another
 * quotation), and nothing in lower case but "the ..." or a name with its title ("but", "and officials").
 */
function speakerName(found: string): string | null {
  const name = found.replace(/[\s,;:–—-]+$/u, '');
  if (name.length === 0 || /["“”«»]/u.test(name)) return null;
  // In lower case only with a name in it ("mobile analyst Carolina Milanesi") or as "the ..." ("the statement").
  if (/^\p{Ll}/u.test(name) && !/^(?:the|a|an)\s/u.test(name) && !/\s\p{Lu}/u.test(name)) return null;
  return name;
}

/** Every run of two or more proper nouns in the article ("Bebars Mishal", "Boris Johnson"). */
function fullNames(article: Article, tokens: TokenStream): string[] {
  const names: string[] = [];
  for (let t = 0; t < tokens.pos.length; t++) {
    if (tokens.pos[t] !== P.PROPN || (t > 0 && tokens.pos[t - 1] === P.PROPN)) continue;
    const end = nameStartingAt(tokens, t, tokens.pos.length);
    if (end - t >= 2) names.push(slice(article, tokens, t, end));
  }
  return names;
}

/** "Mishal" is "Bebars Mishal" when the article names him in full elsewhere. The names are found only when
 * some speaker is a single word. */
function canonicalSpeakers(quotes: Quotation[], fullNamesOf: () => readonly string[]): Quotation[] {
  let names: readonly string[] | null = null;
  return quotes.map((q) => {
    if (q.speaker === null || q.speaker.includes(' ')) return q;
    names ??= fullNamesOf();
    const full = names.filter((n) => n !== q.speaker && n.endsWith(` ${q.speaker}`)).sort((a, b) => b.length - a.length)[0];
    return full ? { ...q, speaker: full } : q;
  });
}
