// Scraped article text to classified paragraphs. Pure: text in, spans out; nothing here rewrites the text,
// so every span is still an exact slice of the source.
//
// The rules are structural, in the spirit of boilerplate removers such as jusText (Pomikálek, 2011) and
// Readability: a page is a run of real prose with short, unpunctuated or repeated blocks around and between
// its paragraphs. We classify each paragraph by its own shape first, then by where it sits relative to the
// prose (a short block before the first or after the last real paragraph is page furniture).

export type ParagraphKind =
  | 'content' // prose that may be cited
  | 'heading' // a short unpunctuated line between paragraphs (subheading, title)
  | 'caption' // photo captions and their credits
  | 'byline' // "Reporting by: ...", "By ..."
  | 'furniture' // navigation, forms, newsletter and social prompts, tags, trailing page chrome
  | 'noise'; // no words at all: lone numbers, image ids, captcha sums

export interface Paragraph {
  readonly start: number;
  readonly end: number;
  readonly kind: ParagraphKind;
}

interface Line {
  start: number; // trimmed
  end: number;
  raw: string; // the untrimmed line
  text: string; // trimmed
  indented: boolean;
}

/** Lines with their offsets; a line of only whitespace (NBSP included) is blank. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let from = 0;
  for (;;) {
    const m = re.exec(text);
    const to = m ? m.index : text.length;
    const raw = text.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const text_ = raw.trim();
    lines.push({
      start: from + lead,
      end: from + lead + text_.length,
      raw,
      text: text_,
      indented: /^(?: {2,}|\t)/.test(raw) && text_.length > 0,
    });
    if (!m) break;
    from = m.index + m[0].length;
  }
  return lines;
}

/**
 * The width a hard-wrapped document is wrapped at, or 0 when lines are paragraphs (one line per paragraph,
 * as web scrapes and the BBC files are). Newswire text (Reuters) wraps prose at a fixed width and marks a new
 * paragraph by indenting it.
 */
function wrapWidth(lines: Line[]): number {
  // Judge the lines that another line follows in the same block: a block's last line (a headline, the end
  // of a paragraph) is short in every layout.
  const lengths: number[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    if (lines[i]!.text.length > 0 && lines[i + 1]!.text.length > 0) lengths.push(lines[i]!.raw.trimEnd().length);
  }
  if (lengths.length < 2) return 0;
  const sorted = [...lengths].sort((a, b) => a - b);
  const p90 = sorted[Math.floor(sorted.length * 0.9)] as number;
  if (p90 > 100 || p90 < 30) return 0;
  const nearWidth = lengths.filter((n) => n >= p90 * 0.75).length;
  return nearWidth / lengths.length >= 0.5 ? p90 : 0;
}

interface Unit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Which blank-line-separated block the unit sits in. */
  readonly block: number;
}

/**
 * Paragraph units: blank lines always separate; within a block each line is its own unit unless the
 * document is hard-wrapped, where a line continues the previous one unless it is indented.
 */
function paragraphUnits(text: string): Unit[] {
  const lines = splitLines(text);
  const width = wrapWidth(lines);
  const units: Unit[] = [];
  let current: Line[] = [];
  let block = 0;
  let blockHasLines = false;
  const flush = () => {
    const first = current[0];
    const last = current[current.length - 1];
    if (first && last) units.push({ start: first.start, end: last.end, text: text.slice(first.start, last.end), block });
    current = [];
  };
  for (const line of lines) {
    if (line.text.length === 0) {
      flush();
      if (blockHasLines) block++;
      blockHasLines = false;
      continue;
    }
    blockHasLines = true;
    const prev = current[current.length - 1];
    // In a hard-wrapped document a line continues the one before unless it is indented, or the one before
    // ended a sentence well short of the width.
    // In any document, a line that starts in lower case after one that did not end a sentence continues it.
    const softWrap =
      prev !== undefined &&
      !line.indented &&
      ((width > 0 && (prev.raw.trimEnd().length >= width * 0.6 || !endsAsSentence(prev.text))) ||
        (!endsAsSentence(prev.text) && /^\p{Ll}/u.test(line.text)));
    if (!softWrap) flush();
    current.push(line);
  }
  flush();
  return units;
}

