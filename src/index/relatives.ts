// WordNet relatives of the corpus's own terms, made once per index build: for each term, the other terms of
// the corpus that WordNet relates to one of its words ("death" for "die", "inventor" for "invent", "France"
// for "French"), with how they relate. Answering a question then costs a look-up in this table; WordNet
// itself is read only here (measured when WordNet was read while answering instead: 0.5 ms a question for
// words new to the process, 0.18 ms once cached, against a 1 ms budget for the whole answer).
import { P } from '../nlp/wink.ts';
import { openWordNet, type Relatives, type WordNet } from '../nlp/wordnet.ts';
import { termText, type Vocabulary } from './terms.ts';

/** Bits of Index.relativeKind. */
export const RELATION = { synonym: 1, derived: 2, broader: 4, associated: 8 } as const;
const KINDS: readonly (readonly [keyof Relatives, number])[] = [
  ['synonyms', RELATION.synonym],
  ['derived', RELATION.derived],
  ['broader', RELATION.broader],
  ['associated', RELATION.associated],
];

/** CSR by term: term t's relatives are relativeTerm[relativeOffset[t] .. relativeOffset[t+1]), in id order,
 * each with its RELATION bits in relativeKind. The same for words the corpus never uses (a question's "die"
 * when the corpus says only "death"), by their term text: the corpus terms related to outsideKeys[k] are
 * outsideTerm[outsideOffset[k] .. outsideOffset[k+1]), keys in code-unit order for a binary search. */
export interface RelativeTable {
  readonly relativeOffset: Uint32Array;
  readonly relativeTerm: Uint32Array;
  readonly relativeKind: Uint8Array;
  readonly outsideKeys: readonly string[];
  readonly outsideOffset: Uint32Array;
  readonly outsideTerm: Uint32Array;
  readonly outsideKind: Uint8Array;
}

/** The term texts a word the corpus never uses is looked up by (as a noun and as a verb). */
export function outsideKeysOf(word: string): string[] {
  const noun = termText(word, P.NOUN);
  const verb = termText(word, P.VERB);
  return noun === verb ? [noun] : [noun, verb];
}

/** The range of outsideTerm for a term text, or null. */
export function outsideRange(table: Pick<RelativeTable, 'outsideKeys' | 'outsideOffset'>, key: string): [number, number] | null {
  const keys = table.outsideKeys;
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < keys.length && keys[lo] === key ? [table.outsideOffset[lo]!, table.outsideOffset[lo + 1]!] : null;
}

/**
 * The relatives table of a vocabulary the build has just filled (its forms are known only then). Without
 * WordNet every term has none.
 */
export function relativeTable(vocabulary: Vocabulary, wordnet: WordNet | null = openWordNet()): RelativeTable {
  const size = vocabulary.size;
  const relativeOffset = new Uint32Array(size + 1);
  const terms: number[] = [];
  const kinds: number[] = [];
  // Words the corpus lacks, interned, and their (key, term, relation) triples in term order.
  const keyIds = new Map<string, number>();
  const keys: string[] = [];
  const outKey: number[] = [];
  const outTerm: number[] = [];
  const outBit: number[] = [];
  if (wordnet !== null) {
    const forms = vocabulary.formsByTerm();
    // A related word is looked up as a noun, a verb and an adjective: their irregular forms lemmatise
    // differently, and WordNet does not say which the corpus uses. Each word is looked up once per build.
    const seen = new Map<string, { readonly ids: readonly number[]; readonly keys: readonly number[] }>();
    const lookUp = (word: string) => {
      let hit = seen.get(word);
      if (hit === undefined) {
        // Its term texts as a noun and a verb are also its keys as an outside word.
        const texts = outsideKeysOf(word);
        const found = new Set<number>();
        for (const text of [...texts, termText(word, P.ADJ)]) {
          const id = vocabulary.lookup(text);
          if (id !== 0 && vocabulary.stop[id] !== 1) found.add(id);
        }
        const own: number[] = [];
        if (found.size === 0) {
          for (const key of texts) {
            let k = keyIds.get(key);
            if (k === undefined) {
              k = keys.length;
              keys.push(key);
              keyIds.set(key, k);
            }
            own.push(k);
          }
        }
        hit = { ids: [...found], keys: own };
        seen.set(word, hit);
      }
      return hit;
    };
    const found = new Map<number, number>();
    const away = new Map<number, number>();
    const seenParts = new Set<Relatives>();
    for (let t = 1; t < size; t++) {
      relativeOffset[t] = terms.length;
      const words = forms.get(t);
      if (words === undefined || vocabulary.stop[t] === 1) continue;
      found.clear();
      away.clear();
      seenParts.clear();
      for (const word of words) for (const relatives of wordnet.relatives(word)) {
        // The forms of a term mostly share their base forms: each base form's part is read once.
        if (seenParts.has(relatives)) continue;
        seenParts.add(relatives);
        for (const [relation, bit] of KINDS) {
          for (const w of relatives[relation]) {
            const { ids, keys: own } = lookUp(w);
            for (const id of ids) if (id !== t) found.set(id, (found.get(id) ?? 0) | bit);
            // WordNet's links run both ways (a hyponym's hypernym, a derived form's source), so a word the
            // corpus lacks is related to t as t is to it.
            for (const k of own) away.set(k, (away.get(k) ?? 0) | bit);
          }
        }
      }
      for (const id of [...found.keys()].sort((x, y) => x - y)) {
        terms.push(id);
        kinds.push(found.get(id)!);
      }
      for (const [k, bit] of away) {
        outKey.push(k);
        outTerm.push(t);
        outBit.push(bit);
      }
    }
  }
  // Without WordNet every offset stays 0: every range is empty.
  relativeOffset[size] = terms.length;
  // The outside words in code-unit order, their triples laid out by a counting sort (terms stay in order).
  const order = keys.map((_, k) => k).sort((x, y) => (keys[x]! < keys[y]! ? -1 : keys[x]! > keys[y]! ? 1 : 0));
  const rankOf = new Uint32Array(keys.length);
  order.forEach((k, r) => (rankOf[k] = r));
  const outsideOffset = new Uint32Array(keys.length + 1);
  for (const k of outKey) outsideOffset[rankOf[k]! + 1]! += 1;
  for (let r = 0; r < keys.length; r++) outsideOffset[r + 1]! += outsideOffset[r]!;
  const cursor = outsideOffset.slice(0, keys.length);
  const outsideTerm = new Uint32Array(outKey.length);
  const outsideKind = new Uint8Array(outKey.length);
  for (let i = 0; i < outKey.length; i++) {
    const at = cursor[rankOf[outKey[i]!]!]!++;
    outsideTerm[at] = outTerm[i]!;
    outsideKind[at] = outBit[i]!;
  }
  const outsideKeys = order.map((k) => keys[k]!);
  return { relativeOffset, relativeTerm: Uint32Array.from(terms), relativeKind: Uint8Array.from(kinds), outsideKeys, outsideOffset, outsideTerm, outsideKind };
}
