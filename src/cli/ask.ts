// npm run ask -- [--json] [--corpus DIR] [--batch FILE] [QUESTION...]
//
// A contract other tools depend on: with --json, stdout carries exactly one JSON object per question, one
// per line, and nothing else; logs go to stderr.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine } from '../engine.ts';
import { logger } from '../log.ts';
import { runMain, startProcess } from '../process.ts';
import { requireFolder } from '../config.ts';
import { snapshotSetting } from '../store/snapshots.ts';
import { counted } from '../plural.ts';
import { createAnswers, openAnswerCache } from '../cache/index.ts';
import type { Answer, Citation } from '../answer/types.ts';

const log = logger('ask');

interface Args {
  json: boolean;
  corpus: string | null;
  batch: string | null;
  questions: string[];
}

const USAGE = 'usage: npm run ask -- [--json] [--corpus DIR] [--batch FILE] [QUESTION...]';

export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false, corpus: null, batch: null, questions: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') args.json = true;
    else if (a === '--corpus' || a === '--batch') {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      if (a === '--corpus') args.corpus = v;
      else args.batch = v;
    } else if (a === '--help' || a === '-h') throw new Error(USAGE);
    else if (a === '--') continue;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else args.questions.push(a);
  }
  return args;
}

/** The JSON line for one answer: the contract's fields, in the contract's order. */
export function toJson(question: string, answer: Answer, extra: Record<string, unknown> = {}): string {
  const citations = (answer.kind === 'answer' ? answer.citations : answer.nearest).map((c: Citation) => ({
    articleId: c.articleId,
    title: c.title,
    source: c.source,
    path: c.path,
    start: c.start,
    end: c.end,
    text: c.text,
  }));
  return JSON.stringify({
    question,
    answered: answer.kind === 'answer',
    answer: answer.kind === 'answer' ? (answer.answer?.text ?? null) : null,
    confidence: Math.round(answer.confidence * 1000) / 1000,
    citations,
    ...extra,
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ');
}

export function toText(question: string, answer: Answer): string {
  const lines = [`Q: ${question}`];
  const cite = (c: Citation, i: number) => {
    lines.push(`  [${i + 1}] “${oneLine(c.text)}”`);
    lines.push(`      ${c.title}${c.source ? ` (${c.source})` : ''}, ${c.path}, paragraph ${c.paragraph}, sentence ${c.sentence} [${c.start}-${c.end}]`);
  };
  if (answer.kind === 'answer') {
    lines.push(`A: ${answer.answer ? answer.answer.text : '(see the quoted sentence)'}   (confidence ${answer.confidence.toFixed(2)})`);
    answer.citations.forEach(cite);
  } else {
    lines.push(answer.reason === 'empty-question' ? 'A: That is not a question I can look up: ask about something in the articles.' : "A: The articles don't say.");
    if (answer.nearest.length > 0) {
      lines.push('  Closest matches (not an answer):');
      answer.nearest.forEach(cite);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const config = startProcess();
  const corpusDir = args.corpus ? resolve(process.cwd(), args.corpus) : config.corpusDir;
  requireFolder(corpusDir, args.corpus ? '--corpus' : 'CORPUS_DIR');
  const questions = [...args.questions];
  if (args.batch) {
    questions.push(...readFileSync(resolve(process.cwd(), args.batch), 'utf8').split(/\r?\n/).filter((l) => l.trim().length > 0));
  } else if (questions.length === 0 && !process.stdin.isTTY) {
    questions.push(...readFileSync(0, 'utf8').split(/\r?\n/).filter((l) => l.trim().length > 0));
  }
  if (questions.length === 0) {
    process.stderr.write(`no question given\n${USAGE}\n`);
    return 2;
  }
  const t0 = performance.now();
  const engine = await Engine.open({ corpusDir, maxFileBytes: config.maxFileBytes, snapshot: snapshotSetting(config.snapshotDir, corpusDir) });
  const { index, skipped } = engine.corpus;
  log.info(`indexed ${counted(index.articles.length, 'article')}, ${counted(index.sentenceStart.length, 'sentence')} in ${Math.round(performance.now() - t0)} ms`, { corpus: corpusDir, skipped: skipped.length });
  for (const s of skipped.slice(0, 10)) log.warn(`skipped ${s.path}: ${s.reason}`);

  // Through the answers service, so CACHE_URL applies: with the memory default a repeat within one run is a
  // hit; with redis:// or sqlite:// answers are shared with the bot and with other runs.
  const cache = await openAnswerCache({ url: config.cacheUrl, ttlSeconds: config.cacheTtlSeconds, log: logger('cache') });
  const answers = createAnswers({ engine, cache, log: logger('answers'), statsIntervalMs: 0 });
  const out: string[] = [];
  const t1 = performance.now();
  try {
    for (const q of questions) {
      const { answer: a, cached } = await answers.ask(q);
      out.push(args.json ? toJson(q, a, { cached }) : `${toText(q, a)}\n`);
      if (out.length >= 256) process.stdout.write(`${out.splice(0).join('\n')}\n`);
    }
    if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
    log.info(`answered ${counted(questions.length, 'question')} in ${Math.round(performance.now() - t1)} ms`);
  } finally {
    // Waits for the last writes, logs the hit and miss counts, disconnects.
    await answers.close();
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/ask.ts')) runMain(main, { log });
