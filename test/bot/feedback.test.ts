// The feedback log: append-only JSON lines, one per answer shown and one per vote; read back in order with
// the last vote winning; a torn last line (a crash mid-write) skipped without swallowing what comes after.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, DEFAULT_LIMITS, FEEDBACK_FILE, FeedbackStore, questionKey, type AnswerRecord } from '../../src/feedback/index.ts';
import { setLogSink } from '../../src/log.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'verbatim-feedback-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function answer(id: string, question: string, kind: AnswerRecord['kind'] = 'answer'): Omit<AnswerRecord, 'type' | 'at'> {
  return {
    id,
    question,
    articleId: null,
    kind,
    confidence: kind === 'answer' ? 0.9 : 0.1,
    shortAnswer: kind === 'answer' ? 'French officials' : null,
    citations: kind === 'answer' ? [{ articleId: '004_08d7a890f8e88d95', start: 1474, end: 1678, sentenceId: 33 }] : [],
    corpusVersion: 'v1',
    cached: false,
  };
}

const lines = () => readFileSync(join(dir, FEEDBACK_FILE), 'utf8').split('\n').filter((l) => l.length > 0);

describe('FeedbackStore', () => {
  it('keeps one vote per user per answer, the later replacing the earlier, across a reopen', async () => {
    const store = await FeedbackStore.open(dir);
    await store.recordAnswer(answer('a1', 'Who called for an ICC investigation?'));
    await store.recordAnswer(answer('a2', 'who called for an ICC investigation'));
    await store.recordAnswer(answer('a3', 'What is the capital of Australia?', 'not-found'));
    expect(await store.vote('a1', 'alice', 'up')).toEqual({ kind: 'recorded', previous: null });
    expect(await store.vote('a1', 'alice', 'down')).toEqual({ kind: 'recorded', previous: 'up' });
    expect(await store.vote('a1', 'alice', 'down')).toEqual({ kind: 'recorded', previous: 'down' });
    await store.vote('a1', 'bob', 'down');
    await store.vote('a3', 'bob', 'up');
    expect(await store.vote('nope', 'bob', 'up')).toEqual({ kind: 'unknown-answer' });
    await store.close();

    // Three answers and four votes written; the repeated vote and the unknown answer wrote nothing.
    expect(lines().length).toBe(7);
    const reopened = await FeedbackStore.open(dir);
    expect(reopened.voteOf('a1', 'alice')).toBe('down');
    expect(await reopened.answer('a1')).toMatchObject({ question: 'Who called for an ICC investigation?', corpusVersion: 'v1' });
    const stats = reopened.stats();
    expect(stats).toMatchObject({ asked: 3, answered: 2, abstained: 1, cached: 0, up: 1, down: 2 });
    // The two spellings of the ICC question count as one question asked twice.
    expect(stats.questions).toEqual([
      { question: 'Who called for an ICC investigation?', count: 2, abstained: 0 },
      { question: 'What is the capital of Australia?', count: 1, abstained: 1 },
    ]);
    expect(stats.leastLiked).toEqual([
      { answerId: 'a1', question: 'Who called for an ICC investigation?', shortAnswer: 'French officials', kind: 'answer', corpusVersion: 'v1', citations: 1, up: 0, down: 2 },
    ]);
    await reopened.close();
  });

  it('skips a line torn by a crash, and does not let it swallow the next record', async () => {
    const store = await FeedbackStore.open(dir);
    await store.recordAnswer(answer('a1', 'first question'));
    await store.close();
    appendFileSync(join(dir, FEEDBACK_FILE), '{"type":"vote","answerId":"a1","us'); // the crash

    const logged: string[] = [];
    const previous = setLogSink((l) => logged.push(l));
    try {
      const reopened = await FeedbackStore.open(dir);
      expect(logged.some((l) => l.includes('skipped 1 unreadable line'))).toBe(true);
      await reopened.vote('a1', 'carol', 'up');
      await reopened.close();
    } finally {
      setLogSink(previous);
    }
    const again = await FeedbackStore.open(dir);
    expect(again.voteOf('a1', 'carol')).toBe('up');
    expect(again.stats().up).toBe(1);
    await again.close();
    expect(lines()).toHaveLength(3);
    expect(JSON.parse(lines()[2]!)).toMatchObject({ type: 'vote', answerId: 'a1', userId: 'carol', vote: 'up' });
  });

  it('writes every one of many concurrent records as its own line', async () => {
    const store = await FeedbackStore.open(dir);
    await store.recordAnswer(answer('a1', 'q'));
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? store.recordAnswer(answer(`b${i}`, `question ${i}`)) : store.vote('a1', `user${i}`, 'up'))));
    await store.close();
    const written = lines().map((l) => JSON.parse(l) as { type: string });
    expect(written).toHaveLength(201);
    expect(written.filter((r) => r.type === 'vote')).toHaveLength(100);
    await expect(store.recordAnswer(answer('late', 'after close'))).rejects.toThrow('is closed');
  });

  it('groups questions by case, spacing and closing punctuation only', () => {
    expect(questionKey('  Who  called for an ICC investigation?? ')).toBe('who called for an icc investigation');
    expect(questionKey('Who called for an ICC investigation')).toBe(questionKey('who called for an icc investigation?'));
    expect(questionKey('Who called for an investigation?')).not.toBe(questionKey('Who called for an ICC investigation?'));
  });
});

