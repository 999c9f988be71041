// The corpus folder's file-system edge for moderators' changes: a new article file written atomically and
// never over another, and the trash beside the articles, where removed files wait to be restored. A removal is
// a rename into the trash, a restore a move back out of it; the only deletion is purgeTrash, of entries older
// than the retention a deployment sets (TRASH_KEEP_DAYS; by default entries are kept for ever).
//
// Layout (hidden folders and files are ignored by the corpus loader):
//   <corpus>/.trash/<entry>/<the article's path, as it was>   the removed file
//   <corpus>/.trash/<entry>/.entry.json                        what it was, who removed it, when
// where <entry> is "<UTC time>-<6 hex>", e.g. 20261121T061502Z-3fa2c1.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, readFile, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { messageOf } from '../log.ts';
import { articleId, formatOf } from '../corpus/article.ts';

export const TRASH_DIR = '.trash';
const ENTRY_FILE = '.entry.json';
const ENTRY_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export interface TrashEntry {
  /** The entry's folder name: what /restore is given. */
  readonly id: string;
  /** The article file's path relative to the corpus folder, where it is restored to. */
  readonly path: string;
  readonly articleId: string;
  readonly title: string;
  readonly removedAt: string;
  readonly removedBy: { readonly id: string; readonly name: string };
  readonly sha256: string;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/**
 * A corpus-relative path as the loader produces it ('/'-separated, no empty, '.' or '..' segment, nothing
 * hidden), or an error: a bug, since these paths come from the engine, never from a user.
 */
export function checkedRelative(path: string): string {
  const parts = path.split('/');
  if (path.length === 0 || path.includes('\0') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.'))) {
    throw new Error(`curate: not a corpus-relative article path: "${path}"`);
  }
  return path;
}

/** Flush a folder's entries to disk, where the platform allows opening a folder to do so. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some platforms (Windows) cannot open or fsync a folder; the rename or link is still atomic there.
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP'].includes(errno(err) ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Put `from` at `to` unless something is already there: a hard link, which fails when `to` exists, then the
 * old name removed. Where hard links are not supported, an exclusive copy does the same.
 */
async function moveExclusive(from: string, to: string): Promise<'moved' | 'exists'> {
  try {
    await link(from, to);
  } catch (err) {
    if (errno(err) === 'EEXIST') return 'exists';
    if (!['EPERM', 'ENOTSUP', 'EXDEV', 'ENOSYS'].includes(errno(err) ?? '')) throw err;
    try {
      await copyFile(from, to, constants.COPYFILE_EXCL);
    } catch (copyErr) {
      if (errno(copyErr) === 'EEXIST') return 'exists';
      throw copyErr;
    }
  }
  await unlink(from);
  return 'moved';
}

/**
 * Write a new file: the bytes go to a hidden temporary file in the same folder, are flushed, and the file then
 * takes its name in one step that fails if the name is taken. Readers never see half a file; nothing is
 * overwritten.
 */
export async function writeNewFile(path: string, data: Uint8Array): Promise<'written' | 'exists'> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    const result = await moveExclusive(temp, path);
    if (result === 'moved') await syncDir(dir);
    return result === 'moved' ? 'written' : 'exists';
  } finally {
    await unlink(temp).catch((err: unknown) => {
      if (errno(err) !== 'ENOENT') throw err; // moved: the temporary name is already gone
    });
  }
}

/** Remove a file this module created moments ago and that never became part of the corpus. */
export async function withdrawNewFile(path: string): Promise<void> {
  await unlink(path);
}

function entryId(now: Date): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export type TrashMove = { readonly kind: 'moved'; readonly entry: TrashEntry } | { readonly kind: 'missing' };

/** Remove the folders from `dir` up to `top` (both included) that are empty; stop at the first that is not. */
async function removeEmptyDirs(dir: string, top: string): Promise<void> {
  for (let d = dir; d.length >= top.length; d = dirname(d)) {
    try {
      await rmdir(d);
    } catch (err) {
      if (errno(err) === 'ENOTEMPTY' || errno(err) === 'EEXIST' || errno(err) === 'ENOENT') break;
      throw err;
    }
  }
}

/**
 * Move an article file into a new trash entry: `missing` when the file is not there (nothing is created). The
 * file moves first and the entry file is written after it, so a listed entry always has its file: a rename
 * that fails leaves no entry folder behind, and an entry file that cannot be written puts the article back.
 */
export async function moveToTrash(
  corpusDir: string,
  relativePath: string,
  about: Omit<TrashEntry, 'id' | 'path' | 'removedAt'>,
  now = new Date(),
): Promise<TrashMove> {
  const path = checkedRelative(relativePath);
  const id = entryId(now);
  const entryDir = join(corpusDir, TRASH_DIR, id);
  const from = join(corpusDir, path);
  const to = join(entryDir, path);
  const entry: TrashEntry = { id, path, articleId: about.articleId, title: about.title, removedAt: now.toISOString(), removedBy: about.removedBy, sha256: about.sha256 };
  await mkdir(dirname(to), { recursive: true });
  try {
    // A rename within one folder tree on one file system: atomic, and the target is a fresh folder.
    await rename(from, to);
  } catch (err) {
    await removeEmptyDirs(dirname(to), entryDir);
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return { kind: 'missing' };
    throw err;
  }
  try {
    await syncDir(dirname(to));
    await writeNewFile(join(entryDir, ENTRY_FILE), Buffer.from(`${JSON.stringify(entry)}\n`));
  } catch (err) {
    // Without its entry file the trash would not list it: the article goes back where it was.
    await rename(to, from);
    await removeEmptyDirs(dirname(to), entryDir);
    throw err;
  }
  return { kind: 'moved', entry };
}

