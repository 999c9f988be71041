// Refresh off the main thread: the worker builds the same index the main thread would, questions asked while
// it works are answered from the current index, the new one is swapped in whole, and a failed refresh
// changes nothing.
import { appendFileSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCorpus, corpusVersion, Engine, snapshotKey } from '../../src/engine.ts';
import { toPortable } from '../../src/index/portable.ts';
import { buildInWorker, type WorkerBuild, type WorkerUnchanged } from '../../src/refresh/build-in-worker.ts';
import { readSnapshot } from '../../src/store/snapshots.ts';
import { answersOf, corpusWith, expectExactSlices, SEED_000, SEED_004 } from './helpers.ts';

/** Seed 004 alone does not say; seed 000 does ("Yesterday Boris Johnson claimed Russia could be guilty..."). */
const ABOUT_000 = 'What did Boris Johnson claim?';

function built(result: WorkerBuild | WorkerUnchanged): WorkerBuild {
  if (result.kind !== 'built') throw new Error('expected the worker to build an index');
  return result;
}

describe('the build worker', () => {
  it('builds an index equal to the main-thread one, field by field', async () => {
    const { dir } = corpusWith(SEED_000, SEED_004);
    writeFileSync(join(dir, 'empty.txt'), '');
    const [result, onMain] = await Promise.all([buildInWorker({ corpusDir: dir, snapshot: null }), buildCorpus({ corpusDir: dir })]);
    const inWorker = built(result);
    expect(inWorker.version).toBe(onMain.version);
    expect(inWorker.skipped).toEqual(onMain.skipped);
    expect(inWorker.snapshotError).toBeNull();
    expect(inWorker.index).toEqual(onMain.index);
    expect(Object.keys(inWorker.index)).toEqual(Object.keys(onMain.index));
    // The same content by the snapshot's own measure: every typed array byte for byte, every value alike.
    const w = toPortable(inWorker.index);
    const m = toPortable(onMain.index);
    expect(Object.keys(w.typed)).toEqual(Object.keys(m.typed));
    for (const [name, array] of Object.entries(m.typed)) expect(Buffer.from(w.typed[name]!.buffer).equals(Buffer.from(array.buffer)), name).toBe(true);
    expect(w.values).toEqual(m.values);
    expect(inWorker.index.vocabulary.lookup('aleppo')).toBe(onMain.index.vocabulary.lookup('aleppo'));
    expect(inWorker.index.vocabulary.lookup('aleppo')).toBeGreaterThan(0);
  });

  it('reuses the current index\'s articles and quotations where files are unchanged, and sends the rest', async () => {
    const { dir } = corpusWith(SEED_000, SEED_004);
    const corpus = await buildCorpus({ corpusDir: dir });
    const current = corpus.index;
    appendFileSync(join(dir, '004_08d7a890f8e88d95.txt'), '\n“We will rebuild every school in the district,” the governor said on Friday.\n');
    copyFileSync(SEED_004, join(dir, 'copy.txt'));
    const [result, onMain] = await Promise.all([buildInWorker({ corpusDir: dir, snapshot: null }, corpus), buildCorpus({ corpusDir: dir })]);
    const inWorker = built(result);
    expect(inWorker.sentArticles).toBe(2); // the changed file and the new one
    expect(inWorker.index).toEqual(onMain.index);
    // The unchanged article and its quotations are the current index's own objects, not copies.
    expect(inWorker.index.articles[0]).toBe(current.articles[0]);
    const mishal = inWorker.index.quotations.find((q) => q.speaker === 'Bebars Mishal');
    expect(mishal).toBeDefined();
    expect(current.quotations).toContain(mishal);
    // The changed article's new quotation came from the worker.
    const governor = inWorker.index.quotations.find((q) => q.speaker === 'the governor');
    expect(governor?.text).toBe('We will rebuild every school in the district');
    expect(governor?.articleId).toBe('004_08d7a890f8e88d95');
  });

  it('builds nothing when every file is as the current corpus has it, and builds when any differs, a skipped one too', async () => {
    const { dir } = corpusWith(SEED_000, SEED_004);
    writeFileSync(join(dir, 'empty.txt'), '');
    const corpus = await buildCorpus({ corpusDir: dir });
    expect(corpus.skipped).toEqual([{ path: 'empty.txt', reason: 'empty file' }]);
    expect(await buildInWorker({ corpusDir: dir, snapshot: null }, corpus)).toMatchObject({ kind: 'unchanged' });
    // Rewritten with the same bytes: the bytes are what counts, not the time stamp.
    copyFileSync(SEED_004, join(dir, '004_08d7a890f8e88d95.txt'));
    expect(await buildInWorker({ corpusDir: dir, snapshot: null }, corpus)).toMatchObject({ kind: 'unchanged' });
    // The skipped file now holds an article: built, and the new article is in.
    copyFileSync(SEED_000, join(dir, 'empty.txt'));
    const after = built(await buildInWorker({ corpusDir: dir, snapshot: null }, corpus));
    expect(after.index.articles.map((a) => a.id)).toEqual(['000_9c97e5d4a05ee18f', '004_08d7a890f8e88d95', 'empty']);
    expect(after.skipped).toEqual([]);
    expect(after.sentArticles).toBe(1);
  });

  it('reports a corpus it cannot build as an error', async () => {
    const { dir } = corpusWith();
    await expect(buildInWorker({ corpusDir: dir, snapshot: null })).rejects.toThrow(`no articles found in ${dir}`);
    await expect(buildInWorker({ corpusDir: join(dir, 'missing'), snapshot: null })).rejects.toThrow(/ENOENT/);
  });
});