/** The old reading of the log, kept as the oracle: every answer and every vote in memory, counted at the end. */
function oracleStats(lines: readonly string[], limit = 10) {
  const answers = new Map<string, AnswerRecord>();
  const votes = new Map<string, Map<string, 'up' | 'down'>>();
  for (const line of lines) {
    const r = JSON.parse(line) as AnswerRecord | { type: 'vote'; answerId: string; userId: string; vote: 'up' | 'down' };
    if (r.type === 'answer') answers.set(r.id, r);
    else {
      if (!votes.has(r.answerId)) votes.set(r.answerId, new Map());
      votes.get(r.answerId)!.set(r.userId, r.vote);
    }
  }
  const byQuestion = new Map<string, { question: string; count: number; abstained: number }>();
  for (const a of answers.values()) {
    const q = byQuestion.get(questionKey(a.question)) ?? { question: a.question, count: 0, abstained: 0 };
    q.count++;
    if (a.kind === 'not-found') q.abstained++;
    byQuestion.set(questionKey(a.question), q);
  }
  let up = 0;
  let down = 0;
  const disliked = [];
  for (const [answerId, byUser] of votes) {
    const u = [...byUser.values()].filter((v) => v === 'up').length;
    const d = byUser.size - u;
    up += u;
    down += d;
    const a = answers.get(answerId)!;
    if (d > u) disliked.push({ answerId, question: a.question, shortAnswer: a.shortAnswer, kind: a.kind, corpusVersion: a.corpusVersion, citations: a.citations.length, up: u, down: d });
  }
  const all = [...answers.values()];
  return {
    asked: all.length,
    answered: all.filter((a) => a.kind === 'answer').length,
    abstained: all.filter((a) => a.kind === 'not-found').length,
    cached: all.filter((a) => a.cached).length,
    up,
    down,
    questions: [...byQuestion.values()].sort((x, y) => y.count - x.count || x.question.localeCompare(y.question)).slice(0, limit),
    leastLiked: disliked.sort((x, y) => y.down - y.up - (x.down - x.up) || y.down - x.down || x.question.localeCompare(y.question)).slice(0, limit),
  };
}

const answerLine = (id: string, question: string, i: number) =>
  JSON.stringify({ type: 'answer', at: '2026-01-01T00:00:00.000Z', ...answer(id, question, i % 5 === 0 ? 'not-found' : 'answer'), cached: i % 3 === 0 });
const voteLine = (answerId: string, userId: string, vote: 'up' | 'down') => JSON.stringify({ type: 'vote', answerId, userId, vote, at: '2026-01-01T00:00:01.000Z' });

