// The one place that reads process.env. Parsed and validated once, at start, into a typed object; a bad value
// fails with the variable's name. Every key is listed in .env.example.
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json and seeds/ live). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Config {
  readonly discordToken: string | null;
  readonly discordClientId: string | null;
  readonly discordGuildId: string | null;
  /** REST base URL ("https://discord.com/api" unless pointed at a proxy or an emulator). */
  readonly discordApiUrl: string;
  readonly corpusDir: string;
  readonly logLevel: LogLevel;
  /** Where answers are cached: null for in-process memory, or a redis:// / sqlite:// URL. */
  readonly cacheUrl: string | null;
  readonly cacheTtlSeconds: number;
  /** Article files larger than this are skipped. */
  readonly maxFileBytes: number;
  /** Members with this role may use moderator commands, besides those with Manage Server. */
  readonly moderatorRoleId: string | null;
  /** Where the bot keeps what it records (answer and feedback log). */
  readonly dataDir: string;
  /**
   * Where saved indexes live, one file per corpus folder (start-up reads the folder's when it still matches
   * the folder, and every build writes one); null (SNAPSHOT_DIR=off): none is read or written.
   */
  readonly snapshotDir: string | null;
  /** /ingest: the most bytes downloaded for one article (attachment or web page). */
  readonly ingestMaxBytes: number;
  /** /ingest: how long one download may take, redirects included. */
  readonly ingestTimeoutMs: number;
  /**
   * /ingest: hosts (optionally with a port) that may be fetched although they are internal addresses or
   * plain http. Empty in production; the tests list their local servers here.
   */
  readonly ingestAllowHosts: readonly AllowedHost[];
  /**
   * /remove's trash: entries removed more than this many days ago are deleted (at start, then every few
   * hours, each with an audit line); 0 keeps them for ever.
   */
  readonly trashKeepDays: number;
  /** How often each user, and each server, may ask questions (/ask, /quote and their buttons). */
  readonly rateLimits: RateLimits;
  /** `npm run start:sharded`: how many shards to run, one process each; null: as many as Discord recommends. */
  readonly totalShards: number | null;
  /** Set when this process is one shard started by the sharding manager (src/shard/); null for `npm start`. */
  readonly shard: ShardIdentity | null;
}

/**
 * A token bucket: up to `burst` questions at once, refilled at `perMinute`. `perMinute` 0 turns the limit off.
 */
export interface BucketLimit {
  readonly burst: number;
  readonly perMinute: number;
}

export interface RateLimits {
  readonly user: BucketLimit;
  readonly server: BucketLimit;
}

/** Which shard of how many this process is. */
export interface ShardIdentity {
  readonly id: number;
  readonly count: number;
}

/** An INGEST_ALLOW_HOSTS entry: a host name or IP address, lower-case, IPv6 without brackets; port null = any. */
export interface AllowedHost {
  readonly host: string;
  readonly port: number | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Load `.env` from the project root into process.env when it exists (Node's own parser; no dependency). */
export function loadDotEnv(path = resolve(PROJECT_ROOT, '.env')): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

function optional(env: NodeJS.ProcessEnv, key: string): string | null {
  const v = env[key]?.trim();
  return v ? v : null;
}

function integer(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, key);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${key} must be a whole number from ${min} to ${max} (got "${raw}")`);
  return n;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** INGEST_ALLOW_HOSTS: comma-separated host[:port], IPv6 in brackets ("[::1]:8080"). */
export function parseAllowHosts(raw: string | null, key = 'INGEST_ALLOW_HOSTS'): AllowedHost[] {
  if (raw === null) return [];
  const out: AllowedHost[] = [];
  for (const entry of raw.split(',').map((e) => e.trim().toLowerCase()).filter((e) => e.length > 0)) {
    const m = /^(?:\[([0-9a-f:.]+)\]|([^:\[\]]+))(?::(\d{1,5}))?$/.exec(entry);
    const host = m?.[1] ?? m?.[2];
    const port = m?.[3] === undefined ? null : Number(m[3]);
    const valid = host !== undefined && (m?.[1] !== undefined ? isIP(host) === 6 : isIP(host) === 4 || HOST_NAME.test(host));
    if (!valid || (port !== null && (port < 1 || port > 65535))) {
      throw new ConfigError(`${key} must be a comma-separated list of host or host:port (IPv6 as [::1]:port); "${entry}" is not one`);
    }
    // The form a URL's host takes ("[0:0::1]" -> "::1"), so that entries compare equal to parsed links.
    out.push({ host: new URL(`http://${m![1] !== undefined ? `[${host}]` : host}/`).hostname.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return out;
}

/**
 * The shard this process runs, when discord.js's ShardingManager started it: the manager sets SHARDING_MANAGER,
 * SHARDS (this shard's id) and SHARD_COUNT in its children's environment. They are the manager's, not the
 * user's, so they are not in .env.example (and the user's key is TOTAL_SHARDS: discord.js's Client reads
 * SHARD_COUNT itself, so a user's SHARD_COUNT would reach every client).
 */
function shardOf(env: NodeJS.ProcessEnv): ShardIdentity | null {
  if (env.SHARDING_MANAGER !== 'true') return null;
  const id = Number(env.SHARDS);
  const count = Number(env.SHARD_COUNT);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(id) || id < 0 || id >= count) {
    throw new ConfigError(`started by the sharding manager with SHARDS="${env.SHARDS ?? ''}" and SHARD_COUNT="${env.SHARD_COUNT ?? ''}": expected one shard id below the count`);
  }
  return { id, count };
}

