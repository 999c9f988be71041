// What commands are given to work with. Commands format and reply; everything that answers, looks up,
// changes the corpus or records goes through here. Every question goes through the answer cache (src/cache/).
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { ArticleSummary, Engine } from '../engine.ts';
import type { Answer, Citation } from '../answer/types.ts';
import type { QuotationPage, QuotationQuery } from '../quotes/search.ts';
import { articleNames, foldName } from '../corpus/names.ts';
import { questionText } from './render.ts';
import type { FeedbackStore } from '../feedback/index.ts';
import { Curator, type CorpusChange } from '../curate/index.ts';
import type { Answers, AnswersStats } from '../cache/index.ts';
import type { Config, ShardIdentity } from '../config.ts';
import type { Command } from './command.ts';
import type { Index } from '../index/types.ts';

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

export interface RankedOptions {
  readonly articleId?: string;
  readonly limit: number;
  readonly exclude?: { readonly corpusVersion: string; readonly sentenceIds: readonly number[] };
}

export interface AnswerService {
  ask(question: string, options?: AskOptions): Promise<Asked>;
  /**
   * The sentences ranked best for the question, best first, each with the engine's estimate that it answers
   * (`score`): the "more sources" view. `exclude` leaves out the sentences an answer already showed, when the
   * corpus is still the version it was shown from (sentence ids belong to one version); at most `limit`.
   */
  ranked(question: string, options: RankedOptions): Promise<readonly Citation[]>;
  /** The answer cache's counts since this process started (hits, misses, hit rate, store, healthy...). */
  cacheStats(): AnswersStats;
}

export type ArticleMatch =
  | { readonly kind: 'found'; readonly article: ArticleSummary }
  | { readonly kind: 'none' }
  /** `matches` holds the first AMBIGUOUS_SHOWN of the `count` articles matched, in corpus order. */
  | { readonly kind: 'ambiguous'; readonly matches: readonly ArticleSummary[]; readonly count: number };

/** How many of the articles an ambiguous name matches are listed back. */
export const AMBIGUOUS_SHOWN = 25;

export interface Library {
  readonly version: string;
  /**
   * Articles whose full title, id or source contains `filter`, in corpus order, at most `limit`. Case,
   * apostrophes and quotation marks do not matter ("syria's" finds "Syria’s"; src/corpus/names.ts).
   */
  articles(filter?: string, limit?: number): ArticleSummary[];
  /**
   * An article named by its id (what autocomplete sends), by its title (as shown or in full), or by words
   * unique to its full title, id or source; matched as `articles` matches.
   */
  resolveArticle(text: string): ArticleMatch;
  /** Speakers whose name holds the words of `filter`, the last perhaps only begun (for autocomplete). */
  speakers(filter?: string): { name: string; count: number }[];
  /** The quotations `query` finds, `limit` of them from the `offset`-th (from 0) on, and how many in all. */
  quotations(query: QuotationQuery, page: { readonly offset: number; readonly limit: number }): QuotationPage;
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
    // The engine reads the words a Discord question shows, not its markup ("**who** called..."): questionText.
    ask: (question, options = {}) => answers.ask(questionText(question), options),
    async ranked(typed, { articleId, limit, exclude }) {
      const question = questionText(typed);
      // The version and the ranking are read in one synchronous step: a refresh cannot fall between them.
      const shown = new Set(exclude && exclude.corpusVersion === engine.corpus.version ? exclude.sentenceIds : []);
      const wanted = limit + shown.size;
      const ranked = engine.ranked(question, articleId === undefined ? { limit: wanted } : { articleId, limit: wanted });
      return ranked.filter((c) => !shown.has(c.sentenceId)).slice(0, limit);
    },
    cacheStats: () => answers.stats(),
  };
}

export function engineLibrary(engine: Engine): Library {
  // Summaries are made only for the articles returned (an autocomplete keeps 25 of thousands).
  const summaries = (index: Index, positions: readonly number[]) => positions.map((i) => engine.article(index.articles[i]!.id)!);
  return {
    get version() {
      return engine.corpus.version;
    },
    articles: (filter = '', limit = Number.POSITIVE_INFINITY) => engine.articles(filter, limit),
    resolveArticle(text) {
      const wanted = text.trim();
      if (wanted.length === 0) return { kind: 'none' };
      const byId = engine.article(wanted);
      if (byId) return { kind: 'found', article: byId };
      const index = engine.corpus.index;
      const folded = foldName(wanted);
      const names = articleNames(index.articles);
      const sameTitle: number[] = [];
      const containing: number[] = [];
      for (let i = 0; i < names.length; i++) {
        const n = names[i]!;
        if (n.title === folded || n.fullTitle === folded) sameTitle.push(i);
        if (n.text.includes(folded)) containing.push(i);
      }
      if (sameTitle.length === 1) return { kind: 'found', article: summaries(index, sameTitle)[0]! };
      if (containing.length === 1) return { kind: 'found', article: summaries(index, containing)[0]! };
      if (containing.length === 0) return { kind: 'none' };
      return { kind: 'ambiguous', matches: summaries(index, containing.slice(0, AMBIGUOUS_SHOWN)), count: containing.length };
    },
    speakers: (filter = '') => engine.speakers(filter),
    quotations: (query, { offset, limit }) => engine.quotationPage(query, offset, limit),
  };
}

export interface BotParts {
  readonly engine: Engine;
  /** The answers service (the cache in front of the engine). */
  readonly answers: Answers;
  readonly feedback: FeedbackStore;
  readonly commands: ReadonlyMap<string, Command>;
  readonly config: Pick<Config, 'maxFileBytes' | 'ingestMaxBytes' | 'ingestTimeoutMs' | 'ingestAllowHosts' | 'moderatorRoleId' | 'shard'>;
  /** Told of each moderator's change made here (src/shard passes it on to the other shards). */
  readonly onChanged?: (change: CorpusChange) => void;
}

/**
 * The context commands run with, wired the one way the bot and the tests both use: the curator reindexes, and
 * after every reindex (refresh, ingest, remove, restore, another shard's change) the answer cache moves to the
 * new corpus version and deletes the old one's entries. The curator is returned too: the shard link syncs
 * through it.
 */
export function buildBotContext(parts: BotParts): { ctx: BotContext; curator: Curator } {
  const { engine, answers, feedback, commands, config } = parts;
  const curator = new Curator({
    engine,
    maxFileBytes: config.maxFileBytes,
    limits: { maxBytes: config.ingestMaxBytes, timeoutMs: config.ingestTimeoutMs, allowHosts: config.ingestAllowHosts },
    onReindexed: async () => {
      await answers.corpusChanged();
    },
    ...(parts.onChanged ? { onChanged: parts.onChanged } : {}),
  });
  const ctx: BotContext = {
    answers: answerService(engine, answers),
    library: engineLibrary(engine),
    curator,
    feedback,
    commands: [...commands.values()].map((c) => c.data),
    moderatorRoleId: config.moderatorRoleId,
    shard: config.shard,
  };
  return { ctx, curator };
}
