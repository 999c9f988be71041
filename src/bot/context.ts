// What commands are given to work with. Commands format and reply; everything that answers, looks up,
// changes the corpus or records goes through here. Every question goes through the answer cache (src/cache/).
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { ArticleSummary, Engine } from '../engine.ts';
import type { Answer, Citation } from '../answer/types.ts';
import type { FoundQuotation, QuotationQuery } from '../quotes/search.ts';
import type { FeedbackStore } from '../feedback/index.ts';
import type { Curator } from '../curate/index.ts';
import type { Answers, AnswersStats } from '../cache/index.ts';
import type { ShardIdentity } from '../config.ts';

export interface AskOptions {
  readonly articleId?: string;
  readonly maxCitations?: number;
}

export interface Asked {
  readonly answer: Answer;
  /** True when the answer came from the cache rather than the engine. */
  readonly cached: boolean;
  /** The corpus version the answer was computed on. */
  readonly corpusVersion: string;
}

export interface AnswerService {
  ask(question: string, options?: AskOptions): Promise<Asked>;
  /**
   * The sentences ranked best for the question, best first, each with the engine's estimate that it answers
   * (`score`): the "more sources" view. Includes the ones an answer already cites.
   */
  ranked(question: string, options: { readonly articleId?: string; readonly limit: number }): Promise<readonly Citation[]>;
  /** The answer cache's counts since this process started (hits, misses, hit rate, store, healthy...). */
  cacheStats(): AnswersStats;
}

export type ArticleMatch =
  | { readonly kind: 'found'; readonly article: ArticleSummary }
  | { readonly kind: 'none' }
  | { readonly kind: 'ambiguous'; readonly matches: readonly ArticleSummary[] };

export interface Library {
  readonly version: string;
  articles(filter?: string): ArticleSummary[];
  /** An article named by its id (what autocomplete sends) or by words unique to its title, id or source. */
  resolveArticle(text: string): ArticleMatch;
  speakers(filter?: string): { name: string; count: number }[];
  quotations(query: QuotationQuery, limit: number): FoundQuotation[];
}

/**
 * Moderators' changes to the corpus (src/curate): each one reindexes, so the corpus version changes and
 * cached answers for the old version are never served, and each one is appended to the audit log.
 */
export type Curation = Pick<Curator, 'ingest' | 'remove' | 'restore' | 'refresh' | 'trash' | 'findInTrash' | 'auditPage'>;

export type CommandData = RESTPostAPIChatInputApplicationCommandsJSONBody;

export interface BotContext {
  readonly answers: AnswerService;
  readonly library: Library;
  readonly curator: Curation;
  readonly feedback: FeedbackStore;
  /** Every command's registration data, for /help. */
  readonly commands: readonly CommandData[];
  /** Members with this role count as moderators, besides those with the command's default permissions. */
  readonly moderatorRoleId: string | null;
  /** Which shard this process is, under `npm run start:sharded`; null for a single process. */
  readonly shard: ShardIdentity | null;
}

/**
 * Questions through the answers service (the cache in front of the engine), "more sources" straight from the
 * engine (a ranked list is cheap, and asked for rarely).
 */
export function answerService(engine: Engine, answers: Answers): AnswerService {
  return {
    ask: (question, options = {}) => answers.ask(question, options),
    async ranked(question, { articleId, limit }) {
      return engine.ranked(question, articleId === undefined ? { limit } : { articleId, limit });
    },
    cacheStats: () => answers.stats(),
  };
}

export function engineLibrary(engine: Engine): Library {
  return {
    get version() {
      return engine.corpus.version;
    },
    articles: (filter = '') => engine.articles(filter),
    resolveArticle(text) {
      const wanted = text.trim();
      if (wanted.length === 0) return { kind: 'none' };
      const all = engine.articles();
      const byId = all.find((a) => a.id === wanted);
      if (byId) return { kind: 'found', article: byId };
      const lower = wanted.toLowerCase();
      const byTitle = all.filter((a) => a.title.toLowerCase() === lower);
      if (byTitle.length === 1) return { kind: 'found', article: byTitle[0]! };
      const matches = engine.articles(wanted);
      if (matches.length === 1) return { kind: 'found', article: matches[0]! };
      return matches.length === 0 ? { kind: 'none' } : { kind: 'ambiguous', matches };
    },
    speakers: (filter = '') => engine.speakers(filter),
    quotations: (query, limit) => engine.quotations(query, limit),
  };
}
