// How every entry point (npm start, npm run start:sharded, deploy-commands, ask) starts and ends: the
// configuration read once with the log set up from it, and one way to exit, so a wrong setting gives the same
// message and the same exit code everywhere.
import { ConfigError, loadDotEnv, parseConfig, secretsOf, type Config } from './config.ts';
import { addSecrets, messageOf, setLogLevel, setLogOrigin, type Logger } from './log.ts';

/** The exit code for a wrong setting (the message names the variable); 1 is for everything else that fails. */
export const BAD_CONFIG_EXIT = 2;

/** How long a finished process waits for whatever still holds the event loop before it exits anyway. */
const LINGER_MS = 1000;

/**
 * The configuration from `.env` and the environment, with the log set up from it: its secrets masked in every
 * line, LOG_LEVEL applied, and lines named after the process when `origin` gives a name ("manager",
 * "shard 1"). Throws ConfigError for a wrong value: runMain reports it.
 */
export function startProcess(origin?: string | ((config: Config) => string | null)): Config {
  loadDotEnv();
  const config = parseConfig();
  addSecrets(secretsOf(config));
  setLogLevel(config.logLevel);
  const name = typeof origin === 'function' ? origin(config) : origin;
  if (name) setLogOrigin(name);
  return config;
}

export interface RunOptions {
  readonly log: Logger;
  /** Put before the message of an error that ends the process ("could not register the commands"). */
  readonly failure?: string;
}

/**
 * Run an entry point and exit with the code it returns. A ConfigError is the user's to fix: `configuration:
 * <what is wrong>` on stderr and BAD_CONFIG_EXIT. Any other error is logged, and the exit code is 1. A process
 * whose work is done then ends by itself, or after LINGER_MS if something (a socket a library forgot) still
 * holds the event loop open.
 */
export function runMain(main: () => Promise<number>, options: RunOptions): void {
  const exit = (code: number) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), LINGER_MS).unref();
  };
  main().then(exit, (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration: ${err.message}\n`);
      exit(BAD_CONFIG_EXIT);
      return;
    }
    const message = messageOf(err);
    options.log.error(options.failure ? `${options.failure}: ${message}` : message, { error: err });
    exit(1);
  });
}
