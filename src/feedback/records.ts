// What the feedback log holds, and the pure reading of it: every answer the bot showed, and every vote on one.
// A vote refers to its answer by id; a later vote by the same user on the same answer replaces the earlier.

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
    if (isString(r.answerId) && isString(r.userId) && (r.vote === 'up' || r.vote === 'down') && isString(r.at)) return r as unknown as VoteRecord;
    return null;
  }
  if (r.type === 'answer') {
    const ok =
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
      typeof r.cached === 'boolean';
    return ok ? (r as unknown as AnswerRecord) : null;
  }
  return null;
}

export interface FeedbackState {
  readonly answers: Map<string, AnswerRecord>;
  /** answer id -> user id -> that user's latest vote. */
  readonly votes: Map<string, Map<string, Vote>>;
}

export function emptyState(): FeedbackState {
  return { answers: new Map(), votes: new Map() };
}

/** Fold one record into the state (in file order, so the last vote wins). */
export function apply(state: FeedbackState, record: FeedbackRecord): void {
  if (record.type === 'answer') {
    state.answers.set(record.id, record);
    return;
  }
  let byUser = state.votes.get(record.answerId);
  if (!byUser) state.votes.set(record.answerId, (byUser = new Map()));
  byUser.set(record.userId, record.vote);
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

export function statsOf(state: FeedbackState, limit = 10): FeedbackStats {
  let answered = 0;
  let cached = 0;
  const byQuestion = new Map<string, { question: string; count: number; abstained: number }>();
  for (const a of state.answers.values()) {
    if (a.kind === 'answer') answered++;
    if (a.cached) cached++;
    const key = questionKey(a.question);
    const q = byQuestion.get(key) ?? { question: a.question, count: 0, abstained: 0 };
    q.count++;
    if (a.kind === 'not-found') q.abstained++;
    byQuestion.set(key, q);
  }
  let up = 0;
  let down = 0;
  const disliked: DislikedAnswer[] = [];
  for (const [answerId, byUser] of state.votes) {
    let u = 0;
    let d = 0;
    for (const v of byUser.values()) if (v === 'up') u++;
    else d++;
    up += u;
    down += d;
    const a = state.answers.get(answerId);
    if (a && d > u) {
      disliked.push({ answerId, question: a.question, shortAnswer: a.shortAnswer, kind: a.kind, corpusVersion: a.corpusVersion, citations: a.citations.length, up: u, down: d });
    }
  }
  const asked = state.answers.size;
  return {
    asked,
    answered,
    abstained: asked - answered,
    cached,
    up,
    down,
    questions: [...byQuestion.values()].sort((x, y) => y.count - x.count || x.question.localeCompare(y.question)).slice(0, limit),
    leastLiked: disliked.sort((x, y) => y.down - y.up - (x.down - x.up) || y.down - x.down || x.question.localeCompare(y.question)).slice(0, limit),
  };
}
