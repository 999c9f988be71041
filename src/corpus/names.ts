// How what a person types is matched against the names the corpus holds: article titles, ids and publishers,
// and the speakers of quotations. Both sides are folded the same way, so that a straight apostrophe finds a
// curly one ("Syria's" finds "Syria’s": Discord users type the straight one, newspapers print the curly
// one), and case never matters. Pure.
import type { Article } from './article.ts';
import { fullTitle } from './metadata.ts';

/** Apostrophes and single quotation marks as typed or printed: ‘ ’ ‚ ‛ ′ ʼ ` ´. */
const APOSTROPHES = /[\u2018\u2019\u201A\u201B\u2032\u02BC`\u00B4]/gu;
/** Double quotation marks: “ ” „ ‟ ″ « ». */
const QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/gu;
/** Hyphens and dashes: ‐ ‑ ‒ – — ― −. */
const DASHES = /[\u2010-\u2015\u2212]/gu;

/**
 * `text` as names are compared: compatibility forms unified (NFKD: full-width letters, ligatures), accents on
 * Latin letters dropped however the text was saved ("Beyoncé", "Beyonce\u0301" and a reader's "beyonce" are one
 * name), lower case (a final sigma as any other), every apostrophe as ', every double quotation mark as ", every
 * dash as -, and runs of white space as one space, trimmed.
 */
export function foldName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/ς/gu, 'σ')
    .replace(APOSTROPHES, "'")
    .replace(QUOTES, '"')
    .replace(DASHES, '-')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** A word: letters, digits and marks, with apostrophes inside ("o'brien", "syria's"). */
const WORD = /[\p{L}\p{N}\p{M}]+(?:'[\p{L}\p{N}\p{M}]+)*/gu;

/**
 * The folded words of `text`, in order: "French Foreign Minister Jean-Marc Ayrault" -> french … jean, marc, ayrault.
 * A possessive is also its name alone, so "russia" finds "Russia's Foreign Ministry" and "un" "the UN's envoy".
 */
export function nameWords(text: string): string[] {
  const words: string[] = [];
  for (const w of foldName(text).match(WORD) ?? []) {
    words.push(w);
    if (w.endsWith("'s") && w.length > 2) words.push(w.slice(0, -2));
  }
  return words;
}

/**
 * True when every word of `wanted` is a whole word of `words`, in any order: "he" is not found in "the
 * statement"; "mishal" and "jean ayrault" are found in "bebars mishal" and "… jean-marc ayrault". With
 * `partialLast` (text still being typed, for autocomplete) the last wanted word need only begin a word:
 * "boris joh" finds "boris johnson". No words wanted: true.
 */
export function hasWords(words: readonly string[], wanted: readonly string[], partialLast = false): boolean {
  return wanted.every((w, i) => (partialLast && i === wanted.length - 1 ? words.some((x) => x.startsWith(w)) : words.includes(w)));
}

/** An article's names, folded, as searches look at them. */
export interface ArticleNames {
  /** The title as shown (shortened when long). */
  readonly title: string;
  /** The title in full (see fullTitle). */
  readonly fullTitle: string;
  /** What a filter is looked for in: the full title, the id and the publisher, one per line. */
  readonly text: string;
}

const namesByArticles = new WeakMap<readonly Article[], readonly ArticleNames[]>();

/**
 * The names of each of `articles`, folded: made once per list (an index's articles are one list for as long as
 * the index serves), not on every keystroke of an autocomplete.
 */
export function articleNames(articles: readonly Article[]): readonly ArticleNames[] {
  let names = namesByArticles.get(articles);
  if (!names) {
    names = articles.map((a) => {
      const full = foldName(fullTitle(a.text, a.paragraphs, a.title));
      return { title: foldName(a.title), fullTitle: full, text: `${full}\n${foldName(a.id)}\n${foldName(a.source ?? '')}` };
    });
    namesByArticles.set(articles, names);
  }
  return names;
}
