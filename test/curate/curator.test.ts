// The curator in-process, on a temporary corpus: changes made one at a time even when asked at once, each
// with its own corpus version in the audit log; the file-system edge (no overwrite, the trash, a torn audit
// line); refusals that leave everything as it was.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { AuditLog, Curator, listTrash, TRASH_DIR, type Actor } from '../../src/curate/index.ts';
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
