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
/** What stands between an expansion and its acronym when a text defines one: "International Criminal Court
 * (ICC)", 'TARDIS – "Time and Relative Dimension in Space"', "the ICC, or International Criminal Court". */
const DEFINING_GAP = /[(\[–—:"“”'‘’,-]|\bor\b/u;

/** A word of a text and where it is: [start, end). */
interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Words split at spaces, slashes and brackets, punctuation at their edges left out ("(Lunar" is "Lunar",
 * "Party(BNP)" is "Party" and "BNP"). */
function wordsOf(text: string): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(/[^\s/()[\]]+/gu)) {
    const lead = /^[^\p{L}\p{N}]*/u.exec(m[0])![0].length;
    const trail = /[^\p{L}\p{N}]*$/u.exec(m[0])![0].length;
    if (lead + trail >= m[0].length) continue;
    const start = m.index + lead;
    const end = m.index + m[0].length - trail;
    words.push({ text: text.slice(start, end), start, end });
  }
  return words;
}

/** A word as an acronym is compared: lower case, a possessive and full stops dropped ("GM's", "U.S." is "us"). */
const bare = (word: string) => word.toLowerCase().replace(/['’]s$/u, '').replace(/\./g, '');

/**
 * Where `text` spells out `acronym` by the initials of a run of words, case aside, as [start, end) offsets into
 * `text`, or null. A linking word ("of", "de", "and") may give its letter or be passed over, and for four letters
 * or more so may one other word ("Very high-speed Backbone Network Service": vBNS); a hyphenated word may give the
 * letter of each part ("non-governmental organisations": NGOs), and an acronym all its letters ("radio frequency ID":
 * RFID). The run's first and last words give letters, and it never begins with a little word ("a complete" does not
 * spell AC). Only a definition counts,
 * since names and everyday words spell short acronyms by chance ("Michael Portillo" MP, "UN security" US, "faces an"
 * FA):
 * - the run stands beside the acronym with a bracket, dash, colon, quote, comma or "or" between them:
 *   "International Criminal Court (ICC)", 'TARDIS – "Time and Relative Dimension in Space"', "alternating current
 *   (AC)" (the acronym itself, "GM's" too, spells nothing);
 * - or, failing that, the capitalised words just before "(ACR)" when the first letters agree, however they
 *   spell it: "PricewaterhouseCoopers (PWC)";
 * - or, in a text that also writes the acronym, a run of three letters or more whose every letter comes from a
 *   capitalised or linking word, none passed over: "the US Federal Bureau of Investigation ... from the FBI".
 * An acronym with digits ("G20", "MP3") is never spelled out. Runs are at most three words a letter, and each is
 * walked once, without recursion: 50,000 words of adversarial text take well under a second.
 */
export function expansionIn(text: string, acronym: string): { start: number; end: number } | null {
  if (/\p{N}/u.test(acronym)) return null;
  // "NGOs" is the plural of NGO; "NHS" and "vBNS" end in a letter of their own.
  const letters = bare(acronym.replace(/(?<=\p{Lu})s$/u, '')).replace(/[^\p{L}]/gu, '');
  if (letters.length < 2 || letters.length > 12) return null;
  const L = letters.length;
  const words = wordsOf(text);
  const n = words.length;
  const isSelf = words.map((w) => bare(w.text) === letters || bare(w.text) === `${letters}s`);
  // A word's letter is its first, after an elided article ("l'Audiovisuel" gives A).
  const initials = words.map((w, i) => (isSelf[i] ? '' : w.text.replace(/^[dlDL]['’](?=\p{L})/u, '').charAt(0).toLowerCase()));
  const capital = words.map((w) => /^\p{Lu}/u.test(w.text));
  // Letters a word may give at once: each part of a hyphenated word ("non-governmental"), or all of an acronym
  // inside the expansion ("radio frequency ID (RFID)", "Internet Protocol TV (IPTV)").
  const partInitials = words.map((w, i) =>
    isSelf[i] ? '' : /^\p{Lu}{2,5}$/u.test(w.text) ? w.text.toLowerCase() : w.text.split('-').map((x) => x.charAt(0).toLowerCase()).join(''),
  );
  const linking = words.map((w) => LINKING.has(w.text.toLowerCase()));
  const window = 3 * L;
  // The run's span, a possessive left out ("the International Olympic Committee's": "International Olympic Committee").
  const span = (first: number, last: number) => ({ start: words[first]!.start, end: words[last]!.end - (/['’]s$/u.test(words[last]!.text) ? 2 : 0) });

  // Where a run from word `first` spells the letters: walked word by word over states (letters given, passes
  // left). With `exact`, whether it can end at word `to`; without, the end of the shortest run up to `to`. -1 when
  // none. The first and last words give letters; a word between may be a linking word or passed over.
  const runEnd = (first: number, to: number, passes: number, capitalsOnly: boolean, exact: boolean): number => {
    if (NEVER_FIRST.has(words[first]!.text.toLowerCase())) return -1;
    let states = new Uint8Array((L + 1) * 2);
    states[passes] = 1;
    for (let p = first; p <= to; p++) {
      const next = new Uint8Array((L + 1) * 2);
      const gives = initials[p] !== '' && (!capitalsOnly || capital[p]! || linking[p]!);
      let ends = false;
      for (let li = 0; li < L; li++) {
        for (let k = 0; k <= 1; k++) {
          if (!states[li * 2 + k]) continue;
          if (gives && initials[p] === letters.charAt(li)) {
            if (li + 1 === L) ends = true;
            else next[(li + 1) * 2 + k] = 1;
          }
          // A hyphenated word may give the letter of each part ("non-governmental organisations": NGO), an acronym
          // all its letters.
          const parts = partInitials[p]!;
          if (gives && parts.length > 1 && letters.startsWith(parts, li)) {
            if (li + parts.length === L) ends = true;
            else if (li + parts.length < L) next[(li + parts.length) * 2 + k] = 1;
          }
          if (p === first) continue;
          if (linking[p]) next[li * 2 + k] = 1;
          else if (k > 0 && !isSelf[p]) next[li * 2 + k - 1] = 1;
        }
      }
      if (ends && (!exact || p === to)) return p;
      states = next;
      if (!states.includes(1)) return -1;
    }
    return -1;
  };
  const gap = (a: number, b: number) => text.slice(words[a]!.end, words[b]!.start);
  const passes = L >= 4 ? 1 : 0;

  for (let k = 0; k < n; k++) {
    if (!isSelf[k]) continue;
    // "Expansion (ACR)": the shortest run that ends just before the acronym.
    if (k > 0 && DEFINING_GAP.test(gap(k - 1, k))) {
      for (let first = k - 1; first >= Math.max(0, k - window); first--) if (runEnd(first, k - 1, passes, false, true) >= 0) return span(first, k - 1);
    }
    // "ACR (Expansion)", "ACR, which stands for Expansion".
    if (k + 1 < n && DEFINING_GAP.test(gap(k, k + 1))) {
      let from = k + 1;
      const lead = words.slice(from, from + 3).map((w) => w.text.toLowerCase()).join(' ');
      const said = /^(?:which stands for|stands for|short for|meaning)\b/.exec(lead);
      if (said) from += said[0].split(' ').length;
      // Inside brackets, the run ends where they close ("the USA (United States) and" is no spelling of USA).
      let to = Math.min(n, from + window) - 1;
      for (let j = from + 1; j <= to; j++) if (/[)\]]/.test(gap(j - 1, j))) to = j - 1;
      const last = from < n ? runEnd(from, to, passes, false, false) : -1;
      if (last >= 0) return span(from, last);
    }
  }
  for (let k = 1; k < n; k++) {
    if (!isSelf[k] || !gap(k - 1, k).includes('(')) continue;
    // "PricewaterhouseCoopers (PWC)": the capitalised words before the bracket (linking words between them), at
    // most one a letter, from the farthest whose first letter is the acronym's.
    if (!capital[k - 1] || isSelf[k - 1]) continue;
    let far = k - 1;
    while (far > 0 && k - far < L && !isSelf[far - 1] && (capital[far - 1]! || (linking[far - 1]! && far >= 2 && capital[far - 2]!))) far--;
    for (let first = far; first < k; first++) if (capital[first] && initials[first] === letters.charAt(0)) return span(first, k - 1);
  }
  // Standing alone, a run counts only where the text also writes the acronym: "the US Federal Bureau of Investigation
  // is warning ... e-mails that purport to be from the FBI"; "The Greater London Act is clear" does not define GLA.
  if (L >= 3 && isSelf.includes(true)) {
    for (let first = 0; first < n; first++) {
      if (!capital[first] || initials[first] !== letters.charAt(0)) continue;
      const last = runEnd(first, Math.min(n, first + window) - 1, 0, true, false);
      if (last >= 0 && capital[last]) return span(first, last);
    }
  }
  return null;
}
