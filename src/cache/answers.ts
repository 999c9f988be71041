// The answers service the bot and the CLI call: a question in, the engine's answer out, from the cache when it
// holds one for the current corpus version. The corpus version is read on every call, so a refresh that
// changes the corpus takes effect at once (the old version's keys are never looked up again), and the old
// version's entries are then deleted in the background.
import type { AnswerOptions } from '../answer/answer.ts';
import type { Answer } from '../answer/types.ts';
import type { Logger } from '../log.ts';
import type { AnswerCache, CacheStats } from './cache.ts';
import { counted } from '../plural.ts';

/** What the service needs of the engine (src/engine.ts's Engine has it). */
export interface AnswerEngine {
  readonly corpus: { readonly version: string };
  /** The answer users get (Engine.ask: the lexical engine, its decision checked by the sentence encoder). */
  ask(question: string, options?: AnswerOptions): Promise<Answer>;
}

export interface AskResult {
  /** Deep-equal to what the engine would answer now, cached or not. */
  readonly answer: Answer;
  readonly cached: boolean;
  /** The corpus version the answer belongs to (the one it was computed on, or cached under). */
  readonly corpusVersion: string;
}

export interface AnswersStats extends CacheStats {
  /** Questions asked since the service started. */
  readonly asked: number;
  /** hits / (hits + misses), 0 before the first question. */
  readonly hitRate: number;
  /** The corpus version answers are cached under now. */
  readonly version: string;
}

export interface VersionChange {
  readonly previous: string;
  readonly current: string;
  /** Entries of the previous version deleted; null when the store failed (they expire by TTL instead). */
  readonly cleared: number | null;
}

export interface Answers {
  ask(question: string, options?: AnswerOptions): Promise<AskResult>;
  /**
   * Tell the service the corpus may have changed (after engine.refresh(), or when another shard says so):
   * when the version moved, the old version's entries are deleted. Resolves when they are; null when the
   * version is unchanged. ask() notices a new version by itself; this only makes the cleanup prompt and awaitable.
   */
  corpusChanged(): Promise<VersionChange | null>;
  stats(): AnswersStats;
  /** Resolves when the answers being written to the store have landed (tests, and before a hand-over). */
  flush(): Promise<void>;
  /** Log the final counts, wait for pending writes, disconnect the store. */
  close(): Promise<void>;
}

export interface AnswersOptions {
  readonly engine: AnswerEngine;
  readonly cache: AnswerCache;
  readonly log: Logger;
  /** Log the hit and miss counts this often when there were questions since the last time (default 10 min;
   * 0 turns it off). */
  readonly statsIntervalMs?: number;
}

export function createAnswers({ engine, cache, log, statsIntervalMs = 10 * 60_000 }: AnswersOptions): Answers {
  let version = engine.corpus.version;
  let asked = 0;
  let askedAtLastReport = 0;
  let closed = false;
  const clearing = new Set<Promise<unknown>>();

  /** Switch to the engine's current version; clear the previous one's entries in the background. */
  function follow(current: string): Promise<VersionChange> | null {
    if (current === version) return null;
    const previous = version;
    version = current;
    log.info(`corpus version ${previous.slice(0, 12)} -> ${current.slice(0, 12)}: cached answers of the old version are no longer served; deleting them`);
    const done = cache.forget(previous).then((cleared): VersionChange => {
      if (cleared === null) log.warn(`could not delete the cached answers of corpus version ${previous.slice(0, 12)}; they expire by TTL`);
      else log.info(`deleted ${cleared} cached answers of corpus version ${previous.slice(0, 12)}`);
      return { previous, current, cleared };
    });
    clearing.add(done);
    void done.finally(() => clearing.delete(done));
    return done;
  }

  function stats(): AnswersStats {
    const s = cache.stats();
    const lookups = s.hits + s.misses;
    return { ...s, asked, hitRate: lookups === 0 ? 0 : s.hits / lookups, version };
  }

  function report(prefix: string): void {
    const s = stats();
    log.info(
      `${prefix}: ${counted(s.asked, 'question')}, ${s.hits} answered from the cache, ${s.misses} by the engine (hit rate ${(s.hitRate * 100).toFixed(1)}%); store ${s.where} ${s.healthy ? 'healthy' : 'failing'}`,
      { hits: s.hits, misses: s.misses, errors: s.errors, timeouts: s.timeouts, bypassed: s.bypassed, expired: s.expired, rejected: s.rejected, writes: s.writes },
    );
    askedAtLastReport = s.asked;
  }

  const timer =
    statsIntervalMs > 0
      ? setInterval(() => {
          if (asked > askedAtLastReport) report('answers in the last interval (totals since start)');
        }, statsIntervalMs)
      : null;
  timer?.unref();

  return {
    async ask(question, options = {}) {
      asked++;
      const before = engine.corpus.version;
      follow(before);
      const hit = await cache.lookup(before, question, options);
      // A refresh may have landed while the store answered: then the entry is for a corpus no longer served.
      if (hit !== undefined && engine.corpus.version === before) return { answer: hit, cached: true, corpusVersion: before };
      // The version read and the engine called with no await between them: the same corpus (ask() keeps the
      // index current when it is called, whatever a refresh swaps in while the encoder works).
      const current = engine.corpus.version;
      const answer = await engine.ask(question, options);
      follow(current);
      cache.remember(current, question, options, answer);
      return { answer, cached: false, corpusVersion: current };
    },

    corpusChanged() {
      return follow(engine.corpus.version) ?? Promise.resolve(null);
    },

    stats,

    flush: () => cache.flush(),

    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await Promise.all(clearing);
      await cache.close();
      report('answers since start');
    },
  };
}
