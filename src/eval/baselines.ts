// Stock search libraries over the same sentences, each with the English setup its documentation recommends,
// as the baseline a developer would get without this engine.
import MiniSearch from 'minisearch';
import { createRequire } from 'node:module';
import winkNLP, { type ItemToken } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

const require = createRequire(import.meta.url);

export interface SentenceSearch {
  readonly name: string;
  /** Sentence numbers, best first. */
  search(query: string, limit: number): number[];
}

// MiniSearch's documentation suggests removing stop words in processTerm; this is the list of common
// English stop words its README uses as the example.
const MINISEARCH_STOP_WORDS = new Set([
  'and', 'or', 'to', 'in', 'a', 'the', 'of', 'is', 'it', 'for', 'on', 'with', 'as', 'at', 'by', 'an', 'be', 'this', 'that',
  'are', 'was', 'were', 'from', 'what', 'who', 'which', 'when', 'where', 'how', 'why', 'did', 'does', 'do',
]);

export function miniSearchBaseline(sentences: readonly string[]): SentenceSearch {
  const ms = new MiniSearch<{ id: number; text: string }>({
    fields: ['text'],
    processTerm: (term) => {
      const t = term.toLowerCase();
      return MINISEARCH_STOP_WORDS.has(t) ? null : t;
    },
  });
  ms.addAll(sentences.map((text, id) => ({ id, text })));
  return {
    name: 'MiniSearch',
    search: (query, limit) => ms.search(query).slice(0, limit).map((r) => r.id as number),
  };
}

interface WinkBM25 {
  defineConfig(config: { fldWeights: Record<string, number> }): void;
  definePrepTasks(tasks: ((text: string) => string[])[]): void;
  addDoc(doc: Record<string, string>, id: number): void;
  consolidate(): void;
  search(query: string, limit?: number): [number, number][];
}

/** wink-bm25-text-search with the prep task of its README: wink-nlp words, no stop words, stems. */
export function winkBm25Baseline(sentences: readonly string[]): SentenceSearch {
  const bm25 = (require('wink-bm25-text-search') as () => WinkBM25)();
  const nlp = winkNLP(model);
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
  bm25.defineConfig({ fldWeights: { text: 1 } });
  bm25.definePrepTasks([prep]);
  sentences.forEach((text, id) => bm25.addDoc({ text }, id));
  bm25.consolidate();
  return {
    name: 'wink-bm25-text-search',
    search: (query, limit) => bm25.search(query, limit).map(([id]) => Number(id)),
  };
}
