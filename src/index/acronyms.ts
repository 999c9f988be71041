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
