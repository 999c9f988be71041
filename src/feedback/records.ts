// What the feedback log holds, and the pure reading of it: every answer the bot showed, and every vote on one.
// A vote refers to its answer by id; a later vote by the same user on the same answer replaces the earlier.
//
// The log only grows, so what is kept of it in memory is bounded: exact totals, the recently recorded answers
// (for the buttons under them), a bounded count of questions, and the most disliked of the answers no longer
// kept. Folding the same lines in the same order always gives the same state, so a state saved with the
// number of bytes it has read (src/feedback/store.ts) stands for the log up to there.

/** The position of a cited sentence: enough to find it again in the corpus version it came from. */
export interface CitedSentence {
  readonly articleId: string;
  readonly start: number;
  readonly end: number;
  readonly sentenceId: number;
}

export interface AnswerRecord {
  readonly type: 'answer';
  readonly id: string;
  /** ISO time. */
  readonly at: string;
  readonly question: string;
  readonly articleId: string | null;
  readonly kind: 'answer' | 'not-found';
  readonly confidence: number;
  readonly shortAnswer: string | null;
  readonly citations: readonly CitedSentence[];
  readonly corpusVersion: string;
  readonly cached: boolean;
}

export type Vote = 'up' | 'down';

export interface VoteRecord {
  readonly type: 'vote';
  readonly answerId: string;
  readonly userId: string;
  readonly vote: Vote;
  readonly at: string;
}

export type FeedbackRecord = AnswerRecord | VoteRecord;

const isString = (x: unknown): x is string => typeof x === 'string';

function isCited(x: unknown): x is CitedSentence {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  return isString(c.articleId) && Number.isInteger(c.start) && Number.isInteger(c.end) && Number.isInteger(c.sentenceId);
}

function isAnswerRecord(r: Record<string, unknown>): boolean {
  return (
    r.type === 'answer' &&
    isString(r.id) &&
    isString(r.at) &&
    isString(r.question) &&
    (r.articleId === null || isString(r.articleId)) &&
    (r.kind === 'answer' || r.kind === 'not-found') &&
    typeof r.confidence === 'number' &&
    (r.shortAnswer === null || isString(r.shortAnswer)) &&
    Array.isArray(r.citations) &&
    r.citations.every(isCited) &&
    isString(r.corpusVersion) &&
    typeof r.cached === 'boolean'
  );
}

const isVote = (x: unknown): x is Vote => x === 'up' || x === 'down';

/** A parsed line, or null when the line is not a record (a torn write, a hand edit). */
export function parseRecord(line: string): FeedbackRecord | null {
  let x: unknown;
  try {
    x = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof x !== 'object' || x === null) return null;
  const r = x as Record<string, unknown>;
  if (r.type === 'vote') {
    if (isString(r.answerId) && isString(r.userId) && isVote(r.vote) && isString(r.at)) return r as unknown as VoteRecord;
    return null;
  }
  return isAnswerRecord(r) ? (r as unknown as AnswerRecord) : null;
}

/** Questions that differ only in case, spacing or closing punctuation count as one. */
export function questionKey(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim().replace(/[\s?.!]+$/u, '');
}

export interface QuestionCount {
  readonly question: string;
  readonly count: number;
  readonly abstained: number;
}

export interface DislikedAnswer {
  readonly answerId: string;
  readonly question: string;
  readonly shortAnswer: string | null;
  readonly kind: 'answer' | 'not-found';
  readonly corpusVersion: string;
  readonly citations: number;
  readonly up: number;
  readonly down: number;
}

export interface FeedbackStats {
  readonly asked: number;
  readonly answered: number;
  readonly abstained: number;
  readonly cached: number;
  readonly up: number;
  readonly down: number;
  /** Most asked first. */
  readonly questions: readonly QuestionCount[];
  /** Most disliked first: answers with more 👎 than 👍. */
  readonly leastLiked: readonly DislikedAnswer[];
}

/** How much of the log is kept in memory. */
export interface FeedbackLimits {
  /**
   * Answers kept for their buttons (More sources, votes): the most recently recorded, an answer counting as
   * recorded again when it is voted on. A button under an older answer says it is no longer on record.
   */
  readonly recentAnswers: number;
  /**
   * Distinct questions counted for "most asked". When twice as many have been seen, only the most asked are
   * kept; a question dropped then counts from zero if it comes back, so counts are exact until then.
   */
  readonly questions: number;
  /** Answers with more 👎 than 👍 kept for "least liked" once they are no longer among the recent ones. */
  readonly disliked: number;
}

export const DEFAULT_LIMITS: FeedbackLimits = { recentAnswers: 10_000, questions: 10_000, disliked: 100 };

