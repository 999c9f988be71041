// The curator in-process, on a temporary corpus: changes made one at a time even when asked at once, each
// with its own corpus version in the audit log; the file-system edge (no overwrite, the trash, a torn audit
// line); refusals that leave everything as it was.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { AuditLog, Curator, listTrash, TRASH_DIR, type Actor, type CorpusChange } from '../../src/curate/index.ts';
import type { RefreshReport } from '../../src/engine.ts';
import { moveToTrash, restoreFromTrash, trashEntry, writeNewFile } from '../../src/curate/files.ts';
import { parseAllowHosts } from '../../src/config.ts';
import { WebServer } from '../support/web.ts';
import { corpus } from '../support/context.ts';

const ACTOR: Actor = { id: '500000000000000001', name: 'editor', guildId: '600000000000000001' };
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const story = (n: number) =>
  `Ward ${n} gets a new bus shelter\n\nThe council installed a new bus shelter in ward ${n} on Thursday after residents asked for one at a public meeting in the spring.\n`;

let web: WebServer;

beforeAll(async () => {
  web = await new WebServer().start();
  for (let n = 1; n <= 5; n++) web.page(`/story-${n}.txt`, story(n), 'text/plain; charset=utf-8');
});

afterAll(async () => {
  await web?.stop();
});

async function curatorOn(files: Record<string, string>) {
  const dir = corpus(files);
  const engine = await Engine.open({ corpusDir: dir.dir });
  const curator = new Curator({ engine, maxFileBytes: 1024 * 1024, limits: { maxBytes: 64 * 1024, timeoutMs: 2000, allowHosts: parseAllowHosts(web.host) } });
  return { dir, engine, curator };
}

describe('Curator', () => {
  it('runs changes asked at once one after another: all indexed, each audited with the version it moved from and to', async () => {
    const { dir, engine, curator } = await curatorOn({ 'seed.txt': story(0) });
    try {
      const start = engine.corpus.version;
      const outcomes = await Promise.all([
        ...[1, 2, 3, 4, 5].map((n) => curator.ingest({ kind: 'url', url: web.url(`/story-${n}.txt`) }, ACTOR)),
        curator.refresh(ACTOR),
      ]);
      expect(outcomes.slice(0, 5).map((o) => ('kind' in o ? o.kind : null))).toEqual(['ingested', 'ingested', 'ingested', 'ingested', 'ingested']);
      expect(engine.articles().length).toBe(6);
      const { entries } = await curator.audit.read();
      expect(entries.length).toBe(6);
      // A chain: every change starts from the version the one before it left.
      expect(entries[0]!.corpus.before).toBe(start);
      for (let i = 1; i < entries.length; i++) expect(entries[i]!.corpus.before).toBe(entries[i - 1]!.corpus.after);
      expect(entries.at(-1)!.corpus.after).toBe(engine.corpus.version);
      for (const e of entries.filter((x) => x.action === 'ingest')) {
        expect(e.sha256).toBe(sha256(readFileSync(join(dir.dir, e.article!.path))));
      }
    } finally {
      dir.remove();
    }
  });

  it('refuses to remove the only article, and changes nothing', async () => {
    const { dir, engine, curator } = await curatorOn({ 'only.txt': story(7) });
    try {
      const version = engine.corpus.version;
      expect(await curator.remove('only', ACTOR)).toEqual({ kind: 'refused', reason: 'it is the only article left; the bot needs at least one to answer from' });
      expect(readdirSync(dir.dir)).toEqual(['only.txt']);
      expect(engine.corpus.version).toBe(version);
    } finally {
      dir.remove();
    }
  });

  it('restores only real trash entries: a path in place of an entry id is not one', async () => {
    const { dir, curator } = await curatorOn({ 'a.txt': story(1), 'b.txt': story(2) });
    try {
      for (const id of ['../../etc/passwd', '..', `${TRASH_DIR}/../a.txt`, '20260101T000000Z-zzzzzz']) {
        expect(await curator.restore(id, ACTOR)).toEqual({ kind: 'refused', reason: 'there is no such entry in the trash (pick one from the suggestions)' });
      }
      expect(await curator.findInTrash('../../etc/passwd')).toEqual({ kind: 'none' });
      expect(existsSync(join(dir.dir, '.audit.jsonl'))).toBe(false);
    } finally {
      dir.remove();
    }
  });
});

