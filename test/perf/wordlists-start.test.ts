// A restart from a saved index and saved word lists reads none of WordNet's files: the 0.5 s the word lists took
// to read is gone from the start, not moved (src/store/wordlists.ts). Every file read through node:fs's
// readFileSync is recorded, and the engine's modules are loaded afresh for the restart, as a new process would.
import { vi, describe, expect, it } from 'vitest';
import { corpusWith, SEED_000, SEED_004 } from './helpers.ts';

const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: Parameters<typeof fs.readFileSync>[0], ...rest: unknown[]) => {
    reads.push(String(path));
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

const WORDNET_FILE = /[\\/]dict[\\/](?:index\.sense|(?:data|index)\.(?:noun|verb|adj|adv))$/;

describe('a restart', () => {
  it('reads no WordNet file when the index and the word lists are saved', async () => {
    const { dir, snapshot } = corpusWith(SEED_000, SEED_004);
    const first = await (await import('../../src/engine.ts')).Engine.open({ corpusDir: dir, snapshot });
    // The first start read them (so the recording sees WordNet's reads at all).
    expect(reads.filter((p) => WORDNET_FILE.test(p)).map((p) => p.slice(p.lastIndexOf('dict') + 5))).toEqual(expect.arrayContaining(['index.sense', 'data.noun']));
    reads.length = 0;
    vi.resetModules();
    const engine = await (await import('../../src/engine.ts')).Engine.open({ corpusDir: dir, snapshot });
    expect(reads.filter((p) => WORDNET_FILE.test(p))).toEqual([]);
    const question = 'who called for an ICC investigation?';
    expect(engine.answer(question)).toEqual(first.answer(question));
    expect(engine.answer(question).kind).toBe('answer');
  });
});
