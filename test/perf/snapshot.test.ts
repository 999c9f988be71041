// The saved index: a round trip answers exactly as the built index does, and a snapshot that no longer
// matches (a changed, added or removed file, another corpus, a cut-off or damaged file, another schema or
// other settings) is rejected and rebuilt, never used.
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { threadId } from 'node:worker_threads';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCorpus, corpusVersion, Engine, ENGINE_SETTINGS, snapshotKey } from '../../src/engine.ts';
import { buildIndex } from '../../src/index/build.ts';
import { fromPortable, toPortable } from '../../src/index/portable.ts';
import { decodeSnapshot, encodeSnapshot, memorySource, readSnapshotHeader, SNAPSHOT_SCHEMA } from '../../src/index/snapshot.ts';
import type { Index } from '../../src/index/types.ts';
import { readSnapshot, removeTemporaries, temporaryPrefix, writeSnapshot } from '../../src/store/snapshots.ts';
import { answersOf, corpusWith, expectExactSlices, SEED_000, SEED_004, SEED_QUESTIONS } from './helpers.ts';

const read = (dir: string, snapshot: string) => readSnapshot(snapshot, dir, snapshotKey({}), corpusVersion);

function concat(chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}

describe('snapshot round trip', () => {
  it('gives an index equal to the built one, which answers every seed question identically', async () => {
    const { dir, snapshot } = corpusWith(SEED_000, SEED_004);
    const built = await Engine.open({ corpusDir: dir, snapshot });
    const saved = await read(dir, snapshot);
    expect(saved.kind).toBe('loaded');
    if (saved.kind !== 'loaded') return;
    expect(saved.corpus.version).toBe(built.corpus.version);
    expect(saved.corpus.index).toEqual(built.corpus.index);

    const reopened = await Engine.open({ corpusDir: dir, snapshot });
    const answers = answersOf(reopened);
    expect(answers).toEqual(answersOf(built));
    // The seed questions do get answers with citations, so the comparison above compares something.
    expect(answers.filter((a) => a.kind === 'answer').length).toBeGreaterThan(20);
    expect(expectExactSlices(reopened, answers)).toBeGreaterThan(50);
    expect(reopened.quotations({ speaker: 'Mishal' })).toEqual(built.quotations({ speaker: 'Mishal' }));
    expect(reopened.speakers()).toEqual(built.speakers());
    expect(reopened.articles()).toEqual(built.articles());
  });

  it('carries fields an index gains later: any typed array, Maps, plain data, numbers', async () => {
    const { dir } = corpusWith(SEED_004);
    const corpus = await buildCorpus({ corpusDir: dir });
    const extended = {
      ...corpus.index,
      sentenceScore: Float32Array.from([0.5, -1.25, 3]),
      termWeight: new Float64Array([Math.PI, 1e-300]),
      bigCounts: new BigUint64Array([2n ** 60n]),
      aliases: new Map<string, number[]>([['icc', [1, 2]]]),
      nested: { ids: new Map([[7, 'seven']]), list: [{ a: 1 }] },
      ratio: 0.125,
      label: 'v2',
    } as Index;
    const bytes = concat(encodeSnapshot(extended, { any: 'meta' }));
    const source = memorySource(bytes);
    const header = readSnapshotHeader(source);
    expect(header.ok).toBe(true);
    if (!header.ok) return;
    expect(header.value.meta).toEqual({ any: 'meta' });
    const decoded = decodeSnapshot(source, header.value);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value).toEqual(extended);
    expect(Object.keys(decoded.value)).toEqual(Object.keys(extended));
    expect((decoded.value as unknown as { sentenceScore: unknown }).sentenceScore).toBeInstanceOf(Float32Array);
  });

  it('keeps long text out of the JSON, exactly: Latin-1, other scripts and lone surrogates alike', async () => {
    const { dir } = corpusWith(SEED_000, SEED_004);
    const corpus = await buildCorpus({ corpusDir: dir });
    const notes = [{ text: 'Café £5 ÿ' }, { text: '北京 “quoted” \ud800 lone' }, { text: '' }];
    const extended = { ...corpus.index, notes } as Index;
    // A threshold of one character puts every all-string property in a column.
    const source = memorySource(concat(encodeSnapshot(extended, null, { columnMinChars: 1 })));
    const header = readSnapshotHeader(source);
    if (!header.ok) throw new Error(header.reason);
    const columns = Object.fromEntries(header.value.values.map((v) => [v.name, (v.columns ?? []).map((c) => c.property)]));
    expect(columns.articles).toEqual(expect.arrayContaining(['id', 'path', 'title', 'text', 'hash']));
    expect(columns.notes).toEqual(['text']);
    const decoded = decodeSnapshot(source, header.value);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.value).toEqual(extended);
    expect(Object.keys(decoded.value.articles[0]!)).toEqual(Object.keys(corpus.index.articles[0]!));
    expect((decoded.value as unknown as { notes: typeof notes }).notes[1]!.text).toBe('北京 “quoted” \ud800 lone');
  });

  it('refuses, by name, a field it cannot save', async () => {
    const { dir } = corpusWith(SEED_004);
    const corpus = await buildCorpus({ corpusDir: dir });
    expect(() => toPortable({ ...corpus.index, seen: new Set([1]) } as Index)).toThrow('portable: index.seen is a Set');
    expect(() => toPortable({ ...corpus.index, weight: Number.NaN } as Index)).toThrow('portable: index.weight is NaN');
    // Plain data round-trips through the portable form without copies.
    const portable = toPortable(corpus.index);
    expect(portable.values.articles!.value).toBe(corpus.index.articles);
    expect(fromPortable(portable).tokenTerm).toBe(corpus.index.tokenTerm);
  });
});

