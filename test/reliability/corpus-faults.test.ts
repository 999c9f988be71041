// Corpus files that fight back: empty, binary, over the size cap, in an encoding the corpus cannot read,
// links out of the folder, pipes, files nobody may read, files that vanish or change between the listing and
// the read. Each is skipped with its reason and the rest load. Then the engine: a refresh that fails as a
// whole changes nothing, two refreshes at once are one, and a question asked while a refresh runs is answered
// from the old corpus or the new one, never from anything in between.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCorpus, loadCorpus, readListed } from '../../src/corpus/load.ts';
import { Engine } from '../../src/engine.ts';
import type { Answer } from '../../src/answer/types.ts';
import { ROOT } from '../support/bot.ts';

const SEEDS = join(ROOT, 'seeds');
const SEED_000 = readFileSync(join(SEEDS, '000_9c97e5d4a05ee18f.txt'));
const SEED_004 = readFileSync(join(SEEDS, '004_08d7a890f8e88d95.txt'));
const CAP = 64 * 1024;

const work = mkdtempSync(join(tmpdir(), 'verbatim-faults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh folder under the test's work folder, readable by every user (the permission test runs as another). */
function folder(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(work, 0o755);
  chmodSync(dir, 0o755);
  return dir;
}

const story = (n: number, extra = '') =>
  `Harwick ferry service number ${n} resumes\n\nThe ferry service ${n} across the estuary at Harwick resumed on Monday after repairs to the pier, the operator said${extra}. Passengers welcomed the return of the crossing.\n`;

describe('files the loader skips, with the reason, while the rest load', () => {
  it('empty, binary, over the cap, UTF-16, damaged UTF-8, neither UTF-8 nor Windows-1252, a link out, a pipe', async () => {
    const root = folder('hostile');
    const outside = folder('outside');
    writeFileSync(join(root, 'good-000.txt'), SEED_000);
    writeFileSync(join(root, 'good-004.txt'), SEED_004);
    writeFileSync(join(root, 'empty.txt'), '');
    writeFileSync(join(root, 'blank.txt'), ' \n\t\n  ');
    // A PNG header and a stretch of pixel data: NUL bytes.
    writeFileSync(join(root, 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    // Control characters without NULs: an old binary format.
    writeFileSync(join(root, 'controls.txt'), Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? 0x01 : 0x41))));
    writeFileSync(join(root, 'huge.txt'), story(1, ' and '.repeat(CAP / 5)));
    writeFileSync(join(root, 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(story(2), 'utf16le')]));
    // UTF-8 throughout (accents, curly quotes), one byte damaged: the Windows-1252 fallback would mangle all of it.
    const damaged = Buffer.from(story(3, ' — “the café’s façade was repainted”, à la française'), 'utf8');
    damaged[damaged.indexOf(Buffer.from('é', 'utf8'))] = 0xff;
    writeFileSync(join(root, 'damaged.txt'), damaged);
    // Shift-JIS bytes: 0x81 is undefined in Windows-1252.
    writeFileSync(join(root, 'sjis.txt'), Buffer.concat([Buffer.from(story(4), 'latin1'), Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x81, 0x40, 0x8c, 0xea])]));
    // A genuine Windows-1252 file (curly quotes 0x93/0x94, a pound sign 0xA3) loads, decoded as that.
    writeFileSync(join(root, 'legacy.txt'), Buffer.from(story(5, ', at a cost of \xa34m, \x93a fair price\x94'), 'latin1'));
    writeFileSync(join(outside, 'secret.txt'), story(6));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'escape.txt'));
    symlinkSync(outside, join(root, 'escape-folder'));
    symlinkSync(join(root, 'nowhere.txt'), join(root, 'dangling.txt'));
    execFileSync('mkfifo', [join(root, 'pipe.txt')]);
    symlinkSync(join(root, 'pipe.txt'), join(root, 'to-pipe.txt'));
    // A folder named like an article: read as a folder.
    mkdirSync(join(root, 'folder.txt'));
    writeFileSync(join(root, 'folder.txt', 'inside.txt'), story(7));

    const { articles, skipped } = await loadCorpus(root, { maxFileBytes: CAP });
    expect(articles.map((a) => a.id)).toEqual(['folder.txt/inside', 'good-000', 'good-004', 'legacy']);
    expect(articles.find((a) => a.id === 'legacy')).toMatchObject({ encoding: 'windows-1252' });
    expect(articles.find((a) => a.id === 'legacy')!.text).toContain('at a cost of £4m, “a fair price”');
    expect(Object.fromEntries(skipped.map((s) => [s.path, s.reason]))).toEqual({
      'empty.txt': 'empty file',
      'blank.txt': 'no text (whitespace only)',
      'image.txt': 'contains NUL bytes (binary file)',
      'controls.txt': 'too many control characters (binary file)',
      'huge.txt': `too large (${readFileSync(join(root, 'huge.txt')).length} bytes; the limit is ${CAP})`,
      'utf16.txt': 'invalid encoding: UTF-16 or UTF-32 text (save it as UTF-8)',
      'damaged.txt': `invalid encoding: damaged UTF-8 (byte 0xFF at offset ${damaged.indexOf(0xff)} is not UTF-8, though the rest of the file is)`,
      'sjis.txt': `invalid encoding: neither UTF-8 nor Windows-1252 (byte 0x81 at offset ${Buffer.from(story(4), 'latin1').length + 4})`,
      'escape.txt': 'symlink points outside the corpus folder',
      'escape-folder': 'symlink points outside the corpus folder',
      'dangling.txt': 'broken symlink: file vanished while loading',
      'pipe.txt': 'not a regular file: a named pipe (FIFO)',
      'to-pipe.txt': 'not a regular file: the link points to a named pipe (FIFO)',
    });
  });

  it('a file nobody may read, and a folder nobody may open (as an unprivileged user when the tests run as root)', async () => {
    const root = folder('permissions');
    writeFileSync(join(root, 'a.txt'), SEED_004);
    writeFileSync(join(root, 'b.txt'), SEED_000);
    mkdirSync(join(root, 'locked'));
    writeFileSync(join(root, 'locked', 'c.txt'), story(8));
    for (const f of ['a.txt', 'b.txt', 'locked/c.txt']) chmodSync(join(root, f), 0o644);
    chmodSync(join(root, 'b.txt'), 0o000);
    chmodSync(join(root, 'locked'), 0o000);
    try {
      // Root reads through any mode bits (CAP_DAC_OVERRIDE), so the loader runs in a child process as the
      // unprivileged user "nobody", for whom they hold: the real EACCES, not a simulated one.
      const result = process.getuid?.() === 0 ? await loadAs(65534, root) : summary(await loadCorpus(root));
      expect(result).toEqual({
        articles: ['a'],
        skipped: [
          { path: 'locked', reason: 'folder unreadable: permission denied' },
          { path: 'b.txt', reason: 'permission denied' },
        ],
      });
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  });

  it('a file that vanishes, turns into a pipe, or grows past the cap between the listing and the read', async () => {
    const root = folder('moving');
    for (let n = 1; n <= 5; n++) writeFileSync(join(root, `story-${n}.txt`), story(n));
    const listing = await listCorpus(root);
    expect(listing.files.map((f) => f.path)).toEqual(['story-1.txt', 'story-2.txt', 'story-3.txt', 'story-4.txt', 'story-5.txt']);

    unlinkSync(join(root, 'story-2.txt'));
    // Opening a pipe for reading waits for a writer unless the loader asks not to: this would hang the refresh.
    unlinkSync(join(root, 'story-3.txt'));
    execFileSync('mkfifo', [join(root, 'story-3.txt')]);
    writeFileSync(join(root, 'story-4.txt'), story(4, ' and '.repeat(CAP / 5)));

    const { articles, skipped } = await readListed(listing, { maxFileBytes: CAP });
    expect(articles.map((a) => a.id)).toEqual(['story-1', 'story-5']);
    expect(skipped).toEqual([
      { path: 'story-2.txt', reason: 'file vanished while loading' },
      { path: 'story-3.txt', reason: 'not a regular file: a named pipe (FIFO)' },
      { path: 'story-4.txt', reason: `too large (${readFileSync(join(root, 'story-4.txt')).length} bytes; the limit is ${CAP})` },
    ]);
  });
});

