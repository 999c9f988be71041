// WordNet's word lists saved beside the snapshots (src/store/wordlists.ts): the first start reads WordNet's files
// and saves them, later starts load the file instead, and a file that is not whole, or cannot be written, only
// costs the time to read WordNet again.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';
import { everydayWord, looksLikeName, useWordLists, wordLists } from '../../src/nlp/wordnet.ts';
import { decodeWordLists, encodeWordLists, prepareWordLists, wordListsPath } from '../../src/store/wordlists.ts';
import { corpusWith, SEED_000, SEED_004 } from './helpers.ts';

const fromWordNet = wordLists();
const fresh = () => mkdtempSync(join(tmpdir(), 'verbatim-lists-'));
const MADE_UP = { everyday: ['n:zebu'], common: ['n:zebu', 'v:graze'] };
// Some tests load made-up lists into this process: the real ones come back after each.
afterEach(() => useWordLists(fromWordNet));

describe('the word lists file', () => {
  it('holds both lists in order, and reads back to the same lists', () => {
    expect(fromWordNet.everyday.length).toBeGreaterThan(5000);
    expect(fromWordNet.common.length).toBeGreaterThan(100_000);
    expect(decodeWordLists(encodeWordLists(fromWordNet))).toEqual(fromWordNet);
    expect(decodeWordLists(encodeWordLists(MADE_UP))).toEqual(MADE_UP);
  });

  it('is refused, with the reason, unless whole and well formed', () => {
    const text = encodeWordLists({ everyday: ['v:happen', 'a:angry'], common: ['n:war', 'n:ceasefire'] });
    expect(typeof decodeWordLists(text)).toBe('object');
    expect(decodeWordLists('')).toBe('not a word lists file of this version');
    expect(decodeWordLists(text.replace('lists 2', 'lists 1'))).toBe('not a word lists file of this version');
    expect(decodeWordLists(text.slice(0, -1))).toBe('its lengths and entries do not match their digest'); // cut off
    expect(decodeWordLists(text.replace('n:war', 'n:wbr'))).toBe('its lengths and entries do not match their digest'); // one byte changed
    // An entry moved from one list to the other, the total kept.
    expect(decodeWordLists(text.replace('\n2 2 ', '\n1 3 '))).toBe('its lengths and entries do not match their digest');
    expect(decodeWordLists(text.replace(/\n2 2 [0-9a-f]+\n/, '\n2 2\n'))).toBe('no lengths and digest');
    // Damage that keeps the digest right (the file written so): still refused by its form.
    for (const bad of ['a:an gry', 'x:angry', 'a:']) {
      expect(decodeWordLists(encodeWordLists({ everyday: ['v:happen', bad], common: ['n:war'] }))).toBe('an entry is not a part of speech and a lemma');
    }
    // Lists made while WordNet could not be read are empty: never kept.
    expect(decodeWordLists(encodeWordLists({ everyday: [], common: ['n:war'] }))).toBe('a list is empty');
    expect(decodeWordLists(encodeWordLists({ everyday: ['n:war'], common: [] }))).toBe('a list is empty');
  });
});

describe('prepareWordLists', () => {
  it('saves the lists read from WordNet on the first start, and loads that file on the next', async () => {
    const dir = fresh();
    expect(await prepareWordLists(dir)).toEqual({ kind: 'saved', path: wordListsPath(dir) });
    expect(decodeWordLists(readFileSync(wordListsPath(dir), 'utf8'))).toEqual(fromWordNet);
    useWordLists(MADE_UP); // so what follows is what the file gives back
    expect(await prepareWordLists(dir)).toEqual({ kind: 'loaded', path: wordListsPath(dir) });
    // What the lists decide reads as it does from WordNet's files.
    expect(everydayWord('happened')).toBe(true);
    expect(everydayWord('Everest')).toBe(false);
    expect(looksLikeName('aleppo')).toBe(true);
    expect(looksLikeName('napalm')).toBe(false);
  });

  it('uses what the file says, so a loaded file is really read', async () => {
    const dir = fresh();
    writeFileSync(wordListsPath(dir), encodeWordLists(MADE_UP));
    expect((await prepareWordLists(dir)).kind).toBe('loaded');
    expect(everydayWord('zebus')).toBe(true);
    expect(everydayWord('happened')).toBe(false);
  });

  it('replaces a damaged file, says what was wrong, and removes lists saved by other code and dead writers\' leftovers', async () => {
    const dir = fresh();
    const whole = encodeWordLists(fromWordNet);
    writeFileSync(wordListsPath(dir), whole.slice(0, whole.length / 2));
    const other = join(dir, 'wordnet-0123456789abcdef0123456789abcdef.lists');
    writeFileSync(other, whole);
    writeFileSync(join(dir, 'keep.snapshot'), 'not ours to remove');
    // Temporary files: one of a writer that has died (a finished child's pid), one of this process, running.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const deadTemporary = `${basename(wordListsPath(dir))}.${dead}-0.abc123.tmp`;
    const liveTemporary = `${basename(wordListsPath(dir))}.${process.pid}-7.def456.tmp`;
    writeFileSync(join(dir, deadTemporary), 'half');
    writeFileSync(join(dir, liveTemporary), 'half');
    expect(await prepareWordLists(dir)).toEqual({ kind: 'saved', path: wordListsPath(dir), replaced: 'its lengths and entries do not match their digest' });
    expect(readFileSync(wordListsPath(dir), 'utf8')).toBe(whole);
    expect(readdirSync(dir).sort()).toEqual(['keep.snapshot', basename(wordListsPath(dir)), liveTemporary].sort());
  });

  it('goes on with the lists when the folder cannot be written, and says why', async () => {
    const blocker = join(fresh(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const result = await prepareWordLists(join(blocker, 'lists'));
    expect(result.kind).toBe('unsaved');
    expect(result.kind === 'unsaved' && result.reason).toMatch(/ENOTDIR|EEXIST/);
    expect(everydayWord('happened')).toBe(true);
    expect(looksLikeName('aleppo')).toBe(true);
  });

  it('says both what was wrong with the file and why the new one could not be saved', async () => {
    const dir = fresh();
    mkdirSync(join(wordListsPath(dir), 'in-the-way'), { recursive: true }); // a folder where the file should be
    const result = await prepareWordLists(dir);
    expect(result.kind).toBe('unsaved');
    expect(result.kind === 'unsaved' && result.reason).toMatch(/EISDIR.*; then .*(EISDIR|ENOTEMPTY|EEXIST)/);
  });

  it('is what Engine.open uses: the file lands beside the snapshot, and a restart uses it', async () => {
    const { dir, snapshot } = corpusWith(SEED_000, SEED_004);
    const lists = wordListsPath(join(snapshot, '..'));
    expect(existsSync(lists)).toBe(false);
    const engine = await Engine.open({ corpusDir: dir, snapshot });
    expect(decodeWordLists(readFileSync(lists, 'utf8'))).toEqual(fromWordNet);
    expect(engine.answer('who called for an ICC investigation?').kind).toBe('answer');
    // The restart reads the file, not WordNet: lists that differ from WordNet's are what it then uses.
    writeFileSync(lists, encodeWordLists(MADE_UP));
    await Engine.open({ corpusDir: dir, snapshot });
    expect(everydayWord('zebus')).toBe(true);
  });
});
