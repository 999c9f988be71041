// The file-system edge of feedback: an append-only JSON-lines file, one record per line, and a checkpoint beside
// it so that a start does not read the whole log again.
//
// What the store holds is always the fold of the log's first `position` bytes (whole lines), whoever wrote them:
// after each write it reads the log from `position` to its end, its own lines and any other process's (the
// shards all append to one log), rather than applying its records from memory. So a state saved with its
// `position` stands for exactly that much of the log, and a start reads the checkpoint, checks that the log
// still begins with what it covered, and folds only the bytes after it: bounded by how often checkpoints are
// written (every CHECKPOINT_BYTES of log, at close, and after a start that had more than that to read). Memory
// is bounded by the state's limits (src/feedback/records.ts), and the log is read in chunks, never whole.
//
// A crash can at worst tear the line being written; that line is skipped on reading, and the file is ended with
// a newline before anything new is appended, so a torn line never swallows the next record.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Answer } from '../answer/types.ts';
import { logger, messageOf } from '../log.ts';
import { DEFAULT_LIMITS, FeedbackState, parseRecord, type AnswerRecord, type FeedbackLimits, type FeedbackRecord, type FeedbackStats, type Vote } from './records.ts';

const log = logger('feedback');

export const FEEDBACK_FILE = 'feedback.jsonl';
export const CHECKPOINT_FILE = 'feedback.checkpoint.json';
const CHECKPOINT_VERSION = 1;
/** Log bytes folded since the last checkpoint that make the store write a new one. */
export const CHECKPOINT_BYTES = 16 * 1024 * 1024;
/** How much of the log's start and of its end before the checkpoint's offset are compared with the checkpoint. */
const PROBE_BYTES = 4096;
/** The log is read in pieces of this size, into one buffer per store. */
const READ_CHUNK = 256 * 1024;

export type VoteResult = { readonly kind: 'recorded'; readonly previous: Vote | null } | { readonly kind: 'unknown-answer' };

export interface FeedbackOptions {
  readonly limits?: Partial<FeedbackLimits>;
  /** Log bytes between checkpoints (default CHECKPOINT_BYTES). */
  readonly checkpointBytes?: number;
}

/** What a start read. */
export interface OpenReport {
  /** True when a checkpoint matched the log and only what follows it was read. */
  readonly fromCheckpoint: boolean;
  /** Bytes of the log read and folded. */
  readonly replayedBytes: number;
  readonly unreadableLines: number;
}

/** An answer as the answers service gives it: what is recorded of it. */
export interface ShownAnswer {
  readonly answer: Answer;
  readonly cached: boolean;
  readonly corpusVersion: string;
}

interface Pending {
  /** A line to append, or null to only read what other processes appended. */
  readonly line: string | null;
  readonly done: (err?: unknown) => void;
}

interface Probe {
  readonly head: string;
  readonly tail: string;
}

/** Hashes of the log's first bytes and of its last bytes before `offset`: which log, and how far. */
async function probe(file: FileHandle, offset: number): Promise<Probe> {
  const hash = async (start: number, end: number) => {
    const bytes = Buffer.alloc(end - start);
    const { bytesRead } = await file.read(bytes, 0, bytes.length, start);
    return createHash('sha256').update(bytes.subarray(0, bytesRead)).digest('hex');
  };
  return { head: await hash(0, Math.min(offset, PROBE_BYTES)), tail: await hash(Math.max(0, offset - PROBE_BYTES), offset) };
}

/** Fold the log's whole lines from `from` to its end into `state`, read through `chunk`; where it stopped. */
async function fold(file: FileHandle, from: number, state: FeedbackState, chunk: Buffer): Promise<{ position: number; unreadable: number }> {
  let position = from;
  let unreadable = 0;
  let carry: Buffer = Buffer.alloc(0);
  for (;;) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, position + carry.length);
    if (bytesRead === 0) break;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
      const line = data.toString('utf8', start, nl);
      start = nl + 1;
      if (line.trim().length === 0) continue;
      const record = parseRecord(line);
      if (record) state.apply(record);
      else unreadable++;
    }
    position += start;
    // Copied: `chunk` is read into again. A line without its newline yet waits for the rest.
    carry = Buffer.from(data.subarray(start));
  }
  return { position, unreadable };
}

