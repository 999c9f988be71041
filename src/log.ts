// Logging to stderr (stdout belongs to the CLI's JSON and the local console). Every line passes through
// redaction, so a secret that reaches a log message by accident (an error that quotes a URL, say) is masked.
import type { LogLevel } from './config.ts';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

const secrets = new Set<string>();
let level: LogLevel = 'info';
let origin = '';
let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

/** Register values to mask in every log line (the token, cache credentials). */
export function addSecrets(values: Iterable<string>): void {
  for (const v of values) if (v.length >= 4) secrets.add(v);
}

/** Name the process in every line ("shard 1"), where several processes share one stderr. */
export function setLogOrigin(name: string): void {
  origin = name ? `${name} ` : '';
}

export function setLogLevel(l: LogLevel): void {
  level = l;
}

/** Send log lines somewhere else (tests capture them to scan for secrets). Returns the previous sink. */
export function setLogSink(next: (line: string) => void): (line: string) => void {
  const prev = sink;
  sink = next;
  return prev;
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  // Credentials in URLs and Discord bot tokens, even ones we were never told about.
  out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^/\s@]+)@/gi, '$1$2:[redacted]@');
  out = out.replace(/\b[MNO][A-Za-z\d_-]{23,}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}\b/g, '[redacted]');
  out = out.replace(/(Bot\s+)[A-Za-z\d._-]{20,}/g, '$1[redacted]');
  return out;
}

function describe(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack?.split('\n').slice(0, 6).join('\n') };
  return value;
}

function write(l: LogLevel, scope: string, message: string, context?: Record<string, unknown>): void {
  if (ORDER[l] < ORDER[level]) return;
  let ctx = '';
  if (context && Object.keys(context).length > 0) {
    try {
      ctx = ` ${JSON.stringify(context, (_k, v: unknown) => describe(v))}`;
    } catch {
      ctx = ' [unserialisable context]';
    }
  }
  sink(redact(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${origin}[${scope}] ${message}${ctx}`));
}

export function logger(scope: string): Logger {
  return {
    debug: (m, c) => write('debug', scope, m, c),
    info: (m, c) => write('info', scope, m, c),
    warn: (m, c) => write('warn', scope, m, c),
    error: (m, c) => write('error', scope, m, c),
  };
}

/** An error's message for a log line or a reply: the first of an AggregateError's errors, a system error's code when the message lacks it. */
export function messageOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return messageOf(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const text = err.message || err.name;
    return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
  }
  return String(err);
}
