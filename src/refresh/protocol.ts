// Messages between the engine and its build worker. The worker sends an index in pieces, each acknowledged
// before the next is sent, so the main thread deserialises one bounded piece per event-loop turn and never
// stalls on the whole corpus at once. Typed arrays are transferred, not copied. Articles whose file is
// unchanged since the current index (same path, same bytes) are not sent at all: the engine reuses its own
// Article objects, and their quotations, which depend on nothing but the article. When no file has changed
// at all, nothing is built: the worker says so ('unchanged') and the engine keeps its corpus.
import type { Skipped } from '../corpus/article.ts';
import type { LoadOptions } from '../corpus/load.ts';
import type { TypedArray } from '../index/portable.ts';

export interface BuildRequest extends LoadOptions {
  readonly corpusDir: string;
  /** Where to save the new index, or null. */
  readonly snapshot: string | null;
  /** [path, SHA-256] of the current index's articles, in order, so unchanged articles are not sent. */
  readonly current?: readonly (readonly [string, string])[];
  /**
   * The files the current corpus skipped. With `current`, the worker first compares the folder with the
   * current corpus, and builds nothing when every file is as it was.
   */
  readonly currentSkipped?: readonly Skipped[];
}

/** Elements per message for large arrays and Maps (articles hold their text: ~1 MB per 256 news articles). */
export const PIECE = 256;

/** How one field (or one property of a class instance) travels. */
export type Part =
  | { readonly kind: 'typed'; readonly array: TypedArray }
  | { readonly kind: 'value'; readonly value: unknown }
  /** An array sent as 'items' messages under `key`. */
  | { readonly kind: 'list'; readonly key: string }
  /** A Map sent as 'entries' messages under `key`. */
  | { readonly kind: 'map'; readonly key: string }
  | { readonly kind: 'instance'; readonly name: string; readonly props: Readonly<Record<string, Part>> }
  /** Index.articles: reuse[i] is the current index's article to reuse, or -1 for the next one of list `key`. */
  | { readonly kind: 'articles'; readonly reuse: Int32Array; readonly key: string }
  /** Index.quotations: a reused article keeps its quotations; the others' come, `counts[i]` each, in list `key`. */
  | { readonly kind: 'quotations'; readonly counts: Uint32Array; readonly key: string };

export type WorkerMessage =
  | { readonly kind: 'items'; readonly key: string; readonly items: readonly unknown[] }
  | { readonly kind: 'entries'; readonly key: string; readonly entries: readonly (readonly [unknown, unknown])[] }
  | {
      readonly kind: 'done';
      readonly version: string;
      readonly skipped: readonly Skipped[];
      readonly order: readonly string[];
      readonly fields: Readonly<Record<string, Part>>;
      readonly buildMs: number;
      /** Articles sent in full (not reused). */
      readonly sentArticles: number;
      /** Why the snapshot could not be saved, if it could not. */
      readonly snapshotError: string | null;
    }
  /** The folder holds exactly the current corpus's files (checked in checkMs): nothing was built. */
  | { readonly kind: 'unchanged'; readonly checkMs: number }
  | { readonly kind: 'error'; readonly message: string };

/** The engine's only message to the worker: send the next piece. */
export type Ack = 'next';
