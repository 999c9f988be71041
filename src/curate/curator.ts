// Moderators' changes to the corpus: ingest an article, remove one to the trash, restore one, refresh. Each
// change is made on disk, then the engine reindexes (a new corpus version, so answers cached for the old
// version are never served again), then it is appended to the audit log. Changes run one at a time; a
// download runs before its turn, so a slow web page does not hold up the others. A change that cannot be
// indexed is undone, so a refusal or a failure leaves the corpus as it was.
//
// Every reindex of the process goes through here (`reload`), so those who must follow the corpus (the answer
// cache, other shards serving the same folder) are told in one place.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArticleSummary, Engine, RefreshReport } from '../engine.ts';
import { comparableText, hashBytes, isSkipped, parseArticle } from '../corpus/article.ts';
import { readArticleFile } from '../corpus/load.ts';
import { articleNames, foldName } from '../corpus/names.ts';
import { counted } from '../plural.ts';
import { logger, messageOf } from '../log.ts';
import { articleFileName } from '../ingest/filename.ts';
import { prepareArticle, type IngestLimits, type IngestSource } from '../ingest/prepare.ts';
import type { DocumentFormat } from '../ingest/content.ts';
import { AuditLog, type AuditEntry } from './audit.ts';
import { checkedRelative, filesSharingId, listTrash, moveToTrash, purgeTrash, restoreFromTrash, trashEntry, trashedPath, withdrawNewFile, writeNewFile, type RestoreResult, type TrashEntry, type TrashPurge } from './files.ts';

const log = logger('curate');
/** The id a purge reports its failure under when the trash could not even be listed. */
const TRASH_LISTING = '(the trash folder)';

/** Where ingested articles go, inside the corpus folder. */
export const INGEST_DIR = 'ingested';

/** Who asked for a change, for the audit log and the refusal log. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly guildId: string | null;
}

export interface Refused {
  readonly kind: 'refused';
  readonly reason: string;
  /** Set when undoing a failed change could not put everything back; the reason says what is where. */
  readonly leftChanged?: true;
}

export interface VersionChange {
  readonly before: string;
  readonly after: string;
}

export type IngestOutcome =
  | {
      readonly kind: 'ingested';
      readonly article: ArticleSummary;
      readonly format: DocumentFormat;
      readonly sha256: string;
      readonly from: string;
      readonly version: VersionChange;
    }
  | Refused;

export type RemoveOutcome =
  | {
      readonly kind: 'removed';
      readonly article: ArticleSummary;
      readonly trash: TrashEntry;
      readonly version: VersionChange;
      /**
       * Another file with the same article id (a.txt beside the a.md removed), skipped while the removed one was
       * served and served under the id now; null when the id is gone from the corpus.
       */
      readonly successor: ArticleSummary | null;
    }
  | Refused;

export type RestoreOutcome = { readonly kind: 'restored'; readonly article: ArticleSummary; readonly trash: TrashEntry; readonly version: VersionChange } | Refused;

export interface RefreshOutcome {
  readonly report: RefreshReport;
  /** Titles of the articles the report names by id: from before the refresh for removed ones, after for the rest. */
  readonly titles: ReadonlyMap<string, string>;
}

export type TrashMatch =
  | { readonly kind: 'found'; readonly entry: TrashEntry }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly entries: readonly TrashEntry[] };

export interface AuditPage {
  /** Newest first. */
  readonly entries: readonly AuditEntry[];
  /** Entries in the whole log. */
  readonly total: number;
  /** The page shown (from 0) and how many there are. */
  readonly page: number;
  readonly pages: number;
}

export type CorpusAction = 'ingest' | 'remove' | 'restore' | 'refresh';

/** A moderator's change that succeeded in this process. */
export interface CorpusChange {
  readonly action: CorpusAction;
  readonly version: VersionChange;
}

