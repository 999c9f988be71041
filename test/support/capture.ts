// Where everything the bot says ends up during a test run, for the secret scan: the stdout and stderr of
// every process the suites start (test/support/bot.ts reports them) and every message body the emulator
// received from the bot (test/emulator/discord.ts reports them), each with the secrets it was given (the
// token, a password in CACHE_URL). At the end of the run, test/support/capture-setup.ts scans all of it for
// every secret any of them was given: one suite's output may not hold another's token either.
//
// The folder comes from the environment the global setup sets; outside `npm test` (the soak script, a test
// file run on its own with another config) nothing is written.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CAPTURE_DIR_ENV = 'VERBATIM_CAPTURE_DIR';
/** Where the run's saved indexes go (a temporary folder the global setup makes): see snapshot-setup.ts. */
export const TEST_SNAPSHOTS_ENV = 'VERBATIM_TEST_SNAPSHOTS';

let sequence = 0;

export interface Capture {
  write(text: string): void;
}

/** The secrets a bot started with `config` holds: the token, and the user name and password of CACHE_URL. */
export function secretsOfConfig(config: Record<string, string>): string[] {
  const secrets: string[] = [];
  if (config.DISCORD_TOKEN) secrets.push(config.DISCORD_TOKEN);
  if (config.CACHE_URL) {
    try {
      const u = new URL(config.CACHE_URL);
      if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
      if (u.username && u.password) secrets.push(decodeURIComponent(u.username));
    } catch {
      // Not a URL: the bot refuses it at start and prints no credential.
    }
  }
  return [...new Set(secrets)].filter((s) => s.length >= 4);
}

/** Start capturing one source of output (`label` names it in a report) that was given `secrets`. */
export function capture(label: string, secrets: readonly string[]): Capture {
  const dir = process.env[CAPTURE_DIR_ENV];
  if (!dir) return { write: () => undefined };
  const name = `${process.pid}-${++sequence}`;
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ label, secrets }));
  const file = join(dir, `${name}.log`);
  writeFileSync(file, '');
  // Written as it arrives, so nothing is lost when a suite ends with the process still running.
  return { write: (text) => appendFileSync(file, text) };
}
