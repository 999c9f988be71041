// The CLI over the BBC news folder (2,225 files in five topic folders, sport/199.txt in Windows-1252), as
// users run it: `npm run ask -- --json --corpus ../shared/data/news/bbc --batch FILE`. Runs where the data is
// (BBC_PATH, or ../shared/data/news/bbc beside the project); elsewhere it says so and is not run.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/corpus/decode.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BBC = [process.env.BBC_PATH, join(ROOT, '../shared/data/news/bbc'), '/work/shared/data/news/bbc'].find((p) => p !== undefined && p !== '' && existsSync(p));
if (!BBC) console.warn('The BBC news folder was not found (set BBC_PATH): the CLI is not run over it here.');

interface Line {
  question: string;
  answered: boolean;
  answer: string | null;
  citations: { articleId: string; path: string; start: number; end: number; text: string }[];
}

describe.runIf(BBC !== undefined)('npm run ask over the BBC news folder', () => {
  it('answers a batch over all 2,225 files, every citation an exact slice of its decoded file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verbatim-bbc-'));
    const batch = join(dir, 'questions.txt');
    writeFileSync(batch, ['Who sacked Adrian Mutu?', 'How much was Mutu signed for?', 'What is the capital of Mongolia according to the yeti?', ''].join('\n'));
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'ask', '--', '--json', '--corpus', BBC!, '--batch', batch], {
      cwd: ROOT,
      env: { ...process.env, CACHE_URL: '', CORPUS_DIR: '', SNAPSHOT_DIR: 'off' },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stderr).toMatch(/indexed 2225 articles/);
    expect(stderr).not.toMatch(/ERROR/);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.question)).toEqual(['Who sacked Adrian Mutu?', 'How much was Mutu signed for?', 'What is the capital of Mongolia according to the yeti?']);

    const [sacked, fee, yeti] = lines as [Line, Line, Line];
    expect(sacked.answered).toBe(true);
    expect(sacked.answer).toBe('Chelsea');
    expect(sacked.citations[0]!.text).toBe('Chelsea have sacked Adrian Mutu after he failed a drugs test.');
    // The fee is in the Windows-1252 file: its pound sign (byte 0xA3) is read as '£', not as mojibake.
    expect(fee.citations.some((c) => c.path === 'sport/199.txt' && c.text.includes('£15.8m'))).toBe(true);
    expect(yeti.answered).toBe(false);

    for (const line of lines) {
      for (const c of line.citations) {
        const decoded = decode(readFileSync(join(BBC!, c.path)));
        if (decoded.kind === 'binary') throw new Error(`${c.path} decoded as binary: ${decoded.reason}`);
        expect(decoded.text.slice(c.start, c.end)).toBe(c.text);
      }
    }
  }, 150_000);
});