async function endsWithNewline(file: FileHandle, size: number): Promise<boolean> {
  const last = Buffer.alloc(1);
  await file.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Replace `path` with `text` in one step: a reader sees the old file or the new one, never half of one. */
async function replaceFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** The state a checkpoint saved and the log offset it stands for, when it matches this log; else null. */
async function readCheckpoint(path: string, file: FileHandle, size: number, limits: FeedbackLimits): Promise<{ state: FeedbackState; offset: number } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let saved: { version?: unknown; log?: { offset?: unknown; head?: unknown; tail?: unknown }; state?: unknown };
  try {
    saved = JSON.parse(text) as typeof saved;
  } catch {
    log.warn(`${path} is not readable; reading the whole feedback log`);
    return null;
  }
  const offset = saved.log?.offset;
  if (saved.version !== CHECKPOINT_VERSION || !Number.isInteger(offset) || (offset as number) < 0) {
    log.warn(`${path} is not a checkpoint this version reads; reading the whole feedback log`);
    return null;
  }
  const at = offset as number;
  const now = at <= size ? await probe(file, at) : null;
  if (now === null || now.head !== saved.log?.head || now.tail !== saved.log?.tail) {
    log.warn(`${path} describes another feedback log (replaced or cut short); reading the whole log`);
    return null;
  }
  const state = FeedbackState.restore(saved.state, limits);
  if (!state) log.warn(`${path} holds a damaged state; reading the whole feedback log`);
  return state ? { state, offset: at } : null;
}

export class FeedbackStore {
  private readonly pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;
  private checkpointed: number;

  private constructor(
    /** What the log is read through; one at a time, in flush (or in open, before the store exists). */
    private readonly chunk: Buffer,
    readonly path: string,
    private readonly checkpointPath: string,
    private readonly file: FileHandle,
    private readonly state: FeedbackState,
    /** Bytes of the log folded into `state`, whole lines only. */
    private position: number,
    checkpointedAt: number,
    private readonly checkpointBytes: number,
    readonly opened: OpenReport,
  ) {
    this.checkpointed = checkpointedAt;
  }