export interface CuratorOptions {
  readonly engine: Engine;
  readonly limits: IngestLimits;
  /** The corpus loader's size cap: a saved article larger than this would be skipped, so it is refused. */
  readonly maxFileBytes: number;
  /**
   * Awaited after every reindex the curator runs, whatever caused it, failed ones included (the version is then
   * unchanged). The answer cache follows the corpus version here.
   */
  readonly onReindexed?: (report: RefreshReport) => Promise<void> | void;
  /**
   * Told when a moderator's change (ingest, remove, restore, refresh) has succeeded here; not told for a `sync`.
   * Other processes serving the same folder (the other shards) should reload.
   */
  readonly onChanged?: (change: CorpusChange) => void;
}

/** Where an ingest came from, as recorded: a web link as given, an attachment by name and address (no query). */
function describeSource(source: IngestSource): string {
  if (source.kind === 'url') return source.url;
  try {
    const u = new URL(source.url);
    return `attachment ${source.name} (${u.origin}${u.pathname})`;
  } catch {
    return `attachment ${source.name}`;
  }
}

/** A trash entry filter: its title, article id, path or entry id contains `filter`, folded as names are
 * (case, and straight or curly apostrophes, never matter: foldName). */
function matching(filter: string): (e: TrashEntry) => boolean {
  const f = foldName(filter);
  return (e) => f.length === 0 || [e.title, e.articleId, e.path, e.id].some((field) => foldName(field).includes(f));
}

