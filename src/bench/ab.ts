// npm run bench:ab -- OTHER_CHECKOUT [--passes N] [--questions N] [--bbc DIR] [--reuters FILE] [--squad FILE] [--cache DIR]
//
// This checkout's engine against another checkout's (a git worktree of an earlier commit, with its own
// node_modules or a link to these), in one process on the benchmark's full corpus. Each engine opens its own saved
// index (built the first time), then both answer the same SQuAD questions in alternation, the order swapped from
// one question to the next, for several passes. The report gives each side's p50 / p95 / p99 / mean of the
// per-question medians, the ratios, and how many answers differ. Two full `npm run bench` runs at different times
// measure the machine as much as the code; this ratio says what a change costs. Its absolute times are not those
// of `npm run bench`: two engines of the full corpus share this process and its caches.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { messageOf } from '../log.ts';
import { benchQuestions, DATA_OPTIONS, defaultBenchData, prepareCorpus, readDataOption, type BenchData } from './corpus.ts';
import { compare } from './stats.ts';

interface Args extends BenchData {
  other: string;
  passes: number;
  questions: number;
}

const USAGE = `usage: npm run bench:ab -- OTHER_CHECKOUT [--passes N] [--questions N] ${DATA_OPTIONS}`;
/** The checkout this file belongs to. */
const SELF = resolve(import.meta.dirname, '..', '..');

function parseArgs(argv: readonly string[]): Args {
  const args: Partial<Args> & Omit<Args, 'other'> = {
    passes: 3,
    questions: 2000,
    ...defaultBenchData(),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench:ab: ${a} needs a value\n${USAGE}`);
      return v;
    };
    const count = () => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`bench:ab: ${a} must be a positive whole number (got "${v}")\n${USAGE}`);
      return n;
    };
    if (a === '--') continue;
    else if (a === '--passes') args.passes = count();
    else if (a === '--questions') args.questions = count();
    else if (readDataOption(args, a, value)) continue;
    else if (a.startsWith('--')) throw new Error(`bench:ab: unknown option ${a}\n${USAGE}`);
    else if (args.other === undefined) args.other = resolve(a);
    else throw new Error(`bench:ab: one other checkout only\n${USAGE}`);
  }
  if (args.other === undefined) throw new Error(`bench:ab: which checkout to compare with?\n${USAGE}`);
  if (!existsSync(join(args.other, 'src', 'engine.ts'))) throw new Error(`bench:ab: ${args.other} is not a checkout of this project (no src/engine.ts)\n${USAGE}`);
  return args as Args;
}

interface Answering {
  answer(question: string): unknown;
}

/** A checkout's engine on the corpus, from a saved index of its own: one file per checkout, so each keeps its
 * index from one comparison to the next. */
async function openEngine(root: string, corpusDir: string, cache: string): Promise<Answering> {
  const { Engine } = (await import(pathToFileURL(join(root, 'src', 'engine.ts')).href)) as { Engine: { open(o: { corpusDir: string; snapshot: string }): Promise<Answering> } };
  const key = createHash('sha256').update(root).digest('hex').slice(0, 12);
  return Engine.open({ corpusDir, snapshot: join(cache, `ab-${key}.snapshot`) });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const corpus = prepareCorpus(args.bbc, args.reuters, args.cache, [Number.POSITIVE_INFINITY]);
  const dir = corpus.folders.get(corpus.total)!;
  const { questions, warmup } = benchQuestions(args.squad, args.questions, 100);
  const self = await openEngine(SELF, dir, args.cache);
  const other = await openEngine(args.other, dir, args.cache);
  for (const q of warmup) {
    self.answer(q);
    other.answer(q);
  }
  const ms = { self: questions.map((): number[] => []), other: questions.map((): number[] => []) };
  let differ = 0;
  for (let pass = 0; pass < args.passes; pass++) {
    questions.forEach((q, i) => {
      const order = (pass + i) % 2 === 0 ? (['self', 'other'] as const) : (['other', 'self'] as const);
      const answers: Record<string, string> = {};
      for (const side of order) {
        const engine = side === 'self' ? self : other;
        const t = performance.now();
        const answer = engine.answer(q);
        ms[side][i]!.push(performance.now() - t);
        if (pass === 0) answers[side] = JSON.stringify(answer);
      }
      if (pass === 0 && answers.self !== answers.other) differ++;
    });
  }
  const c = compare(ms.self, ms.other);
  const f = (x: number) => x.toFixed(3).padStart(9);
  console.log(`A: this checkout, ${SELF}`);
  console.log(`B: ${args.other}`);
  console.log(`${corpus.total} files, ${questions.length} SQuAD questions, ${args.passes} passes, A and B in alternation; each question's median over the passes`);
  console.log(`${''.padEnd(6)}${'A (ms)'.padStart(9)}${'B (ms)'.padStart(9)}   A / B (below 1: A is faster)`);
  for (const k of ['p50', 'p95', 'p99', 'mean'] as const) console.log(`${k.padEnd(6)}${f(c.self[k])}${f(c.other[k])}   ${c.ratio[k].toFixed(3)}`);
  console.log(`answers that differ (first pass): ${differ} of ${questions.length}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${messageOf(err)}\n`);
  process.exitCode = 1;
});
