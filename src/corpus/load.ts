// The file-system edge of the corpus: walk a folder, read each article file, parse it. Every problem with a
// single file becomes a Skipped entry with a reason; only an unreadable corpus folder is an error.
import { constants, type Stats } from 'node:fs';
import { open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { formatOf, hashBytes, isSkipped, parseArticle, type Article, type Skipped } from './article.ts';

export interface LoadOptions {
  /** Files larger than this are skipped. */
  readonly maxFileBytes?: number;
  /** How many files are read at once. */
  readonly concurrency?: number;
}

export interface LoadResult {
  readonly articles: Article[];
  readonly skipped: Skipped[];
}

export interface CorpusFile {
  /** Relative to the corpus folder, '/' separators. */
  readonly path: string;
  readonly absolute: string;
}

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Documentation that ships beside articles in public corpora (the BBC set has a README.TXT). */
const NOT_ARTICLES = /^(?:readme|license|licence|changelog|notice)(?:\.[^/]*)?$/i;

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'file vanished while loading';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'symlink loop';
  if (code === 'EIO') return 'input/output error';
  return err instanceof Error ? err.message : String(err);
}

/** What a file-system entry that is neither a folder nor a regular file is, in words. */
function special(st: Pick<Stats, 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Every article file under `root`, recursively, in a stable order. Hidden entries (the trash and audit
 * folders live there) are ignored; symlinks are followed only when they stay inside the corpus folder.
 */
export async function listCorpus(root: string): Promise<{ files: CorpusFile[]; skipped: Skipped[] }> {
  const rootReal = await realpath(root);
  const files: CorpusFile[] = [];
  const skipped: Skipped[] = [];
  // Real paths already walked or listed: a folder or file reached twice (through a symlink to something
  // inside the corpus, or a loop) is read once.
  const seenDirs = new Set<string>();
  const seenFiles = new Map<string, string>();
  const inside = (p: string) => p === rootReal || p.startsWith(rootReal + sep);

  async function walk(dir: string): Promise<void> {
    let dirReal: string;
    try {
      dirReal = await realpath(dir);
      if (seenDirs.has(dirReal)) return;
      seenDirs.add(dirReal);
    } catch (err) {
      skipped.push({ path: toPosix(relative(root, dir)) || '.', reason: `folder unreadable: ${describe(err)}` });
      return;
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      skipped.push({ path: toPosix(relative(root, dir)) || '.', reason: `folder unreadable: ${describe(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const absolute = join(dir, entry.name);
      const path = toPosix(relative(root, absolute));
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await realpath(absolute);
          if (!inside(target)) {
            skipped.push({ path, reason: 'symlink points outside the corpus folder' });
            continue;
          }
          const st = await stat(target);
          isDir = st.isDirectory();
          isFile = st.isFile();
          if (!isDir && !isFile) {
            skipped.push({ path, reason: `not a regular file: the link points to ${special(st)}` });
            continue;
          }
        } catch (err) {
          skipped.push({ path, reason: `broken symlink: ${describe(err)}` });
          continue;
        }
      }
      if (isDir) {
        await walk(absolute);
      } else if (isFile) {
        if (NOT_ARTICLES.test(entry.name)) continue;
        if (formatOf(path) === null) {
          skipped.push({ path, reason: 'not an article file type (.txt, .md)' });
          continue;
        }
        const real = entry.isSymbolicLink() ? await realpath(absolute).catch(() => absolute) : join(dirReal, entry.name);
        const first = seenFiles.get(real);
        if (first !== undefined) {
          skipped.push({ path, reason: `the same file as ${first} (a link to it)` });
          continue;
        }
        seenFiles.set(real, path);
        files.push({ path, absolute });
      } else {
        // Reading a FIFO would wait for a writer for ever; a device could be endless.
        skipped.push({ path, reason: `not a regular file: ${special(entry)}` });
      }
    }
  }
  await walk(root);
  return { files, skipped };
}

// Non-blocking, so that opening a FIFO put in a file's place since the listing returns at once (its type is
// then refused) instead of waiting for a writer. No effect on regular files. Absent on Windows.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Up to `max + 1` bytes from the handle: enough to tell a file that is over the cap, even one still growing. */
async function readAtMost(handle: FileHandle, size: number, max: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.min(size, max) + 1);
  let length = 0;
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

const tooLarge = (path: string, size: number, max: number): Skipped => ({ path, reason: `too large (${size} bytes; the limit is ${max})` });

/**
 * Read one file, checked on the open handle (so a file swapped since the listing is judged as it is now):
 * a regular file, within the size cap before and while it is read.
 */
export async function readArticleFile(file: CorpusFile, maxFileBytes: number): Promise<Article | Skipped> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(file.absolute, OPEN_FLAGS);
    const st = await handle.stat();
    if (!st.isFile()) return { path: file.path, reason: st.isDirectory() ? 'is a directory' : `not a regular file: ${special(st)}` };
    if (st.size > maxFileBytes) return tooLarge(file.path, st.size, maxFileBytes);
    const bytes = await readAtMost(handle, st.size, maxFileBytes);
    if (bytes.length > maxFileBytes) return tooLarge(file.path, bytes.length, maxFileBytes);
    return parseArticle(file.path, bytes, hashBytes(bytes));
  } catch (err) {
    return { path: file.path, reason: describe(err) };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Load every article under `root`. Throws only when `root` itself cannot be read. */
export async function loadCorpus(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  return readListed(await listCorpus(root), options);
}

/**
 * Read the files of a listing (listCorpus). A file gone or changed since it was listed is skipped with the
 * reason, like any other file that cannot be read.
 */
export async function readListed(listing: { readonly files: readonly CorpusFile[]; readonly skipped: readonly Skipped[] }, options: LoadOptions = {}): Promise<LoadResult> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const concurrency = options.concurrency ?? 32;
  const files = listing.files;
  const skipped = [...listing.skipped];
  const results: (Article | Skipped)[] = new Array(files.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < files.length) {
      const i = next++;
      results[i] = await readArticleFile(files[i] as CorpusFile, maxFileBytes);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  const articles: Article[] = [];
  const ids = new Set<string>();
  for (const r of results) {
    if (isSkipped(r)) {
      skipped.push(r);
    } else if (ids.has(r.id)) {
      skipped.push({ path: r.path, reason: `another file already has the id "${r.id}"` });
    } else {
      ids.add(r.id);
      articles.push(r);
    }
  }
  return { articles, skipped };
}