  /** Open (creating) the log in `dir` and read it: from its checkpoint when one matches, else all of it. */
  static async open(dir: string, options: FeedbackOptions = {}): Promise<FeedbackStore> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, FEEDBACK_FILE);
    const checkpointPath = join(dir, CHECKPOINT_FILE);
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    // Read and append ('a+'): reads take a position, every write goes to the end.
    const file = await open(path, 'a+');
    try {
      const size = (await file.stat()).size;
      if (size > 0 && !(await endsWithNewline(file, size))) await file.write('\n');
      const checkpoint = await readCheckpoint(checkpointPath, file, size, limits);
      const from = checkpoint?.offset ?? 0;
      const state = checkpoint?.state ?? new FeedbackState(limits);
      const chunk = Buffer.alloc(READ_CHUNK);
      const { position, unreadable } = await fold(file, from, state, chunk);
      if (unreadable > 0) log.warn(`skipped ${unreadable} unreadable line(s) in ${path}`);
      if (state.unmatched > 0) log.info(`${state.unmatched} vote(s) in ${path} are for answers no longer kept; they are in no count`);
      const opened = { fromCheckpoint: checkpoint !== null, replayedBytes: position - from, unreadableLines: unreadable };
      const store = new FeedbackStore(chunk, path, checkpointPath, file, state, position, from, options.checkpointBytes ?? CHECKPOINT_BYTES, opened);
      // A long read (the first start after an upgrade, or after a crash): saved, so the next start skips it.
      if (position - from >= store.checkpointBytes) await store.checkpoint();
      return store;
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /**
   * The answer recorded under `id`, while it is among the recent ones kept (DEFAULT_LIMITS.recentAnswers). On
   * a miss, what other processes appended since is read first.
   */
  async answer(id: string): Promise<AnswerRecord | undefined> {
    if (!this.state.answer(id)) await this.enqueue(null);
    return this.state.answer(id);
  }

  /** The user's current vote on an answer, if any. */
  voteOf(answerId: string, userId: string): Vote | null {
    return this.state.voteOf(answerId, userId);
  }

  /** Counts over the whole log, as far as this process has read it (to its own latest write). */
  stats(limit?: number): FeedbackStats {
    return this.state.stats(limit);
  }

  /** How much is held in memory (answers kept, questions counted, disliked answers kept). */
  get sizes(): FeedbackState['sizes'] {
    return this.state.sizes;
  }

  /**
   * Record an answer as shown with its first `shown` citations (or closest matches), under a new id, and
   * return the id: the buttons under the message carry it. Recorded before it is shown, so a vote can never
   * arrive for an answer the log does not know.
   */
  async recordShown(asked: ShownAnswer, about: { readonly question: string; readonly articleId: string | null; readonly shown: number }): Promise<string> {
    const a = asked.answer;
    const cited = a.kind === 'answer' ? a.citations : a.nearest;
    const id = randomBytes(6).toString('base64url');
    await this.recordAnswer({
      id,
      question: about.question,
      articleId: about.articleId,
      kind: a.kind,
      confidence: a.confidence,
      shortAnswer: a.kind === 'answer' ? (a.answer?.text ?? null) : null,
      citations: cited.slice(0, about.shown).map((c) => ({ articleId: c.articleId, start: c.start, end: c.end, sentenceId: c.sentenceId })),
      corpusVersion: asked.corpusVersion,
      cached: asked.cached,
    });
    return id;
  }

  async recordAnswer(record: Omit<AnswerRecord, 'type' | 'at'>): Promise<void> {
    await this.enqueue({ type: 'answer', at: new Date().toISOString(), ...record });
  }

  /** Record a user's vote on an answer; a vote they cast before on the same answer is replaced. */
  async vote(answerId: string, userId: string, vote: Vote): Promise<VoteResult> {
    // What other processes appended first: the user may have voted on this answer through another shard.
    await this.enqueue(null);
    if (!this.state.answer(answerId)) return { kind: 'unknown-answer' };
    const previous = this.voteOf(answerId, userId);
    if (previous === vote) return { kind: 'recorded', previous };
    await this.enqueue({ type: 'vote', answerId, userId, vote, at: new Date().toISOString() });
    return { kind: 'recorded', previous };
  }

  /** Write what is pending, save a checkpoint (so the next start reads nothing again), close the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    if (this.position > this.checkpointed) await this.checkpoint();
    await this.file.close();
  }

  /** Durable first (written and synced), then read back: what the bot reports is what the file holds. */
  private enqueue(record: FeedbackRecord | null): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`FeedbackStore: ${this.path} is closed`));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line: record === null ? null : `${JSON.stringify(record)}\n`, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  // Group commit: whatever queued while the last write was syncing goes out in one write and one sync. The
  // only place the state changes, so a checkpoint taken here holds exactly the log up to `position`.
  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        try {
          const text = batch.map((p) => p.line ?? '').join('');
          if (text.length > 0) {
            await this.file.write(text);
            await this.file.datasync();
          }
          const { position, unreadable } = await fold(this.file, this.position, this.state, this.chunk);
          if (unreadable > 0) log.warn(`skipped ${unreadable} unreadable line(s) in ${this.path}`);
          this.position = position;
          for (const p of batch) p.done();
        } catch (err) {
          for (const p of batch) p.done(err);
        }
        if (this.position - this.checkpointed >= this.checkpointBytes) await this.checkpoint();
      }
    } finally {
      this.flushing = null;
    }
  }

  /** Save the state with the offset it stands for. A checkpoint that cannot be written only costs start time. */
  private async checkpoint(): Promise<void> {
    // Taken at once, before any await: the state and the offset it stands for.
    const offset = this.position;
    const state = JSON.stringify(this.state.save());
    try {
      const text = `{"version":${CHECKPOINT_VERSION},"log":${JSON.stringify({ offset, ...(await probe(this.file, offset)) })},"state":${state}}`;
      await replaceFile(this.checkpointPath, text);
      this.checkpointed = offset;
    } catch (err) {
      log.warn(`could not save the feedback checkpoint: ${messageOf(err)}`, { path: this.checkpointPath });
    }
  }
}
