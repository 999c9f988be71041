// The CLI contract: `npm run --silent ask -- [--json] [--corpus DIR] [--batch FILE] [QUESTION...]`.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TEST_SNAPSHOTS_ENV } from '../support/capture.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function npmAsk(args: string[], env: Record<string, string> = {}) {
  return run(NPM, ['run', '--silent', 'ask', '--', ...args], { cwd: ROOT, env: { ...process.env, CACHE_URL: '', CORPUS_DIR: '', SNAPSHOT_DIR: process.env[TEST_SNAPSHOTS_ENV] ?? '', ...env }, timeout: 60_000 });
}

const CONTRACT_KEYS = ['question', 'answered', 'answer', 'confidence', 'citations', 'cached'];
const CITATION_KEYS = ['articleId', 'title', 'source', 'path', 'start', 'end', 'text'];

describe('npm run ask', () => {
  it('--json prints one JSON object per question and nothing else on stdout, logs on stderr', async () => {
    const { stdout, stderr } = await npmAsk(['--json', 'who called for an ICC investigation?', 'What is the capital of Australia?']);
    const lines = stdout.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(2);
    const [icc, australia] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const o of [icc!, australia!]) expect(Object.keys(o)).toEqual(CONTRACT_KEYS);
    expect(icc).toMatchObject({ question: 'who called for an ICC investigation?', answered: true });
    const citations = icc!.citations as Record<string, unknown>[];
    expect(Object.keys(citations[0]!)).toEqual(CITATION_KEYS);
    expect(citations[0]!.text).toContain('French officials said on Monday that the International Criminal Court (ICC) must investigate');
    // path is relative to the corpus folder, and the decoded file sliced at [start, end) is the text.
    for (const c of citations) {
      const file = readFileSync(join(ROOT, 'seeds', c.path as string), 'utf8');
      expect(file.slice(c.start as number, c.end as number)).toBe(c.text);
    }
    expect(australia).toMatchObject({ answered: false, answer: null });
    expect(stderr).toMatch(/indexed 2 articles/);
  });

  it('reads a batch file, answers in order, over a folder given by --corpus with subfolders and a Windows-1252 file', async () => {
    const corpus = mkdtempSync(join(tmpdir(), 'verbatim-cli-'));
    mkdirSync(join(corpus, 'sport'));
    mkdirSync(join(corpus, 'business'));
    writeFileSync(join(corpus, 'business', '001.txt'), 'Harbour tolls rise\n\nThe port authority said on Tuesday that harbour tolls would rise by 12% from April, citing dredging costs.\n');
    // "Chelsea sack Mutu": £ is 0xA3 and the quotes are 0x93/0x94 in Windows-1252, invalid as UTF-8.
    writeFileSync(
      join(corpus, 'sport', '199.txt'),
      Buffer.concat([
        Buffer.from('Chelsea sack Mutu\n\nChelsea have sacked Adrian Mutu after he failed a drugs test, the club said in a statement on Friday.\n\nThe striker cost the club \xa315.8m when he joined from Parma, and his agent called the decision ', 'latin1'),
        Buffer.from([0x93]),
        Buffer.from('very harsh', 'latin1'),
        Buffer.from([0x94]),
        Buffer.from(' in an interview.\n', 'latin1'),
      ]),
    );
    const batch = join(corpus, '..', `questions-${Date.now()}.txt`);
    writeFileSync(batch, 'How much did the striker cost the club?\nBy how much will harbour tolls rise?\n\nWho sacked Adrian Mutu?\n');
    const { stdout } = await npmAsk(['--json', '--corpus', corpus, '--batch', batch]);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { question: string; citations: { path: string; text: string; start: number; end: number }[] });
    expect(lines.map((l) => l.question)).toEqual(['How much did the striker cost the club?', 'By how much will harbour tolls rise?', 'Who sacked Adrian Mutu?']);
    expect(lines[0]!.citations[0]).toMatchObject({ path: 'sport/199.txt' });
    expect(lines[0]!.citations[0]!.text).toContain('£15.8m');
    expect(lines[1]!.citations[0]).toMatchObject({ path: 'business/001.txt' });
    // Quoted text is decoded, not mojibake.
    const harsh = JSON.stringify(lines);
    expect(harsh).not.toMatch(/\uFFFD|Ã|â€/);
  });

  it('prints a readable answer without --json', async () => {
    const { stdout } = await npmAsk(['How many civilians died in Aleppo since the ceasefire collapsed?']);
    expect(stdout).toMatch(/^Q: How many civilians died in Aleppo since the ceasefire collapsed\?\nA: /);
    expect(stdout).toContain('“The Syrian Observatory for Human Rights, a monitoring group, reported that 213 civilians had died in Aleppo since the ceasefire collapsed last week.”');
    expect(stdout).toMatch(/000_9c97e5d4a05ee18f\.txt, paragraph 9, sentence 1 \[\d+-\d+\]/);
  });

  it('keeps its saved index in SNAPSHOT_DIR, uses it on the next run, and neither reads nor writes one when it is off', async () => {
    const corpus = mkdtempSync(join(tmpdir(), 'verbatim-cli-snap-'));
    writeFileSync(join(corpus, 'harbour.txt'), 'Harbour tolls rise\n\nThe port authority said on Tuesday that harbour tolls would rise by 12% from April, citing dredging costs.\n');
    const dir = join(mkdtempSync(join(tmpdir(), 'verbatim-snapshots-')), 'saved');
    const question = 'By how much will harbour tolls rise?';
    const first = await npmAsk(['--json', '--corpus', corpus, question], { SNAPSHOT_DIR: dir });
    // The index, and WordNet's word lists (src/store/wordlists.ts).
    const files = readdirSync(dir).sort();
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{16}\.snapshot$/), expect.stringMatching(/^wordnet-[0-9a-f]{32}\.lists$/)]);
    const saved = join(dir, files[0]!);
    const lists = join(dir, files[1]!);
    // The second run answers from the saved index: the same answer, and nothing rebuilt or rewritten.
    const before = statSync(saved).mtimeMs;
    const listsBefore = statSync(lists).mtimeMs;
    const second = await npmAsk(['--json', '--corpus', corpus, question], { SNAPSHOT_DIR: dir });
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).not.toMatch(/saved index not used/);
    expect(statSync(saved).mtimeMs).toBe(before);
    expect(statSync(lists).mtimeMs).toBe(listsBefore);
    // A damaged file there is rejected (and replaced) when the setting points at it, ignored when it is off.
    writeFileSync(saved, 'not an index');
    const off = await npmAsk(['--json', '--corpus', corpus, question], { SNAPSHOT_DIR: 'off' });
    expect(off.stdout).toBe(first.stdout);
    expect(off.stderr).not.toMatch(/saved index/);
    expect(readFileSync(saved, 'utf8')).toBe('not an index');
    const on = await npmAsk(['--json', '--corpus', corpus, question], { SNAPSHOT_DIR: dir });
    expect(on.stdout).toBe(first.stdout);
    expect(on.stderr).toMatch(/saved index not used \(truncated: 12 bytes is shorter than the header\); rebuilding/);
    expect(readFileSync(saved).subarray(0, 12).toString('latin1')).not.toBe('not an index');
  });

  it('fails with a usage message on a bad option, and exits non-zero', async () => {
    await expect(npmAsk(['--nope'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run ask') });
  });
});
