// Refresh off the main thread: the worker builds the same index the main thread would, questions asked while
// it works are answered from the current index, the new one is swapped in whole, and a failed refresh
// changes nothing.
import { appendFileSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCorpus, corpusVersion, Engine, snapshotKey } from '../../src/engine.ts';
import { toPortable } from '../../src/index/portable.ts';
import { buildInWorker } from '../../src/refresh/build-in-worker.ts';
import { readSnapshot } from '../../src/store/snapshots.ts';
import { answersOf, corpusWith, expectExactSlices, SEED_000, SEED_004 } from './helpers.ts';

/** Seed 004 alone does not say; seed 000 does ("Yesterday Boris Johnson claimed Russia could be guilty..."). */
const ABOUT_000 = 'What did Boris Johnson claim?';

describe('the build worker', () => {
  it('builds an index equal to the main-thread one, field by field', async () => {
    const { dir } = corpusWith(SEED_000, SEED_004);
    writeFileSync(join(dir, 'empty.txt'), '');
    const [inWorker, onMain] = await Promise.all([buildInWorker({ corpusDir: dir, snapshot: null }), buildCorpus({ corpusDir: dir })]);
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
    const current = (await buildCorpus({ corpusDir: dir })).index;
    appendFileSync(join(dir, '004_08d7a890f8e88d95.txt'), '\n“We will rebuild every school in the district,” the governor said on Friday.\n');
    copyFileSync(SEED_004, join(dir, 'copy.txt'));
    const [inWorker, onMain] = await Promise.all([buildInWorker({ corpusDir: dir, snapshot: null }, current), buildCorpus({ corpusDir: dir })]);
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
});