/** Run loadCorpus on `root` in a child process as `uid`; what it loaded and skipped. */
async function loadAs(uid: number, root: string): Promise<ReturnType<typeof summary>> {
  const script = `import { loadCorpus } from './src/corpus/load.ts';
const r = await loadCorpus(${JSON.stringify(root)});
process.stdout.write(JSON.stringify({ articles: r.articles.map((a) => a.id), skipped: r.skipped }));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, uid, gid: uid, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`loader as uid ${uid} exited ${code}: ${err}`);
  return JSON.parse(out) as ReturnType<typeof summary>;
}

function summary(r: Awaited<ReturnType<typeof loadCorpus>>) {
  return { articles: r.articles.map((a) => a.id), skipped: r.skipped };
}

describe('the engine while the corpus changes', () => {
  let dir: string;
  let engine: Engine;
  const questions = ['who called for an ICC investigation?', 'Where will the foreign ministers meet?', 'How many civilians died in Aleppo since the ceasefire collapsed?', 'When did the Harwick ferry service 7 resume?'];

  beforeAll(async () => {
    dir = folder('engine');
    cpSync(SEEDS, dir, { recursive: true });
    engine = await Engine.open({ corpusDir: dir, maxFileBytes: CAP });
  });

  it('a refresh reports the files it skipped, with reasons, and serves the rest', async () => {
    writeFileSync(join(dir, 'ferry.txt'), story(7));
    writeFileSync(join(dir, 'empty.txt'), '');
    execFileSync('mkfifo', [join(dir, 'pipe.txt')]);
    const report = await engine.refresh();
    expect(report).toMatchObject({ ok: true, added: ['ferry'], removed: [], changed: [], unchanged: 2, articles: 3 });
    if (!report.ok) return;
    expect(report.skipped).toEqual([
      { path: 'pipe.txt', reason: 'not a regular file: a named pipe (FIFO)' },
      { path: 'empty.txt', reason: 'empty file' },
    ]);
    const a = engine.answer('When did the Harwick ferry service 7 resume?');
    expect(a.kind).toBe('answer');
    if (a.kind === 'answer') expect(a.citations[0]!.articleId).toBe('ferry');
    unlinkSync(join(dir, 'empty.txt'));
    unlinkSync(join(dir, 'pipe.txt'));
  });

  it('a refresh that fails as a whole (the folder gone, or no article left in it) leaves the old corpus serving, unchanged', async () => {
    const before = engine.corpus;
    const answers = questions.map((q) => engine.answer(q));

    renameSync(dir, `${dir}-away`);
    const gone = await engine.refresh();
    renameSync(`${dir}-away`, dir);
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error).toMatch(/ENOENT|no such file/);
    expect(engine.corpus).toBe(before);
    expect(questions.map((q) => engine.answer(q))).toStrictEqual(answers);

    // Every file unreadable as an article: nothing to serve, so the refresh fails rather than serve nothing.
    const hidden = folder('hidden');
    for (const f of ['000_9c97e5d4a05ee18f.txt', '004_08d7a890f8e88d95.txt', 'ferry.txt']) renameSync(join(dir, f), join(hidden, f));
    writeFileSync(join(dir, 'empty.txt'), '');
    const empty = await engine.refresh();
    expect(empty).toMatchObject({ ok: false, error: expect.stringMatching(/^no articles found in .* \(1 files skipped: empty\.txt: empty file\)$/) });
    expect(engine.corpus).toBe(before);
    expect(questions.map((q) => engine.answer(q))).toStrictEqual(answers);

    unlinkSync(join(dir, 'empty.txt'));
    for (const f of ['000_9c97e5d4a05ee18f.txt', '004_08d7a890f8e88d95.txt', 'ferry.txt']) renameSync(join(hidden, f), join(dir, f));
    const back = await engine.refresh();
    expect(back).toMatchObject({ ok: true, added: [], removed: [], changed: [], version: before.version });
  });

  it('two refreshes asked at once are one; a question asked meanwhile sees the old corpus or the new, never a mix', async () => {
    const oldVersion = engine.corpus.version;
    const oldAnswers = new Map(questions.map((q) => [q, engine.answer(q)]));
    for (let n = 10; n < 70; n++) writeFileSync(join(dir, `ferry-${n}.txt`), story(n));
    // Change an article the questions cite, so old and new answers differ.
    writeFileSync(join(dir, 'ferry.txt'), story(7, ', two weeks later than planned'));
    const oracle = await Engine.open({ corpusDir: dir, maxFileBytes: CAP });
    const newAnswers = new Map(questions.map((q) => [q, oracle.answer(q)]));
    expect(newAnswers.get(questions[3]!)).not.toStrictEqual(oldAnswers.get(questions[3]!));

    const first = engine.refresh();
    const second = engine.refresh();
    expect(second).toBe(first);

    const seen: { version: string; question: string; answer: Answer }[] = [];
    let done = false;
    void first.finally(() => (done = true));
    let i = 0;
    while (!done) {
      const question = questions[i++ % questions.length]!;
      const version = engine.corpus.version;
      seen.push({ version, question, answer: engine.answer(question) });
      await new Promise((r) => setImmediate(r));
    }
    const report = await first;
    expect(report).toMatchObject({ ok: true, added: expect.arrayContaining(['ferry-10', 'ferry-69']), changed: ['ferry'] });
    if (report.ok) expect(report.added.length).toBe(60);
    expect(engine.corpus.version).toBe(oracle.corpus.version);

    // Questions were answered while the refresh ran (the files are read asynchronously).
    expect(seen.length).toBeGreaterThan(3);
    for (const s of seen) {
      expect([oldVersion, oracle.corpus.version]).toContain(s.version);
      const expected = s.version === oldVersion ? oldAnswers.get(s.question) : newAnswers.get(s.question);
      expect(s.answer).toStrictEqual(expected);
    }
    // And afterwards, every answer is the new corpus's, each citation an exact slice of its article.
    for (const q of questions) {
      const a = engine.answer(q);
      expect(a).toStrictEqual(newAnswers.get(q));
      for (const c of a.kind === 'answer' ? a.citations : a.nearest) expect(readFileSync(join(dir, c.path), 'utf8').slice(c.start, c.end)).toBe(c.text);
    }
  });
});
