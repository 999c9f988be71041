// WordNet's word lists saved beside the snapshots (src/store/wordlists.ts): the first start reads WordNet's files
// and saves them, later starts load the file instead, and a file that is not whole, or cannot be written, only
// costs the time to read WordNet again.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { everydayWord, looksLikeName, useWordLists, wordLists } from '../../src/nlp/wordnet.ts';
import { decodeWordLists, encodeWordLists, prepareWordLists, wordListsPath } from '../../src/store/wordlists.ts';
import { corpusWith, SEED_000, SEED_004 } from './helpers.ts';

const fromWordNet = wordLists();
const fresh = () => mkdtempSync(join(tmpdir(), 'verbatim-lists-'));
// Tests below load made-up lists into this process: the real ones come back after.
afterAll(() => useWordLists(fromWordNet));

describe('the word lists file', () => {
  it('holds both lists in order, and reads back to the same lists', () => {
    expect(fromWordNet.everyday.length).toBeGreaterThan(5000);
    expect(fromWordNet.common.length).toBeGreaterThan(100_000);
    expect(decodeWordLists(encodeWordLists(fromWordNet))).toEqual(fromWordNet);
    expect(decodeWordLists(encodeWordLists({ everyday: [], common: ['n:war'] }))).toEqual({ everyday: [], common: ['n:war'] });
  });

  it('is refused unless whole and well formed', () => {
    const text = encodeWordLists({ everyday: ['v:happen', 'a:angry'], common: ['n:war', 'n:ceasefire'] });
    expect(decodeWordLists(text)).not.toBeNull();
    expect(decodeWordLists('')).toBeNull();
    expect(decodeWordLists(text.replace('lists 1', 'lists 2'))).toBeNull(); // another format
    expect(decodeWordLists(text.slice(0, -1))).toBeNull(); // cut off before the last line ends
    expect(decodeWordLists(text.slice(0, text.lastIndexOf('n:ceasefire')))).toBeNull(); // a whole line short
    expect(decodeWordLists(text.replace('\n2 2\n', '\n2 3\n'))).toBeNull(); // lengths that do not add up
    expect(decodeWordLists(text.replace('a:angry', 'a:an gry'))).toBeNull();
    expect(decodeWordLists(text.replace('a:angry', 'x:angry'))).toBeNull();
    expect(decodeWordLists(text.replace('a:angry', 'a:'))).toBeNull();
  });
});

describe('prepareWordLists', () => {
  it('saves the lists read from WordNet on the first start, and loads that file on the next', async () => {
    const dir = fresh();
    const first = await prepareWordLists(dir);
    expect(first).toEqual({ kind: 'saved', path: wordListsPath(dir) });
    expect(decodeWordLists(readFileSync(first.path, 'utf8'))).toEqual(fromWordNet);
    expect(await prepareWordLists(dir)).toEqual({ kind: 'loaded', path: wordListsPath(dir) });
    // What the lists decide reads as it does from WordNet's files.
    expect(everydayWord('happened')).toBe(true);
    expect(everydayWord('Everest')).toBe(false);
    expect(looksLikeName('aleppo')).toBe(true);
    expect(looksLikeName('napalm')).toBe(false);
  });

  it('uses what the file says, so a loaded file is really read', async () => {
    const dir = fresh();
    writeFileSync(wordListsPath(dir), encodeWordLists({ everyday: ['n:zebu'], common: ['n:zebu'] }));
    expect((await prepareWordLists(dir)).kind).toBe('loaded');
    expect(everydayWord('zebus')).toBe(true);
    expect(everydayWord('happened')).toBe(false);
    useWordLists(fromWordNet);
  });

  it('replaces a damaged file with the lists from WordNet', async () => {
    const dir = fresh();
    const whole = encodeWordLists(fromWordNet);
    writeFileSync(wordListsPath(dir), whole.slice(0, whole.length / 2));
    expect((await prepareWordLists(dir)).kind).toBe('saved');
    expect(readFileSync(wordListsPath(dir), 'utf8')).toBe(whole);
    expect(everydayWord('happened')).toBe(true);
  });

  it('reads WordNet and goes on when the folder cannot be written', async () => {
    const blocker = join(fresh(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const result = await prepareWordLists(join(blocker, 'lists'));
    expect(result.kind).toBe('unsaved');
    expect(result.kind === 'unsaved' && result.reason).toMatch(/ENOTDIR|EEXIST/);
    expect(everydayWord('happened')).toBe(true);
    expect(looksLikeName('aleppo')).toBe(true);
  });

  it('is what Engine.open uses: the file lands beside the snapshot', async () => {
    const { dir, snapshot } = corpusWith(SEED_000, SEED_004);
    const lists = wordListsPath(join(snapshot, '..'));
    expect(existsSync(lists)).toBe(false);
    const engine = await Engine.open({ corpusDir: dir, snapshot });
    expect(existsSync(lists)).toBe(true);
    expect(decodeWordLists(readFileSync(lists, 'utf8'))).toEqual(fromWordNet);
    expect(engine.answer('who called for an ICC investigation?').kind).toBe('answer');
  });
});
