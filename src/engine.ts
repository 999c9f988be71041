// The engine's small surface for the bot, the CLI, the cache and the benchmarks: open a corpus folder,
// answer questions, find quotations, list articles, refresh. It holds the current corpus and swaps a rebuilt
// one in whole, so a question never sees a half-built index.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Article, Skipped } from './corpus/article.ts';
import { loadCorpus, type LoadOptions } from './corpus/load.ts';
import { buildIndex } from './index/build.ts';
import type { Index } from './index/types.ts';
import { answer as answerQuestion, citationOf, rank, type AnswerOptions } from './answer/answer.ts';
import type { Answer, Citation } from './answer/types.ts';
import { BM25 } from './answer/retrieve.ts';
import { searchQuotations, speakers as listSpeakers, type FoundQuotation, type QuotationQuery } from './quotes/search.ts';
import weights from './answer/weights.json' with { type: 'json' };
import { SPAN_MODEL_VERSION } from './answer/span.ts';

/** Bump when the index layout or the text pipeline changes: it is part of every corpus version. */
export const ENGINE_SCHEMA = 1;

/** The engine's settings that change answers; part of the corpus version. */
export const ENGINE_SETTINGS = { schema: ENGINE_SCHEMA, bm25: BM25, weights, span: SPAN_MODEL_VERSION } as const;

export interface Corpus {
  readonly index: Index;
  /** Fingerprint of the indexed content and the engine settings: changes whenever an answer could. */
  readonly version: string;
  readonly skipped: readonly Skipped[];
  readonly loadedAt: Date;
}

export interface ArticleSummary {
  readonly id: string;
  readonly title: string;
  readonly source: string | null;
  readonly byline: string | null;
  readonly path: string;
  readonly bytes: number;
  readonly sentences: number;
}

export type RefreshReport =
  | {
      readonly ok: true;
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly changed: readonly string[];
      readonly unchanged: number;
      readonly skipped: readonly Skipped[];
      readonly articles: number;
      readonly sentences: number;
      readonly ms: number;
      readonly version: string;
      readonly previousVersion: string;
    }
  | { readonly ok: false; readonly error: string; readonly ms: number };

export interface EngineOptions extends LoadOptions {
  readonly corpusDir: string;
}

export function corpusVersion(articles: readonly Pick<Article, 'path' | 'hash'>[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(ENGINE_SETTINGS));
  for (const a of [...articles].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))) h.update(`\n${a.path}\0${a.hash}`);
  return h.digest('hex').slice(0, 32);
}

async function loadAndBuild(options: EngineOptions): Promise<Corpus> {
  const { articles, skipped } = await loadCorpus(options.corpusDir, options);
  if (articles.length === 0) {
    throw new Error(`no articles found in ${options.corpusDir}${skipped.length ? ` (${skipped.length} files skipped: ${skipped[0]!.path}: ${skipped[0]!.reason}${skipped.length > 1 ? ', ...' : ''})` : ''}`);
  }
  return { index: buildIndex(articles), version: corpusVersion(articles), skipped, loadedAt: new Date() };
}

function diff(before: Index, after: Index): { added: string[]; removed: string[]; changed: string[]; unchanged: number } {
  const old = new Map(before.articles.map((a) => [a.id, a.hash]));
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  for (const a of after.articles) {
    const h = old.get(a.id);
    if (h === undefined) added.push(a.id);
    else if (h !== a.hash) changed.push(a.id);
    else unchanged++;
    old.delete(a.id);
  }
  return { added, removed: [...old.keys()], changed, unchanged };
}

export class Engine {
  private current: Corpus;
  private inFlight: Promise<RefreshReport> | null = null;

  private constructor(
    private readonly options: EngineOptions,
    corpus: Corpus,
  ) {
    this.current = corpus;
  }

  /** Load and index a corpus folder. Rejects when the folder cannot be read or holds no article. */
  static async open(options: EngineOptions): Promise<Engine> {
    return new Engine(options, await loadAndBuild(options));
  }

  get corpus(): Corpus {
    return this.current;
  }

  get corpusDir(): string {
    return this.options.corpusDir;
  }

  answer(question: string, options: AnswerOptions = {}): Answer {
    return answerQuestion(this.current.index, question, options);
  }

  /**
   * The sentences ranked best for a question, best first, each scored with the reranker's estimate that it
   * answers: the "more sources" view, beyond the 1 to 3 an answer cites.
   */
  ranked(question: string, options: { readonly articleId?: string; readonly limit: number }): Citation[] {
    const index = this.current.index;
    const ranking = rank(index, question, options.articleId === undefined ? {} : { articleId: options.articleId });
    return ranking.ranked.slice(0, options.limit).map((r) => citationOf(index, r.candidate.sentence, r.probability));
  }

  quotations(query: QuotationQuery, limit = 10): FoundQuotation[] {
    return searchQuotations(this.current.index, query, limit);
  }

  speakers(filter = ''): { name: string; count: number }[] {
    return listSpeakers(this.current.index, filter);
  }

  /** Articles whose title, id or source contains `filter` (case-insensitive), in corpus order. */
  articles(filter = ''): ArticleSummary[] {
    const index = this.current.index;
    const f = filter.trim().toLowerCase();
    const out: ArticleSummary[] = [];
    index.articles.forEach((a, i) => {
      if (f && !`${a.title}\n${a.id}\n${a.source ?? ''}`.toLowerCase().includes(f)) return;
      out.push({
        id: a.id,
        title: a.title,
        source: a.source,
        byline: a.byline,
        path: a.path,
        bytes: a.bytes,
        sentences: index.articleSentence[i + 1]! - index.articleSentence[i]!,
      });
    });
    return out;
  }

  /**
   * Reload the folder and swap the new index in. Concurrent calls share one reload. A reload that fails
   * leaves the current corpus serving, unchanged.
   */
  refresh(): Promise<RefreshReport> {
    if (!this.inFlight) {
      this.inFlight = this.reload().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private async reload(): Promise<RefreshReport> {
    const t0 = performance.now();
    const before = this.current;
    try {
      const next = await loadAndBuild(this.options);
      const d = diff(before.index, next.index);
      this.current = next;
      return {
        ok: true,
        ...d,
        skipped: next.skipped,
        articles: next.index.articles.length,
        sentences: next.index.sentenceStart.length,
        ms: performance.now() - t0,
        version: next.version,
        previousVersion: before.version,
      };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err), ms: performance.now() - t0 };
    }
  }
}