/** A file's bytes, or null when there is no file at `path`. */
async function readIfPresent(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/** What undoing a removal did, for the refusal: the file back in place, or why it is not. */
function undoneRemoval(undone: RestoreResult, trash: TrashEntry): string {
  switch (undone.kind) {
    case 'restored':
      return 'the file was put back';
    case 'occupied':
      return `the file could not be put back, because another file is at ${trash.path} now; the removed one stays in the trash as ${trash.id} (/restore once the path is free)`;
    case 'missing':
      return `the file could not be put back: it is no longer in the trash at ${trashedPath(trash)}`;
  }
}

export class Curator {
  readonly audit: AuditLog;
  private readonly engine: Engine;
  private readonly limits: IngestLimits;
  private readonly maxFileBytes: number;
  private readonly onReindexed: NonNullable<CuratorOptions['onReindexed']>;
  private readonly onChanged: NonNullable<CuratorOptions['onChanged']>;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: CuratorOptions) {
    this.engine = options.engine;
    this.limits = options.limits;
    this.maxFileBytes = options.maxFileBytes;
    this.onReindexed = options.onReindexed ?? (() => {});
    this.onChanged = options.onChanged ?? (() => {});
    this.audit = new AuditLog(options.engine.corpusDir);
  }

  private get corpusDir(): string {
    return this.engine.corpusDir;
  }

  /** Run changes one at a time, in the order asked. */
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const run = this.tail.then(change, change);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private refuse(what: string, actor: Actor, reason: string, context: Record<string, unknown> = {}, leftChanged = false): Refused {
    log.warn(`${what} refused`, { user: actor.id, name: actor.name, guild: actor.guildId, reason, ...context });
    return leftChanged ? { kind: 'refused', reason, leftChanged } : { kind: 'refused', reason };
  }

  private article(id: string): ArticleSummary | undefined {
    return this.engine.article(id);
  }

  /** Reindex the folder, and tell whoever follows the corpus. The one call to engine.refresh(). */
  private async reload(): Promise<RefreshReport> {
    const report = await this.engine.refresh();
    await this.onReindexed(report);
    return report;
  }

  /**
   * Reindex until `done` holds. One extra refresh covers the case where a refresh already under way (which
   * this call joins) listed the folder before the change was made.
   */
  private async reindex(done: () => boolean): Promise<RefreshReport> {
    let report = await this.reload();
    if (report.ok && !done()) report = await this.reload();
    return report;
  }

  private entry(actor: Actor, fields: Omit<AuditEntry, 'at' | 'by' | 'guild'>): AuditEntry {
    return { at: new Date().toISOString(), by: { id: actor.id, name: actor.name }, guild: actor.guildId, ...fields };
  }

  async ingest(source: IngestSource, actor: Actor): Promise<IngestOutcome> {
    const from = describeSource(source);
    const prepared = await prepareArticle(source, this.limits);
    if (prepared.kind === 'refused') return this.refuse('ingest', actor, prepared.reason, { from });
    const bytes = Buffer.from(prepared.text, 'utf8');
    if (bytes.length > this.maxFileBytes) return this.refuse('ingest', actor, `the article's text is larger than the corpus file limit (${this.maxFileBytes} bytes)`, { from });
    const hash = hashBytes(bytes);
    const path = `${INGEST_DIR}/${articleFileName(prepared.title, hash, prepared.extension)}`;
    const text = comparableText(prepared.text);

    return this.exclusive(async () => {
      // The saved text has \n line ends and a final newline, so its hash matches no file saved otherwise: the
      // texts are compared, line ends and final newlines aside.
      const same = this.engine.corpus.index.articles.find((a) => a.hash === hash || comparableText(a.text) === text);
      if (same) return this.refuse('ingest', actor, `it is already in the corpus, as “${same.title}” (id ${same.id})`, { from });
      const parsed = parseArticle(path, bytes, hash);
      if (isSkipped(parsed)) return this.refuse('ingest', actor, `it does not read as an article: ${parsed.reason}`, { from });
      // Two articles named alike could not be told apart where articles are picked by title (the suggestions
      // show the title and publisher): most often this is a new version of the one in the corpus.
      // Compared as names are matched (foldName): "Syria's" and "Syria’s" are one title to a moderator picking it.
      const title = foldName(parsed.title);
      const source = foldName(parsed.source ?? '');
      const articles = this.engine.corpus.index.articles;
      const names = articleNames(articles);
      const namesake = articles.find((a, i) => names[i]!.title === title && foldName(a.source ?? '') === source);
      if (namesake) {
        const publisher = parsed.source === null ? 'with no publisher named' : 'from the same publisher';
        return this.refuse(
          'ingest',
          actor,
          `an article with the same title ${publisher} is already in the corpus: “${namesake.title}” (id ${namesake.id}); if this one replaces it, /remove that one first, else give this one another title`,
          { from },
        );
      }
      if (this.article(parsed.id)) return this.refuse('ingest', actor, `an article with the id ${parsed.id} is already in the corpus`, { from });
      const absolute = join(this.corpusDir, checkedRelative(path));
      if ((await writeNewFile(absolute, bytes)) === 'exists') return this.refuse('ingest', actor, `a file named ${path} is already in the corpus folder; nothing was overwritten`, { from });

      const before = this.engine.corpus.version;
      const report = await this.reindex(() => this.article(parsed.id) !== undefined);
      const article = this.article(parsed.id);
      if (!article) {
        await withdrawNewFile(absolute);
        const why = !report.ok ? report.error : (report.skipped.find((s) => s.path === path)?.reason ?? 'it was not indexed');
        const undone = await this.reload();
        log.error('ingest: the saved article could not be indexed; the file was withdrawn', { path, why, reindexed: undone.ok });
        return this.refuse('ingest', actor, `it could not be indexed (${why}); nothing was added`, { from });
      }
      const version = { before, after: this.engine.corpus.version };
      await this.audit.append(
        this.entry(actor, { action: 'ingest', article: { id: article.id, path: article.path, title: article.title }, sha256: hash, bytes: bytes.length, from, corpus: version }),
      );
      log.info('ingested', { id: article.id, user: actor.id, from, sentences: article.sentences });
      this.onChanged({ action: 'ingest', version });
      return { kind: 'ingested', article, format: prepared.format, sha256: hash, from, version };
    });
  }

  async remove(articleId: string, actor: Actor): Promise<RemoveOutcome> {
    return this.exclusive(async () => {
      const article = this.article(articleId);
      if (!article) return this.refuse('remove', actor, `there is no article with the id ${articleId} (any more)`);
      if (this.engine.corpus.index.articles.length === 1) return this.refuse('remove', actor, 'it is the only article left; the bot needs at least one to answer from');
      const path = checkedRelative(article.path);
      // The file went away behind the bot's back (deleted by hand, say): nothing to move; /refresh catches up.
      const gone = () => this.refuse('remove', actor, `its file ${path} is no longer in the articles folder; /refresh updates the list`, { id: article.id });
      const bytes = await readIfPresent(join(this.corpusDir, path));
      if (bytes === null) return gone();
      const hash = hashBytes(bytes);
      const before = this.engine.corpus.version;
      const moved = await moveToTrash(this.corpusDir, path, { articleId: article.id, title: article.title, removedBy: { id: actor.id, name: actor.name }, sha256: hash });
      if (moved.kind === 'missing') return gone();
      const trash = moved.entry;
      // Done when the file is no longer served. Another file with the same id (a.txt beside a.md: the loader
      // serves one per id) may be served under it now; that is a file of its own, not this one.
      const report = await this.reindex(() => this.article(article.id)?.path !== path);
      if (!report.ok || this.article(article.id)?.path === path) {
        // Put it back: a removal that cannot be indexed must not leave the file in the trash while the
        // engine still serves it.
        const why = report.ok ? 'the article was still found' : report.error;
        const undone = await restoreFromTrash(this.corpusDir, trash);
        await this.reload();
        log.error('remove: the articles could not be reindexed; undoing', { id: article.id, why, undone: undone.kind, trash: trashedPath(trash) });
        return this.refuse('remove', actor, `the articles could not be reindexed (${why}); ${undoneRemoval(undone, trash)}`, {}, undone.kind !== 'restored');
      }
      const version = { before, after: this.engine.corpus.version };
      await this.audit.append(
        this.entry(actor, { action: 'remove', article: { id: article.id, path, title: article.title }, sha256: hash, bytes: bytes.length, trash: trashedPath(trash), corpus: version }),
      );
      const successor = this.article(article.id) ?? null;
      log.info('removed', { id: article.id, user: actor.id, trash: trashedPath(trash), ...(successor ? { servedNow: successor.path } : {}) });
      this.onChanged({ action: 'remove', version });
      return { kind: 'removed', article, trash, version, successor };
    });
  }

  /**
   * Why `trash` cannot be restored because another file has its article id, or null when none has. The loader
   * serves one file per id and skips the others, so the restored file would not be served (or would displace
   * the one that is). The moderator is told which file, and how to clear the way from Discord.
   */
  private async idTaken(trash: TrashEntry): Promise<string | null> {
    const served = this.article(trash.articleId);
    // A file served at the entry's own path is "occupied", said when the file is put back (restoreFromTrash).
    if (served && served.path !== trash.path) return `another file, ${served.path} (“${served.title}”), has the article id ${trash.articleId} now, and only one file per id is served; /remove that article first, then /restore this one`;
    for (const path of await filesSharingId(this.corpusDir, trash.path)) {
      // One the loader would skip anyway (empty, binary, too large) takes no id.
      if (isSkipped(readArticleFile({ path, absolute: join(this.corpusDir, path) }, this.maxFileBytes))) continue;
      return `another file, ${path}, has the article id ${trash.articleId}, and only one file per id is served; it is not indexed yet: /refresh, /remove that article, then /restore this one`;
    }
    return null;
  }

  async restore(entryId: string, actor: Actor): Promise<RestoreOutcome> {
    return this.exclusive(async () => {
      const trash = await trashEntry(this.corpusDir, entryId);
      if (!trash) return this.refuse('restore', actor, 'there is no such entry in the trash (pick one from the suggestions)', { entry: entryId });
      const taken = await this.idTaken(trash);
      if (taken) return this.refuse('restore', actor, taken, { entry: trash.id });
      const missing = () => this.refuse('restore', actor, `the trashed file is missing from ${trashedPath(trash)}`);
      // Read where it waits, before anything moves: the bytes are what the audit log records.
      const bytes = await readIfPresent(join(this.corpusDir, trashedPath(trash)));
      if (bytes === null) return missing();
      const before = this.engine.corpus.version;
      const restored = await restoreFromTrash(this.corpusDir, trash);
      if (restored.kind === 'occupied') return this.refuse('restore', actor, `a file is at ${trash.path} now; nothing was overwritten and the trash entry is kept`);
      if (restored.kind === 'missing') return missing();
      // Restored only when the article served under the id is this file: with another file of the same id
      // (put there since the check above), the loader could serve that one and skip this one.
      const report = await this.reindex(() => this.article(trash.articleId)?.path === trash.path);
      const article = this.article(trash.articleId);
      if (!article || article.path !== trash.path) {
        const why = !report.ok
          ? report.error
          : article
            ? `another file, ${article.path}, has the article id ${trash.articleId}`
            : (report.skipped.find((s) => s.path === trash.path)?.reason ?? 'it was not indexed');
        const back = await moveToTrash(this.corpusDir, trash.path, { articleId: trash.articleId, title: trash.title, removedBy: trash.removedBy, sha256: trash.sha256 });
        await this.reload();
        log.error('restore: the restored article could not be indexed; undoing', { id: trash.articleId, why, undone: back.kind });
        const where = back.kind === 'moved' ? `it is back in the trash as ${back.entry.id}` : `its file is no longer at ${trash.path}, so it could not be put back in the trash`;
        return this.refuse('restore', actor, `it could not be indexed (${why}); ${where}`, {}, back.kind !== 'moved');
      }
      const version = { before, after: this.engine.corpus.version };
      const hash = hashBytes(bytes);
      await this.audit.append(
        this.entry(actor, { action: 'restore', article: { id: article.id, path: article.path, title: article.title }, sha256: hash, bytes: bytes.length, trash: trashedPath(trash), corpus: version }),
      );
      log.info('restored', { id: article.id, user: actor.id, from: trashedPath(trash) });
      this.onChanged({ action: 'restore', version });
      return { kind: 'restored', article, trash, version };
    });
  }

  /**
   * Delete the trash entries removed more than `keepDays` days before `now`, each with a line in the audit log
   * (by "trash retention"). Runs in turn with moderators' changes, so it never races a /restore. The corpus is
   * not touched: trashed files are not indexed. Never throws: what failed is in the result, and logged.
   */
  async purgeTrash(keepDays: number, now = new Date()): Promise<TrashPurge> {
    return this.exclusive(async () => {
      const cutoff = new Date(now.getTime() - keepDays * 86_400_000);
      let result: TrashPurge;
      try {
        result = await purgeTrash(this.corpusDir, cutoff);
      } catch (err) {
        const error = messageOf(err);
        log.error('trash: could not list the trash to purge it', { error });
        return { purged: [], failed: [{ id: TRASH_LISTING, error }] };
      }
      const version = this.engine.corpus.version;
      for (const e of result.purged) {
        const line: AuditEntry = {
          at: now.toISOString(),
          action: 'purge',
          by: { id: 'retention', name: `trash retention (${keepDays} days)` },
          guild: null,
          article: { id: e.articleId, path: e.path, title: e.title },
          sha256: e.sha256,
          trash: trashedPath(e),
          corpus: { before: version, after: version },
        };
        try {
          await this.audit.append(line);
        } catch (err) {
          // The entry is gone either way: the log says so at least.
          log.error('trash: an entry was deleted but its audit line could not be written', { id: e.id, path: e.path, error: messageOf(err) });
        }
      }
      if (result.purged.length > 0) log.info(`trash: deleted ${counted(result.purged.length, 'entry', 'entries')} removed more than ${keepDays} days ago`, { entries: result.purged.map((e) => e.id) });
      for (const f of result.failed) log.error('trash: an entry could not be deleted; it stays in the trash', f);
      return result;
    });
  }

  async refresh(actor: Actor): Promise<RefreshOutcome> {
    return this.exclusive(async () => {
      const titles = new Map(this.engine.corpus.index.articles.map((a) => [a.id, a.title]));
      const report = await this.reload();
      if (!report.ok) return { report, titles };
      const after = this.engine.corpus.index.articles;
      for (const a of after) titles.set(a.id, a.title);
      const touched = new Set([...report.added, ...report.changed]);
      await this.audit.append(
        this.entry(actor, {
          action: 'refresh',
          diff: {
            added: report.added,
            removed: report.removed,
            changed: report.changed,
            skipped: report.skipped.map((s) => ({ path: s.path, reason: s.reason })),
            files: after.filter((a) => touched.has(a.id)).map((a) => ({ path: a.path, sha256: a.hash })),
          },
          corpus: { before: report.previousVersion, after: report.version },
        }),
      );
      // Told even when nothing changed here: another process may not have seen the folder's last change yet.
      this.onChanged({ action: 'refresh', version: { before: report.previousVersion, after: report.version } });
      return { report, titles };
    });
  }

  /**
   * Reload because another process serving the same folder changed it (another shard's ingest, removal,
   * restore or refresh): in turn with this process's own changes, not audited (the process that made the change
   * audited it), and not passed on. `expected` is the corpus version the other process reached; when this
   * reload lands elsewhere (a reload already under way listed the folder before the change), it reloads once
   * more, and reports that last reload. A reload that fails keeps the current corpus serving, as every failed
   * refresh does.
   */
  async sync(expected: string): Promise<RefreshReport> {
    return this.exclusive(async () => {
      const first = await this.reload();
      if (!first.ok || first.version === expected) return first;
      log.info(`reloaded to corpus ${first.version.slice(0, 8)}, not the ${expected.slice(0, 8)} another process reached; reloading once more`);
      return this.reload();
    });
  }

  /**
   * The trash entry `text` names: its entry id (what autocomplete sends), or words found in one entry only
   * (title, article id or path).
   */
  async findInTrash(text: string): Promise<TrashMatch> {
    const wanted = text.trim();
    if (wanted.length === 0) return { kind: 'none' };
    const all = await listTrash(this.corpusDir);
    const byId = all.find((e) => e.id === wanted);
    if (byId) return { kind: 'found', entry: byId };
    const matches = all.filter(matching(wanted));
    if (matches.length === 1) return { kind: 'found', entry: matches[0]! };
    return matches.length === 0 ? { kind: 'none' } : { kind: 'ambiguous', entries: matches };
  }

  /** Trash entries whose title, article id or path contains `filter` (case-insensitive), newest first. */
  async trash(filter = ''): Promise<TrashEntry[]> {
    return (await listTrash(this.corpusDir)).filter(matching(filter));
  }

  /** Page `page` (from 0, clamped to the pages there are) of the audit log, newest first. */
  async auditPage(page: number, pageSize: number): Promise<AuditPage> {
    const newest = (await this.audit.read()).entries.reverse();
    const pages = Math.max(1, Math.ceil(newest.length / pageSize));
    const shown = Math.min(Math.max(0, page), pages - 1);
    return { entries: newest.slice(shown * pageSize, (shown + 1) * pageSize), total: newest.length, page: shown, pages };
  }
}

/** How often the trash retention looks for entries past their time. */
export const TRASH_PURGE_EVERY_MS = 6 * 3_600_000;

/**
 * Purge the trash of entries older than `keepDays` now and every `everyMs` (nothing at all when `keepDays` is
 * 0). Returns the function that stops it. The timer does not hold the process open.
 */
export function startTrashRetention(curator: Pick<Curator, 'purgeTrash'>, keepDays: number, everyMs = TRASH_PURGE_EVERY_MS): () => void {
  if (keepDays <= 0) return () => {};
  const run = () => void curator.purgeTrash(keepDays).catch((err: unknown) => log.error('trash: the purge failed', { error: messageOf(err) }));
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
