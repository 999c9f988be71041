// The curator in-process, on a temporary corpus: changes made one at a time even when asked at once, each
// with its own corpus version in the audit log; the file-system edge (no overwrite, the trash, a torn audit
// line); refusals that leave everything as it was.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { AuditLog, Curator, listTrash, startTrashRetention, TRASH_DIR, type Actor, type CorpusChange } from '../../src/curate/index.ts';
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

  it('finds a trash entry by its title typed with a straight apostrophe where the title has a curly one', async () => {
    const { dir, curator } = await curatorOn({ 'a.txt': 'Syria’s talks resume\n\nThe talks resumed in Lausanne on Saturday after a week of delay.\n', 'b.txt': story(2) });
    try {
      expect((await curator.remove('a', ACTOR)).kind).toBe('removed');
      for (const typed of ["syria's talks", 'SYRIA’S TALKS', 'Syria’s']) {
        const found = await curator.findInTrash(typed);
        expect(found.kind === 'found' ? found.entry.articleId : found.kind, typed).toBe('a');
      }
      expect((await curator.trash("syria's")).map((e) => e.articleId)).toEqual(['a']);
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

describe('files that change behind the bot\'s back', () => {
  /** What a refusal must leave as it was: the files, the trash, the audit log, the corpus version. */
  function snapshot(dir: string, engine: Engine) {
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((p) => !p.startsWith(TRASH_DIR) || p.endsWith('.txt')).sort();
    return { files, version: engine.corpus.version, audit: existsSync(join(dir, '.audit.jsonl')) };
  }

  it('/remove of an article whose file was deleted by hand is refused with a reason, and changes nothing', async () => {
    const { dir, engine, curator } = await curatorOn({ 'a.txt': story(1), 'b.txt': story(2) });
    try {
      rmSync(join(dir.dir, 'a.txt'));
      const before = snapshot(dir.dir, engine);
      expect(await curator.remove('a', ACTOR)).toEqual({ kind: 'refused', reason: 'its file a.txt is no longer in the articles folder; /refresh updates the list' });
      expect(snapshot(dir.dir, engine)).toEqual(before);
      expect(await curator.trash()).toEqual([]);
    } finally {
      dir.remove();
    }
  });

  it('/restore of an entry whose file was deleted from the trash by hand is refused, and the entry is kept', async () => {
    const { dir, engine, curator } = await curatorOn({ 'a.txt': story(1), 'b.txt': story(2) });
    try {
      const removed = await curator.remove('a', ACTOR);
      if (removed.kind !== 'removed') throw new Error(`precondition: ${JSON.stringify(removed)}`);
      rmSync(join(dir.dir, TRASH_DIR, removed.trash.id, 'a.txt'));
      const version = engine.corpus.version;
      expect(await curator.restore(removed.trash.id, ACTOR)).toEqual({ kind: 'refused', reason: `the trashed file is missing from ${TRASH_DIR}/${removed.trash.id}/a.txt` });
      expect(engine.corpus.version).toBe(version);
      expect(existsSync(join(dir.dir, 'a.txt'))).toBe(false);
      expect((await curator.trash()).map((e) => e.id)).toEqual([removed.trash.id]);
      expect((await curator.audit.read()).entries.map((e) => e.action)).toEqual(['remove']);
    } finally {
      dir.remove();
    }
  });

  /**
   * A curator whose engine runs `during` just before its first reindex: what another process could do to the
   * folder while a removal is being indexed.
   */
  async function curatorWithInterference(files: Record<string, string>, during: (dir: string) => void) {
    const made = await curatorOn(files);
    const refresh = made.engine.refresh.bind(made.engine);
    let first = true;
    made.engine.refresh = () => {
      if (first) during(made.dir.dir);
      first = false;
      return refresh();
    };
    return made;
  }

  it('a removal undone because the reindex failed: the file is put back', async () => {
    // The reindex fails as a whole (the folder holds no article at that moment), so the removal is undone.
    let aside = '';
    const { dir, engine, curator } = await curatorWithInterference({ 'a.txt': story(1), 'b.txt': story(2) }, (d) => {
      aside = readFileSync(join(d, 'b.txt'), 'utf8');
      rmSync(join(d, 'b.txt'));
    });
    try {
      const version = engine.corpus.version;
      const outcome = await curator.remove('a', ACTOR);
      writeFileSync(join(dir.dir, 'b.txt'), aside);
      expect(outcome).toMatchObject({ kind: 'refused' });
      if (outcome.kind !== 'refused') throw new Error('unreachable');
      expect(outcome.reason).toMatch(/^the articles could not be reindexed \(no articles found in .*\); the file was put back$/);
      expect(outcome.leftChanged).toBeUndefined();
      expect(readFileSync(join(dir.dir, 'a.txt'), 'utf8')).toBe(story(1));
      expect(await curator.trash()).toEqual([]);
      expect(await curator.refresh(ACTOR)).toMatchObject({ report: { ok: true, version } });
    } finally {
      dir.remove();
    }
  });

  it('a removal undone while another file took the path: the reply says the removed file stays in the trash', async () => {
    const other = 'Ward 1 shelter plan changes\n\nA different text now sits at the same path, put there while the removal was being indexed.\n';
    const { dir, engine, curator } = await curatorWithInterference({ 'a.txt': story(1), 'b.txt': story(2) }, (d) => writeFileSync(join(d, 'a.txt'), other));
    try {
      const outcome = await curator.remove('a', ACTOR);
      if (outcome.kind !== 'refused') throw new Error(`expected a refusal: ${JSON.stringify(outcome)}`);
      const [entry, ...more] = await curator.trash();
      expect(more).toEqual([]);
      expect(outcome.reason).toBe(
        `the articles could not be reindexed (the article was still found); the file could not be put back, because another file is at a.txt now; the removed one stays in the trash as ${entry!.id} (/restore once the path is free)`,
      );
      expect(outcome.leftChanged).toBe(true);
      // Nothing lost: the removed text waits in the trash, the newcomer is served.
      expect(readFileSync(join(dir.dir, TRASH_DIR, entry!.id, 'a.txt'), 'utf8')).toBe(story(1));
      expect(readFileSync(join(dir.dir, 'a.txt'), 'utf8')).toBe(other);
      expect(engine.article('a')?.title).toBe('Ward 1 shelter plan changes');
      expect((await curator.audit.read()).entries).toEqual([]);
    } finally {
      dir.remove();
    }
  });

  it('a removal undone after the file was taken out of the trash by hand: the reply says it could not be put back', async () => {
    const { dir, curator } = await curatorWithInterference({ 'a.txt': story(1), 'b.txt': story(2) }, (d) => {
      const [id] = readdirSync(join(d, TRASH_DIR));
      renameSync(join(d, TRASH_DIR, id!, 'a.txt'), join(d, 'a.txt'));
    });
    try {
      const outcome = await curator.remove('a', ACTOR);
      if (outcome.kind !== 'refused') throw new Error(`expected a refusal: ${JSON.stringify(outcome)}`);
      expect(outcome.reason).toMatch(/^the articles could not be reindexed \(the article was still found\); the file could not be put back: it is no longer in the trash at \.trash\/\d{8}T\d{6}Z-[0-9a-f]{6}\/a\.txt$/);
      expect(outcome.leftChanged).toBe(true);
      expect(readFileSync(join(dir.dir, 'a.txt'), 'utf8')).toBe(story(1));
    } finally {
      dir.remove();
    }
  });
});

describe('one article, one file: duplicates and shared ids', () => {
  const SEED = '004_08d7a890f8e88d95';
  // A real seed article: it ends without a final newline, which an ingested copy gets.
  const seedBytes = readFileSync(new URL(`../../seeds/${SEED}.txt`, import.meta.url));
  const seedText = seedBytes.toString('utf8');

  /** What a refusal must leave as it was: every file (hidden ones too), the corpus version, the audit log. */
  function state(dir: string, engine: Engine) {
    const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
      .map((e) => join(e.parentPath, e.name))
      .sort()
      .map((p) => [p, statSync(p).isFile() ? sha256(readFileSync(p)) : 'folder']);
    return { files, version: engine.corpus.version, audit: existsSync(join(dir, '.audit.jsonl')) ? readFileSync(join(dir, '.audit.jsonl'), 'utf8') : null };
  }

  it('/ingest refuses a copy of an article already in the corpus, byte for byte or with other line ends or final newlines, naming it', async () => {
    expect(seedText.endsWith('\n')).toBe(false); // what made the byte-identical copy look new
    const copies = {
      '/same-bytes.txt': seedBytes,
      '/crlf.txt': Buffer.from(`${seedText.replace(/\n/g, '\r\n')}\r\n`),
      '/blank-lines-after.txt': Buffer.from(`${seedText}\n\n\n`),
    };
    for (const [path, bytes] of Object.entries(copies)) web.page(path, bytes, 'text/plain; charset=utf-8');
    const { dir, engine, curator } = await curatorOn({ [`${SEED}.txt`]: seedText, 'b.txt': story(2) });
    try {
      expect(readFileSync(join(dir.dir, `${SEED}.txt`))).toEqual(seedBytes);
      const title = engine.article(SEED)!.title;
      expect(title).toBe('Civilian casualties increase in Syria’s Aleppo ahead of Swiss talks');
      const before = state(dir.dir, engine);
      for (const path of Object.keys(copies)) {
        expect(await curator.ingest({ kind: 'url', url: web.url(path) }, ACTOR)).toEqual({ kind: 'refused', reason: `it is already in the corpus, as “${title}” (id ${SEED})` });
      }
      expect(state(dir.dir, engine)).toEqual(before);
      expect(existsSync(join(dir.dir, 'ingested'))).toBe(false);
      expect(engine.articles().map((a) => a.id)).toEqual([SEED, 'b']);
    } finally {
      dir.remove();
    }
  });

  it('/ingest refuses another text under the title of an article from the same publisher, and says how to replace it', async () => {
    const update = 'Ward 1 gets a new bus shelter\n\nThe bus shelter promised to ward 1 will now be built in the autumn, the council said on Friday, after the spring works were delayed.\n';
    const elsewhere = 'Ward 1 gets a new bus shelter\n\nSource: The Ward Gazette\n\nThe council installed a shelter in ward 1, the gazette reports, a month after residents asked for one.\n';
    web.page('/ward-1-update.txt', update, 'text/plain; charset=utf-8');
    web.page('/ward-1-gazette.txt', elsewhere, 'text/plain; charset=utf-8');
    const { dir, engine, curator } = await curatorOn({ 'a.txt': story(1), 'b.txt': story(2) });
    try {
      const version = engine.corpus.version;
      expect(await curator.ingest({ kind: 'url', url: web.url('/ward-1-update.txt') }, ACTOR)).toEqual({
        kind: 'refused',
        reason: 'an article with the same title with no publisher named is already in the corpus: “Ward 1 gets a new bus shelter” (id a); if this one replaces it, /remove that one first, else give this one another title',
      });
      expect(engine.corpus.version).toBe(version);
      expect(existsSync(join(dir.dir, 'ingested'))).toBe(false);
      // The same title typed with a straight apostrophe where the corpus has a curly one is the same title.
      const curly = "Ward 1’s new bus shelter\n\nThe shelter for ward 1 is finished, the council said.\n";
      const straight = "Ward 1's new bus shelter\n\nA second report: the shelter for ward 1 opened on Monday, with a bench.\n";
      web.page('/ward-1-curly.txt', curly, 'text/plain; charset=utf-8');
      web.page('/ward-1-straight.txt', straight, 'text/plain; charset=utf-8');
      expect(await curator.ingest({ kind: 'url', url: web.url('/ward-1-curly.txt') }, ACTOR)).toMatchObject({ kind: 'ingested' });
      expect(await curator.ingest({ kind: 'url', url: web.url('/ward-1-straight.txt') }, ACTOR)).toMatchObject({ kind: 'refused', reason: expect.stringContaining('an article with the same title with no publisher named is already in the corpus: “Ward 1’s new bus shelter”') });
      // The same title from a publisher of its own is told apart by it (the suggestions show both): admitted.
      expect(await curator.ingest({ kind: 'url', url: web.url('/ward-1-gazette.txt') }, ACTOR)).toMatchObject({ kind: 'ingested', article: { title: 'Ward 1 gets a new bus shelter', source: 'The Ward Gazette' } });
    } finally {
      dir.remove();
    }
  });

  const TOWN_TXT = 'Town 2 Text\n\nThe council of the second town voted on Monday to repair the old stone bridge before the winter.\n';
  const TOWN_MD = '# Town 2 Markdown\n\nA Markdown file about the second town, put in the folder by hand after the text one was removed.\n';

  it('/restore is refused while another file has the article id, naming it; nothing changes until that file is removed', async () => {
    // The tester's steps: town2.txt removed, a town2.md put in the folder, then the restore.
    const { dir, engine, curator } = await curatorOn({ 'town2.txt': TOWN_TXT, 'other.txt': story(3) });
    try {
      const removed = await curator.remove('town2', ACTOR);
      if (removed.kind !== 'removed') throw new Error(`precondition: ${JSON.stringify(removed)}`);
      const entry = removed.trash.id;
      writeFileSync(join(dir.dir, 'town2.md'), TOWN_MD);
      const before = state(dir.dir, engine);

      // Not indexed yet: the folder is read for files of the same id.
      expect(await curator.restore(entry, ACTOR)).toEqual({
        kind: 'refused',
        reason: 'another file, town2.md, has the article id town2, and only one file per id is served; it is not indexed yet: /refresh, /remove that article, then /restore this one',
      });
      expect(state(dir.dir, engine)).toEqual(before);
      expect((await curator.trash()).map((e) => e.id)).toEqual([entry]);

      // Indexed: the article served under the id is named.
      await curator.refresh(ACTOR);
      expect(engine.article('town2')).toMatchObject({ path: 'town2.md', title: 'Town 2 Markdown' });
      const indexed = state(dir.dir, engine);
      expect(await curator.restore(entry, ACTOR)).toEqual({
        kind: 'refused',
        reason: 'another file, town2.md (“Town 2 Markdown”), has the article id town2 now, and only one file per id is served; /remove that article first, then /restore this one',
      });
      expect(state(dir.dir, engine)).toEqual(indexed);

      // As the reply says: /remove the Markdown one, then the restore brings back the text one, and names it.
      expect(await curator.remove('town2', ACTOR)).toMatchObject({ kind: 'removed', article: { path: 'town2.md' }, successor: null });
      // A file of that id the loader would skip anyway (whitespace only) takes no id, and does not stop it.
      writeFileSync(join(dir.dir, 'town2.text'), '  \n');
      const restored = await curator.restore(entry, ACTOR);
      expect(restored).toMatchObject({ kind: 'restored', article: { id: 'town2', path: 'town2.txt', title: 'Town 2 Text' }, trash: { id: entry } });
      expect(engine.article('town2')?.path).toBe('town2.txt');
      expect((await curator.audit.read()).entries.map((e) => [e.action, e.article?.path])).toEqual([
        ['remove', 'town2.txt'],
        ['refresh', undefined],
        ['remove', 'town2.md'],
        ['restore', 'town2.txt'],
      ]);
    } finally {
      dir.remove();
    }
  });

  it('/restore undone when a file of the same id appears while it is indexed: refused, and never reported as restored', async () => {
    const { dir, engine, curator } = await curatorOn({ 'town2.txt': TOWN_TXT, 'other.txt': story(3) });
    try {
      const removed = await curator.remove('town2', ACTOR);
      if (removed.kind !== 'removed') throw new Error(`precondition: ${JSON.stringify(removed)}`);
      // After the checks, before the reindex: the loader reads town2.md first (it sorts first) and skips town2.txt.
      const refresh = engine.refresh.bind(engine);
      let first = true;
      engine.refresh = () => {
        if (first) writeFileSync(join(dir.dir, 'town2.md'), TOWN_MD);
        first = false;
        return refresh();
      };
      const outcome = await curator.restore(removed.trash.id, ACTOR);
      if (outcome.kind !== 'refused') throw new Error(`expected a refusal: ${JSON.stringify(outcome)}`);
      const [back, ...more] = await curator.trash();
      expect(more).toEqual([]);
      expect(outcome.reason).toBe(`it could not be indexed (another file, town2.md, has the article id town2); it is back in the trash as ${back!.id}`);
      expect(outcome.leftChanged).toBeUndefined();
      expect(readFileSync(join(dir.dir, TRASH_DIR, back!.id, 'town2.txt'), 'utf8')).toBe(TOWN_TXT);
      expect(existsSync(join(dir.dir, 'town2.txt'))).toBe(false);
      expect(engine.article('town2')?.path).toBe('town2.md');
      expect((await curator.audit.read()).entries.map((e) => e.action)).toEqual(['remove']);
    } finally {
      dir.remove();
    }
  });

  it('/remove of an article whose id another file shares: removed, and the other file, served under the id now, is named', async () => {
    // Two files of one id put there by hand: the loader serves a.md (it sorts first) and skips a.txt.
    const { dir, engine, curator } = await curatorOn({ 'a.md': TOWN_MD, 'a.txt': TOWN_TXT, 'b.txt': story(2) });
    try {
      expect(engine.article('a')?.path).toBe('a.md');
      const first = await curator.remove('a', ACTOR);
      expect(first).toMatchObject({ kind: 'removed', article: { path: 'a.md', title: 'Town 2 Markdown' }, successor: { id: 'a', path: 'a.txt', title: 'Town 2 Text' } });
      expect(existsSync(join(dir.dir, 'a.md'))).toBe(false);
      expect(engine.article('a')?.path).toBe('a.txt');
      // And the moderator can remove that one too.
      expect(await curator.remove('a', ACTOR)).toMatchObject({ kind: 'removed', article: { path: 'a.txt' }, successor: null });
      expect(engine.article('a')).toBeUndefined();
      expect(readdirSync(dir.dir).filter((n) => !n.startsWith('.'))).toEqual(['b.txt']);
      expect((await curator.audit.read()).entries.map((e) => [e.action, e.article?.path])).toEqual([
        ['remove', 'a.md'],
        ['remove', 'a.txt'],
      ]);
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
      const moved = await moveToTrash(dir.dir, 'sub/a.txt', { articleId: 'sub/a', title: 'Ward 3', removedBy: { id: '1', name: 'x' }, sha256: sha256(story(3)) }, new Date('2026-01-02T03:04:05.678Z'));
      if (moved.kind !== 'moved') throw new Error(`precondition: ${JSON.stringify(moved)}`);
      const entry = moved.entry;
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

  it('moving a file that is not there creates no trash entry; a rename that fails leaves no entry folder behind', async () => {
    const dir = corpus({ 'a.txt': story(1) });
    try {
      const about = { articleId: 'gone', title: 'Gone', removedBy: { id: '1', name: 'x' }, sha256: 'x' };
      expect(await moveToTrash(dir.dir, 'gone.txt', about)).toEqual({ kind: 'missing' });
      // A folder where the file's parent should be: not there either.
      expect(await moveToTrash(dir.dir, 'a.txt/inner.txt', about)).toEqual({ kind: 'missing' });
      // A file deep enough that its path fits Linux's 4,096-byte limit where it is, but not inside the trash
      // folder (31 bytes longer): its own folder can be made there, the rename fails, for another reason than
      // a missing file, and throws.
      const name = `${'n'.repeat(100)}.txt`;
      const room = 4080 - dir.dir.length - 1 - name.length - 1; // the folders, without the '/' before the name
      const whole = Math.floor((room - 1) / 201); // "dd…d/" runs of 201 bytes, then a last folder of 1 to 201
      const folders = `${'d'.repeat(200)}/`.repeat(whole) + 'd'.repeat(room - 201 * whole);
      const deep = `${folders}/${name}`;
      expect(dir.dir.length + 1 + deep.length).toBe(4080);
      mkdirSync(join(dir.dir, folders), { recursive: true });
      writeFileSync(join(dir.dir, deep), story(2));
      await expect(moveToTrash(dir.dir, deep, about)).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
      expect(await listTrash(dir.dir)).toEqual([]);
      expect(readdirSync(join(dir.dir, TRASH_DIR))).toEqual([]);
      expect(readFileSync(join(dir.dir, 'a.txt'), 'utf8')).toBe(story(1));
      expect(readFileSync(join(dir.dir, deep), 'utf8')).toBe(story(2));
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

describe('the trash retention (TRASH_KEEP_DAYS)', () => {
  const DAY = 86_400_000;
  const NOW = new Date('2026-06-30T12:00:00.000Z');

  it('deletes the entries removed before the retention, each audited, and keeps the younger ones and what it does not know', async () => {
    const { dir, engine, curator } = await curatorOn({ 'a.txt': story(1), 'sub/b.txt': story(2), 'c.txt': story(3), 'd.txt': story(4) });
    try {
      const about = (id: string) => ({ articleId: id, title: `Story ${id}`, removedBy: { id: '1', name: 'editor' }, sha256: sha256(id) });
      const old1 = await moveToTrash(dir.dir, 'a.txt', about('a'), new Date(NOW.getTime() - 40 * DAY));
      const old2 = await moveToTrash(dir.dir, 'sub/b.txt', about('sub/b'), new Date(NOW.getTime() - 31 * DAY));
      const young = await moveToTrash(dir.dir, 'c.txt', about('c'), new Date(NOW.getTime() - 29 * DAY));
      if (old1.kind !== 'moved' || old2.kind !== 'moved' || young.kind !== 'moved') throw new Error('precondition: the moves');
      // A file a person left in an old entry's folder, and a folder that is no entry: neither is the purge's to delete.
      writeFileSync(join(dir.dir, TRASH_DIR, old1.entry.id, 'notes.txt'), 'keep me');
      mkdirSync(join(dir.dir, TRASH_DIR, 'not-an-entry'));
      const version = engine.corpus.version;

      const result = await curator.purgeTrash(30, NOW);
      expect(result.purged.map((e) => e.id)).toEqual([old1.entry.id, old2.entry.id]);
      expect(result.failed).toEqual([]);
      expect((await listTrash(dir.dir)).map((e) => e.id)).toEqual([young.entry.id]);
      expect(existsSync(join(dir.dir, TRASH_DIR, old1.entry.id, 'a.txt'))).toBe(false);
      expect(readFileSync(join(dir.dir, TRASH_DIR, old1.entry.id, 'notes.txt'), 'utf8')).toBe('keep me');
      expect(existsSync(join(dir.dir, TRASH_DIR, old2.entry.id))).toBe(false);
      expect(readFileSync(join(dir.dir, TRASH_DIR, young.entry.id, 'c.txt'), 'utf8')).toBe(story(3));
      expect(existsSync(join(dir.dir, TRASH_DIR, 'not-an-entry'))).toBe(true);
      // The corpus is what it was: trashed files are not indexed.
      expect(engine.corpus.version).toBe(version);

      const { entries } = await curator.audit.read();
      expect(entries).toEqual([old1.entry, old2.entry].map((e) => ({
        at: NOW.toISOString(),
        action: 'purge',
        by: { id: 'retention', name: 'trash retention (30 days)' },
        guild: null,
        article: { id: e.articleId, path: e.path, title: e.title },
        sha256: e.sha256,
        trash: `${TRASH_DIR}/${e.id}/${e.path}`,
        corpus: { before: version, after: version },
      })));
      // A purged entry cannot be restored, and says so; a second purge finds nothing more to do.
      expect(await curator.restore(old2.entry.id, ACTOR)).toEqual({ kind: 'refused', reason: 'there is no such entry in the trash (pick one from the suggestions)' });
      expect(await curator.purgeTrash(30, NOW)).toEqual({ purged: [], failed: [] });
      expect((await curator.audit.read()).entries.length).toBe(2);
    } finally {
      dir.remove();
    }
  });

  it('an entry it cannot delete stays listed and is reported, and the others still go', async () => {
    const { dir, curator } = await curatorOn({ 'a.txt': story(1), 'b.txt': story(2), 'c.txt': story(3) });
    try {
      const about = (id: string) => ({ articleId: id, title: id, removedBy: { id: '1', name: 'editor' }, sha256: sha256(id) });
      const stuck = await moveToTrash(dir.dir, 'a.txt', about('a'), new Date(NOW.getTime() - 50 * DAY));
      const other = await moveToTrash(dir.dir, 'b.txt', about('b'), new Date(NOW.getTime() - 40 * DAY));
      if (stuck.kind !== 'moved' || other.kind !== 'moved') throw new Error('precondition: the moves');
      // Where the article file should be, a folder with something in it: unlink cannot delete it.
      rmSync(join(dir.dir, TRASH_DIR, stuck.entry.id, 'a.txt'));
      mkdirSync(join(dir.dir, TRASH_DIR, stuck.entry.id, 'a.txt'));
      writeFileSync(join(dir.dir, TRASH_DIR, stuck.entry.id, 'a.txt', 'x'), 'x');

      const result = await curator.purgeTrash(30, NOW);
      expect(result.purged.map((e) => e.id)).toEqual([other.entry.id]);
      expect(result.failed.map((f) => f.id)).toEqual([stuck.entry.id]);
      expect(result.failed[0]!.error).toMatch(/EISDIR|EPERM/);
      expect((await listTrash(dir.dir)).map((e) => e.id)).toEqual([stuck.entry.id]);
      expect((await curator.audit.read()).entries.map((e) => e.trash)).toEqual([`${TRASH_DIR}/${other.entry.id}/b.txt`]);
    } finally {
      dir.remove();
    }
  });

  it('a trash that cannot be listed is reported, not thrown, and nothing is audited', async () => {
    const { dir, curator } = await curatorOn({ 'a.txt': story(1) });
    try {
      writeFileSync(join(dir.dir, TRASH_DIR), 'a file where the trash folder should be');
      const result = await curator.purgeTrash(30, NOW);
      expect(result.purged).toEqual([]);
      expect(result.failed).toEqual([{ id: '(the trash folder)', error: expect.stringContaining('ENOTDIR') }]);
      expect((await curator.audit.read()).entries).toEqual([]);
      expect(readFileSync(join(dir.dir, TRASH_DIR), 'utf8')).toBe('a file where the trash folder should be');
    } finally {
      dir.remove();
    }
  });

  it('with 0 days nothing is ever scheduled; otherwise it purges at once and stops when told', async () => {
    const calls: number[] = [];
    const fake = { purgeTrash: async (days: number) => (calls.push(days), { purged: [], failed: [] }) };
    startTrashRetention(fake, 0, 5)();
    const stop = startTrashRetention(fake, 30, 5);
    expect(calls).toEqual([30]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    stop();
    const seen = calls.length;
    expect(seen).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls.length).toBe(seen);
  });
});