describe('those who follow the corpus (the answer cache, the other shards)', () => {
  /** A curator on `dir` that records what it tells: every reindex, and every change made through it. */
  async function listened(dir: string) {
    const engine = await Engine.open({ corpusDir: dir });
    const reindexed: RefreshReport[] = [];
    const changed: CorpusChange[] = [];
    const curator = new Curator({
      engine,
      maxFileBytes: 1024 * 1024,
      limits: { maxBytes: 64 * 1024, timeoutMs: 2000, allowHosts: parseAllowHosts(web.host) },
      onReindexed: (r) => void reindexed.push(r),
      onChanged: (c) => void changed.push(c),
    });
    return { engine, curator, reindexed, changed };
  }

  it('hears of every reindex, and of each change made here with the versions it moved between', async () => {
    const dir = corpus({ 'a.txt': story(1), 'b.txt': story(2) });
    try {
      const { engine, curator, reindexed, changed } = await listened(dir.dir);
      const v0 = engine.corpus.version;
      const ingested = await curator.ingest({ kind: 'url', url: web.url('/story-3.txt') }, ACTOR);
      if (ingested.kind !== 'ingested') throw new Error(`precondition: ${JSON.stringify(ingested)}`);
      const v1 = engine.corpus.version;
      const removed = await curator.remove('a', ACTOR);
      if (removed.kind !== 'removed') throw new Error('precondition');
      const v2 = engine.corpus.version;
      expect((await curator.restore(removed.trash.id, ACTOR)).kind).toBe('restored');
      await curator.refresh(ACTOR);
      // A refused change tells no one.
      expect((await curator.remove('no-such-article', ACTOR)).kind).toBe('refused');

      expect(changed).toEqual([
        { action: 'ingest', version: { before: v0, after: v1 } },
        { action: 'remove', version: { before: v1, after: v2 } },
        { action: 'restore', version: { before: v2, after: v1 } },
        // A refresh is passed on even when nothing changed here: another process may be behind.
        { action: 'refresh', version: { before: v1, after: v1 } },
      ]);
      expect(reindexed.map((r) => (r.ok ? r.version : r.error))).toEqual([v1, v2, v1, v1]);
    } finally {
      dir.remove();
    }
  });

  it('sync: another process changed the folder; this one reloads in turn, tells no one of a change, audits nothing', async () => {
    const dir = corpus({ 'a.txt': story(1) });
    try {
      const here = await listened(dir.dir);
      const there = await listened(dir.dir);
      const ingested = await there.curator.ingest({ kind: 'url', url: web.url('/story-4.txt') }, ACTOR);
      if (ingested.kind !== 'ingested') throw new Error('precondition');
      expect(here.engine.articles().length).toBe(1);

      const report = await here.curator.sync(ingested.version.after);
      expect(report).toMatchObject({ ok: true, added: [ingested.article.id], version: ingested.version.after });
      expect(here.engine.corpus.version).toBe(there.engine.corpus.version);
      expect(here.reindexed.length).toBe(1);
      expect(here.changed).toEqual([]);
      // Only the change itself is in the audit log, from the process that made it.
      expect((await here.curator.audit.read()).entries.map((e) => e.action)).toEqual(['ingest']);
    } finally {
      dir.remove();
    }
  });

  it('sync reloads once more when it lands on another version than expected, and ends on the folder as it is', async () => {
    const dir = corpus({ 'a.txt': story(1) });
    try {
      const { engine, curator, reindexed } = await listened(dir.dir);
      writeFileSync(join(dir.dir, 'b.txt'), story(2));
      // A version nobody reaches: the folder changed again after the other process's change.
      const report = await curator.sync('0'.repeat(32));
      expect(report.ok).toBe(true);
      expect(reindexed.length).toBe(2);
      expect(engine.articles().map((a) => a.id).sort()).toEqual(['a', 'b']);
    } finally {
      dir.remove();
    }
  });

  it('a sync that fails keeps the corpus it had serving, and says why', async () => {
    const dir = corpus({ 'a.txt': story(1) });
    try {
      const { engine, curator, reindexed } = await listened(dir.dir);
      const version = engine.corpus.version;
      rmSync(join(dir.dir, 'a.txt'));
      const report = await curator.sync('f'.repeat(32));
      expect(report).toMatchObject({ ok: false, error: expect.stringContaining('no articles found') });
      expect(reindexed).toEqual([report]);
      expect(engine.corpus.version).toBe(version);
      expect(engine.answer('Where does ward 1 get a new bus shelter?').kind).toBe('answer');
    } finally {
      dir.remove();
    }
  });
});

