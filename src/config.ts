// The one place that reads process.env. Parsed and validated once, at start, into a typed object; a bad value
// fails with the variable's name. Every key is listed in .env.example.
import { existsSync } from 'node:fs';
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
  const token = optional(env, 'DISCORD_TOKEN');
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
  };
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
