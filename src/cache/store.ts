// The one module that imports Keyv and its store adapters. It opens the store CACHE_URL names and hands out a
// small string-in, string-out interface whose calls reject when the store fails; what to do about a failure
// (answer anyway, log once, back off) is cache.ts's business, not this file's.
//
// Keyv 5 swallows store errors in get() unless throwOnErrors is set, and a Redis client with no 'error'
// listener crashes the process; so Keyv runs with throwOnErrors, and the Redis client is built here, with its
// 'error' listener attached before it connects (the @keyv/redis adapter only wraps it).
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Keyv } from 'keyv';
import KeyvRedis, { createClient } from '@keyv/redis';
import { PROJECT_ROOT } from '../config.ts';
import { addSecrets, messageOf } from '../log.ts';

export type StoreKind = 'memory' | 'redis' | 'sqlite';

export interface Store {
  readonly kind: StoreKind;
  /** Where the entries live, without credentials: safe to log and to show. */
  readonly where: string;
  /** The stored value, or undefined when there is none. Rejects when the store fails. */
  get(key: string): Promise<string | undefined>;
  /** Store a value for ttlMs milliseconds. Rejects when the store fails. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Delete every entry whose key starts with `prefix`; resolves to how many went. */
  deletePrefix(prefix: string): Promise<number>;
  /** Resolves true once the store answers, false if it did not within timeoutMs. Never rejects. */
  ready(timeoutMs: number): Promise<boolean>;
  /** Failures not tied to a call: a dropped connection, a reconnect that failed. */
  onBackgroundError(listener: (err: unknown) => void): void;
  /** The store (re)connected and answers again (Redis only; the others have no connection to lose). */
  onReady(listener: () => void): void;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** The memory store keeps at most this many entries, dropping the least recently used. */
  readonly maxMemoryEntries?: number;
  /** The longest wait between two reconnection attempts to Redis. */
  readonly maxReconnectDelayMs?: number;
}

export const DEFAULT_MAX_MEMORY_ENTRIES = 10_000;

/** A URL fit for logs: no user name, no password. Never throws. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return `${url.split(':', 1)[0] ?? 'unknown'}://(unparsable URL)`;
  }
}

/** Open the store `url` names (null: in-process memory). Rejects, with a message free of credentials, when the
 * URL is unusable or the store's module is missing; a store that is merely down opens and fails per call. */
export async function openStore(url: string | null, options: StoreOptions = {}): Promise<Store> {
  if (url === null) return memoryStore(options.maxMemoryEntries ?? DEFAULT_MAX_MEMORY_ENTRIES);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`cache: CACHE_URL is not a valid URL (${describeUrl(url)})`);
  }
  if (parsed.password) addSecrets([parsed.password, decodeURIComponent(parsed.password)]);
  switch (parsed.protocol) {
    case 'redis:':
    case 'rediss:':
      return redisStore(url, options.maxReconnectDelayMs ?? 1000);
    case 'sqlite:':
      return sqliteStore(url);
    default:
      throw new Error(`cache: CACHE_URL must start with redis://, rediss:// or sqlite:// (got ${parsed.protocol}//)`);
  }
}

// Keyv wraps each value as { value, expires }. Plain JSON for that wrapper: the values are our own JSON strings,
// and Keyv's default serializer rewrites strings that start with ":" (its Buffer encoding).
const keyvSerialization = {
  serialize: (data: unknown) => JSON.stringify(data),
  deserialize: (data: string) => JSON.parse(data) as never,
};

function keyvOver(adapter: unknown): Keyv<string> {
  // Keys arrive complete (src/cache/key.ts): no Keyv namespace, no prefix. Keyv 5 returns undefined from get()
  // when the store throws unless throwOnErrors is on, and a failure must be seen to be counted and backed off.
  const keyv = new Keyv<string>({ store: adapter, useKeyPrefix: false, throwOnErrors: true, emitErrors: true, ...keyvSerialization });
  // Keyv defaults to the namespace "keyv" and hands it to the adapter, which would prefix keys with it.
  keyv.namespace = undefined;
  return keyv;
}

async function keyvGet(keyv: Keyv<string>, key: string): Promise<string | undefined> {
  const v = await keyv.get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`cache: stored value under ${key} is a ${typeof v}, not a string`);
  return v;
}

