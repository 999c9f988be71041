// The engine's small surface for the bot, the CLI, the cache and the benchmarks: open a corpus folder,
// answer questions, find quotations, list articles, refresh. It holds the current corpus and swaps a rebuilt
// one in whole, so a question never sees a half-built index.
//
// Start-up uses the corpus folder's saved index (snapshot) when it still matches the folder exactly, and
// builds (then saves) otherwise. A refresh builds in a worker thread, so questions keep being answered from
// the current index until the new one is swapped in.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Article, Skipped } from './corpus/article.ts';
import { loadCorpus, type LoadOptions } from './corpus/load.ts';
import { buildIndex } from './index/build.ts';
import { createEncoder } from './nlp/encoder.ts';
import type { Similarity } from './answer/verify.ts';
import { commonWords, everydayWords } from './nlp/wordnet.ts';
import type { Index } from './index/types.ts';
import { logger, messageOf } from './log.ts';
import { buildInWorker } from './refresh/build-in-worker.ts';
import { builderFingerprint, defaultSnapshotPath, readSnapshot, writeSnapshot, type SnapshotKey } from './store/snapshots.ts';
import { prepareWordLists } from './store/wordlists.ts';
import { answer as answerQuestion, answerChecked, checkWeights, citationOf, rank, type AnswerOptions } from './answer/answer.ts';
import type { Answer, Citation } from './answer/types.ts';
import { BM25 } from './answer/retrieve.ts';
import { quotationPage, searchQuotations, speakers as listSpeakers, type FoundQuotation, type QuotationPage, type QuotationQuery } from './quotes/search.ts';
import { articleNames, foldName } from './corpus/names.ts';
import weights from './answer/weights.json' with { type: 'json' };
import { SPAN_MODEL_VERSION } from './answer/span.ts';

/** Bump when the index layout, the text pipeline or a rule of answering changes: it is part of every corpus
 * version. 2: a name the cited article never mentions declines the question (answer.ts, unmentionedName). 3: an
 * everyday word the corpus lacks no longer counts against answering (answer.ts, answerableFeatures); short
 * answers keep hyphenated words whole and read derived forms of the question's words as those words. 4: a
 * name the corpus never uses declines the question (unmentionedName); abstention estimates whether the first
 * citation is right (src/eval/learn.ts); stroked letters (ł, ø...) fold (src/nlp/wink.ts). 5: in a question typed
 * without capitals, a word no dictionary writes in lower case is read as a name (unmentionedName). 6: a question
 * about now is not answered from a sentence dated to past years (pastOnly); one about an acronym is answered with
 * the words that spell it out, or declined (unexpanded). 7: a year named as a point of comparison ("up 2.6% on
 * 2003") does not date a sentence (pastOnly); a stop inside a web address ("Amazon.com") or a question mark before a
 * comma does not end a sentence (src/index/segment.ts). 8: a question's chat spellings are read as the articles
 * write them, "ppl" as "people" and "feb" as "february", and a capital typed twice as one (src/nlp/words.ts,
 * spellOut, repairShift); the sentence right before an article's prose is prose when it reads as a news item's
 * one-line lead (src/corpus/paragraphs.ts, isLead). 9: accents of a file saved decomposed (NFD) fold as precomposed
 * ones do (src/nlp/wink.ts); a who-question's short answer never ends in a prize (span.ts, PRIZE). 10: "Who is
 * France's foreign minister?" and "in the past few days" ask about now (question.ts), and "to focus" is no verb in the
 * present (pastOnly); a how-many question's short answer is never the year of a date (span.ts). 11: a where- or
 * how-many question (or "what country...?") whose cited sentences offer no place or count is declined ('untyped':
 * answer.ts, wantsTypedPhrase); weights relearned with that rule in the threshold; "When will...?" and "When is X
 * expected to...?" ask about now (question.ts, WHEN_AHEAD). 12: the characters wink's tokenizer drops (U+FEFF, some
 * spaces and line separators) are read as spaces, so no offset after one moves (src/nlp/wink.ts, DROPPED_BY_WINK). 13:
 * the decision to answer is checked by a sentence encoder's cosine of the question and its best sentence
 * (src/answer/verify.ts, src/nlp/encoder.ts; Engine.ask). */
export const ENGINE_SCHEMA = 13;

/** The engine's settings that change answers; part of the corpus version. */
export const ENGINE_SETTINGS = { schema: ENGINE_SCHEMA, bm25: BM25, weights, span: SPAN_MODEL_VERSION } as const;

export interface Corpus {
  readonly index: Index;
  /** Fingerprint of the indexed content, the engine settings and the code that indexes and answers: changes
   * whenever an answer could. */
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
  /**
   * The saved index: a file path, or false to neither read nor write one. By default one file per corpus
   * folder under .cache/snapshots/ in the project (see defaultSnapshotPath).
   */
  readonly snapshot?: string | false;
  /**
   * How long a refresh's build may take before it is abandoned (the worker stopped, the refresh reported as
   * failed, the current corpus kept). Default REFRESH_DEADLINE_MS.
   */
  readonly refreshDeadlineMs?: number;
}

