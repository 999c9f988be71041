// One /ingest request, from the attachment or link a moderator gave to the text of a corpus article, or the
// reason it is refused: the declared size and type first (no download when they are already wrong), then the
// guarded download, the bytes checked to be text, HTML converted, and the result checked to read as an
// article the way the corpus loader will read it.
import { parseArticle, isSkipped } from '../corpus/article.ts';
import type { AllowedHost } from '../config.ts';
import { ACCEPTED, binaryProblem, decodeText, formatOf, formatOfFileName, formatOfMediaType, mediaTypeProblem, type DocumentFormat } from './content.ts';
import { articleText, siteOfUrl } from './extract.ts';
import { extractInWorker } from './isolate.ts';
import { DEFAULT_MAX_REDIRECTS, fetchGuarded, parseContentType, tooLarge } from './fetch.ts';
import type { SavedExtension } from './filename.ts';

export type IngestSource =
  | {
      readonly kind: 'attachment';
      /** The file name the uploader gave: only ever used to tell the format, never as a path. */
      readonly name: string;
      readonly url: string;
      /** The size Discord reports; the download is capped regardless. */
      readonly size: number;
      readonly contentType: string | null;
    }
  | { readonly kind: 'url'; readonly url: string };

export interface IngestLimits {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly allowHosts: readonly AllowedHost[];
  readonly maxRedirects?: number;
}

export type Prepared =
  | {
      readonly kind: 'prepared';
      /** The article as it will be saved. */
      readonly text: string;
      readonly extension: SavedExtension;
      readonly format: DocumentFormat;
      /** The title the corpus loader will read from `text`. */
      readonly title: string;
      /** Where it was downloaded from, after redirects. */
      readonly url: string;
      readonly downloadedBytes: number;
    }
  | { readonly kind: 'refused'; readonly reason: string };

export const MAX_URL_LENGTH = 2000;

/** Line ends as \n and a final newline: the saved file is the corpus's copy, and every copy reads alike. */
function normalised(text: string): string {
  const t = text.replace(/\r\n?/g, '\n');
  return t.endsWith('\n') ? t : `${t}\n`;
}

/** Checks made on what Discord says about an attachment, before anything is downloaded. */
function attachmentProblem(source: Extract<IngestSource, { kind: 'attachment' }>, limits: IngestLimits): string | null {
  if (source.size > limits.maxBytes) return tooLarge(limits.maxBytes, source.size);
  const declared = parseContentType(source.contentType ?? undefined).mediaType;
  if (formatOfFileName(source.name) === null && formatOfMediaType(declared) === null) return `only ${ACCEPTED} can be ingested; this file is ${declared ?? 'of no stated type'}`;
  return mediaTypeProblem(declared, source.name);
}

export async function prepareArticle(source: IngestSource, limits: IngestLimits): Promise<Prepared> {
  const refused = (reason: string) => ({ kind: 'refused', reason }) as const;
  const name = source.kind === 'attachment' ? source.name : null;
  if (source.kind === 'attachment') {
    const problem = attachmentProblem(source, limits);
    if (problem) return refused(problem);
  } else if (source.url.length > MAX_URL_LENGTH) {
    return refused(`the link is longer than ${MAX_URL_LENGTH} characters`);
  }

  const fetched = await fetchGuarded(source.url.trim(), {
    maxBytes: limits.maxBytes,
    timeoutMs: limits.timeoutMs,
    maxRedirects: limits.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    allowHosts: limits.allowHosts,
    acceptType: (mediaType) => mediaTypeProblem(mediaType, name),
  });
  if (fetched.kind === 'refused') return fetched;
  const notText = binaryProblem(fetched.bytes);
  if (notText) return refused(notText);
  const format = formatOf(fetched.mediaType, name);
  if (format === null) return refused(`only ${ACCEPTED} can be ingested`);

  let text: string;
  if (format === 'html') {
    const extraction = await extractInWorker({
      bytes: fetched.bytes,
      options: { url: fetched.url, charset: fetched.charset, sourceFallback: source.kind === 'url' ? siteOfUrl(fetched.url) : null },
    });
    if (extraction.kind === 'refused') return extraction;
    text = articleText(extraction.article);
  } else {
    text = normalised(decodeText(fetched.bytes, fetched.charset));
  }
  const extension: SavedExtension = format === 'markdown' ? '.md' : '.txt';
  // Read it back exactly as the loader will: what it would skip is refused now, before anything is saved.
  const parsed = parseArticle(`ingest${extension}`, Buffer.from(text, 'utf8'));
  if (isSkipped(parsed)) return refused(`it does not read as an article: ${parsed.reason}`);
  return { kind: 'prepared', text, extension, format, title: parsed.title, url: fetched.url, downloadedBytes: fetched.bytes.length };
}