const LETTER = /\p{L}/u;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu;
/** Sentence-final punctuation, and the closing quotes and brackets that may follow it. */
const FINAL_MARKS = '.!?…:;';
const CLOSERS = `"'”’)]`;

/**
 * Does `text` end with sentence-final punctuation, looking through closing quotes and brackets? (As the regex
 * /[.!?…:;]["'”’)\]]*$/u would say, read from the end instead of tried at every position from the start.)
 */
function endsAsSentence(text: string): boolean {
  let i = text.length - 1;
  while (i >= 0 && CLOSERS.includes(text[i]!)) i--;
  return i >= 0 && FINAL_MARKS.includes(text[i]!);
}
/** A credit glued to or closing a caption: "...in AleppoCredit: Getty Images", "(Photo: AP)". */
const CREDIT = /(?:^|\p{Ll}|\s|\()(?:credit|credits|photo|photograph|picture|image|illustration|video)\s*:\s*\S/iu;
/** A captcha or sum: digits and operators only ("20 − 19 ="). Letters make it something else. */
const SUM = /^[\d\s+\-−–×x*/÷=?]+$/u;
/** Calls to action and page chrome. These cue words are how boilerplate classifiers recognise forms and
 * prompts; a block needs to be short as well as match one before it is dropped. */
const CHROME =
  /\b(?:follow us|subscribe|sign ?up|newsletter|share (?:this|on|via)|leave a (?:reply|comment)|comments?|your email|e-?mail address|required fields|log ?in|click here|read more|related (?:items|articles|stories|posts|topics)|advertisement|cookies?|jump (?:directly )?to|skip to|all rights reserved|copyright|topics|tags|privacy policy|terms of (?:use|service))\b/i;
const BYLINE =
  /^(?:(?:additional\s+)?(?:reporting|writing|written|edited|editing|compiled|story|text|words)\s+by\s*:?|by\s*:?)\s+\p{Lu}/iu;

/**
 * How many words `text` has, counting no further than `atMost + 1`: callers compare with small numbers, and
 * collecting every word of a long paragraph into an array was the loader's largest single cost.
 */
function wordCount(text: string, atMost: number): number {
  WORD.lastIndex = 0;
  let n = 0;
  while (n <= atMost && WORD.exec(text) !== null) n++;
  WORD.lastIndex = 0;
  return n;
}

type Shape = 'noise' | 'caption' | 'byline' | 'furniture' | 'fragment' | 'sentence';

function shapeOf(units: readonly Unit[], index: number): Shape {
  const unit = units[index] as Unit;
  const t = unit.text;
  if (!LETTER.test(t) || SUM.test(t)) return 'noise';
  // Exact up to 16 words; 17 stands for "more than 16".
  const w = wordCount(t, 16);
  // An image id or similar: one long token mixing letters with a run of digits.
  if (w === 1 && t.length >= 10 && /\d{4,}/.test(t) && !/\s/.test(t)) return 'noise';
  // The cheap test first: most paragraphs end as sentences do, and then the credit does not matter.
  if (!endsAsSentence(t) && CREDIT.test(t)) return 'caption';
  if (BYLINE.test(t) && w <= 16) return 'byline';
  // A caption repeated as the start of a nearby line in its block (alt text, then caption with credit).
  for (let j = Math.max(0, index - 3); j <= Math.min(units.length - 1, index + 3); j++) {
    const other = units[j] as Unit;
    if (j === index || other.block !== unit.block) continue;
    if (t.length >= 15 && other.text.length > t.length && other.text.startsWith(t)) return 'caption';
  }
  if (w <= 15 && CHROME.test(t) && !/[.!?]["'”’]*\s+\p{Lu}/u.test(t)) return 'furniture';
  // A line that does not end as a sentence ends is a heading or caption when short; a long run of prose that
  // merely lacks its final full stop (a truncated paragraph) is prose, unless it is a menu of capitalised
  // words with hardly a lower-case one among them.
  if (!endsAsSentence(t)) return w > 16 && isLongRun(t) ? 'sentence' : 'fragment';
  return 'sentence';
}

/** At least `words` words, two in five of them in lower case: running text, not a menu of capitalised links or a
 * list of names. */
function isRunningText(text: string, words: number): boolean {
  WORD.lastIndex = 0;
  let n = 0;
  let lower = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    n++;
    if (/^\p{Ll}/u.test(m[0])) lower++;
  }
  WORD.lastIndex = 0;
  return n >= words && lower >= n * 0.4;
}

/** More than 25 words of running text: a paragraph that merely lost its final full stop. */
function isLongRun(text: string): boolean {
  return isRunningText(text, 26);
}

/** A lead sentence: six words or more of running text, ending as a statement does, and no page's date line ("Last
 * updated on Tuesday 8 March 2016 at 10:45 GMT."). */
function isLead(text: string): boolean {
  return !/\?["'”’)]*$/u.test(text) && !/\b(?:updated|published|posted)\b/i.test(text) && isRunningText(text, 6);
}

/** A paragraph of real prose: long enough, several words, ending as a sentence ends (or long running text
 * that has lost its final full stop). */
function isProse(text: string): boolean {
  return text.length >= 60 && wordCount(text, 8) >= 8 && /\p{Ll}/u.test(text) && (endsAsSentence(text) || isLongRun(text));
}

/**
 * Classify every paragraph of an article's text. Offsets are trimmed spans of the original text.
 */
export function classifyParagraphs(text: string): Paragraph[] {
  const units = paragraphUnits(text);
  const shapes = units.map((_, i) => shapeOf(units, i));
  // A fragment that shares its block with captions or noise belongs to the same photo block.
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < units.length; i++) {
      if (shapes[i] !== 'fragment') continue;
      const block = (units[i] as Unit).block;
      for (const j of [i - 1, i + 1]) {
        const s = shapes[j];
        if (units[j]?.block === block && (s === 'caption' || s === 'noise')) {
          shapes[i] = 'caption';
          changed = true;
          break;
        }
      }
    }
  }
  // Where the prose begins and ends; short blocks outside that run are front matter or page furniture.
  let prose = units.map((u, i) => shapes[i] === 'sentence' && isProse(u.text));
  // A short item (a wire brief, a results table with a note) may have no paragraph long enough to count as
  // prose; then every sentence-shaped paragraph of a few words is its text.
  if (!prose.includes(true)) prose = units.map((u, i) => shapes[i] === 'sentence' && wordCount(u.text, 4) >= 4 && /\p{Ll}/u.test(u.text));
  const firstProse = prose.indexOf(true) === -1 ? units.length : prose.indexOf(true);
  const lastProse = prose.lastIndexOf(true);

  return units.map((u, i): Paragraph => {
    const shape = shapes[i] as Shape;
    let kind: ParagraphKind;
    if (shape === 'fragment') kind = i > lastProse ? 'furniture' : 'heading';
    else if (shape !== 'sentence') kind = shape;
    else if (prose[i] || (i > firstProse && i < lastProse)) kind = 'content';
    // The sentence right before the prose, under the headline, is a news item's one-line lead when it reads as
    // running text ("Glenn Hoddle has been unveiled as the new Wolves manager."): not a question, not a date line.
    else if (i > 0 && i === firstProse - 1 && isLead(u.text)) kind = 'content';
    // Another before the prose starts is a standfirst or caption; after it ends, a form or prompt.
    else kind = i < firstProse ? 'heading' : 'furniture';
    return { start: u.start, end: u.end, kind };
  });
}