/** Thirty minutes: the 21,000-article news bench builds in well under one on two cores. A build still running
 * after this is stuck (a file system that stopped answering), and a stuck refresh would hold every later
 * /refresh, which joins the one in flight. */
export const REFRESH_DEADLINE_MS = 30 * 60 * 1000;

const log = logger('engine');

let answering: string | null = null;
/**
 * A hash of the code that turns files into an index and an index and a question into an answer. It is part of
 * the corpus version, so the answer cache never serves an answer that other code made, even when nobody bumped
 * ENGINE_SCHEMA.
 */
export function answeringCodeFingerprint(): string {
  if (answering !== null) return answering;
  const h = createHash('sha256').update(builderFingerprint());
  const src = fileURLToPath(new URL('.', import.meta.url));
  const files = [
    ...readdirSync(join(src, 'answer'))
      .filter((name) => /\.(?:ts|json)$/.test(name))
      .sort()
      .map((name) => join('answer', name)),
    join('quotes', 'search.ts'),
    'engine.ts',
  ];
  for (const file of files) h.update(`\n${file}\n`).update(readFileSync(join(src, file)));
  answering = h.digest('hex').slice(0, 32);
  return answering;
}

export function corpusVersion(articles: readonly Pick<Article, 'path' | 'hash'>[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(ENGINE_SETTINGS));
  h.update(answeringCodeFingerprint());
  for (const a of [...articles].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))) h.update(`\n${a.path}\0${a.hash}`);
  return h.digest('hex').slice(0, 32);
}

/** Load and index a corpus folder on the calling thread (the build worker runs this too). */
export async function buildCorpus(options: Pick<EngineOptions, 'corpusDir'> & LoadOptions): Promise<Corpus> {
  const { articles, skipped } = await loadCorpus(options.corpusDir, options);
  if (articles.length === 0) {
    throw new Error(`no articles found in ${options.corpusDir}${skipped.length ? ` (${skipped.length} files skipped: ${skipped[0]!.path}: ${skipped[0]!.reason}${skipped.length > 1 ? ', ...' : ''})` : ''}`);
  }
  return { index: buildIndex(articles), version: corpusVersion(articles), skipped, loadedAt: new Date() };
}

/** Everything besides the files that a saved index must have been built with. */
export function snapshotKey(options: LoadOptions): SnapshotKey {
  return options.maxFileBytes === undefined ? { settings: ENGINE_SETTINGS } : { settings: ENGINE_SETTINGS, maxFileBytes: options.maxFileBytes };
}

/**
 * SemCor's counts and WordNet's lower-case words, made ready as the engine opens rather than on the first question:
 * saved beside the snapshots (src/store/wordlists.ts), so only the first start reads WordNet's files for them.
 */
async function readyWordLists(snapshot: string | null): Promise<void> {
  if (snapshot === null) {
    everydayWords();
    commonWords();
    return;
  }
  const lists = await prepareWordLists(dirname(snapshot));
  if (lists.kind === 'unsaved') log.warn(`could not save WordNet's word lists: ${lists.reason}`);
  else if (lists.kind === 'saved' && lists.replaced !== undefined) log.info(`WordNet's word lists made again (${lists.replaced})`, { path: lists.path });
}

