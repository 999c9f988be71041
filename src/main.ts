// npm start: the bot. With DISCORD_TOKEN set it logs in to Discord (the REST base from DISCORD_API_URL, the
// gateway discovered from it); without, it opens the local console on stdin/stdout. Both go through the same
// handler and command modules, and every question through the answer cache (CACHE_URL). SIGINT and SIGTERM
// shut it down cleanly within a few seconds. `npm run start:sharded` runs this file once per shard.
import { performance } from 'node:perf_hooks';
import { Engine } from './engine.ts';
import { logger } from './log.ts';
import { buildBotContext, counted, loadCommands, runConsole, startDiscord } from './bot/index.ts';
import { snapshotSetting } from './store/snapshots.ts';
import { FeedbackStore } from './feedback/index.ts';
import { catchStrayErrors } from './stray-errors.ts';
import { createAnswers, openAnswerCache } from './cache/index.ts';
import { runMain, startProcess } from './process.ts';
import { requireFolder } from './config.ts';
import { linkToManager, type ShardLink } from './shard/index.ts';
import { startTrashRetention } from './curate/index.ts';

const log = logger('main');

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_MS = 5000;

async function main(): Promise<number> {
  const config = startProcess((c) => (c.shard ? `shard ${c.shard.id}` : null));

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

  requireFolder(config.corpusDir, 'CORPUS_DIR');
  const t0 = performance.now();
  const engine = await Engine.open({ corpusDir: config.corpusDir, maxFileBytes: config.maxFileBytes, snapshot: snapshotSetting(config.snapshotDir, config.corpusDir) });
  const { index, skipped } = engine.corpus;
  log.info(`indexed ${counted(index.articles.length, 'article')}, ${counted(index.sentenceStart.length, 'sentence')} in ${Math.round(performance.now() - t0)} ms`, {
    corpus: config.corpusDir,
    skipped: skipped.length,
  });
  for (const s of skipped.slice(0, 10)) log.warn(`skipped ${s.path}: ${s.reason}`);
  // The sentence encoder starts now, before any interaction, rather than on the first question that needs it: its
  // WebAssembly runtime briefly holds process handlers that would end the bot on a stray rejection (encoder.ts).
  await engine.warmUp();

  const cache = await openAnswerCache({ url: config.cacheUrl, ttlSeconds: config.cacheTtlSeconds, log: logger('cache') });
  // Logs the hit and miss counts every 10 minutes when there were questions, and at close().
  const answers = createAnswers({ engine, cache, log: logger('answers') });
  let link: ShardLink | null = null;
  let stopRetention = () => {};
  const feedback = await FeedbackStore.open(config.dataDir);
  try {
    const commands = await loadCommands();
    const { ctx, curator } = buildBotContext({
      engine,
      answers,
      feedback,
      commands,
      config,
      // A moderator's change here: the other shards reload the folder too.
      onChanged: (change) => link?.announce(change),
    });
    // One process empties the trash: the only one, or shard 0 of a sharded bot (they share the folder).
    if ((config.shard?.id ?? 0) === 0) stopRetention = startTrashRetention(curator, config.trashKeepDays);
    if (config.shard) {
      link = linkToManager({ shard: config.shard, sync: (version) => curator.sync(version), version: () => engine.corpus.version, onManagerGone: () => onSignal('manager gone') });
    }
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
    stopRetention();
    link?.close();
    // Waits for the last writes and logs the counts since start.
    await answers.close();
    await feedback.close();
  }
  log.info('stopped');
  return 0;
}

runMain(main, { log });
