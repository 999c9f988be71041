// Shared fixtures for the performance-feature tests: a private copy of the seed articles to change at will,
// and the seed questions.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../src/engine.ts';
import type { Answer } from '../../src/answer/types.ts';

export const SEED_000 = new URL('../../seeds/000_9c97e5d4a05ee18f.txt', import.meta.url);
export const SEED_004 = new URL('../../seeds/004_08d7a890f8e88d95.txt', import.meta.url);

const fixture = JSON.parse(readFileSync(new URL('../fixtures/seed-questions.json', import.meta.url), 'utf8')) as {
  answerable: { q: string; cite: string; answer: string | null }[];
  unanswerable: string[];
};
export const SEED_QUESTIONS: readonly string[] = [...fixture.answerable.map((a) => a.q), ...fixture.unanswerable];

/** A fresh folder with copies of the given seed files (by URL), and a snapshot path outside it. */
export function corpusWith(...seeds: URL[]): { dir: string; snapshot: string } {
  const root = mkdtempSync(join(tmpdir(), 'verbatim-perf-'));
  const dir = join(root, 'corpus');
  mkdirSync(dir);
  for (const s of seeds) copyFileSync(s, join(dir, s.pathname.slice(s.pathname.lastIndexOf('/') + 1)));
  return { dir, snapshot: join(root, 'index.snapshot') };
}

/** Every seed question's answer, for comparing two engines. */
export function answersOf(engine: Engine): Answer[] {
  return SEED_QUESTIONS.map((q) => engine.answer(q));
}

/** Every citation and short answer is an exact slice of its article's text at its offsets. */
export function expectExactSlices(engine: Engine, answers: readonly Answer[]): number {
  const text = new Map(engine.corpus.index.articles.map((a) => [a.id, a.text]));
  let checked = 0;
  for (const a of answers) {
    const citations = a.kind === 'answer' ? a.citations : a.nearest;
    for (const c of citations) {
      if (text.get(c.articleId)!.slice(c.start, c.end) !== c.text) throw new Error(`citation is not a slice: ${c.articleId} ${c.start}-${c.end}`);
      checked++;
    }
    if (a.kind === 'answer' && a.answer !== null) {
      const first = a.citations[0]!;
      if (text.get(first.articleId)!.slice(a.answer.start, a.answer.end) !== a.answer.text) throw new Error(`short answer is not a slice: ${a.answer.text}`);
      checked++;
    }
  }
  return checked;
}
