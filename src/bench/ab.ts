// npm run bench:ab -- OTHER_CHECKOUT [--passes N] [--questions N] [--bbc DIR] [--reuters FILE] [--squad FILE] [--cache DIR]
//
// This checkout's engine against another checkout's (a git worktree of an earlier commit, with its own
// node_modules or a link to these), in one process on the benchmark's full corpus. Each engine opens its own saved
// index (built the first time), then both answer the same SQuAD questions in alternation, the order swapped from
// one question to the next, for several passes. The report gives each side's p50 / p95 / p99 / mean of the
// per-question medians, the ratios, and how many answers differ. The machines here drift in speed by half from
// one hour to the next, so a full `npm run bench` an hour apart cannot say what a change costs; this ratio can.
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { benchQuestions, prepareCorpus } from './corpus.ts';
import { latency, median, type Latency } from './stats.ts';

interface Args {
  other: string;
  passes: number;
  questions: number;
  bbc: string;
  reuters: string;
  squad: string;
  cache: string;
}

const USAGE = 'usage: npm run bench:ab -- OTHER_CHECKOUT [--passes N] [--questions N] [--bbc DIR] [--reuters FILE] [--squad FILE] [--cache DIR]';

function parseArgs(argv: readonly string[]): Args {
  const args: Partial<Args> & Omit<Args, 'other'> = {
    passes: 3,
    questions: 2000,
    bbc: '../shared/data/news/bbc',
    reuters: '../shared/data/news/reuters21578.jsonl',
    squad: '../shared/data/squad-dev-v1.1.json',
    cache: join(tmpdir(), 'verbatim-bench'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench:ab: ${a} needs a value\n${USAGE}`);
      return v;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error(`bench:ab: ${a} must be a positive whole number\n${USAGE}`);
      return n;
    };
    if (a === '--') continue;
    else if (a === '--passes') args.passes = count();
    else if (a === '--questions') args.questions = count();
    else if (a === '--bbc') args.bbc = value();
    else if (a === '--reuters') args.reuters = value();
    else if (a === '--squad') args.squad = value();
    else if (a === '--cache') args.cache = value();
    else if (a.startsWith('--')) throw new Error(`bench:ab: unknown option ${a}\n${USAGE}`);
    else if (args.other === undefined) args.other = resolve(a);
    else throw new Error(`bench:ab: one other checkout only\n${USAGE}`);
  }
  if (args.other === undefined) throw new Error(`bench:ab: which checkout to compare with?\n${USAGE}`);
  return args as Args;
}

export interface Comparison {
  readonly self: Latency;
  readonly other: Latency;
  /** self / other, per statistic: below 1, this checkout is faster. */
  readonly ratio: Pick<Latency, 'p50' | 'p95' | 'p99' | 'mean'>;
}

/** The two sides' latencies over the per-question medians of their passes (`ms[question][pass]`), and their ratios. */
export function compare(self: readonly (readonly number[])[], other: readonly (readonly number[])[]): Comparison {
  const a = latency(self.map((xs) => median(xs)));
  const b = latency(other.map((xs) => median(xs)));
  return { self: a, other: b, ratio: { p50: a.p50 / b.p50, p95: a.p95 / b.p95, p99: a.p99 / b.p99, mean: a.mean / b.mean } };
}

interface Answering {
  answer(question: string): unknown;
}

async function openEngine(root: string, corpusDir: string, snapshot: string): Promise<Answering> {
  const { Engine } = (await import(join(root, 'src', 'engine.ts'))) as { Engine: { open(o: { corpusDir: string; snapshot: string }): Promise<Answering> } };
  return Engine.open({ corpusDir, snapshot });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const corpus = prepareCorpus(args.bbc, args.reuters, args.cache, [Number.POSITIVE_INFINITY]);
  const dir = corpus.folders.get(corpus.total)!;
  const { questions, warmup } = benchQuestions(args.squad, args.questions, 100);
  const self = await openEngine(resolve(import.meta.dirname, '..', '..'), dir, join(args.cache, 'ab-this.snapshot'));
  const other = await openEngine(args.other, dir, join(args.cache, 'ab-other.snapshot'));
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
  const f = (x: number) => x.toFixed(3);
  console.log(`${corpus.total} files, ${questions.length} questions, ${args.passes} passes in alternation; medians per question`);
  console.log(`             this checkout   ${args.other}   ratio`);
  for (const k of ['p50', 'p95', 'p99', 'mean'] as const) console.log(`${k.padEnd(12)} ${f(c.self[k]).padStart(8)} ms   ${f(c.other[k]).padStart(8)} ms   ${f(c.ratio[k])}`);
  console.log(`answers that differ: ${differ} of ${questions.length}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