async function keyvSet(keyv: Keyv<string>, key: string, value: string, ttlMs: number): Promise<void> {
  // Keyv 5 resolves false (and emits) instead of throwing for some adapters' failures.
  if ((await keyv.set(key, value, ttlMs)) === false) throw new Error('cache: the store refused the write');
}

/** A Map that forgets its least recently used entry past `max` (Keyv accepts any Map as a store). Keyv only
 * drops expired entries when they are read, so without a bound the memory store would grow forever. */
class LruMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }

  override get(key: K): V | undefined {
    const v = super.get(key);
    if (v !== undefined) {
      super.delete(key);
      super.set(key, v);
    }
    return v;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.max) {
      const oldest = this.keys().next();
      if (oldest.done) break;
      super.delete(oldest.value);
    }
    return this;
  }
}

function memoryStore(max: number): Store {
  if (!Number.isInteger(max) || max < 1) throw new Error(`cache: maxMemoryEntries must be a positive whole number, got ${max}`);
  const map = new LruMap<string, string>(max);
  const keyv = keyvOver(map);
  return {
    kind: 'memory',
    where: `memory (up to ${max} entries)`,
    get: (key) => keyvGet(keyv, key),
    set: (key, value, ttlMs) => keyvSet(keyv, key, value, ttlMs),
    async deletePrefix(prefix) {
      let n = 0;
      for (const key of [...map.keys()]) {
        if (key.startsWith(prefix)) {
          map.delete(key);
          n++;
        }
      }
      return n;
    },
    ready: async () => true,
    onBackgroundError: () => {},
    onReady: () => {},
    close: async () => {
      map.clear();
    },
  };
}

function redisStore(url: string, maxReconnectDelayMs: number): Store {
  const where = describeUrl(url);
  const listeners: ((err: unknown) => void)[] = [];
  const background = (err: unknown) => {
    for (const l of listeners) l(err);
  };
  let client: ReturnType<typeof createClient>;
  try {
    client = createClient({
      url,
      name: 'verbatim',
      // Reject commands at once while disconnected instead of queueing them until Redis returns, and bound
      // the queue of commands sent but unanswered (a Redis that hangs).
      disableOfflineQueue: true,
      commandsQueueMaxLength: 256,
      socket: {
        connectTimeout: 2000,
        // Never give up: back off to maxReconnectDelayMs, with jitter so a fleet does not reconnect in step.
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), maxReconnectDelayMs) + Math.floor(Math.random() * 50),
      },
    });
  } catch (err) {
    // node-redis quotes nothing secret here, but the message is rebuilt anyway from the redacted URL.
    throw new Error(`cache: cannot use CACHE_URL ${where}: ${messageOf(err)}`);
  }
  // Before connect(): an 'error' event without a listener would crash the process.
  client.on('error', background);
  // connect() settles when the first connection succeeds (it keeps retrying until then), so it is not awaited;
  // ready() waits for it with a bound.
  client.connect().catch(background);
  const adapter = new KeyvRedis(client, { throwOnErrors: true });
  const keyv = keyvOver(adapter);

  return {
    kind: 'redis',
    where,
    get: (key) => keyvGet(keyv, key),
    set: (key, value, ttlMs) => keyvSet(keyv, key, value, ttlMs),
    async deletePrefix(prefix) {
      let n = 0;
      for await (const keys of client.scanIterator({ MATCH: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, COUNT: 500 })) {
        if (keys.length > 0) n += await client.unlink(keys);
      }
      return n;
    },
    async ready(timeoutMs) {
      if (client.isReady) return true;
      return new Promise<boolean>((done) => {
        const onReady = () => {
          clearTimeout(timer);
          done(true);
        };
        const timer = setTimeout(() => {
          client.off('ready', onReady);
          done(client.isReady);
        }, timeoutMs);
        client.once('ready', onReady);
      });
    },
    onBackgroundError: (l) => {
      listeners.push(l);
    },
    onReady: (l) => {
      client.on('ready', l);
    },
    async close() {
      if (client.isReady) {
        // QUIT waits for replies in flight; a Redis that hangs must not hold up shutdown.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([client.close().catch(() => {}), new Promise((r) => (timer = setTimeout(r, 1000)))]);
        clearTimeout(timer);
      }
      if (client.isOpen) client.destroy();
    },
  };
}

