// The answer cache's policy over a Store: what an entry holds and when it may be served, and what happens when
// the store fails. A cache failure is a miss: no call here rejects because of the store, a lookup never waits
// longer than lookupTimeoutMs, writes are fire-and-forget, a failing store is left alone for retryAfterMs
// between probes (so an outage costs no time per question and queues nothing), and the failure is logged at
// most once per failureLogIntervalMs.
import { performance } from 'node:perf_hooks';
import type { AnswerOptions } from '../answer/answer.ts';
import type { Answer } from '../answer/types.ts';
import { messageOf, type Logger } from '../log.ts';
import { answerKey, CACHE_SCHEMA, versionPrefix } from './key.ts';
import { describeUrl, openStore, storeKindOf, unavailableStore, type Store, type StoreKind, type StoreOptions } from './store.ts';

export interface AnswerCacheOptions {
  readonly store: Store;
  readonly ttlSeconds: number;
  readonly log: Logger;
  /** The longest a lookup waits for the store before the question goes to the engine (default 50 ms). */
  readonly lookupTimeoutMs?: number;
  /** A write or a clear that takes longer than this counts as a store failure (default 2000 ms). */
  readonly writeTimeoutMs?: number;
  /** After a failure the store is not called for this long; then one call probes it (default 1000 ms). */
  readonly retryAfterMs?: number;
  /** A failing store is reported at most once per interval (default 60 s). */
  readonly failureLogIntervalMs?: number;
  /** Most writes in flight at once; more are dropped (default 64). */
  readonly maxPendingWrites?: number;
  /** Wall-clock milliseconds, for the age of entries (TTL). Tests pass a clock they control. */
  readonly clock?: () => number;
}

export interface CacheStats {
  readonly store: StoreKind;
  /** Where the entries live, without credentials. */
  readonly where: string;
  /** False while the store is failing: lookups miss and writes are skipped until a probe succeeds. */
  readonly healthy: boolean;
  /** Since when (ISO time) the store has been failing; null when healthy. */
  readonly failingSince: string | null;
  readonly ttlSeconds: number;
  /** Every lookup is a hit or a miss. */
  readonly hits: number;
  readonly misses: number;
  /** Why some misses were misses: an entry past its TTL, an entry that failed its fingerprint check. */
  readonly expired: number;
  readonly rejected: number;
  /** Store failures: calls that failed or timed out, and failures reported by the store's connection. */
  readonly errors: number;
  readonly timeouts: number;
  /** Lookups that did not call the store because it was failing. */
  readonly bypassed: number;
  readonly writes: number;
  /** Writes not attempted: the store was failing, or too many writes were already in flight. */
  readonly skippedWrites: number;
  /** Entries deleted when a corpus version was cleared. */
  readonly cleared: number;
}

export interface AnswerCache {
  /** The cached answer for this corpus version, question and options, or undefined. Never rejects. */
  lookup(version: string, question: string, options?: AnswerOptions): Promise<Answer | undefined>;
  /** Store an answer in the background. Never throws; a failure is counted and logged. */
  remember(version: string, question: string, options: AnswerOptions, answer: Answer): void;
  /** Resolves when the writes in flight have landed or failed. */
  flush(): Promise<void>;
  /** Delete every entry of a corpus version. Resolves to how many went, or null when the store failed. */
  forget(version: string): Promise<number | null>;
  /** True once the store answers (false if it did not within timeoutMs). */
  ready(timeoutMs: number): Promise<boolean>;
  stats(): CacheStats;
  /** Wait for writes in flight (bounded by writeTimeoutMs), then disconnect. */
  close(): Promise<void>;
}

/** What is stored under a key: the answer and what it is the answer to. */
interface Entry {
  readonly schema: number;
  /** The key's material (corpus version, question, options); compared on every read. */
  readonly key: string;
  /** Wall-clock time of the write, for the TTL. */
  readonly storedAt: number;
  readonly answer: Answer;
}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown; readonly timedOut: boolean };

/** Settle within ms. The late result of a call that timed out is dropped (its rejection too: never unhandled). */
function within<T>(promise: Promise<T>, ms: number): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: new Error(`cache store did not answer within ${ms} ms`), timedOut: true }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, error, timedOut: false });
      },
    );
  });
}