function parseEntry(id: string, text: string): TrashEntry | null {
  try {
    const e = JSON.parse(text) as Partial<TrashEntry>;
    if (e.id !== id || typeof e.path !== 'string' || typeof e.articleId !== 'string' || typeof e.title !== 'string') return null;
    if (typeof e.removedAt !== 'string' || typeof e.sha256 !== 'string' || typeof e.removedBy?.id !== 'string' || typeof e.removedBy.name !== 'string') return null;
    checkedRelative(e.path);
    return e as TrashEntry;
  } catch {
    return null; // a damaged entry file: that entry is not offered
  }
}

/** One trash entry by id, or null when there is no such entry (or `id` is not an entry id at all). */
export async function trashEntry(corpusDir: string, id: string): Promise<TrashEntry | null> {
  if (!ENTRY_ID.test(id)) return null;
  try {
    return parseEntry(id, await readFile(join(corpusDir, TRASH_DIR, id, ENTRY_FILE), 'utf8'));
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return null;
    throw err;
  }
}

/** Every entry in the trash, most recently removed first. */
export async function listTrash(corpusDir: string): Promise<TrashEntry[]> {
  let names: string[];
  try {
    names = await readdir(join(corpusDir, TRASH_DIR));
  } catch (err) {
    if (errno(err) === 'ENOENT') return [];
    throw err;
  }
  const entries = await Promise.all(names.filter((n) => ENTRY_ID.test(n)).map((n) => trashEntry(corpusDir, n)));
  return entries.filter((e): e is TrashEntry => e !== null).sort((a, b) => (a.removedAt < b.removedAt ? 1 : a.removedAt > b.removedAt ? -1 : a.id < b.id ? 1 : -1));
}

/** The path of an entry's file inside the trash, relative to the corpus folder. */
export function trashedPath(entry: TrashEntry): string {
  return `${TRASH_DIR}/${entry.id}/${entry.path}`;
}

/**
 * The other files in the corpus folder that would have the same article id as `relativePath`: the same path
 * but for the extension (a.md beside a.txt), of a type the loader reads. The loader serves one file per id and
 * skips the others, so a file brought back beside one of these may not be the one served. Only that folder is
 * read (an id is a path without its extension, so a file of the same id can be nowhere else); hidden names
 * are not articles. Sorted by path.
 */
export async function filesSharingId(corpusDir: string, relativePath: string): Promise<string[]> {
  const path = checkedRelative(relativePath);
  const slash = path.lastIndexOf('/');
  const folder = slash === -1 ? '' : path.slice(0, slash + 1);
  const id = articleId(path);
  let entries;
  try {
    entries = await readdir(join(corpusDir, folder), { withFileTypes: true });
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return [];
    throw err;
  }
  return entries
    .filter((e) => !e.name.startsWith('.') && !e.isDirectory())
    .map((e) => `${folder}${e.name}`)
    .filter((p) => p !== path && formatOf(p) !== null && articleId(p) === id)
    .sort();
}

export type RestoreResult = { readonly kind: 'restored' } | { readonly kind: 'occupied' } | { readonly kind: 'missing' };

/** Bring an entry's file back to where it was, unless something is there now; then clear the entry away. */
export async function restoreFromTrash(corpusDir: string, entry: TrashEntry): Promise<RestoreResult> {
  const entryDir = join(corpusDir, TRASH_DIR, entry.id);
  const from = join(entryDir, checkedRelative(entry.path));
  try {
    await lstat(from);
  } catch (err) {
    if (errno(err) === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  const to = join(corpusDir, entry.path);
  await mkdir(dirname(to), { recursive: true });
  if ((await moveExclusive(from, to)) === 'exists') return { kind: 'occupied' };
  await syncDir(dirname(to));
  await unlink(join(entryDir, ENTRY_FILE));
  // The entry's folders are empty now; rmdir removes only empty ones, so nothing else can go with them. One
  // that is not empty (a stray file) stays, unlisted, since its entry file is gone.
  await removeEmptyDirs(dirname(from), entryDir);
  return { kind: 'restored' };
}

export interface TrashPurge {
  /** The entries deleted, oldest first. */
  readonly purged: readonly TrashEntry[];
  /** Entries that could not be deleted (they stay listed, and the next purge tries again). */
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

/**
 * Delete the trash entries removed before `cutoff`: each one's article file, then its entry file, then its
 * folders if that left them empty. Only those two files are deleted: anything else found in an entry's folder
 * stays. The article file goes first, so an entry still listed after a failure is retried next time.
 */
export async function purgeTrash(corpusDir: string, cutoff: Date): Promise<TrashPurge> {
  const old = (await listTrash(corpusDir)).filter((e) => Date.parse(e.removedAt) < cutoff.getTime()).reverse();
  const purged: TrashEntry[] = [];
  const failed: { id: string; error: string }[] = [];
  for (const entry of old) {
    const entryDir = join(corpusDir, TRASH_DIR, entry.id);
    const file = join(entryDir, checkedRelative(entry.path));
    try {
      await unlinkIfPresent(file);
      await unlinkIfPresent(join(entryDir, ENTRY_FILE));
      await removeEmptyDirs(dirname(file), entryDir);
      purged.push(entry);
    } catch (err) {
      failed.push({ id: entry.id, error: messageOf(err) });
    }
  }
  return { purged, failed };
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
  }
}