describe('a large feedback log', () => {
  // 50,000 answers (five times the answers kept) to 300 common questions, and every 97th answer, asked in words
  // of its own, voted on by a few users, some of whom change their vote: the most disliked are among the oldest.
  const generated: string[] = [];
  for (let i = 0; i < 50_000; i++) {
    const voted = i % 97 === 0;
    generated.push(answerLine(`a${i}`, voted ? `What did meeting ${i} decide?` : `Question number ${i % 300}?`, i));
    if (voted) {
      const downs = (i / 97) % 7;
      const ups = (i / 97) % 3;
      for (let u = 0; u < downs; u++) generated.push(voteLine(`a${i}`, `down-${u}`, 'down'));
      for (let u = 0; u < ups; u++) generated.push(voteLine(`a${i}`, `up-${u}`, 'up'));
      // One who voted 👎 changes to 👍: the later vote replaces the earlier.
      if (downs > 0 && i % 2 === 0) generated.push(voteLine(`a${i}`, 'down-0', 'up'));
    }
  }

  it('is read with bounded memory into exact counts, then started from its checkpoint without reading it again', async () => {
    writeFileSync(join(dir, FEEDBACK_FILE), `${generated.join('\n')}\n`);
    const size = statSync(join(dir, FEEDBACK_FILE)).size;
    const expected = oracleStats(generated);
    expect(expected.leastLiked.length).toBe(10);

    const first = await FeedbackStore.open(dir, { checkpointBytes: 1024 * 1024 });
    expect(first.opened).toEqual({ fromCheckpoint: false, replayedBytes: size, unreadableLines: 0 });
    expect(first.stats()).toEqual(expected);
    // What is held is bounded, whatever the log's length: the 10,000 most recent answers, the questions seen.
    expect(first.sizes).toEqual({ recent: DEFAULT_LIMITS.recentAnswers, questions: 300 + Math.ceil(50_000 / 97), disliked: DEFAULT_LIMITS.disliked });
    expect(await first.answer('a0')).toBeUndefined();
    expect(await first.answer('a49999')).toMatchObject({ question: 'Question number 199?' });
    // The buttons under an answer no longer kept say so; nothing is written.
    expect(await first.vote('a0', 'late-voter', 'down')).toEqual({ kind: 'unknown-answer' });
    // More than checkpointBytes were read at the start: the checkpoint is already written.
    expect(existsSync(join(dir, CHECKPOINT_FILE))).toBe(true);
    await first.close();
    expect(statSync(join(dir, FEEDBACK_FILE)).size).toBe(size);

    const second = await FeedbackStore.open(dir);
    expect(second.opened).toEqual({ fromCheckpoint: true, replayedBytes: 0, unreadableLines: 0 });
    expect(second.stats()).toEqual(expected);
    expect(await second.answer('a49999')).toMatchObject({ id: 'a49999', question: 'Question number 199?', cached: false });
    expect(second.voteOf('a49955', 'down-0')).toBe('down');

    // A crash after writing, before any checkpoint: the next start reads what follows the checkpoint only.
    const later = [answerLine('b1', 'Question number 7?', 1), voteLine('b1', 'down-0', 'down'), voteLine('b1', 'down-1', 'down')];
    await second.close();
    appendFileSync(join(dir, FEEDBACK_FILE), `${later.join('\n')}\n`);
    const third = await FeedbackStore.open(dir);
    expect(third.opened).toEqual({ fromCheckpoint: true, replayedBytes: Buffer.byteLength(`${later.join('\n')}\n`), unreadableLines: 0 });
    expect(third.stats()).toEqual(oracleStats([...generated, ...later]));
    await third.close();
  });
});

describe('the feedback checkpoint', () => {
  it('is not used for a log that was replaced: the new log is read whole', async () => {
    const store = await FeedbackStore.open(dir);
    await store.recordAnswer(answer('a1', 'first question'));
    await store.recordAnswer(answer('a2', 'second question'));
    await store.close();
    expect(existsSync(join(dir, CHECKPOINT_FILE))).toBe(true);

    // Same length as before would not fool it either: the log's start and end are compared.
    const replacement = [answerLine('z1', 'another log', 1)];
    writeFileSync(join(dir, FEEDBACK_FILE), `${replacement.join('\n')}\n`);
    const logged: string[] = [];
    const previous = setLogSink((l) => logged.push(l));
    try {
      const reopened = await FeedbackStore.open(dir);
      expect(reopened.opened).toMatchObject({ fromCheckpoint: false });
      expect(reopened.stats()).toEqual(oracleStats(replacement));
      expect(await reopened.answer('a1')).toBeUndefined();
      await reopened.close();
    } finally {
      setLogSink(previous);
    }
    expect(logged.some((l) => l.includes('describes another feedback log'))).toBe(true);
  });

  it('a damaged checkpoint costs only time: the whole log is read', async () => {
    const store = await FeedbackStore.open(dir);
    await store.recordAnswer(answer('a1', 'first question'));
    await store.close();
    writeFileSync(join(dir, CHECKPOINT_FILE), '{"version":1,"log":{"offset":');
    const logged: string[] = [];
    const previous = setLogSink((l) => logged.push(l));
    try {
      const reopened = await FeedbackStore.open(dir);
      expect(reopened.opened).toMatchObject({ fromCheckpoint: false, replayedBytes: statSync(join(dir, FEEDBACK_FILE)).size });
      expect(reopened.stats().asked).toBe(1);
      await reopened.close();
    } finally {
      setLogSink(previous);
    }
    expect(logged.some((l) => l.includes('is not readable; reading the whole feedback log'))).toBe(true);
  });
});

