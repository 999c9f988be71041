// Errors that no code caught: a promise rejected with nobody waiting on it, an exception thrown from a timer
// or an event listener. Node ends the process on either by default; a bot that serves a whole server must not
// stop answering everyone for one bad path (the one error boundary, src/bot/handler.ts, already covers every
// interaction). Each distinct error is logged once, at error level, with its stack; repeats are counted and
// summarised at most once a minute, so an error that recurs on every tick cannot flood the log.
import { messageOf, type Logger } from './log.ts';

export type StrayKind = 'unhandled rejection' | 'uncaught exception';

/** How often repeats of one error are summarised. */
export const REPEAT_SUMMARY_MS = 60_000;
/** Distinct errors remembered; past this, new ones are still logged but their repeats are not folded. */
const MAX_DISTINCT = 200;

interface Seen {
  count: number;
  unreported: number;
  summarisedAt: number;
}

export interface StrayErrors {
  /** Report one stray error (what the process handlers call). */
  report(kind: StrayKind, error: unknown): void;
  /** Stray errors seen since the start, repeats included. */
  readonly total: number;
}

function fingerprint(kind: StrayKind, error: unknown): string {
  if (!(error instanceof Error)) return `${kind}|${typeof error}|${String(error).slice(0, 200)}`;
  // The first frame below the message says where it was thrown; the message alone may carry ids.
  const frame = error.stack?.split('\n').find((l) => l.trimStart().startsWith('at ')) ?? '';
  return `${kind}|${error.name}|${error.message.slice(0, 200)}|${frame.trim()}`;
}

/** Writing the log itself failed (stderr closed): there is nowhere to report that, and trying again loops. */
function isBrokenOutput(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

export function strayErrorReporter(log: Logger, now: () => number = () => Date.now()): StrayErrors {
  const seen = new Map<string, Seen>();
  let total = 0;
  return {
    get total() {
      return total;
    },
    report(kind, error) {
      total++;
      if (isBrokenOutput(error)) return;
      const key = fingerprint(kind, error);
      const known = seen.get(key);
      try {
        if (!known) {
          if (seen.size < MAX_DISTINCT) seen.set(key, { count: 1, unreported: 0, summarisedAt: now() });
          log.error(`${kind}: not handled where it happened; the bot keeps running`, { error, total });
          return;
        }
        known.count++;
        known.unreported++;
        if (now() - known.summarisedAt >= REPEAT_SUMMARY_MS) {
          const message = messageOf(error);
          log.error(`${kind} again, ${known.unreported} more time(s) since last reported: ${message}`, { count: known.count, total });
          known.unreported = 0;
          known.summarisedAt = now();
        }
      } catch {
        // The log failed: nothing else can be done without risking a loop.
      }
    },
  };
}

/**
 * Install the process-wide handlers: from then on a stray rejection or exception is logged (once) and the
 * process keeps running. Returns a function that removes them.
 */
export function catchStrayErrors(log: Logger): { readonly errors: StrayErrors; uninstall(): void } {
  const errors = strayErrorReporter(log);
  const onRejection = (reason: unknown) => errors.report('unhandled rejection', reason);
  const onException = (error: Error) => errors.report('uncaught exception', error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    errors,
    uninstall() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
