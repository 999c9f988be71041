// Title, byline and publisher of an article, read from its classified paragraphs. Pure.
import type { Paragraph } from './paragraphs.ts';

export interface ArticleMetadata {
  readonly title: string;
  readonly byline: string | null;
  readonly source: string | null;
}

const BYLINE_FIELD =
  /^(?:(?:additional\s+)?(?:reporting|writing|written|edited|editing|compiled|story|text|words)\s+by|by)\s*:?\s*(.+)$/iu;
const SOURCE_FIELD = /^(?:source|publisher|via)\s*:\s*(.+)$/iu;
const TITLE_MAX = 90;

/** Collapse runs of whitespace (NBSP included) to one space: titles are labels, not citations. */
function tidy(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * Newspapers set the first words of a story in capitals ("A LITTLE Syrian boy..."). As a title, bring a
 * run of all-capital words at the start back to sentence case; leave acronyms inside the text alone.
 */
function unshout(text: string): string {
  return text.replace(/^((?:\p{Lu}{2,}|A|I)(?:\s+\p{Lu}{2,})+)(?=\s)/u, (lead) =>
    lead.charAt(0) + lead.slice(1).toLowerCase(),
  );
}

/** A title cut at a word boundary, with an ellipsis when something was cut. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:–-]+$/u, '')}…`;
}

/**
 * The title before it is shortened for display, and the length it is shortened to: the article's first line
 * when that line is a heading (a short unpunctuated line before the prose), otherwise the first sentence of
 * the prose. Null for an article with neither.
 */
function wholeTitle(text: string, paragraphs: readonly Paragraph[]): { readonly text: string; readonly max: number } | null {
  const first = paragraphs[0];
  // A Markdown heading's "#" marks are markup, not words of the title.
  if (first && first.kind === 'heading') return { text: tidy(text.slice(first.start, first.end)).replace(/^#{1,6}\s+(.*?)(?:\s+#+)?$/u, '$1'), max: 200 };
  const prose = paragraphs.find((p) => p.kind === 'content');
  if (!prose) return null;
  const body = tidy(text.slice(prose.start, prose.end));
  const firstSentence = /^.+?[.!?](?=\s|$)/u.exec(body)?.[0] ?? body;
  return { text: unshout(firstSentence).replace(/[.!?]$/u, ''), max: TITLE_MAX };
}

/**
 * The title in full, as readMetadata finds it but not shortened ("… from bomb-blasted Aleppo" where the title
 * shown ends "heartbreaking…"): what a search for an article looks in. `fallback` as for readMetadata.
 */
export function fullTitle(text: string, paragraphs: readonly Paragraph[], fallback: string): string {
  const whole = wholeTitle(text, paragraphs);
  return whole && whole.text.length > 0 ? whole.text : fallback;
}

/**
 * The title is the article's first line when that line is a heading (a short unpunctuated line before the
 * prose); otherwise it is derived from the first sentence of the prose. `fallback` (the file name) is used
 * only for an article with no prose at all.
 */
export function readMetadata(text: string, paragraphs: readonly Paragraph[], fallback: string): ArticleMetadata {
  let byline: string | null = null;
  let source: string | null = null;

  for (const p of paragraphs) {
    if (p.kind !== 'byline' && p.kind !== 'heading' && p.kind !== 'furniture') continue;
    // A byline line may carry several fields: "Reporting by: Helin Saeed | Source: ARA News".
    for (const field of text.slice(p.start, p.end).split(/\s+[|•·]\s+/u)) {
      const f = tidy(field);
      const by = p.kind === 'byline' || byline === null ? BYLINE_FIELD.exec(f) : null;
      if (by && p.kind === 'byline' && byline === null) byline = tidy(by[1] as string);
      const src = SOURCE_FIELD.exec(f);
      if (src && source === null) source = tidy(src[1] as string);
    }
  }

  const whole = wholeTitle(text, paragraphs);
  return { title: whole && whole.text.length > 0 ? shorten(whole.text, whole.max) : fallback, byline, source };
}
