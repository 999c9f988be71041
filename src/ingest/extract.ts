// An HTML page to the text of a corpus article: parse it (dom.ts), keep its main content (readability.ts),
// then walk that content's elements to paragraphs and write them as the seed articles are written: the title
// line, a blank line, "By ..." and "Source: ..." lines when the page names them, a blank line, and the
// paragraphs separated by blank lines. The walk is over the parsed tree; no regular expression reads markup.
import { ELEMENT_NODE, TEXT_NODE, parseHtml, type DomNode } from './dom.ts';
import { mainContent } from './readability.ts';

export interface ExtractedArticle {
  readonly title: string | null;
  readonly byline: string | null;
  readonly source: string | null;
  readonly paragraphs: readonly string[];
}

export type Extraction = { readonly kind: 'extracted'; readonly article: ExtractedArticle } | { readonly kind: 'refused'; readonly reason: string };

/** Elements whose text is never article prose: code, media, forms, page furniture, data tables. */
const SKIP = new Set([
  'script', 'style', 'noscript', 'template', 'head', 'title', 'meta', 'link',
  'figure', 'figcaption', 'picture', 'img', 'svg', 'math', 'video', 'audio', 'iframe', 'object', 'embed', 'canvas', 'map',
  'button', 'form', 'input', 'select', 'textarea', 'label', 'nav', 'aside', 'footer', 'menu', 'dialog', 'table',
]);

/** Elements that end the paragraph before them and start a new one. */
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'hgroup', 'address', 'blockquote', 'pre', 'center',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'hr', 'details', 'summary',
]);

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

interface Block {
  readonly text: string;
  readonly heading: boolean;
}

/** Whitespace (NBSP and line breaks included) to single spaces; zero-width characters dropped. */
function tidy(text: string): string {
  return text.replace(/[\u200B-\u200D\u2060\uFEFF]/gu, '').replace(/\s+/gu, ' ').trim();
}

/** Marked as not shown: the `hidden` attribute, or aria-hidden="true". */
function isHidden(element: DomNode): boolean {
  const attr = (name: string) => element.getAttribute?.(name) ?? null;
  return attr('hidden') !== null || attr('aria-hidden') === 'true';
}

/** The blocks of text under `root`, in document order. `<br>` ends a line within a block. */
function blocksOf(root: DomNode): Block[] {
  const blocks: Block[] = [];
  let lines: string[] = [''];
  let heading = false;
  const flush = () => {
    for (const line of lines.map(tidy)) if (line.length > 0) blocks.push({ text: line, heading });
    lines = [''];
    heading = false;
  };
  const walk = (node: DomNode) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT_NODE) {
        lines[lines.length - 1] += child.nodeValue ?? '';
      } else if (child.nodeType === ELEMENT_NODE) {
        const tag = child.localName ?? '';
        if (SKIP.has(tag) || isHidden(child)) continue;
        if (tag === 'br') {
          lines.push('');
        } else if (BLOCK.has(tag)) {
          flush();
          walk(child);
          heading = HEADINGS.has(tag) && lines.some((l) => tidy(l).length > 0);
          flush();
        } else {
          walk(child);
        }
      }
    }
  };
  walk(root);
  flush();
  return blocks;
}

function words(text: string): number {
  return text.split(' ').filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** "Council votes yes | The Gazette" -> "Council votes yes" when the site is "The Gazette". */
function withoutSiteName(title: string, site: string | null): string {
  if (site === null) return title;
  const lower = title.toLowerCase();
  const s = site.toLowerCase();
  for (const sep of [' | ', ' - ', ' – ', ' — ', ' :: ', ' · ']) {
    if (lower.endsWith(`${sep}${s}`)) return title.slice(0, title.length - sep.length - site.length).trim();
    if (lower.startsWith(`${s}${sep}`)) return title.slice(site.length + sep.length).trim();
  }
  return title;
}

/** "By Jane Doe" and "Jane Doe" name the same byline. */
function isBylineOf(text: string, byline: string | null): boolean {
  if (byline === null) return false;
  const t = text.toLowerCase().replace(/^by\s*:?\s*/u, '');
  return t === byline.toLowerCase().replace(/^by\s*:?\s*/u, '');
}

/** A site name from a link's host when the page names none: "https://www.example.org/x" -> "example.org". */
export function siteOfUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.hostname.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

/**
 * The article in an HTML page. `url` is where the page came from; `sourceFallback` names the source when the
 * page does not (the link's site for web pages, nothing for attachments).
 */
export async function extractArticle(bytes: Uint8Array, options: { readonly url: string; readonly charset: string | null; readonly sourceFallback: string | null }): Promise<Extraction> {
  const page = await parseHtml(bytes, options);
  try {
    const main = mainContent(page.document);
    if (main.kind === 'too-complex') return { kind: 'refused', reason: `the page is too complex to read (${main.elements} elements)` };
    if (main.kind === 'none') return { kind: 'refused', reason: 'no article text was found on the page' };
    const byline = main.byline === null ? null : main.byline.replace(/^by\s*:?\s*/iu, '').slice(0, 200) || null;
    let blocks = blocksOf(main.content);
    // The headline, when the article starts with one, is the title; else the page's title without its site name.
    let title = main.title === null ? null : withoutSiteName(main.title, main.siteName);
    const first = blocks[0];
    if (first && first.heading && words(first.text) >= 2) {
      title = first.text;
      blocks = blocks.slice(1);
    }
    const paragraphs = blocks
      .filter((b, i) => !(i < 3 && isBylineOf(b.text, byline)))
      .filter((b) => title === null || b.text.toLowerCase() !== title.toLowerCase())
      .map((b) => b.text);
    if (paragraphs.length === 0) return { kind: 'refused', reason: 'no article text was found on the page' };
    return { kind: 'extracted', article: { title: title?.slice(0, 300) ?? null, byline, source: main.siteName ?? options.sourceFallback, paragraphs } };
  } finally {
    page.close();
  }
}

/**
 * The article as corpus text: title line, blank line, "By ..." and "Source: ..." lines, blank line, paragraphs
 * separated by blank lines, ending with a newline. The corpus loader reads title, byline and source back
 * from exactly this layout (src/corpus/metadata.ts).
 */
export function articleText(article: ExtractedArticle): string {
  const head: string[] = [];
  if (article.title) head.push(tidy(article.title), '');
  const meta: string[] = [];
  if (article.byline) meta.push(`By ${tidy(article.byline)}`);
  if (article.source) meta.push(`Source: ${tidy(article.source)}`);
  if (meta.length > 0) head.push(...meta, '');
  return `${[...head, article.paragraphs.map(tidy).join('\n\n')].join('\n')}\n`;
}
