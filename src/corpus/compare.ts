// Does a corpus folder still hold exactly the files an index was built from? Used before a saved index is
// trusted (src/store/snapshots.ts) and before a refresh builds anything (src/refresh/worker.ts). It reads and
// hashes files, and loads nothing that indexes them, so a refresh of an unchanged folder never loads the
// language model.
import { articleId, hashBytes, isSkipped, type Article, type Skipped } from './article.ts';
import { listCorpus, pacer, readArticleFile, readFileBytes, type CorpusFile } from './load.ts';

/** What a corpus folder held when an index was built from it, to compare with the folder as it is now. */
export interface FolderState {
  /** [path, SHA-256] of each article, in corpus order. */
  readonly files: readonly (readonly [string, string])[];
  /** Every file the loader skipped, with its reason. */
  readonly skipped: readonly Skipped[];
  /**
   * [path, SHA-256] of skipped files known to skip alike when their bytes are the same (checked by hash);
   * the other skipped files are read and parsed again.
   */
  readonly skippedFiles: readonly (readonly [string, string])[];
  readonly maxFileBytes: number;
}

/** One buffer for the bytes being hashed, so that checking 21,000 files allocates next to nothing. */
const scratch = Buffer.allocUnsafe(256 * 1024);

/** The file's bytes hash to `hash` (and are within the cap); else why not, in words. */
function differs(file: CorpusFile, hash: string, maxFileBytes: number): string | null {
  const bytes = readFileBytes(file, maxFileBytes, scratch);
  if (!Buffer.isBuffer(bytes)) return `${file.path} cannot be read (${bytes.reason})`;
  return hashBytes(bytes) === hash ? null : `${file.path} has changed`;
}

/**
 * Why the corpus folder no longer holds what `state` describes, or null when it holds exactly that: the same
 * article files in the same order with the same bytes (SHA-256, the hash the loader keeps per article), and
 * every skipped file skipped alike. Reads every file, synchronously (the loader's reads: checked on the open
 * handle, capped), in slices that yield to the event loop: ~0.2 s for 21,000 files.
 */
export async function folderChange(corpusDir: string, state: FolderState): Promise<string | null> {
  const { files, skipped: listed } = await listCorpus(corpusDir);
  const hashOf = new Map(state.files);
  const skippedHash = new Map(state.skippedFiles);
  const skippedReason = new Map(state.skipped.map((s) => [s.path, s.reason]));
  const onDisk = new Set(files.map((f) => f.path));
  const listedPaths = new Set(listed.map((s) => s.path));
  for (const s of listed) if (skippedReason.get(s.path) !== s.reason) return `${s.path} is now skipped (${s.reason})`;
  for (const s of state.skipped) if (!onDisk.has(s.path) && !listedPaths.has(s.path)) return `${s.path} is gone`;
  const ids = new Set(state.files.map(([path]) => articleId(path)));
  const maxFileBytes = state.maxFileBytes;
  const pause = pacer();
  let next = 0;
  for (const f of files) {
    const hash = hashOf.get(f.path);
    const skippedAs = skippedHash.get(f.path);
    let why: string | null;
    if (hash !== undefined) {
      if (state.files[next]?.[0] !== f.path) return `articles are in another order from ${f.path}`;
      next++;
      why = differs(f, hash, maxFileBytes);
    } else if (skippedAs !== undefined) {
      why = differs(f, skippedAs, maxFileBytes);
    } else if (skippedReason.has(f.path)) {
      // The loader skipped it: it must still be skipped for the same reason, or still lose to the article
      // that already has its id.
      why = skipsAlike(readArticleFile(f, maxFileBytes), skippedReason.get(f.path)!, ids) ? null : `${f.path} has changed`;
    } else {
      why = `${f.path} is new`;
    }
    if (why !== null) return why;
    await pause();
  }
  if (next !== state.files.length) return `${state.files.length - next} article files are gone`;
  return null;
}

/**
 * Whether a file the loader skipped for `reason` would be skipped alike now that it reads as `again`: for the
 * same reason, or (an article) again losing to the article that already has its id, which the loader's
 * reason names.
 */
export function skipsAlike(again: Article | Skipped, reason: string, ids: ReadonlySet<string>): boolean {
  return isSkipped(again) ? again.reason === reason : ids.has(again.id) && reason.includes(JSON.stringify(again.id));
}