describe('a snapshot that does not match is rejected and rebuilt', () => {
  async function saved(seeds: URL[] = [SEED_000, SEED_004]) {
    const c = corpusWith(...seeds);
    const engine = await Engine.open({ corpusDir: c.dir, snapshot: c.snapshot });
    expect((await read(c.dir, c.snapshot)).kind).toBe('loaded');
    return { ...c, engine };
  }

  /** Opening rebuilds from the files and rewrites a snapshot that then loads. */
  async function expectRebuilt(dir: string, snapshot: string, articles: string[]) {
    const engine = await Engine.open({ corpusDir: dir, snapshot });
    expect(engine.corpus.index.articles.map((a) => a.id)).toEqual(articles);
    const again = await read(dir, snapshot);
    expect(again.kind).toBe('loaded');
    if (again.kind === 'loaded') expect(again.corpus.version).toBe(engine.corpus.version);
    return engine;
  }

  it('when an article file changed', async () => {
    const { dir, snapshot, engine } = await saved();
    const q = 'What did the mayor of Aleppo open on Tuesday?';
    expect(engine.answer(q).kind).toBe('not-found');
    appendFileSync(join(dir, '004_08d7a890f8e88d95.txt'), '\nThe mayor of Aleppo opened a new field hospital on Tuesday, officials said.\n');
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'stale: 004_08d7a890f8e88d95.txt has changed' });
    const rebuilt = await expectRebuilt(dir, snapshot, ['000_9c97e5d4a05ee18f', '004_08d7a890f8e88d95']);
    expect(rebuilt.corpus.version).not.toBe(engine.corpus.version);
    const a = rebuilt.answer(q);
    expect(a.kind === 'answer' && a.citations[0]!.text).toBe('The mayor of Aleppo opened a new field hospital on Tuesday, officials said.');
  });

  it('when a file was added or removed', async () => {
    const { dir, snapshot } = await saved([SEED_004]);
    copyFileSync(SEED_000, join(dir, 'added.txt'));
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'stale: added.txt is new' });
    await expectRebuilt(dir, snapshot, ['004_08d7a890f8e88d95', 'added']);
    rmSync(join(dir, 'added.txt'));
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'stale: 1 article files are gone' });
    await expectRebuilt(dir, snapshot, ['004_08d7a890f8e88d95']);
  });

  it('when a skipped file becomes an article', async () => {
    const { dir } = corpusWith(SEED_004);
    writeFileSync(join(dir, 'draft.txt'), '');
    const { snapshot } = corpusWith();
    const engine = await Engine.open({ corpusDir: dir, snapshot });
    expect(engine.corpus.skipped).toEqual([{ path: 'draft.txt', reason: 'empty file' }]);
    expect((await read(dir, snapshot)).kind).toBe('loaded');
    copyFileSync(SEED_000, join(dir, 'draft.txt'));
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'stale: draft.txt has changed' });
    await expectRebuilt(dir, snapshot, ['004_08d7a890f8e88d95', 'draft']);
  });

  it('when it belongs to another corpus', async () => {
    const a = await saved([SEED_000]);
    const b = corpusWith(SEED_004);
    copyFileSync(a.snapshot, b.snapshot);
    expect(await read(b.dir, b.snapshot)).toEqual({ kind: 'rejected', reason: 'stale: 004_08d7a890f8e88d95.txt is new' });
    const engine = await expectRebuilt(b.dir, b.snapshot, ['004_08d7a890f8e88d95']);
    expect(engine.corpus.version).not.toBe(a.engine.corpus.version);
  });

  it('when the file is truncated', async () => {
    const { dir, snapshot } = await saved();
    const size = readFileSync(snapshot).length;
    for (const cut of [size - 1, Math.floor(size / 2), 30, 0]) {
      const whole = readFileSync(snapshot);
      truncateSync(snapshot, cut);
      const r = await read(dir, snapshot);
      expect(r.kind).toBe('rejected');
      if (r.kind === 'rejected') expect(r.reason).toMatch(/^truncated: /);
      writeFileSync(snapshot, whole);
    }
    truncateSync(snapshot, Math.floor(size / 3));
    await expectRebuilt(dir, snapshot, ['000_9c97e5d4a05ee18f', '004_08d7a890f8e88d95']);
  });

  it('when a byte of the payload or of the header is damaged', async () => {
    const { dir, snapshot } = await saved();
    const whole = readFileSync(snapshot);
    const damaged = (at: number) => {
      const copy = Buffer.from(whole);
      copy[at] = copy[at]! ^ 0x01;
      writeFileSync(snapshot, copy);
    };
    damaged(whole.length - 10);
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'corrupt: checksum mismatch' });
    damaged(40);
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'corrupt: header checksum mismatch' });
    damaged(2);
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'not a Verbatim index snapshot' });
    writeFileSync(snapshot, 'not a snapshot at all, but long enough to have a header');
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'not a Verbatim index snapshot' });
    await expectRebuilt(dir, snapshot, ['000_9c97e5d4a05ee18f', '004_08d7a890f8e88d95']);
  });

  it('when it has another schema, or was built with other settings', async () => {
    const { dir, snapshot, engine } = await saved();
    const whole = readFileSync(snapshot);
    const other = Buffer.from(whole);
    other.writeUInt32LE(SNAPSHOT_SCHEMA + 1, 8);
    writeFileSync(snapshot, other);
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: `snapshot schema ${SNAPSHOT_SCHEMA + 1}, this engine reads ${SNAPSHOT_SCHEMA}` });
    await expectRebuilt(dir, snapshot, ['000_9c97e5d4a05ee18f', '004_08d7a890f8e88d95']);

    await writeSnapshot(snapshot, dir, engine.corpus, { settings: { ...ENGINE_SETTINGS, bm25: { k1: 0.9, b: 0.4 } } });
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: 'built with other engine settings' });
    await writeSnapshot(snapshot, dir, engine.corpus, { settings: ENGINE_SETTINGS, maxFileBytes: 1000 });
    expect(await read(dir, snapshot)).toEqual({ kind: 'rejected', reason: `built with maxFileBytes 1000, now ${5 * 1024 * 1024}` });
    await expectRebuilt(dir, snapshot, ['000_9c97e5d4a05ee18f', '004_08d7a890f8e88d95']);
  });

  it('and a missing snapshot is simply built and written', async () => {
    const { dir, snapshot } = corpusWith(SEED_004);
    expect(await read(dir, snapshot)).toEqual({ kind: 'missing' });
    await expectRebuilt(dir, snapshot, ['004_08d7a890f8e88d95']);
  });

  it('never reads or writes a snapshot when told not to', async () => {
    const { dir, snapshot } = corpusWith(SEED_004);
    const engine = await Engine.open({ corpusDir: dir, snapshot: false });
    expect(engine.answer(SEED_QUESTIONS[0]!).kind).toBe('answer');
    expect(await read(dir, snapshot)).toEqual({ kind: 'missing' });
  });
});

