// The one module that imports @mozilla/readability (the main-content extraction behind Firefox Reader View):
// a parsed page in, the article's title, byline, site name and main-content element out. Readability scores
// blocks by text and link density and drops navigation, sidebars, comments and other page furniture.
import { Readability } from '@mozilla/readability';
import type { DomDocument, DomNode } from './dom.ts';

export type MainContent =
  | {
      readonly kind: 'found';
      readonly title: string | null;
      readonly byline: string | null;
      readonly siteName: string | null;
      /** The extracted article, as an element of the (modified) document. */
      readonly content: DomNode;
    }
  | { readonly kind: 'none' }
  | { readonly kind: 'too-complex'; readonly elements: number };

/**
 * Pages with more elements than this are refused before Readability scores them: news pages have a few
 * thousand; scoring time grows faster than the count (see isolate.ts).
 */
export const MAX_ELEMENTS = 20_000;

function text(value: string | null | undefined): string | null {
  const t = value?.replace(/\s+/gu, ' ').trim();
  return t ? t : null;
}

/** The page's main content. Modifies `document` (Readability removes what it judges not to be the article). */
export function mainContent(document: DomDocument): MainContent {
  const elements = document.getElementsByTagName('*').length;
  if (elements > MAX_ELEMENTS) return { kind: 'too-complex', elements };
  // Readability's types name the browser's Document and Node, which this project does not compile with; the
  // document is a real jsdom Document and the serializer hands back the element unchanged.
  const reader = new Readability<DomNode>(document as never, { serializer: (node) => node as unknown as DomNode });
  const article = reader.parse();
  if (!article || !article.content) return { kind: 'none' };
  return { kind: 'found', title: text(article.title), byline: text(article.byline), siteName: text(article.siteName), content: article.content };
}
