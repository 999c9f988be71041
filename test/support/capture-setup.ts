// vitest global setup: a folder for the captured output of the whole run (test/support/capture.ts), and at
// the end a scan of all of it for every secret any bot process was given. A secret found fails the run
// (vitest ignores errors thrown from a global teardown, so the exit code is set instead) and is named by
// where it was found and which kind it was, never printed.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURE_DIR_ENV, TEST_SNAPSHOTS_ENV } from './capture.ts';

export interface ScanResult {
  readonly sources: number;
  readonly bytes: number;
  readonly secrets: number;
  readonly found: readonly { readonly where: string; readonly secretOf: string }[];
}

/** Scan every captured output in `dir` for every secret recorded there. */
export function scanCaptured(dir: string): ScanResult {
  const entries = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const sources = entries.map((f) => ({ ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as { label: string; secrets: string[] }), log: join(dir, f.replace(/\.json$/, '.log')) }));
  const secrets = new Map<string, string>();
  for (const s of sources) for (const secret of s.secrets) secrets.set(secret, s.label);
  const found: { where: string; secretOf: string }[] = [];
  let bytes = 0;
  for (const s of sources) {
    const text = readFileSync(s.log, 'utf8');
    bytes += text.length;
    for (const [secret, owner] of secrets) if (text.includes(secret)) found.push({ where: s.label, secretOf: owner });
  }
  return { sources: sources.length, bytes, secrets: secrets.size, found };
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'verbatim-capture-'));
  process.env[CAPTURE_DIR_ENV] = dir;
  // Saved indexes of the run's throwaway corpus folders go here, not into the project's .cache/snapshots.
  const snapshots = mkdtempSync(join(tmpdir(), 'verbatim-snapshots-'));
  process.env[TEST_SNAPSHOTS_ENV] = snapshots;
  return () => {
    rmSync(snapshots, { recursive: true, force: true });
    try {
      const result = scanCaptured(dir);
      if (result.found.length > 0) {
        process.exitCode = 1;
        process.stderr.write(
          `\nSECRET SCAN FAILED: a token or password reached a log or a message:\n${result.found.map((f) => `  in ${f.where}: the secret given to ${f.secretOf}`).join('\n')}\n`,
        );
      } else {
        process.stdout.write(`\nSecret scan: ${result.sources} captured outputs (${result.bytes} characters of logs and messages) hold none of the ${result.secrets} secrets given.\n`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
