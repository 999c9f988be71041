// npm start: the bot. With DISCORD_TOKEN set it logs in to Discord (the REST base from DISCORD_API_URL, the
// gateway discovered from it); without, it opens the local console on stdin/stdout. Both go through the same
// handler and command modules, and every question through the answer cache (CACHE_URL). SIGINT and SIGTERM
// shut it down cleanly within a few seconds. `npm run start:sharded` runs this file once per shard.
import { performance } from 'node:perf_hooks';
import { ConfigError, loadDotEnv, parseConfig, secretsOf, type Config } from './config.ts';
import { Engine } from './engine.ts';
import { snapshotSetting } from './store/snapshots.ts';
import { addSecrets, logger, setLogLevel, setLogOrigin } from './log.ts';
import { answerService, engineLibrary, loadCommands, runConsole, startDiscord, type BotContext } from './bot/index.ts';
import { FeedbackStore } from './feedback/index.ts';
import { catchStrayErrors } from './stray-errors.ts';
import { Curator } from './curate/index.ts';
import { createAnswers, openAnswerCache } from './cache/index.ts';
import { linkToManager, type ShardLink } from './shard/index.ts';

const log = logger('main');

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_MS = 5000;

async function main(): Promise<number> {
  loadDotEnv();
  let config: Config;
  try {
    config = parseConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  addSecrets(secretsOf(config));
  setLogLevel(config.logLevel);
  if (config.shard) setLogOrigin(`shard ${config.shard.id}`);

  const stopping = new AbortController();
  const onSignal = (signal: NodeJS.Signals | 'manager gone') => {
    if (stopping.signal.aborted) return;
    log.info(`${signal}${signal === 'manager gone' ? '' : ' received'}: shutting down`);
    stopping.abort();
    setTimeout(() => {
      log.error(`shutdown took longer than ${SHUTDOWN_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  catchStrayErrors(logger('process'));

  const t0 = performance.now();
  const engine = await Engine.open({ corpusDir: config.corpusDir, maxFileBytes: config.maxFileBytes, snapshot: snapshotSetting(config.snapshotDir, config.corpusDir) });
  const { index, skipped } = engine.corpus;
  log.info(`indexed ${index.articles.length} articles, ${index.sentenceStart.length} sentences in ${Math.round(performance.now() - t0)} ms`, {
    corpus: config.corpusDir,
    skipped: skipped.length,
  });
  for (const s of skipped.slice(0, 10)) log.warn(`skipped ${s.path}: ${s.reason}`);

  const cache = await openAnswerCache({ url: config.cacheUrl, ttlSeconds: config.cacheTtlSeconds, log: logger('cache') });
  // Logs the hit and miss counts every 10 minutes when there were questions, and at close().
  const answers = createAnswers({ engine, cache, log: logger('answers') });
  let link: ShardLink | null = null;
  const feedback = await FeedbackStore.open(config.dataDir);
  try {
    const commands = await loadCommands();
    const curator = new Curator({
      engine,
      maxFileBytes: config.maxFileBytes,
      limits: { maxBytes: config.ingestMaxBytes, timeoutMs: config.ingestTimeoutMs, allowHosts: config.ingestAllowHosts },
      // Every reindex (refresh, ingest, remove, restore, another shard's change): the cache moves to the new
      // corpus version and deletes the old one's entries.
      onReindexed: async () => {
        await answers.corpusChanged();
      },
      // A moderator's change here: the other shards reload the folder too.
      onChanged: (change) => link?.announce(change),
    });
    if (config.shard) {
      link = linkToManager({ shard: config.shard, sync: (version) => curator.sync(version), version: () => engine.corpus.version, onManagerGone: () => onSignal('manager gone') });
    }
    const ctx: BotContext = {
      answers: answerService(engine, answers),
      library: engineLibrary(engine),
      curator,
      feedback,
      commands: [...commands.values()].map((c) => c.data),
      moderatorRoleId: config.moderatorRoleId,
      shard: config.shard,
    };
    if (stopping.signal.aborted) return 0;

    if (config.discordToken) {
      const bot = await startDiscord(config, commands, ctx);
      if (!stopping.signal.aborted) await new Promise((resolve) => stopping.signal.addEventListener('abort', resolve, { once: true }));
      await bot.stop();
    } else {
      log.info('no DISCORD_TOKEN: local console (type /help; /quit or end of input to leave)');
      await runConsole({ input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true, commands, ctx, signal: stopping.signal });
    }
  } finally {
    link?.close();
    // Waits for the last writes and logs the counts since start.
    await answers.close();
    await feedback.close();
  }
  log.info('stopped');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Anything still holding the event loop open (a socket a library forgot) must not keep a stopped bot alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    log.error(err instanceof Error ? err.message : String(err), { error: err });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 1000).unref();
  },
);
