// npm start: the bot. With DISCORD_TOKEN set it logs in to Discord (the REST base from DISCORD_API_URL, the
// gateway discovered from it); without, it opens the local console on stdin/stdout. Both go through the same
// handler and command modules. SIGINT and SIGTERM shut it down cleanly within a few seconds.
import { performance } from 'node:perf_hooks';
import { ConfigError, loadDotEnv, parseConfig, secretsOf, type Config } from './config.ts';
import { Engine } from './engine.ts';
import { addSecrets, logger, setLogLevel } from './log.ts';
import { engineAnswers, engineLibrary, loadCommands, runConsole, startDiscord, type BotContext } from './bot/index.ts';
import { FeedbackStore } from './feedback/index.ts';
import { catchStrayErrors } from './stray-errors.ts';
import { Curator } from './curate/index.ts';

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

  const stopping = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping.signal.aborted) return;
    log.info(`${signal} received: shutting down`);
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
  const engine = await Engine.open({ corpusDir: config.corpusDir, maxFileBytes: config.maxFileBytes });
  const { index, skipped } = engine.corpus;
  log.info(`indexed ${index.articles.length} articles, ${index.sentenceStart.length} sentences in ${Math.round(performance.now() - t0)} ms`, {
    corpus: config.corpusDir,
    skipped: skipped.length,
  });
  for (const s of skipped.slice(0, 10)) log.warn(`skipped ${s.path}: ${s.reason}`);

  const feedback = await FeedbackStore.open(config.dataDir);
  try {
    const commands = await loadCommands();
    const curator = new Curator({
      engine,
      maxFileBytes: config.maxFileBytes,
      limits: { maxBytes: config.ingestMaxBytes, timeoutMs: config.ingestTimeoutMs, allowHosts: config.ingestAllowHosts },
    });
    const ctx: BotContext = {
      answers: engineAnswers(engine),
      library: engineLibrary(engine),
      curator,
      feedback,
      commands: [...commands.values()].map((c) => c.data),
      moderatorRoleId: config.moderatorRoleId,
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