interface Recent {
  readonly record: AnswerRecord;
  /** user id -> that user's latest vote. */
  readonly votes: Map<string, Vote>;
  up: number;
  down: number;
}

interface Counted {
  question: string;
  count: number;
  abstained: number;
}

const byMostAsked = (x: QuestionCount, y: QuestionCount) => y.count - x.count || x.question.localeCompare(y.question);
const byLeastLiked = (x: DislikedAnswer, y: DislikedAnswer) => y.down - y.up - (x.down - x.up) || y.down - x.down || x.question.localeCompare(y.question);

function disliked(r: Recent): DislikedAnswer {
  const a = r.record;
  return { answerId: a.id, question: a.question, shortAnswer: a.shortAnswer, kind: a.kind, corpusVersion: a.corpusVersion, citations: a.citations.length, up: r.up, down: r.down };
}

/** The state saved in a checkpoint: plain JSON. */
export interface SavedState {
  readonly totals: { readonly asked: number; readonly answered: number; readonly cached: number; readonly up: number; readonly down: number; readonly unmatchedVotes: number };
  /** [key, question, count, abstained]. */
  readonly questions: readonly (readonly [string, string, number, number])[];
  readonly disliked: readonly DislikedAnswer[];
  /** Oldest first: [record, [[user id, vote]...]]. */
  readonly recent: readonly (readonly [AnswerRecord, readonly (readonly [string, Vote])[]])[];
}

const isCount = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;

function isDisliked(x: unknown): x is DislikedAnswer {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Record<string, unknown>;
  return (
    isString(d.answerId) &&
    isString(d.question) &&
    (d.shortAnswer === null || isString(d.shortAnswer)) &&
    (d.kind === 'answer' || d.kind === 'not-found') &&
    isString(d.corpusVersion) &&
    isCount(d.citations) &&
    isCount(d.up) &&
    isCount(d.down)
  );
}

/** Everything kept of the log, folded one record at a time, in file order. */
export class FeedbackState {
  private asked = 0;
  private answered = 0;
  private cached = 0;
  private up = 0;
  private down = 0;
  /** Votes for an answer not kept (possible only when the limits changed): in no count. */
  private unmatchedVotes = 0;
  /** Oldest first: a Map iterates in insertion order, and a record is re-inserted when it is recorded again. */
  private readonly recent = new Map<string, Recent>();
  private readonly questions = new Map<string, Counted>();
  /** The most disliked of the answers that left `recent`, most disliked first. */
  private leastLiked: DislikedAnswer[] = [];

  constructor(readonly limits: FeedbackLimits = DEFAULT_LIMITS) {}

  apply(record: FeedbackRecord): void {
    if (record.type === 'answer') this.applyAnswer(record);
    else this.applyVote(record);
  }

  answer(id: string): AnswerRecord | undefined {
    return this.recent.get(id)?.record;
  }

  /** The user's current vote on an answer still kept, if any. */
  voteOf(answerId: string, userId: string): Vote | null {
    return this.recent.get(answerId)?.votes.get(userId) ?? null;
  }

  /** How much is held: answers kept, distinct questions counted, disliked answers kept. */
  get sizes(): { readonly recent: number; readonly questions: number; readonly disliked: number } {
    return { recent: this.recent.size, questions: this.questions.size, disliked: this.leastLiked.length };
  }

  get unmatched(): number {
    return this.unmatchedVotes;
  }

  stats(limit = 10): FeedbackStats {
    const live = [...this.recent.values()].filter((r) => r.down > r.up).map(disliked);
    return {
      asked: this.asked,
      answered: this.answered,
      abstained: this.asked - this.answered,
      cached: this.cached,
      up: this.up,
      down: this.down,
      questions: [...this.questions.values()].map((q) => ({ ...q })).sort(byMostAsked).slice(0, limit),
      leastLiked: [...this.leastLiked, ...live].sort(byLeastLiked).slice(0, limit),
    };
  }

  private applyAnswer(record: AnswerRecord): void {
    const known = this.recent.get(record.id);
    if (known) {
      // The same id twice (a hand edit): the later record stands, counted once, as a Map keyed by id would.
      this.recent.delete(record.id);
      this.recent.set(record.id, { ...known, record });
      return;
    }
    this.asked++;
    if (record.kind === 'answer') this.answered++;
    if (record.cached) this.cached++;
    const key = questionKey(record.question);
    let q = this.questions.get(key);
    if (!q) this.questions.set(key, (q = { question: record.question, count: 0, abstained: 0 }));
    q.count++;
    if (record.kind === 'not-found') q.abstained++;
    if (this.questions.size >= 2 * this.limits.questions) this.forgetRareQuestions();
    this.recent.set(record.id, { record, votes: new Map(), up: 0, down: 0 });
    while (this.recent.size > this.limits.recentAnswers) this.retireOldest();
  }

