// Messages between the engine and its build worker. The worker sends an index in pieces, each acknowledged
// before the next is sent, so the main thread deserialises one bounded piece per event-loop turn and never
// stalls on the whole corpus at once. Typed arrays are transferred, not copied.
import type { Skipped } from '../corpus/article.ts';
import type { LoadOptions } from '../corpus/load.ts';
import type { TypedArray } from '../index/portable.ts';

export interface BuildRequest extends LoadOptions {
  readonly corpusDir: string;
  /** Where to save the new index, or null. */
  readonly snapshot: string | null;
}

/** Elements per piece of a large array field (articles hold their text: ~1 MB per 256 news articles). */
export const PIECE = 256;

export type WorkerMessage =
  | { readonly kind: 'piece'; readonly field: string; readonly items: readonly unknown[] }
  | {
      readonly kind: 'done';
      readonly version: string;
      readonly skipped: readonly Skipped[];
      readonly order: readonly string[];
      readonly typed: Readonly<Record<string, TypedArray>>;
      /** Fields sent as they are (structured clone keeps Maps and plain data). */
      readonly values: Readonly<Record<string, unknown>>;
      /** Fields that are class instances: the class name and the instance's own properties. */
      readonly instances: Readonly<Record<string, { readonly name: string; readonly props: Record<string, unknown> }>>;
      /** Fields sent in pieces beforehand. */
      readonly pieces: readonly string[];
      readonly buildMs: number;
      /** Why the snapshot could not be saved, if it could not. */
      readonly snapshotError: string | null;
    }
  | { readonly kind: 'error'; readonly message: string };

/** The engine's only message to the worker: send the next piece. */
export type Ack = 'next';
