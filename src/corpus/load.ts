// The file-system edge of the corpus: walk a folder, read each article file, parse it. Every problem with a
// single file becomes a Skipped entry with a reason; only an unreadable corpus folder is an error.
//
// Files are read with synchronous calls, in time slices that yield to the event loop between them. Reading
// 21,000 small files through the thread pool (open, stat, read, close: four round trips each) took ~1.2 s
// against ~0.2 s synchronously, and the promise per call cost more than the read. A slice holds the thread
// for about SLICE_MS (parsing included), so a loader on the main thread still lets timers, the gateway's
// heartbeat and questions run between slices; the refresh worker loads the same way, off the main thread.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { join, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatOf, hashBytes, isSkipped, parseArticle, type Article, type Skipped } from './article.ts';
import { messageOf } from '../log.ts';

export interface LoadOptions {
  /** Files larger than this are skipped. */
  readonly maxFileBytes?: number;
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

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'file vanished while loading';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'symlink loop';
  if (code === 'EIO') return 'input/output error';
  return messageOf(err);
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

  // `rel` is `dir` relative to the root, '/'-separated ('' for the root): built up name by name, as
  // path.relative() per file resolves both paths again (a tenth of the listing's time on 21,000 files).
  async function walk(dir: string, rel: string): Promise<void> {
    let dirReal: string;
    try {
      dirReal = await realpath(dir);
      if (seenDirs.has(dirReal)) return;
      seenDirs.add(dirReal);
    } catch (err) {
      skipped.push({ path: rel || '.', reason: `folder unreadable: ${describe(err)}` });
      return;
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      skipped.push({ path: rel || '.', reason: `folder unreadable: ${describe(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const absolute = join(dir, entry.name);
      const path = rel ? `${rel}/${entry.name}` : entry.name;
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
        await walk(absolute, path);
      } else if (isFile) {
        if (NOT_ARTICLES.test(entry.name)) continue;
        if (formatOf(path) === null) {
          skipped.push({ path, reason: unreadType(path) });
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
  await walk(root, '');
  return { files, skipped };
}

// Non-blocking, so that opening a FIFO put in a file's place since the listing returns at once (its type is
// then refused) instead of waiting for a writer. No effect on regular files. Absent on Windows.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** How long one slice of synchronous reading and parsing may hold the thread before it yields. */
export const SLICE_MS = 8;

/**
 * Up to `max + 1` bytes from the open file: enough to tell a file that is over the cap, even one still growing.
 * Into `into` when it is large enough (the caller is done with the bytes before it reads the next file).
 */
function readAtMost(fd: number, size: number, max: number, into?: Buffer): Buffer {
  const want = Math.min(size, max) + 1;
  // Unsafe (uninitialised) is fine: only the bytes read are ever looked at, through the subarray.
  const buffer = into !== undefined && into.length >= want ? into.subarray(0, want) : Buffer.allocUnsafe(want);
  let length = 0;
  while (length < buffer.length) {
    const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

const tooLarge = (path: string, size: number, max: number): Skipped => ({ path, reason: `too large (${size} bytes; the limit is ${max})` });

/**
 * One file's bytes, checked on the open handle (so a file swapped since the listing is judged as it is now):
 * a regular file, within the size cap before and while it is read. Synchronous. With `scratch`, the bytes are
 * read into it when they fit, and are only good until the next read into it.
 */
export function readFileBytes(file: CorpusFile, maxFileBytes: number, scratch?: Buffer): Buffer | Skipped {
  let fd: number | null = null;
  try {
    fd = openSync(file.absolute, OPEN_FLAGS);
    const st = fstatSync(fd);
    if (!st.isFile()) return { path: file.path, reason: st.isDirectory() ? 'is a directory' : `not a regular file: ${special(st)}` };
    if (st.size > maxFileBytes) return tooLarge(file.path, st.size, maxFileBytes);
    const bytes = readAtMost(fd, st.size, maxFileBytes, scratch);
    if (bytes.length > maxFileBytes) return tooLarge(file.path, bytes.length, maxFileBytes);
    return bytes;
  } catch (err) {
    return { path: file.path, reason: describe(err) };
  } finally {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // Closing a descriptor that was read cannot lose data; nothing to report.
      }
    }
  }
}

/** Read and parse one file (see readFileBytes). Synchronous. */
export function readArticleFile(file: CorpusFile, maxFileBytes: number): Article | Skipped {
  const bytes = readFileBytes(file, maxFileBytes);
  return Buffer.isBuffer(bytes) ? parseArticle(file.path, bytes, hashBytes(bytes)) : bytes;
}

/**
 * Paces a loop of synchronous work: `await pause()` after each item yields to the event loop once SLICE_MS
 * have passed since the last yield, and costs next to nothing otherwise.
 */
export function pacer(): () => Promise<void> {
  let until = performance.now() + SLICE_MS;
  return async () => {
    if (performance.now() < until) return;
    await yieldToLoop();
    until = performance.now() + SLICE_MS;
  };
}

/**
 * Why a file of another type is not read. HTML gets its own reason: its readable text is not a slice of the
 * file, so it is read by /ingest, which saves the article as text (see FORMATS).
 */
function unreadType(path: string): string {
  return /\.(?:html?|xhtml)$/i.test(path)
    ? 'an HTML page is not read from the folder: add it with /ingest, which saves its article as text'
    : 'not an article file type (.txt, .md)';
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
  const files = listing.files;
  const skipped = [...listing.skipped];
  const results: (Article | Skipped)[] = new Array(files.length);
  const pause = pacer();
  for (let i = 0; i < files.length; i++) {
    results[i] = readArticleFile(files[i]!, maxFileBytes);
    await pause();
  }
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