describe('decoded indexes are checked', () => {
  it('rejects an index whose sentences point outside their article', async () => {
    const { dir } = corpusWith(SEED_004);
    const index = (await buildCorpus({ corpusDir: dir })).index;
    const broken = { ...index, sentenceEnd: index.sentenceEnd.map((e, i) => (i === 3 ? index.articles[0]!.text.length + 1 : e)) } as Index;
    const source = memorySource(concat(encodeSnapshot(broken, null)));
    const header = readSnapshotHeader(source);
    if (!header.ok) throw new Error(header.reason);
    expect(decodeSnapshot(source, header.value)).toEqual({ ok: false, reason: 'corrupt: sentence 3 lies outside its article' });
    // The same index, unbroken, decodes.
    const good = memorySource(concat(encodeSnapshot(buildIndex(index.articles), null)));
    const h2 = readSnapshotHeader(good);
    if (!h2.ok) throw new Error(h2.reason);
    expect(decodeSnapshot(good, h2.value).ok).toBe(true);
  });
});

describe('temporary files of a write that never finished', () => {
  it('removes the ones one stopped thread left, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verbatim-tmp-'));
    const path = join(dir, 'corpus.snapshot');
    writeFileSync(path, 'the saved index');
    // What a build worker (thread 7) stopped mid-write leaves, beside another thread's file being written and
    // another snapshot's.
    const stopped = `${temporaryPrefix(path, 7)}abc123.tmp`;
    const writing = `${temporaryPrefix(path, 8)}def456.tmp`;
    const other = `${temporaryPrefix(join(dir, 'other.snapshot'), 7)}ghi789.tmp`;
    for (const f of [stopped, writing, other]) writeFileSync(f, 'half an index');
    expect(await removeTemporaries(path, 7)).toBe(1);
    expect(existsSync(stopped)).toBe(false);
    expect(existsSync(writing)).toBe(true);
    expect(existsSync(other)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('the saved index');
    // A folder that is not there is nothing to clean.
    expect(await removeTemporaries(join(dir, 'gone', 'corpus.snapshot'), 7)).toBe(0);
    rmSync(dir, { recursive: true });
  });

  it('leaves no temporary file once a snapshot is saved', async () => {
    const { dir } = corpusWith(SEED_000);
    const out = mkdtempSync(join(tmpdir(), 'verbatim-tmp-'));
    const path = join(out, 'seed.snapshot');
    await writeSnapshot(path, dir, await buildCorpus({ corpusDir: dir }), snapshotKey({}));
    expect(readdirSync(out)).toEqual(['seed.snapshot']);
    // This thread's prefix finds nothing left to remove.
    expect(await removeTemporaries(path, threadId)).toBe(0);
    rmSync(out, { recursive: true });
  });
});
