// What kind of document a download is, judged from its media type, its file name (attachments only) and its
// bytes. Pure. The media type says what the sender claims; the bytes must agree: a PNG sent as text/plain is
// still refused.
import { decode } from '../corpus/decode.ts';

export type DocumentFormat = 'text' | 'markdown' | 'html';

const MEDIA_TYPES: Readonly<Record<string, DocumentFormat>> = {
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
};

const EXTENSIONS: Readonly<Record<string, DocumentFormat>> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
};

/** Media types that say nothing about the content: a file name may then decide. */
const UNSPECIFIC = new Set(['application/octet-stream', 'binary/octet-stream']);

export const ACCEPTED = 'plain text, Markdown or HTML (.txt, .md, .html)';

export function formatOfMediaType(mediaType: string | null): DocumentFormat | null {
  return mediaType === null ? null : (MEDIA_TYPES[mediaType] ?? null);
}

export function formatOfFileName(name: string): DocumentFormat | null {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? null : (EXTENSIONS[name.slice(dot).toLowerCase()] ?? null);
}

/**
 * Why a response with this media type is refused, or null when it may be read. For a web link the media type
 * must be one of the accepted ones; for an attachment with an accepted file name, a missing or unspecific
 * type is let through (the bytes are checked next).
 */
export function mediaTypeProblem(mediaType: string | null, fileName: string | null): string | null {
  if (formatOfMediaType(mediaType) !== null) return null;
  if (fileName !== null && formatOfFileName(fileName) !== null && (mediaType === null || UNSPECIFIC.has(mediaType))) return null;
  return `only ${ACCEPTED} can be ingested; this is ${mediaType ?? 'of no stated type'}`;
}

/** The format to read a download as: the media type when it names one, else the attachment's file name. */
export function formatOf(mediaType: string | null, fileName: string | null): DocumentFormat | null {
  return formatOfMediaType(mediaType) ?? (fileName !== null ? formatOfFileName(fileName) : null);
}

// File signatures (magic numbers) of common binary formats. Most binary files also contain NUL bytes, which
// decode() refuses; these catch the ones whose first kilobytes happen not to.
const SIGNATURES: readonly { readonly name: string; readonly bytes: readonly number[] }[] = [
  { name: 'a PNG image', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { name: 'a JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'a GIF image', bytes: [...'GIF87a'].map((c) => c.charCodeAt(0)) },
  { name: 'a GIF image', bytes: [...'GIF89a'].map((c) => c.charCodeAt(0)) },
  { name: 'a PDF document', bytes: [...'%PDF-'].map((c) => c.charCodeAt(0)) },
  { name: 'a ZIP archive (or Office document)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'gzip-compressed data', bytes: [0x1f, 0x8b] },
  { name: 'an executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
];

/** Why these bytes are not a text document, or null when they are. */
export function binaryProblem(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'the file is empty';
  for (const s of SIGNATURES) {
    if (s.bytes.length <= bytes.length && s.bytes.every((b, i) => bytes[i] === b)) return `the file is ${s.name}, not text`;
  }
  const d = decode(bytes);
  return d.kind === 'binary' ? `the file is not text: ${d.reason}` : null;
}

const UTF8_BOM = '\uFEFF';

/**
 * Text bytes as a string: in the charset the server named when it named one Node can decode (other than
 * UTF-8), else UTF-8 with the corpus loader's Windows-1252 fallback. A byte-order mark is dropped.
 */
export function decodeText(bytes: Uint8Array, charset: string | null): string {
  let text: string | null = null;
  if (charset !== null && !/^(?:utf-?8|us-ascii|ascii)$/.test(charset)) {
    try {
      text = new TextDecoder(charset).decode(bytes);
    } catch {
      text = null; // an unknown label: fall back to the usual decoding
    }
  }
  if (text === null) {
    const d = decode(bytes);
    text = d.kind === 'text' ? d.text : '';
  }
  return text.startsWith(UTF8_BOM) ? text.slice(1) : text;
}
