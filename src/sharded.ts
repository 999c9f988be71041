// npm run start:sharded: the bot for large bots, one process per shard (src/shard/manager.ts runs src/main.ts
// once per shard under discord.js's ShardingManager). Needs DISCORD_TOKEN. SIGINT and SIGTERM stop every shard.
import { requireFolder } from './config.ts';
import { logger } from './log.ts';
import { runMain, startProcess } from './process.ts';
import { runShards } from './shard/index.ts';
import { catchStrayErrors } from './stray-errors.ts';

const log = logger('main');

async function main(): Promise<number> {
  const config = startProcess('manager');
  // Checked once here rather than failing in every shard.
  requireFolder(config.corpusDir, 'CORPUS_DIR');

  const stopping = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) return;
    log.info(`${signal} received: stopping the shards`);
    stopping.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  catchStrayErrors(logger('process'));
  return runShards(config, stopping.signal);
}

runMain(main, { log });