function isAnswer(value: unknown): value is Answer {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  if (typeof a.question !== 'string' || typeof a.confidence !== 'number' || typeof a.questionType !== 'string') return false;
  if (a.kind === 'answer') return Array.isArray(a.citations);
  if (a.kind === 'not-found') return Array.isArray(a.nearest) && typeof a.reason === 'string';
  return false;
}

export function createAnswerCache(options: AnswerCacheOptions): AnswerCache {
  const { store, log } = options;
  if (!Number.isFinite(options.ttlSeconds) || options.ttlSeconds <= 0) throw new Error(`cache: ttlSeconds must be positive, got ${options.ttlSeconds}`);
  const ttlMs = options.ttlSeconds * 1000;
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 50;
  const writeTimeoutMs = options.writeTimeoutMs ?? 2000;
  const retryAfterMs = options.retryAfterMs ?? 1000;
  const failureLogIntervalMs = options.failureLogIntervalMs ?? 60_000;
  const maxPendingWrites = options.maxPendingWrites ?? 64;
  const clock = options.clock ?? Date.now;
  const monotonic = () => performance.now();

  const counts = { hits: 0, misses: 0, expired: 0, rejected: 0, errors: 0, timeouts: 0, bypassed: 0, writes: 0, skippedWrites: 0, cleared: 0 };

  // Health: null while healthy; else when the failure began (monotonic and wall clock) and when to probe next.
  let failing: { since: number; sinceWall: number; failures: number } | null = null;
  let retryAt = 0;
  let probing = false;
  let closed = false;
  // Writes in flight, by key: a repeat of the question while its answer is still being written is served from
  // here, so "ask twice" is a hit whatever the store's latency.
  const pendingWrites = new Map<string, { readonly entry: Entry; readonly done: Promise<void> }>();

  // Reporting: one warning per interval at most; a recovery is reported only when its failure was.
  let lastReportAt = Number.NEGATIVE_INFINITY;
  let unreported = 0;
  let announced = false;
  let lastRejectReportAt = Number.NEGATIVE_INFINITY;

  function failed(err: unknown, timedOut: boolean): void {
    counts.errors++;
    if (timedOut) counts.timeouts++;
    const now = monotonic();
    if (failing === null) failing = { since: now, sinceWall: Date.now(), failures: 0 };
    failing.failures++;
    retryAt = now + retryAfterMs;
    probing = false;
    if (now - lastReportAt >= failureLogIntervalMs) {
      const more = unreported > 0 ? ` (${unreported} more failures since the last report)` : '';
      log.warn(`cache store ${store.where} is failing, answering from the engine: ${messageOf(err)}${more}`);
      lastReportAt = now;
      unreported = 0;
      announced = true;
    } else {
      unreported++;
    }
  }

  function succeeded(): void {
    probing = false;
    if (failing === null) return;
    if (announced) {
      log.info(`cache store ${store.where} is back after ${((monotonic() - failing.since) / 1000).toFixed(1)} s and ${failing.failures} failures`);
      announced = false;
    }
    failing = null;
  }

  /** May this call use the store? While failing, one call per retryAfterMs probes it. */
  function admit(): boolean {
    if (closed) return false;
    if (failing === null) return true;
    if (probing || monotonic() < retryAt) return false;
    probing = true;
    return true;
  }

  store.onBackgroundError((err) => {
    if (!closed) failed(err, false);
  });
  // A reconnect ends the failure at once (and its report says when), without waiting for a question to probe.
  store.onReady(() => {
    if (!closed) succeeded();
  });

  async function flush(): Promise<void> {
    await Promise.all([...pendingWrites.values()].map((p) => p.done));
  }

  function decode(raw: string, material: string): Entry | 'rejected' | 'expired' {
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      return 'rejected';
    }
    if (typeof entry !== 'object' || entry === null) return 'rejected';
    const e = entry as Partial<Entry>;
    if (e.schema !== CACHE_SCHEMA || e.key !== material || typeof e.storedAt !== 'number' || !isAnswer(e.answer)) return 'rejected';
    if (clock() - e.storedAt >= ttlMs) return 'expired';
    return e as Entry;
  }

  return {
    async lookup(version, question, opts = {}) {
      const key = answerKey(version, question, opts);
      const pending = pendingWrites.get(key.id);
      if (pending !== undefined && pending.entry.key === key.material) {
        counts.hits++;
        return pending.entry.answer;
      }
      if (!admit()) {
        counts.bypassed++;
        counts.misses++;
        return undefined;
      }
      const got = await within(store.get(key.id), lookupTimeoutMs);
      if (!got.ok) {
        failed(got.error, got.timedOut);
        counts.misses++;
        return undefined;
      }
      succeeded();
      if (got.value === undefined) {
        counts.misses++;
        return undefined;
      }
      const entry = decode(got.value, key.material);
      if (entry === 'expired' || entry === 'rejected') {
        counts[entry]++;
        counts.misses++;
        if (entry === 'rejected' && monotonic() - lastRejectReportAt >= failureLogIntervalMs) {
          lastRejectReportAt = monotonic();
          log.warn(`cache store ${store.where} holds an entry that fails its fingerprint check (key ${key.id}); ignored, and replaced by a fresh answer`);
        }
        return undefined;
      }
      counts.hits++;
      return entry.answer;
    },

    remember(version, question, opts, answer) {
      if (pendingWrites.size >= maxPendingWrites || !admit()) {
        counts.skippedWrites++;
        return;
      }
      const key = answerKey(version, question, opts);
      const entry: Entry = { schema: CACHE_SCHEMA, key: key.material, storedAt: clock(), answer };
      let value: string;
      try {
        value = JSON.stringify(entry);
      } catch (err) {
        // An Answer is plain data; this is a bug, but a cache bug must not cost the user the answer.
        probing = false;
        log.error(`cache: cannot serialise the answer to ${JSON.stringify(question)}: ${messageOf(err)}`);
        return;
      }
      const done = within(store.set(key.id, value, ttlMs), writeTimeoutMs).then((r) => {
        if (pendingWrites.get(key.id)?.done === done) pendingWrites.delete(key.id);
        if (r.ok) {
          counts.writes++;
          succeeded();
        } else if (!closed) {
          failed(r.error, r.timedOut);
        }
      });
      pendingWrites.set(key.id, { entry, done });
    },

    async forget(version) {
      if (closed) return null;
      // Writes still in flight under the old version would land after the delete and linger until their TTL.
      await flush();
      const r = await within(store.deletePrefix(versionPrefix(version)), writeTimeoutMs * 5);
      if (!r.ok) {
        failed(r.error, r.timedOut);
        return null;
      }
      succeeded();
      counts.cleared += r.value;
      return r.value;
    },

    ready: (timeoutMs) => store.ready(timeoutMs),

    flush,

    stats() {
      return {
        store: store.kind,
        where: store.where,
        healthy: failing === null,
        failingSince: failing === null ? null : new Date(failing.sinceWall).toISOString(),
        ttlSeconds: options.ttlSeconds,
        ...counts,
      };
    },

    async close() {
      if (closed) return;
      await flush();
      closed = true;
      await store.close();
    },
  };
}

