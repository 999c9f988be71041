// Acronyms defined in the text: "International Criminal Court (ICC)" and "ICC (International Criminal Court)".
// Pure: token values in, token ranges out.

export interface AcronymDefinition {
  /** The acronym as written ("ICC"). */
  readonly acronym: string;
  /** Token index of the acronym. */
  readonly at: number;
  /** Token range of the expansion, [first, end). */
  readonly first: number;
  readonly end: number;
}

/** Lower-case words allowed inside an expansion without contributing a letter. */
const LINKING = new Set(['of', 'for', 'the', 'and', 'on', 'in', 'de', 'du', 'des', 'la', 'le', 'to', 'at', '&']);
const ACRONYM = /^\p{Lu}[\p{Lu}\d&]*\p{Lu}s?$/u;

function isCapitalised(word: string): boolean {
  return /^\p{Lu}/u.test(word);
}

/** Letters of an acronym that words must supply, in order ("ICCs" -> "ICC"). */
function lettersOf(acronym: string): string {
  return acronym.replace(/s$/, '').replace(/[^\p{Lu}]/gu, '');
}

/**
 * Match `letters` against the capitalised words that end just before token `before` (exclusive), walking
 * backwards. Returns the first token of the expansion, or -1.
 */
function matchBackwards(values: readonly string[], before: number, letters: string, floor: number): number {
  let li = letters.length - 1;
  let i = before - 1;
  let first = -1;
  while (i >= floor && li >= 0) {
    const w = values[i] as string;
    if (w === '-' ) {
      i--;
      continue;
    }
    if (isCapitalised(w)) {
      if (w.charAt(0) !== letters.charAt(li)) return -1;
      li--;
      first = i;
      i--;
      continue;
    }
    if (LINKING.has(w.toLowerCase()) && first !== -1) {
      i--;
      continue;
    }
    return -1;
  }
  return li < 0 ? first : -1;
}

function matchForwards(values: readonly string[], from: number, letters: string, ceiling: number): number {
  let li = 0;
  let i = from;
  let end = -1;
  while (i < ceiling && li < letters.length) {
    const w = values[i] as string;
    if (isCapitalised(w)) {
      if (w.charAt(0) !== letters.charAt(li)) return -1;
      li++;
      end = i + 1;
    } else if (!(LINKING.has(w.toLowerCase()) || w === '-') || end === -1) {
      return -1;
    }
    i++;
  }
  return li === letters.length ? end : -1;
}

/** Every acronym definition in the token range [from, to). */
export function findAcronyms(values: readonly string[], from: number, to: number): AcronymDefinition[] {
  const found: AcronymDefinition[] = [];
  for (let i = from + 1; i + 1 < to; i++) {
    if (values[i - 1] !== '(') continue;
    const inner = values[i] as string;
    // "Expansion (ACR)"
    if (values[i + 1] === ')' && ACRONYM.test(inner)) {
      const letters = lettersOf(inner);
      if (letters.length >= 2) {
        const first = matchBackwards(values, i - 1, letters, from);
        if (first >= 0) found.push({ acronym: inner.replace(/s$/, ''), at: i, first, end: i - 1 });
        continue;
      }
    }
    // "ACR (Expansion)"
    const before = values[i - 2];
    if (before !== undefined && i - 2 >= from && ACRONYM.test(before)) {
      const letters = lettersOf(before);
      let close = i;
      while (close < to && values[close] !== ')') close++;
      if (letters.length >= 2 && close < to) {
        const end = matchForwards(values, i, letters, close);
        if (end === close) found.push({ acronym: before.replace(/s$/, ''), at: i - 2, first: i, end });
      }
    }
  }
  return found;
}

/** Words that never begin an expansion: "a complete" does not spell AC, nor "from Iraq and Syria" FIS. */
const NEVER_FIRST = new Set([...LINKING, 'a', 'an', 'from', 'by', 'with', 'or', 'as', 'is', 'it', 'its', 'was', 'were', 'be', 'this', 'that', 'into']);

/** A word of a text and where it is: [start, end). */
interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Words split at spaces and slashes, punctuation at their edges left out ("(Lunar" is "Lunar"). */
function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(/[^\s/]+/gu)) {
    const lead = /^[^\p{L}\p{N}]*/u.exec(m[0])![0].length;
    const trail = /[^\p{L}\p{N}]*$/u.exec(m[0])![0].length;
    if (lead + trail >= m[0].length) continue;
    const start = m.index + lead;
    const end = m.index + m[0].length - trail;
    words.push({ text: text.slice(start, end), start, end });
  }
  return words;
}

/**
 * Where `text` spells out `acronym` by the initials of a run of words, case aside, as [start, end) offsets into
 * `text`, or null: "Time and Relative Dimension in Space" spells TARDIS, "Central business districts" CBD,
 * "Command/Service Module" CSM (split at the slash). A linking word may give its letter or be passed over
 * ("Front Islamique de Salut": FIS), and for four letters or more, so may one other word ("Very high-speed
 * Backbone Network Service": vBNS). The acronym itself spells nothing ("the ICC Cricket World Cup" does not
 * spell ICC), and a run never begins with a little word ("a complete" does not spell AC). A run that begins in
 * lower case counts only beside the acronym ("alternating current (AC)"). The first run found, from the left, is
 * returned.
 */
export function expansionIn(text: string, acronym: string): { start: number; end: number } | null {
  const letters = acronym.replace(/s$/, '').toLowerCase().replace(/[^\p{L}]/gu, '');
  if (letters.length < 2 || letters.length > 12) return null;
  const words = wordsOf(text);
  const self = (w: string) => w.toLowerCase() === letters || w.toLowerCase() === `${letters}s`;
  const initials = words.map((w) => (self(w.text) ? '' : w.text.charAt(0).toLowerCase()));
  const linking = words.map((w) => LINKING.has(w.text.toLowerCase()));
  // From word i with letter li next, `skips` other words still allowed to be passed over: the index of the run's
  // last word, or -1. States that failed are remembered, so the search costs words x letters x 2 at most.
  const failed = new Set<number>();
  const from = (i: number, li: number, skips: number): number => {
    if (li === letters.length) return i - 1;
    if (i >= words.length) return -1;
    const state = (i * (letters.length + 1) + li) * 2 + skips;
    if (failed.has(state)) return -1;
    let last = initials[i] === letters.charAt(li) ? from(i + 1, li + 1, skips) : -1;
    if (last < 0) last = linking[i] ? from(i + 1, li, skips) : skips > 0 ? from(i + 1, li, skips - 1) : -1;
    if (last < 0) failed.add(state);
    return last;
  };
  for (let i = 0; i < words.length; i++) {
    if (initials[i] !== letters.charAt(0) || NEVER_FIRST.has(words[i]!.text.toLowerCase())) continue;
    const last = from(i + 1, 1, letters.length >= 4 ? 1 : 0);
    if (last < 0) continue;
    // In lower case, words spell an acronym by chance ("airliners in case": AC) unless it stands beside them.
    const beside = (i > 0 && self(words[i - 1]!.text)) || (last + 1 < words.length && self(words[last + 1]!.text));
    if (/^\p{Lu}/u.test(words[i]!.text) || beside) return { start: words[i]!.start, end: words[last]!.end };
  }
  return null;
}
