// Shared by the cache tests: the seed questions, a temporary corpus the tests may change, and the log lines.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setLogSink } from '../../src/log.ts';
import type { AnswerOptions } from '../../src/answer/answer.ts';

export const SEEDS = fileURLToPath(new URL('../../seeds/', import.meta.url));

const fixture = JSON.parse(readFileSync(new URL('../fixtures/seed-questions.json', import.meta.url), 'utf8')) as {
  answerable: { q: string }[];
  unanswerable: string[];
};

/** Every question of the seed fixture: answerable ones and ones the articles do not answer. */
export const SEED_QUESTIONS: readonly string[] = [...fixture.answerable.map((a) => a.q), ...fixture.unanswerable];

/** Option sets the bot sends: the default, a single citation, one article only. */
export const OPTION_SETS: readonly AnswerOptions[] = [{}, { maxCitations: 1 }, { articleId: '004_08d7a890f8e88d95' }];

/** A question the seed articles answer with three citations (the foreign ministers' meeting in Lausanne). */
export const LAUSANNE = 'Where will the foreign ministers meet?';

/** Asked of a corpus with HARBOUR_ARTICLE only; the seeds do not say. */
export const HARBOUR_QUESTION = 'How many visitors did the harbour festival in Tromsø draw?';
export const HARBOUR_ARTICLE = [
  'Harbour festival draws a record crowd',
  '',
  'The harbour festival in Tromsø drew 40,000 visitors on Saturday, the organisers said.',
  '',
  'The festival has grown every year since it began in 2009, and the town council plans to extend it to three days.',
  '',
].join('\n');

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `verbatim-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A copy of seeds/ that a test may add articles to. */
export function tempCorpus(): { path: string; add(name: string, text: string): void; remove(): void } {
  const dir = tempDir('corpus');
  cpSync(SEEDS, dir.path, { recursive: true });
  return { ...dir, add: (name, text) => writeFileSync(join(dir.path, name), text) };
}

/** Capture every log line (after redaction, as it would be printed). */
export function captureLogs(): { lines: string[]; matching(re: RegExp): string[]; clear(): void } {
  const lines: string[] = [];
  setLogSink((line) => lines.push(line));
  return { lines, matching: (re) => lines.filter((l) => re.test(l)), clear: () => lines.splice(0) };
}