/** What this file uses of @keyv/sqlite's adapter (declared here because the module is optional). */
interface SqliteAdapter {
  query(sql: string, ...parameters: unknown[]): Promise<unknown>;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  disconnect(): Promise<void>;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<unknown>;
  delete(key: string): Promise<boolean>;
  clear(): Promise<void>;
}

// @keyv/sqlite is an optional dependency (it builds the native sqlite3 module); loaded only when asked for.
async function sqliteStore(url: string): Promise<Store> {
  let mod: { KeyvSqlite: new (options: { uri: string; table: string; busyTimeout: number }) => SqliteAdapter };
  try {
    // A specifier in a variable: the type checker must not require the optional module to be installed.
    const name = '@keyv/sqlite';
    mod = (await import(name)) as typeof mod;
  } catch (err) {
    throw new Error(
      `cache: CACHE_URL is sqlite://, but @keyv/sqlite (an optional dependency that builds the native sqlite3 module) cannot be loaded: ${messageOf(err)}. Reinstall with build tools (python3, make, g++) available, or use redis:// or no CACHE_URL`,
    );
  }
  const raw = decodeURIComponent(url.replace(/^sqlite:\/\//, ''));
  if (raw === '') throw new Error('cache: CACHE_URL sqlite:// needs a file path, e.g. sqlite://.cache/answers.sqlite');
  const path = raw === ':memory:' ? raw : isAbsolute(raw) ? raw : resolve(PROJECT_ROOT, raw);
  if (path !== ':memory:') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new Error(`cache: cannot create the folder for the SQLite file ${path}: ${messageOf(err)}`);
    }
  }
  const table = 'verbatim_answers';
  const adapter = new mod.KeyvSqlite({ uri: `sqlite://${path}`, table, busyTimeout: 1000 });
  const listeners: ((err: unknown) => void)[] = [];
  // The adapter emits a failed open as 'error'; Keyv listens to it, and so do we.
  adapter.on('error', (err: unknown) => {
    for (const l of listeners) l(err);
  });
  const keyv = keyvOver(adapter);
  // The first query attaches a handler to the adapter's connection promise, which would otherwise reject
  // unhandled when the file cannot be opened. WAL: readers do not wait for a writer, and a write is one append,
  // not a synced rewrite of the journal (a cache can lose its last writes in a power cut). SQLite has no expiry
  // of its own and Keyv drops an expired entry only when it is read: purge on open.
  const opened = adapter
    .query('PRAGMA journal_mode = WAL')
    .then(() => adapter.query('PRAGMA synchronous = NORMAL'))
    .then(() => adapter.query(`DELETE FROM ${table} WHERE json_extract(value, '$.expires') < ?`, Date.now()))
    .then(
      () => true,
      (err: unknown) => {
        for (const l of listeners) l(err);
        return false;
      },
    );
  return {
    kind: 'sqlite',
    where: `sqlite://${path}`,
    get: (key) => keyvGet(keyv, key),
    set: (key, value, ttlMs) => keyvSet(keyv, key, value, ttlMs),
    async deletePrefix(prefix) {
      const rows = (await adapter.query(`SELECT COUNT(*) AS n FROM ${table} WHERE substr(key, 1, ?) = ?`, prefix.length, prefix)) as { n: number }[];
      await adapter.query(`DELETE FROM ${table} WHERE substr(key, 1, ?) = ?`, prefix.length, prefix);
      return rows[0]?.n ?? 0;
    },
    async ready(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const ok = await Promise.race([opened, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
      clearTimeout(timer);
      return ok;
    },
    onBackgroundError: (l) => {
      listeners.push(l);
    },
    onReady: () => {},
    async close() {
      await adapter.disconnect().catch(() => {});
    },
  };
}

/** The kind of store a CACHE_URL names, without opening it. */
export function storeKindOf(url: string | null): StoreKind {
  if (url === null) return 'memory';
  return url.startsWith('sqlite:') ? 'sqlite' : 'redis';
}

/** A store that could not be opened: every call fails with the reason, so the cache misses, logs the reason
 * once per interval and the bot keeps answering from the engine. */
export function unavailableStore(kind: StoreKind, where: string, reason: string): Store {
  const fail = async (): Promise<never> => {
    throw new Error(reason);
  };
  return {
    kind,
    where,
    get: fail,
    set: fail,
    deletePrefix: fail,
    ready: async () => false,
    onBackgroundError: () => {},
    onReady: () => {},
    close: async () => {},
  };
}