describe('the corpus folder edge', () => {
  it('writeNewFile never replaces a file, and leaves no temporary file behind', async () => {
    const dir = corpus({ 'x/existing.txt': 'the original' });
    try {
      const path = join(dir.dir, 'x', 'existing.txt');
      expect(await writeNewFile(path, Buffer.from('an intruder'))).toBe('exists');
      expect(readFileSync(path, 'utf8')).toBe('the original');
      expect(await writeNewFile(join(dir.dir, 'x', 'new.txt'), Buffer.from('fresh'))).toBe('written');
      expect(readdirSync(join(dir.dir, 'x')).sort()).toEqual(['existing.txt', 'new.txt']);
    } finally {
      dir.remove();
    }
  });

  it('the trash keeps the file byte for byte with who and when, and lists only entries it can read', async () => {
    const dir = corpus({ 'sub/a.txt': story(3), 'b.txt': story(4) });
    try {
      const entry = await moveToTrash(dir.dir, 'sub/a.txt', { articleId: 'sub/a', title: 'Ward 3', removedBy: { id: '1', name: 'x' }, sha256: sha256(story(3)) }, new Date('2026-01-02T03:04:05.678Z'));
      expect(entry.id).toMatch(/^20260102T030405Z-[0-9a-f]{6}$/);
      expect(existsSync(join(dir.dir, 'sub/a.txt'))).toBe(false);
      expect(readFileSync(join(dir.dir, TRASH_DIR, entry.id, 'sub/a.txt'), 'utf8')).toBe(story(3));
      // A damaged entry and a stray folder are not offered.
      mkdirSync(join(dir.dir, TRASH_DIR, '20260101T000000Z-abcdef'));
      writeFileSync(join(dir.dir, TRASH_DIR, '20260101T000000Z-abcdef', '.entry.json'), '{"id": "20260101T000000Z-abcdef", "path": "../../escape.txt"');
      mkdirSync(join(dir.dir, TRASH_DIR, 'not-an-entry'));
      expect((await listTrash(dir.dir)).map((e) => e.id)).toEqual([entry.id]);
      expect(await trashEntry(dir.dir, '20260101T000000Z-abcdef')).toBeNull();

      expect(await restoreFromTrash(dir.dir, entry)).toEqual({ kind: 'restored' });
      expect(readFileSync(join(dir.dir, 'sub/a.txt'), 'utf8')).toBe(story(3));
      expect(existsSync(join(dir.dir, TRASH_DIR, entry.id))).toBe(false);
      await expect(moveToTrash(dir.dir, '../outside.txt', { articleId: 'x', title: 'x', removedBy: { id: '1', name: 'x' }, sha256: 'x' })).rejects.toThrow('curate: not a corpus-relative article path: "../outside.txt"');
    } finally {
      dir.remove();
    }
  });

  it('the audit log ends a torn last line before appending, and skips it when read', async () => {
    const dir = corpus({ 'a.txt': story(5) });
    try {
      const log = new AuditLog(dir.dir);
      const entry = { at: '2026-01-01T00:00:00.000Z', action: 'refresh', by: { id: '1', name: 'x' }, guild: null, corpus: { before: 'a', after: 'b' } } as const;
      await log.append(entry);
      writeFileSync(log.path, `${readFileSync(log.path, 'utf8')}{"at":"2026-01-01T00:00:01.000Z","action":"ing`);
      await log.append({ ...entry, at: '2026-01-01T00:00:02.000Z' });
      expect(readFileSync(log.path, 'utf8').split('\n').length).toBe(4); // two entries, the torn line, and the final newline
      expect(await log.read()).toEqual({ entries: [entry, { ...entry, at: '2026-01-01T00:00:02.000Z' }], unreadable: 1 });
    } finally {
      dir.remove();
    }
  });
});
