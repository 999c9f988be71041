// The benchmark's corpus, as article files on disk so the engine loads them exactly as it does in production:
// the BBC folder as it is, and each Reuters JSONL item written once as "title, blank line, text". Subsets of
// the full corpus (evenly spaced, so each keeps the BBC/Reuters mix) are folders of hard links into it.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/** Where the benchmarks read their data and keep their corpus (npm run bench, npm run bench:ab). */
export interface BenchData {
  bbc: string;
  reuters: string;
  squad: string;
  cache: string;
}

/** The options that move BenchData, for a usage line. */
export const DATA_OPTIONS = '[--bbc DIR] [--reuters FILE] [--squad FILE] [--cache DIR]';

/** The data in ../shared/data beside the project, the corpus in the system's temporary folder. */
export function defaultBenchData(): BenchData {
  return {
    bbc: '../shared/data/news/bbc',
    reuters: '../shared/data/news/reuters21578.jsonl',
    squad: '../shared/data/squad-dev-v1.1.json',
    cache: join(tmpdir(), 'verbatim-bench'),
  };
}

const DATA_FIELDS: Readonly<Record<string, keyof BenchData>> = { '--bbc': 'bbc', '--reuters': 'reuters', '--squad': 'squad', '--cache': 'cache' };

/** Set the field of `data` that `option` names from its value; false when `option` is none of DATA_OPTIONS. */
export function readDataOption(data: BenchData, option: string, value: () => string): boolean {
  const field = DATA_FIELDS[option];
  if (field === undefined) return false;
  data[field] = value();
  return true;
}

/** Bump when the layout of the generated folders changes. */
const LAYOUT = 1;

export interface BenchCorpus {
  /** Folder of the full corpus, and one folder per subset, by article count. */
  readonly folders: ReadonlyMap<number, string>;
  /** Article files in the full corpus. */
  readonly total: number;
  readonly root: string;
}

interface ReutersItem {
  id: string;
  title: string;
  text: string;
}

function bbcFiles(bbc: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.txt$/i.test(e.name) && !/^readme/i.test(e.name)) out.push(p);
    }
  };
  walk(bbc);
  return out;
}

function linkOrCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/**
 * Materialise the corpus under `cacheDir` (once; later calls reuse it) and return the folders for the
 * requested sizes. A size at or above the full count means the full corpus.
 */
export function prepareCorpus(bbc: string, reuters: string, cacheDir: string, sizes: readonly number[]): BenchCorpus {
  const rs = statSync(reuters);
  const bbcList = bbcFiles(bbc);
  const key = createHash('sha256')
    .update(JSON.stringify({ LAYOUT, bbc: resolve(bbc), bbcFiles: bbcList.length, reuters: resolve(reuters), size: rs.size, mtime: rs.mtimeMs }))
    .digest('hex')
    .slice(0, 16);
  const root = join(cacheDir, key);
  const full = join(root, 'full');
  const manifestPath = join(root, 'manifest.json');
  let files: string[];
  if (existsSync(manifestPath)) {
    files = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: string[] }).files;
  } else {
    rmSync(root, { recursive: true, force: true });
    files = [];
    for (const f of bbcList) {
      const rel = join('bbc', relative(bbc, f));
      linkOrCopy(f, join(full, rel));
      files.push(rel);
    }
    mkdirSync(join(full, 'reuters'), { recursive: true });
    for (const line of readFileSync(reuters, 'utf8').split('\n')) {
      if (line.trim().length === 0) continue;
      const item = JSON.parse(line) as ReutersItem;
      if (!/^[\w.-]+$/.test(item.id)) throw new Error(`bench: unexpected Reuters id ${JSON.stringify(item.id)}`);
      const rel = join('reuters', `${item.id}.txt`);
      writeFileSync(join(full, rel), `${item.title}\n\n${item.text}`);
      files.push(rel);
    }
    writeFileSync(`${manifestPath}.tmp`, JSON.stringify({ files }));
    renameSync(`${manifestPath}.tmp`, manifestPath);
  }

  const folders = new Map<number, string>();
  for (const size of sizes) {
    if (size >= files.length) {
      folders.set(files.length, full);
      continue;
    }
    const dir = join(root, `subset-${size}`);
    const done = join(dir, '.complete');
    if (!existsSync(done)) {
      rmSync(dir, { recursive: true, force: true });
      // Evenly spaced over the full list, so a subset keeps the corpus's mix of sources and topics.
      for (let i = 0; i < size; i++) {
        const rel = files[Math.floor((i * files.length) / size)]!;
        linkOrCopy(join(full, rel), join(dir, rel));
      }
      writeFileSync(done, '');
    }
    folders.set(size, dir);
  }
  return { folders, total: files.length, root };
}

interface SquadFile {
  data: { paragraphs: { qas: { question: string }[] }[] }[];
}

/**
 * A fixed list of `n` SQuAD questions, evenly spaced through the dev set, and `warm` more from between them
 * for warming up (never timed).
 */
export function benchQuestions(squadPath: string, n: number, warm: number): { questions: string[]; warmup: string[] } {
  const file = JSON.parse(readFileSync(squadPath, 'utf8')) as SquadFile;
  const all = file.data.flatMap((d) => d.paragraphs.flatMap((p) => p.qas.map((q) => q.question)));
  const step = all.length / n;
  const questions = Array.from({ length: n }, (_, i) => all[Math.floor(i * step)]!);
  const wstep = all.length / warm;
  const warmup = Array.from({ length: warm }, (_, i) => all[Math.min(all.length - 1, Math.floor(i * wstep + wstep / 2))]!);
  return { questions, warmup };
}

/**
 * A folder of hard links to every file under `from` (made once; later calls reuse it), for a job that adds
 * and removes files of its own beside the corpus's without touching the folders other jobs read.
 */
export function linkedCopy(from: string, to: string): void {
  const done = join(to, '.complete');
  if (existsSync(done)) return;
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) linkOrCopy(p, join(to, relative(from, p)));
    }
  };
  walk(from);
  writeFileSync(done, '');
}