  private applyVote(record: VoteRecord): void {
    const r = this.recent.get(record.answerId);
    if (!r) {
      this.unmatchedVotes++;
      return;
    }
    const previous = r.votes.get(record.userId);
    if (previous !== record.vote) {
      if (previous !== undefined) this.count(r, previous, -1);
      this.count(r, record.vote, 1);
      r.votes.set(record.userId, record.vote);
    }
    // Voted on: recorded again, so it stays for its buttons.
    this.recent.delete(record.answerId);
    this.recent.set(record.answerId, r);
  }

  private count(r: Recent, vote: Vote, by: 1 | -1): void {
    if (vote === 'up') {
      r.up += by;
      this.up += by;
    } else {
      r.down += by;
      this.down += by;
    }
  }

  /** Keep the `limits.questions` most asked; the rest are forgotten. */
  private forgetRareQuestions(): void {
    const kept = [...this.questions.entries()].sort(([, x], [, y]) => byMostAsked(x, y)).slice(0, this.limits.questions);
    this.questions.clear();
    for (const [key, q] of kept) this.questions.set(key, q);
  }

  /** The oldest answer leaves; its votes are final now (no button reaches it), so only a dislike is kept. */
  private retireOldest(): void {
    const [id, oldest] = this.recent.entries().next().value!;
    this.recent.delete(id);
    if (oldest.down <= oldest.up) return;
    this.leastLiked.push(disliked(oldest));
    this.leastLiked.sort(byLeastLiked);
    if (this.leastLiked.length > this.limits.disliked) this.leastLiked.length = this.limits.disliked;
  }

  save(): SavedState {
    return {
      totals: { asked: this.asked, answered: this.answered, cached: this.cached, up: this.up, down: this.down, unmatchedVotes: this.unmatchedVotes },
      questions: [...this.questions].map(([key, q]) => [key, q.question, q.count, q.abstained] as const),
      disliked: this.leastLiked,
      recent: [...this.recent.values()].map((r) => [r.record, [...r.votes]] as const),
    };
  }

  /** A state from what `save` returned, under `limits`; null when `saved` is not one. */
  static restore(saved: unknown, limits: FeedbackLimits = DEFAULT_LIMITS): FeedbackState | null {
    if (typeof saved !== 'object' || saved === null) return null;
    const s = saved as Record<string, unknown>;
    const t = s.totals as Record<string, unknown> | undefined;
    if (typeof t !== 'object' || t === null || !['asked', 'answered', 'cached', 'up', 'down', 'unmatchedVotes'].every((k) => isCount(t[k]))) return null;
    if (!Array.isArray(s.questions) || !Array.isArray(s.disliked) || !Array.isArray(s.recent)) return null;
    const state = new FeedbackState(limits);
    state.asked = t.asked as number;
    state.answered = t.answered as number;
    state.cached = t.cached as number;
    state.up = t.up as number;
    state.down = t.down as number;
    state.unmatchedVotes = t.unmatchedVotes as number;
    for (const q of s.questions as unknown[]) {
      if (!Array.isArray(q) || !isString(q[0]) || !isString(q[1]) || !isCount(q[2]) || !isCount(q[3])) return null;
      state.questions.set(q[0], { question: q[1], count: q[2], abstained: q[3] });
    }
    if (!(s.disliked as unknown[]).every(isDisliked)) return null;
    state.leastLiked = [...(s.disliked as DislikedAnswer[])];
    for (const entry of s.recent as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'object' || entry[0] === null || !isAnswerRecord(entry[0] as Record<string, unknown>) || !Array.isArray(entry[1])) return null;
      const votes = new Map<string, Vote>();
      for (const v of entry[1] as unknown[]) {
        if (!Array.isArray(v) || !isString(v[0]) || !isVote(v[1])) return null;
        votes.set(v[0], v[1]);
      }
      let up = 0;
      for (const v of votes.values()) if (v === 'up') up++;
      const record = entry[0] as AnswerRecord;
      state.recent.set(record.id, { record, votes, up, down: votes.size - up });
    }
    // Saved under other limits: brought within these ones.
    while (state.recent.size > limits.recentAnswers) state.retireOldest();
    if (state.questions.size > limits.questions) state.forgetRareQuestions();
    state.leastLiked.sort(byLeastLiked);
    if (state.leastLiked.length > limits.disliked) state.leastLiked.length = limits.disliked;
    return state;
  }
}
