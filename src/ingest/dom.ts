// The one module that imports jsdom: HTML bytes to a parsed document (parse5, the WHATWG HTML parsing
// algorithm, with the standard's encoding sniffing: BOM, the charset the server sent, <meta charset>).
// Scripts never run and no subresource is fetched (jsdom's defaults, kept). jsdom is loaded on first use, so
// a bot that never ingests HTML never pays for it.
//
// The document is handed out through the small typed view below: the project compiles without the browser
// DOM library, and this is all the extraction needs.

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

export interface DomNode {
  readonly nodeType: number;
  readonly nodeValue: string | null;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode>;
  /** Lower-case tag name, for elements. */
  readonly localName?: string;
  getAttribute?(name: string): string | null;
}

export interface DomDocument {
  readonly documentElement: DomNode;
  readonly body: DomNode | null;
  getElementsByTagName(name: string): ArrayLike<DomNode>;
}

export interface ParsedPage {
  readonly document: DomDocument;
  /** Release the window's resources. */
  close(): void;
}

/**
 * Parse an HTML page. `url` is where it came from (relative links resolve against it; nothing is fetched);
 * `charset` the one the server named, if any.
 */
export async function parseHtml(bytes: Uint8Array, options: { readonly url: string; readonly charset: string | null }): Promise<ParsedPage> {
  const { JSDOM, VirtualConsole } = await import('jsdom');
  const dom = new JSDOM(bytes, {
    url: options.url,
    contentType: options.charset ? `text/html; charset=${options.charset}` : 'text/html',
    // A page's CSS and markup errors are the page's business, not the bot's log.
    virtualConsole: new VirtualConsole(),
  });
  return { document: dom.window.document as DomDocument, close: () => dom.window.close() };
}
