// The file-system edge of feedback: an append-only JSON-lines file, one record per line, read back in order.
// A crash can at worst tear the line being written; that line is skipped on reading, and the file is ended
// with a newline before anything new is appended, so a torn line never swallows the next record.
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '../log.ts';
import { apply, emptyState, parseRecord, statsOf, type AnswerRecord, type FeedbackRecord, type FeedbackStats, type FeedbackState, type Vote } from './records.ts';

const log = logger('feedback');

export const FEEDBACK_FILE = 'feedback.jsonl';

export type VoteResult = { readonly kind: 'recorded'; readonly previous: Vote | null } | { readonly kind: 'unknown-answer' };

interface Pending {
  readonly line: string;
  readonly done: (err?: unknown) => void;
}

export class FeedbackStore {
  private readonly pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly state: FeedbackState,
  ) {}

  /** Open (creating) the log in `dir` and read what it holds. */
  static async open(dir: string): Promise<FeedbackStore> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, FEEDBACK_FILE);
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const state = emptyState();
    let bad = 0;
    for (const line of text.split('\n')) {
      if (line.trim().length === 0) continue;
      const record = parseRecord(line);
      if (record) apply(state, record);
      else bad++;
    }
    if (bad > 0) log.warn(`skipped ${bad} unreadable line(s) in ${path}`);
    const file = await open(path, 'a');
    if (text.length > 0 && !text.endsWith('\n')) await file.write('\n');
    return new FeedbackStore(path, file, state);
  }

  answer(id: string): AnswerRecord | undefined {
    return this.state.answers.get(id);
  }

  /** The user's current vote on an answer, if any. */
  voteOf(answerId: string, userId: string): Vote | null {
    return this.state.votes.get(answerId)?.get(userId) ?? null;
  }

  stats(limit?: number): FeedbackStats {
    return statsOf(this.state, limit);
  }

  async recordAnswer(record: Omit<AnswerRecord, 'type' | 'at'>): Promise<void> {
    await this.append({ type: 'answer', at: new Date().toISOString(), ...record });
  }

  /** Record a user's vote on an answer; a vote they cast before on the same answer is replaced. */
  async vote(answerId: string, userId: string, vote: Vote): Promise<VoteResult> {
    if (!this.state.answers.has(answerId)) return { kind: 'unknown-answer' };
    const previous = this.voteOf(answerId, userId);
    if (previous === vote) return { kind: 'recorded', previous };
    await this.append({ type: 'vote', answerId, userId, vote, at: new Date().toISOString() });
    return { kind: 'recorded', previous };
  }

  /** Write what is pending and close the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    await this.file.close();
  }

  /** Durable first (written and synced), then applied: what the bot reports is what the file holds. */
  private append(record: FeedbackRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`FeedbackStore: ${this.path} is closed`));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        line: `${JSON.stringify(record)}\n`,
        done: (err) => {
          if (err) reject(err);
          else {
            apply(this.state, record);
            resolve();
          }
        },
      });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  // Group commit: whatever queued while the last write was syncing goes out in one write and one sync.
  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        try {
          await this.file.write(batch.map((p) => p.line).join(''));
          await this.file.datasync();
          for (const p of batch) p.done();
        } catch (err) {
          for (const p of batch) p.done(err);
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}
