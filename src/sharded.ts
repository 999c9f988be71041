// npm run start:sharded: the bot for large bots, one process per shard (src/shard/manager.ts runs src/main.ts
// once per shard under discord.js's ShardingManager). Needs DISCORD_TOKEN. SIGINT and SIGTERM stop every shard.
import { ConfigError, loadDotEnv, parseConfig, secretsOf, type Config } from './config.ts';
import { addSecrets, logger, setLogLevel, setLogOrigin } from './log.ts';
import { runShards } from './shard/index.ts';
import { catchStrayErrors } from './stray-errors.ts';

const log = logger('main');

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
  setLogOrigin('manager');

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

main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    log.error(err instanceof Error ? err.message : String(err), { error: err });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 1000).unref();
  },
);
