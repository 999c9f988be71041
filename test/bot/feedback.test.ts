// The feedback log: append-only JSON lines, one per answer shown and one per vote; read back in order with
// the last vote winning; a torn last line (a crash mid-write) skipped without swallowing what comes after.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEEDBACK_FILE, FeedbackStore, questionKey, type AnswerRecord } from '../../src/feedback/index.ts';
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
    expect(reopened.answer('a1')).toMatchObject({ question: 'Who called for an ICC investigation?', corpusVersion: 'v1' });
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