describe('Engine.refresh', () => {
  it('answers from the old index while the worker builds, then from the new one', async () => {
    const { dir, snapshot } = corpusWith(SEED_004);
    const engine = await Engine.open({ corpusDir: dir, snapshot });
    const old = engine.corpus;
    const before = engine.answer(ABOUT_000);
    expect(before.kind).toBe('not-found');

    copyFileSync(SEED_000, join(dir, '000_9c97e5d4a05ee18f.txt'));
    const pending = engine.refresh();
    expect(engine.refresh()).toBe(pending); // concurrent calls share one reload
    // Nothing has been awaited yet, so the swap cannot have happened: the old index answers.
    expect(engine.corpus).toBe(old);
    expect(engine.answer(ABOUT_000)).toEqual(before);
    // The event loop stays free while the worker runs: timers fire and questions are answered, from the
    // old index, until the swap.
    let during = 0;
    let swapped = false;
    void pending.then(() => (swapped = true));
    while (!swapped) {
      await new Promise((r) => setTimeout(r, 5));
      if (swapped) break;
      expect(engine.corpus).toBe(old);
      expect(engine.answer(ABOUT_000)).toEqual(before);
      during++;
    }
    // Timers fired while the worker built: the event loop was free (starting the worker alone takes far
    // longer than one 5 ms tick).
    expect(during).toBeGreaterThanOrEqual(1);

    const report = await pending;
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    expect(report.added).toEqual(['000_9c97e5d4a05ee18f']);
    expect(report.unchanged).toBe(1);
    expect(report.previousVersion).toBe(old.version);
    expect(engine.corpus.version).toBe(report.version);
    expect(engine.corpus.version).not.toBe(old.version);
    const after = engine.answer(ABOUT_000);
    expect(after.kind).toBe('answer');
    if (after.kind !== 'answer') return;
    expect(after.citations[0]!.articleId).toBe('000_9c97e5d4a05ee18f');
    expect(after.citations[0]!.text).toMatch(/^Yesterday Boris\sJohnson claimed Russia could be guilty of war crimes/);

    // The refreshed engine answers exactly as one opened fresh on the new folder, and the worker saved the
    // snapshot that the next start uses.
    const fresh = await Engine.open({ corpusDir: dir, snapshot: false });
    const answers = answersOf(engine);
    expect(answers).toEqual(answersOf(fresh));
    expect(expectExactSlices(engine, answers)).toBeGreaterThan(50);
    const saved = await readSnapshot(snapshot, dir, snapshotKey({}), corpusVersion);
    expect(saved.kind === 'loaded' && saved.corpus.version).toBe(report.version);
  });

  it('says nothing changed when no file has, and keeps the corpus it serves, its version and its snapshot', async () => {
    const { dir, snapshot } = corpusWith(SEED_000, SEED_004);
    const engine = await Engine.open({ corpusDir: dir, snapshot });
    const old = engine.corpus;
    const saved = readFileSync(snapshot);
    const report = await engine.refresh();
    expect(report).toMatchObject({ ok: true, added: [], removed: [], changed: [], unchanged: 2, skipped: [], articles: 2, version: old.version, previousVersion: old.version });
    expect(engine.corpus).toBe(old);
    expect(readFileSync(snapshot).equals(saved)).toBe(true);

    // One file changed: the whole index is rebuilt in the worker, and only that article crosses.
    appendFileSync(join(dir, '000_9c97e5d4a05ee18f.txt'), '\nThe talks resume on Monday, officials said.\n');
    const changed = await engine.refresh();
    expect(changed).toMatchObject({ ok: true, added: [], removed: [], changed: ['000_9c97e5d4a05ee18f'], unchanged: 1 });
    expect(engine.corpus).not.toBe(old);
    expect(engine.corpus.version).not.toBe(old.version);
    expect(answersOf(engine)).toEqual(answersOf(await Engine.open({ corpusDir: dir, snapshot: false })));
  });

  it('keeps the old corpus serving when the refresh fails', async () => {
    const { dir, snapshot } = corpusWith(SEED_000, SEED_004);
    const engine = await Engine.open({ corpusDir: dir, snapshot });
    const old = engine.corpus;
    const answers = answersOf(engine);
    rmSync(join(dir, '000_9c97e5d4a05ee18f.txt'));
    rmSync(join(dir, '004_08d7a890f8e88d95.txt'));
    const report = await engine.refresh();
    expect(report).toMatchObject({ ok: false, error: `no articles found in ${dir}` });
    expect(engine.corpus).toBe(old);
    expect(answersOf(engine)).toEqual(answers);

    rmSync(dir, { recursive: true });
    const gone = await engine.refresh();
    expect(gone.ok).toBe(false);
    expect(engine.corpus).toBe(old);
    expect(engine.answer(ABOUT_000).kind).toBe('answer');
  });

  it('abandons a build that outlasts its deadline and keeps serving the corpus it had', async () => {
    const { dir, snapshot } = corpusWith(SEED_000, SEED_004);
    // 1 ms: the worker cannot even start the language model in that time.
    const engine = await Engine.open({ corpusDir: dir, snapshot, refreshDeadlineMs: 1 });
    const old = engine.corpus;
    const answers = answersOf(engine);
    copyFileSync(SEED_004, join(dir, 'copy.txt'));
    const report = await engine.refresh();
    expect(report).toMatchObject({ ok: false, error: 'the build took longer than 1 ms and was stopped' });
    expect(engine.corpus).toBe(old);
    expect(answersOf(engine)).toEqual(answers);
    // The abandoned build does not hold the next refresh (it is a new attempt, not the stuck one joined)...
    const next = engine.refresh();
    expect(await next).toMatchObject({ ok: false, error: 'the build took longer than 1 ms and was stopped' });
    // ...and it was the deadline that failed it: the same folder builds when given time.
    const again = await buildInWorker({ corpusDir: dir, snapshot: null }, old, 60_000);
    expect(again.kind).toBe('built');
  });
});