function snapshotPathOf(options: EngineOptions): string | null {
  if (options.snapshot === false) return null;
  return options.snapshot ?? defaultSnapshotPath(options.corpusDir);
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

/** Each index's article positions by id, built on the first look-up (an index never changes once built). */
const positionsById = new WeakMap<Index, ReadonlyMap<string, number>>();

function summaryAt(index: Index, i: number): ArticleSummary {
  const a = index.articles[i]!;
  return { id: a.id, title: a.title, source: a.source, byline: a.byline, path: a.path, bytes: a.bytes, sentences: index.articleSentence[i + 1]! - index.articleSentence[i]! };
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

  /**
   * Open a corpus folder: from its saved index when that matches the folder exactly, else by loading and
   * indexing it (and saving the index for next time). Rejects when the folder cannot be read or holds no
   * article; a snapshot that cannot be read or written only costs time.
   */
  static async open(options: EngineOptions): Promise<Engine> {
    checkWeights();
    const path = snapshotPathOf(options);
    await readyWordLists(path);
    if (path !== null) {
      const saved = await readSnapshot(path, options.corpusDir, snapshotKey(options), corpusVersion);
      if (saved.kind === 'loaded') return new Engine(options, { ...saved.corpus, loadedAt: new Date() });
      if (saved.kind === 'rejected') log.info(`saved index not used (${saved.reason}); rebuilding`, { path });
    }
    const corpus = await buildCorpus(options);
    if (path !== null) {
      try {
        await writeSnapshot(path, options.corpusDir, corpus, snapshotKey(options));
      } catch (err) {
        log.warn(`could not save the index: ${messageOf(err)}`, { path });
      }
    }
    return new Engine(options, corpus);
  }

  get corpus(): Corpus {
    return this.current;
  }

  get corpusDir(): string {
    return this.options.corpusDir;
  }

  /** The lexical engine's answer, synchronous: no sentence encoder (the ranking tests and benchmarks read it). */
  answer(question: string, options: AnswerOptions = {}): Answer {
    return answerQuestion(this.current.index, question, options);
  }

  /**
   * The answer users get: answer(), with the decision to answer checked by the sentence encoder where it could
   * change it (src/answer/verify.ts). The index is the one current when this is called, even should a refresh
   * swap another in while the encoder works. Never rejects for the encoder: if it cannot be loaded, the lexical
   * threshold decides, and the failure is logged once.
   */
  ask(question: string, options: AnswerOptions = {}): Promise<Answer> {
    return answerChecked(this.current.index, question, this.similarity, options);
  }

  /** Load the sentence encoder now (about 0.2 s) instead of on the first question that needs it. Never rejects: a
   * failure is logged once, and questions are then answered on the lexical threshold. */
  async warmUp(): Promise<void> {
    await this.orLexical(() => this.encoder.ready());
  }

  private readonly encoder = createEncoder();
  private encoderFailed = false;
  private readonly similarity: Similarity = (question, sentence) => this.orLexical(() => this.encoder.similarity(question, sentence));

  /** What `use` gives, or null when the encoder cannot be loaded (logged once). */
  private async orLexical<T>(use: () => Promise<T>): Promise<T | null> {
    try {
      return await use();
    } catch (err) {
      if (!this.encoderFailed) log.warn(`the sentence encoder is unavailable; answering on the lexical threshold: ${messageOf(err)}`);
      this.encoderFailed = true;
      return null;
    }
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

  quotations(query: QuotationQuery, limit = 10): readonly FoundQuotation[] {
    return searchQuotations(this.current.index, query, limit);
  }

  /** The quotations `query` finds from the `offset`-th on, at most `limit`, and how many it finds in all. */
  quotationPage(query: QuotationQuery, offset: number, limit: number): QuotationPage {
    return quotationPage(this.current.index, query, offset, limit);
  }

  speakers(filter = ''): { name: string; count: number }[] {
    return listSpeakers(this.current.index, filter);
  }

  /**
   * Articles whose full title, id or source contains `filter` (folded as names are: case, apostrophes and
   * quotation marks do not matter; see src/corpus/names.ts), in corpus order, at most `limit`.
   */
  articles(filter = '', limit = Number.POSITIVE_INFINITY): ArticleSummary[] {
    const index = this.current.index;
    const f = foldName(filter);
    const names = articleNames(index.articles);
    const out: ArticleSummary[] = [];
    for (let i = 0; i < names.length && out.length < limit; i++) if (f.length === 0 || names[i]!.text.includes(f)) out.push(summaryAt(index, i));
    return out;
  }

  /** The article with this id, or undefined: a map look-up, not a scan of every article. */
  article(id: string): ArticleSummary | undefined {
    const index = this.current.index;
    let positions = positionsById.get(index);
    if (!positions) positionsById.set(index, (positions = new Map(index.articles.map((a, i) => [a.id, i]))));
    const i = positions.get(id);
    return i === undefined ? undefined : summaryAt(index, i);
  }

  /**
   * Reload the folder in a worker thread and swap the new index in; until then questions are answered from
   * the current one. Concurrent calls share one reload. A reload that fails leaves the current corpus
   * serving, unchanged.
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
      const path = snapshotPathOf(this.options);
      const { maxFileBytes } = this.options;
      const request = { corpusDir: this.options.corpusDir, snapshot: path, ...(maxFileBytes === undefined ? {} : { maxFileBytes }) };
      const built = await buildInWorker(request, before, this.options.refreshDeadlineMs ?? REFRESH_DEADLINE_MS);
      if (built.kind === 'unchanged') {
        // Every file as it was: the corpus, its version and the answers cached for it stay.
        const { index } = before;
        return {
          ok: true,
          added: [],
          removed: [],
          changed: [],
          unchanged: index.articles.length,
          skipped: before.skipped,
          articles: index.articles.length,
          sentences: index.sentenceStart.length,
          ms: performance.now() - t0,
          version: before.version,
          previousVersion: before.version,
        };
      }
      if (built.snapshotError !== null) log.warn(`could not save the index: ${built.snapshotError}`, { path });
      const next: Corpus = { index: built.index, version: built.version, skipped: built.skipped, loadedAt: new Date() };
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
      return { ok: false, error: messageOf(err), ms: performance.now() - t0 };
    }
  }
}
