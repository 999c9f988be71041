// One file's bytes to an Article: decode, pick the format, classify paragraphs, read metadata. Pure.
import { createHash } from 'node:crypto';
import { decode, encodingProblem, type Encoding } from './decode.ts';
import { classifyParagraphs, type Paragraph } from './paragraphs.ts';
import { readMetadata } from './metadata.ts';

export interface Article {
  /** Path relative to the corpus folder without its extension, with '/' separators: stable across loads. */
  readonly id: string;
  /** Path relative to the corpus folder, with '/' separators. */
  readonly path: string;
  readonly title: string;
  readonly byline: string | null;
  /** The publisher or source the text names, if it names one. */
  readonly source: string | null;
  /** The decoded text. Every citation is a slice of this string. */
  readonly text: string;
  readonly encoding: Encoding;
  readonly bytes: number;
  /** SHA-256 of the file's bytes (hex). */
  readonly hash: string;
  readonly paragraphs: readonly Paragraph[];
}

export interface Skipped {
  readonly path: string;
  readonly reason: string;
}

/**
 * Formats the loader reads. Each turns a file's decoded text into the text that is indexed and cited; for
 * plain text and Markdown that is the file itself, so a citation is a slice of the file. A format whose
 * readable text is not a slice of the file (HTML) is converted to text when it is ingested instead, and saved
 * as a .txt article, so that rule holds for every file in the corpus.
 */
export const FORMATS = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
} as const satisfies Record<string, string>;

export type FormatExtension = keyof typeof FORMATS;

export function formatOf(path: string): FormatExtension | null {
  const dot = path.lastIndexOf('.');
  if (dot <= path.lastIndexOf('/')) return null;
  const ext = path.slice(dot).toLowerCase();
  return ext in FORMATS ? (ext as FormatExtension) : null;
}

export function articleId(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? path.slice(0, dot) : path;
}

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The text as compared to tell whether two files hold the same article: line ends as \n, and no trailing
 * whitespace (final newlines included). A copy saved with CRLF line ends, or without its last newline, is the
 * same article; the bytes, and so the SHA-256, differ. Pure.
 */
export function comparableText(text: string): string {
  // Most texts have no CR: the scan for one is far cheaper than the replace (a 21,000-article corpus is
  // compared in a few milliseconds).
  return (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).trimEnd();
}

/** Parse one article file. `path` is relative to the corpus folder. Bad input is a Skipped value. */
export function parseArticle(path: string, bytes: Uint8Array, hash = hashBytes(bytes)): Article | Skipped {
  if (bytes.length === 0) return { path, reason: 'empty file' };
  const decoded = decode(bytes);
  if (decoded.kind === 'binary') return { path, reason: decoded.reason };
  const encoding = encodingProblem(bytes);
  if (encoding !== null) return { path, reason: encoding };
  const text = decoded.text;
  if (text.trim().length === 0) return { path, reason: 'no text (whitespace only)' };
  const paragraphs = classifyParagraphs(text);
  if (!paragraphs.some((p) => p.kind === 'content')) return { path, reason: 'no article text found (only headings, captions or page furniture)' };
  const id = articleId(path);
  const name = id.slice(id.lastIndexOf('/') + 1);
  const meta = readMetadata(text, paragraphs, name);
  return { id, path, ...meta, text, encoding: decoded.encoding, bytes: bytes.length, hash, paragraphs };
}

export function isSkipped(x: Article | Skipped): x is Skipped {
  return 'reason' in x;
}
