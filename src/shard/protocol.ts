// What the sharding manager and its shards say to each other about the corpus, over the IPC channel that
// discord.js's ShardingManager opens to each shard process. discord.js's own messages are objects whose keys
// start with "_" (`_ready`, `_eval`...); ours carry a `verbatim` key, so neither side mistakes the other's.
//
// A shard that changed the corpus (a moderator's ingest, removal, restore or refresh) says `corpus-changed`;
// the manager asks every other shard to `reload`; each answers `reloaded` with what it now serves.
import type { CorpusAction } from '../curate/index.ts';

export interface CorpusChanged {
  readonly verbatim: 'corpus-changed';
  readonly shard: number;
  readonly action: CorpusAction;
  readonly before: string;
  readonly after: string;
}

export interface Reload {
  readonly verbatim: 'reload';
  /** The manager's number for this request, echoed in the answer. */
  readonly request: number;
  /** The shard that changed the corpus, and what it did. */
  readonly from: number;
  readonly action: CorpusAction;
  /** The corpus version that shard reached. */
  readonly version: string;
}

export type ReloadOutcome =
  | { readonly ok: true; readonly previousVersion: string; readonly version: string; readonly added: number; readonly removed: number; readonly changed: number }
  /** The reload failed: the shard keeps serving `version`, the corpus it had. */
  | { readonly ok: false; readonly error: string; readonly version: string };

export interface Reloaded {
  readonly verbatim: 'reloaded';
  readonly request: number;
  readonly shard: number;
  readonly outcome: ReloadOutcome;
}

export type ToManager = CorpusChanged | Reloaded;
export type ToShard = Reload;

const ACTIONS: readonly string[] = ['ingest', 'remove', 'restore', 'refresh'] satisfies CorpusAction[];

function fields(m: unknown): Record<string, unknown> | null {
  return typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : null;
}

const isInt = (v: unknown): v is number => Number.isInteger(v);
const isText = (v: unknown): v is string => typeof v === 'string';

function isOutcome(v: unknown): v is ReloadOutcome {
  const o = fields(v);
  if (o === null || !isText(o.version)) return false;
  if (o.ok === false) return isText(o.error);
  return o.ok === true && isText(o.previousVersion) && isInt(o.added) && isInt(o.removed) && isInt(o.changed);
}

export function isToManager(m: unknown): m is ToManager {
  const o = fields(m);
  if (o === null || !isInt(o.shard)) return false;
  if (o.verbatim === 'corpus-changed') return isText(o.action) && ACTIONS.includes(o.action) && isText(o.before) && isText(o.after);
  if (o.verbatim === 'reloaded') return isInt(o.request) && isOutcome(o.outcome);
  return false;
}

export function isToShard(m: unknown): m is ToShard {
  const o = fields(m);
  return o !== null && o.verbatim === 'reload' && isInt(o.request) && isInt(o.from) && isText(o.action) && ACTIONS.includes(o.action) && isText(o.version);
}