describe('feedback kept within its limits', () => {
  const limits = { recentAnswers: 3, questions: 2, disliked: 1 };

  it('keeps the answers most recently recorded or voted on; the counts stay exact', async () => {
    const store = await FeedbackStore.open(dir, { limits });
    for (const id of ['a1', 'a2', 'a3']) await store.recordAnswer(answer(id, `question ${id}`));
    // A vote records a1 again: a2 is now the oldest, and leaves when a4 comes.
    await store.vote('a1', 'alice', 'down');
    await store.recordAnswer(answer('a4', 'question a4'));
    expect(await store.answer('a1')).toBeDefined();
    expect(await store.answer('a2')).toBeUndefined();
    expect(await store.vote('a2', 'bob', 'up')).toEqual({ kind: 'unknown-answer' });
    expect(store.stats()).toMatchObject({ asked: 4, answered: 4, up: 0, down: 1 });
    // a1 leaves too, still disliked: kept for "least liked", with its votes as they were when it left.
    await store.recordAnswer(answer('a5', 'question a5'));
    await store.recordAnswer(answer('a6', 'question a6'));
    expect(await store.answer('a1')).toBeUndefined();
    expect(store.stats().leastLiked.map((d) => [d.answerId, d.up, d.down])).toEqual([['a1', 0, 1]]);
    await store.close();
  });

  it('counts the most asked questions exactly while fewer than twice the limit are seen, then forgets the rarest', async () => {
    const store = await FeedbackStore.open(dir, { limits });
    let n = 0;
    const ask = (question: string) => store.recordAnswer(answer(`q${++n}`, question));
    for (let i = 0; i < 3; i++) await ask('Who won?');
    for (let i = 0; i < 2; i++) await ask('Where was it?');
    await ask('When did it start?');
    expect(store.stats().questions.map((q) => [q.question, q.count])).toEqual([
      ['Who won?', 3],
      ['Where was it?', 2],
      ['When did it start?', 1],
    ]);
    // A fourth distinct question: twice the limit, so only the two most asked are kept.
    await ask('How much did it cost?');
    expect(store.sizes.questions).toBe(2);
    expect(store.stats().questions.map((q) => [q.question, q.count])).toEqual([
      ['Who won?', 3],
      ['Where was it?', 2],
    ]);
    expect(store.stats().asked).toBe(7);
    await store.close();
  });
});

describe('one feedback log, several processes (shards)', () => {
  it('each reads back what the others appended: votes reach answers another shard recorded, counted once', async () => {
    const one = await FeedbackStore.open(dir);
    const two = await FeedbackStore.open(dir);
    await one.recordAnswer(answer('a1', 'asked on shard one'));
    await two.recordAnswer(answer('a2', 'asked on shard two'));
    // Shard two's write read shard one's line too.
    expect(two.stats().asked).toBe(2);
    // Shard one has not written since: a vote reads what the other shards appended before it is checked.
    expect(await one.vote('a2', 'alice', 'down')).toEqual({ kind: 'recorded', previous: null });
    expect(await two.vote('a2', 'alice', 'down')).toEqual({ kind: 'recorded', previous: 'down' });
    await one.close();
    await two.close();
    expect(lines()).toHaveLength(3);
    const again = await FeedbackStore.open(dir);
    expect(again.opened).toMatchObject({ fromCheckpoint: true, replayedBytes: 0 });
    expect(again.stats()).toMatchObject({ asked: 2, up: 0, down: 1 });
    await again.close();
  });
});
