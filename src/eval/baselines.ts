// Stock search libraries over the same sentences, each with the English setup its documentation recommends,
// as the baseline a developer would get without this engine.
import MiniSearch from 'minisearch';
import { createRequire } from 'node:module';
import type { ItemToken } from 'wink-nlp';
import { defaultPipeline } from '../nlp/wink.ts';

const require = createRequire(import.meta.url);

export interface SentenceSearch {
  readonly name: string;
  /** Sentence numbers, best first. */
  search(query: string, limit: number): number[];
  /** The library's own serialisation of its index (for the benchmark's start-from-saved-index). */
  save(): string;
}

// MiniSearch's documentation suggests removing stop words in processTerm; this is the list of common
// English stop words its README uses as the example.
const MINISEARCH_STOP_WORDS = new Set([
  'and', 'or', 'to', 'in', 'a', 'the', 'of', 'is', 'it', 'for', 'on', 'with', 'as', 'at', 'by', 'an', 'be', 'this', 'that',
  'are', 'was', 'were', 'from', 'what', 'who', 'which', 'when', 'where', 'how', 'why', 'did', 'does', 'do',
]);

const MINISEARCH_OPTIONS = {
  fields: ['text'],
  processTerm: (term: string) => {
    const t = term.toLowerCase();
    return MINISEARCH_STOP_WORDS.has(t) ? null : t;
  },
};

function miniSearchOf(ms: MiniSearch<{ id: number; text: string }>): SentenceSearch {
  return {
    name: 'MiniSearch',
    search: (query, limit) => ms.search(query).slice(0, limit).map((r) => r.id as number),
    save: () => JSON.stringify(ms),
  };
}

export function miniSearchBaseline(sentences: readonly string[]): SentenceSearch {
  const ms = new MiniSearch<{ id: number; text: string }>(MINISEARCH_OPTIONS);
  ms.addAll(sentences.map((text, id) => ({ id, text })));
  return miniSearchOf(ms);
}

/** A MiniSearch baseline from what its save() returned, with the same options (as loadJSON requires). */
export function loadMiniSearchBaseline(json: string): SentenceSearch {
  return miniSearchOf(MiniSearch.loadJSON<{ id: number; text: string }>(json, MINISEARCH_OPTIONS));
}

interface WinkBM25 {
  defineConfig(config: { fldWeights: Record<string, number> }): void;
  definePrepTasks(tasks: ((text: string) => string[])[]): void;
  addDoc(doc: Record<string, string>, id: number): void;
  consolidate(): void;
  search(query: string, limit?: number): [number, number][];
  exportJSON(): string;
  importJSON(json: string): void;
}

/** The prep task of wink-bm25-text-search's README: wink-nlp words, no stop words, stems. */
function winkPrep(): (text: string) => string[] {
  const nlp = defaultPipeline();
  const its = nlp.its;
  // wink's bundled types reject its.stem in out() (its types drift from its code), hence the cast.
  const out = (t: ItemToken, f: unknown): unknown => (t.out as unknown as (f: unknown) => unknown)(f);
  const prep = (text: string): string[] => {
    const tokens: string[] = [];
    nlp
      .readDoc(text)
      .tokens()
      .filter((t: ItemToken) => t.out(its.type) === 'word' && !t.out(its.stopWordFlag))
      .each((t: ItemToken) => {
        tokens.push(out(t, its.negationFlag) ? `!${String(out(t, its.stem))}` : String(out(t, its.stem)));
      });
    return tokens;
  };
  return prep;
}

function winkBm25Of(bm25: WinkBM25): SentenceSearch {
  return {
    name: 'wink-bm25-text-search',
    search: (query, limit) => bm25.search(query, limit).map(([id]) => Number(id)),
    save: () => bm25.exportJSON(),
  };
}

/** wink-bm25-text-search with the prep task of its README: wink-nlp words, no stop words, stems. */
export function winkBm25Baseline(sentences: readonly string[]): SentenceSearch {
  const bm25 = (require('wink-bm25-text-search') as () => WinkBM25)();
  bm25.defineConfig({ fldWeights: { text: 1 } });
  bm25.definePrepTasks([winkPrep()]);
  sentences.forEach((text, id) => bm25.addDoc({ text }, id));
  bm25.consolidate();
  return winkBm25Of(bm25);
}

/** A wink-bm25-text-search baseline from what its save() returned (prep tasks are code, so set again). */
export function loadWinkBm25Baseline(json: string): SentenceSearch {
  const bm25 = (require('wink-bm25-text-search') as () => WinkBM25)();
  // Import first: it restores the config that definePrepTasks requires.
  bm25.importJSON(json);
  bm25.definePrepTasks([winkPrep()]);
  return winkBm25Of(bm25);
}