export interface OpenAnswerCacheOptions extends StoreOptions, Omit<AnswerCacheOptions, 'store'> {
  /** CACHE_URL: null for in-process memory, redis://..., rediss://... or sqlite://path. */
  readonly url: string | null;
  /** How long to wait for the store to come up before answering without it (default 1000 ms). */
  readonly connectWaitMs?: number;
}

/**
 * Open the store a CACHE_URL names and put the cache policy over it. Never rejects because of the store: a store
 * that cannot be opened (a bad URL, a missing module) is logged and every lookup misses; a store that is down
 * is waited for up to connectWaitMs, then the cache starts failing and recovers when the store comes up.
 */
export async function openAnswerCache(options: OpenAnswerCacheOptions): Promise<AnswerCache> {
  const { url, log } = options;
  let store: Store;
  try {
    store = await openStore(url, options);
  } catch (err) {
    const reason = messageOf(err);
    log.error(`${reason}; answering without a cache`);
    store = unavailableStore(storeKindOf(url), url === null ? 'memory' : describeUrl(url), reason);
    return createAnswerCache({ ...options, store });
  }
  const cache = createAnswerCache({ ...options, store });
  const ready = await cache.ready(options.connectWaitMs ?? 1000);
  if (ready) log.info(`answer cache: ${store.where}, entries live ${options.ttlSeconds} s`);
  else log.warn(`answer cache: ${store.where} is not answering yet; answering from the engine until it does`);
  return cache;
}
