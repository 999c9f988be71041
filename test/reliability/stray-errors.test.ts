// The last-resort handlers for errors nobody caught: each distinct one logged once with its stack, repeats
// counted and summarised at most once a minute (a frozen clock), a closed log stream ignored rather than
// looped on. The end-to-end suite proves the installed handlers keep a real bot serving.
import { describe, expect, it } from 'vitest';
import { REPEAT_SUMMARY_MS, catchStrayErrors, strayErrorReporter } from '../../src/stray-errors.ts';
import type { Logger } from '../../src/log.ts';

function recorder(): { log: Logger; lines: { message: string; context: Record<string, unknown> | undefined }[] } {
  const lines: { message: string; context: Record<string, unknown> | undefined }[] = [];
  const push = (message: string, context?: Record<string, unknown>) => lines.push({ message, context });
  return { log: { debug: push, info: push, warn: push, error: push }, lines };
}

/** The same error thrown from the same place each time it is called. */
const sameError = () => new Error('cache probe failed for key 7');

describe('stray error reporter', () => {
  it('logs a distinct error once, with the error itself; counts repeats and summarises them after a minute', () => {
    let t = 0;
    const { log, lines } = recorder();
    const stray = strayErrorReporter(log, () => t);
    for (let i = 0; i < 50; i++) stray.report('unhandled rejection', sameError());
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toBe('unhandled rejection: not handled where it happened; the bot keeps running');
    expect(lines[0]!.context?.error).toBeInstanceOf(Error);
    t += REPEAT_SUMMARY_MS - 1;
    stray.report('unhandled rejection', sameError());
    expect(lines).toHaveLength(1);
    t += 1;
    stray.report('unhandled rejection', sameError());
    expect(lines).toHaveLength(2);
    expect(lines[1]!.message).toBe('unhandled rejection again, 51 more time(s) since last reported: cache probe failed for key 7');
    expect(lines[1]!.context).toEqual({ count: 52, total: 52 });
    expect(stray.total).toBe(52);
  });

  it('tells different errors, kinds and non-errors apart', () => {
    const { log, lines } = recorder();
    const stray = strayErrorReporter(log, () => 0);
    stray.report('unhandled rejection', new TypeError('x is undefined'));
    stray.report('uncaught exception', new TypeError('x is undefined'));
    stray.report('unhandled rejection', 'a string, not an Error');
    stray.report('unhandled rejection', undefined);
    stray.report('unhandled rejection', 'a string, not an Error');
    expect(lines.map((l) => l.message)).toEqual([
      'unhandled rejection: not handled where it happened; the bot keeps running',
      'uncaught exception: not handled where it happened; the bot keeps running',
      'unhandled rejection: not handled where it happened; the bot keeps running',
      'unhandled rejection: not handled where it happened; the bot keeps running',
    ]);
  });

  it('does not try to log that the log stream itself broke (EPIPE), which would loop', () => {
    const { log, lines } = recorder();
    const stray = strayErrorReporter(log, () => 0);
    stray.report('uncaught exception', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(lines).toEqual([]);
    expect(stray.total).toBe(1);
  });

  it('installed, a rejection nobody handles is reported and the process goes on', async () => {
    const { log, lines } = recorder();
    const installed = catchStrayErrors(log);
    try {
      void Promise.reject(new Error('nobody listens to this one'));
      await new Promise((r) => setTimeout(r, 20));
      expect(lines.map((l) => (l.context?.error as Error | undefined)?.message)).toContain('nobody listens to this one');
    } finally {
      installed.uninstall();
    }
  });
});