function snowflake(env: NodeJS.ProcessEnv, key: string): string | null {
  const v = optional(env, key);
  if (v !== null && !/^\d{5,25}$/.test(v)) throw new ConfigError(`${key} must be a Discord id (digits only)`);
  return v;
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const level = (optional(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new ConfigError(`LOG_LEVEL must be one of debug, info, warn, error (got "${level}")`);
  const api = optional(env, 'DISCORD_API_URL') ?? 'https://discord.com/api';
  try {
    const u = new URL(api);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new ConfigError(`DISCORD_API_URL must be an http(s) URL such as https://discord.com/api`);
  }
  const cacheUrl = optional(env, 'CACHE_URL');
  if (cacheUrl !== null && !/^(?:redis|rediss|sqlite):\/\//.test(cacheUrl)) {
    throw new ConfigError('CACHE_URL must start with redis://, rediss:// or sqlite:// (or be unset for memory)');
  }
  const corpus = optional(env, 'CORPUS_DIR') ?? 'seeds';
  const data = optional(env, 'DATA_DIR') ?? '.data';
  const snapshots = optional(env, 'SNAPSHOT_DIR') ?? '.cache/snapshots';
  const token = optional(env, 'DISCORD_TOKEN');
  const shards = optional(env, 'TOTAL_SHARDS');
  if (token !== null && /\s/.test(token)) throw new ConfigError('DISCORD_TOKEN must not contain spaces');
  return {
    discordToken: token,
    discordClientId: snowflake(env, 'DISCORD_CLIENT_ID'),
    discordGuildId: snowflake(env, 'DISCORD_GUILD_ID'),
    discordApiUrl: api.replace(/\/+$/, ''),
    corpusDir: isAbsolute(corpus) ? corpus : resolve(PROJECT_ROOT, corpus),
    logLevel: level as LogLevel,
    cacheUrl,
    cacheTtlSeconds: integer(env, 'CACHE_TTL_SECONDS', 24 * 3600, 1, 365 * 24 * 3600),
    maxFileBytes: integer(env, 'MAX_FILE_BYTES', 5 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    moderatorRoleId: snowflake(env, 'MODERATOR_ROLE_ID'),
    dataDir: isAbsolute(data) ? data : resolve(PROJECT_ROOT, data),
    snapshotDir: snapshots.toLowerCase() === 'off' ? null : isAbsolute(snapshots) ? snapshots : resolve(PROJECT_ROOT, snapshots),
    ingestMaxBytes: integer(env, 'INGEST_MAX_BYTES', 2 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    ingestTimeoutMs: integer(env, 'INGEST_TIMEOUT_MS', 15_000, 500, 120_000),
    ingestAllowHosts: parseAllowHosts(optional(env, 'INGEST_ALLOW_HOSTS')),
    trashKeepDays: integer(env, 'TRASH_KEEP_DAYS', 0, 0, 36_500),
    rateLimits: {
      user: { burst: integer(env, 'RATE_USER_BURST', 5, 1, 10_000), perMinute: integer(env, 'RATE_USER_PER_MINUTE', 10, 0, 100_000) },
      server: { burst: integer(env, 'RATE_SERVER_BURST', 60, 1, 100_000), perMinute: integer(env, 'RATE_SERVER_PER_MINUTE', 120, 0, 1_000_000) },
    },
    totalShards: shards === null || shards.toLowerCase() === 'auto' ? null : integer(env, 'TOTAL_SHARDS', 1, 1, 10_000),
    shard: shardOf(env),
  };
}

/**
 * Throws a ConfigError naming `key` and `path` unless `path` is a folder: checked at start by the entry points
 * that read the articles (a missing CORPUS_DIR would otherwise fail deep in the loader, with neither named).
 */
export function requireFolder(path: string, key: string): void {
  let problem: string | null = null;
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined) problem = `there is no folder at ${path}`;
    else if (!stat.isDirectory()) problem = `${path} is a file, not a folder`;
  } catch (err) {
    // ENOTDIR (a file on the way there), EACCES, ELOOP: the path is as wrong as a missing one.
    problem = `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  if (problem !== null) throw new ConfigError(`${key} must name the folder of articles; ${problem}`);
}

/** Values that must never be printed: the token and any credential inside CACHE_URL. */
export function secretsOf(config: Config): string[] {
  const secrets: string[] = [];
  if (config.discordToken) secrets.push(config.discordToken);
  if (config.cacheUrl) {
    try {
      const u = new URL(config.cacheUrl);
      if (u.password) secrets.push(decodeURIComponent(u.password), u.password);
      if (u.username && u.password) secrets.push(decodeURIComponent(u.username));
    } catch {
      // An unparsable URL was rejected by parseConfig.
    }
  }
  return secrets.filter((s) => s.length >= 4);
}
