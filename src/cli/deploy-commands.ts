// npm run deploy-commands: register the slash commands with Discord. To the server in DISCORD_GUILD_ID when
// it is set (instant: for development), else globally (Discord can take up to an hour to show them).
// Needs DISCORD_TOKEN; DISCORD_CLIENT_ID is asked of Discord when unset. The REST base is DISCORD_API_URL.
import { ConfigError, loadDotEnv, parseConfig, secretsOf } from '../config.ts';
import { addSecrets, logger, setLogLevel } from '../log.ts';
import { deployCommands, loadCommands } from '../bot/index.ts';

const log = logger('deploy');

async function main(): Promise<number> {
  loadDotEnv();
  let config;
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
  if (!config.discordToken) {
    process.stderr.write('configuration: DISCORD_TOKEN is not set; it is needed to register commands (see .env.example)\n');
    return 2;
  }
  const commands = [...(await loadCommands()).values()];
  const { scope, applicationId, registered } = await deployCommands(config, commands);
  const where = scope.kind === 'guild' ? `in server ${scope.guildId}` : 'globally (may take up to an hour to appear)';
  log.info(`registered ${registered} commands ${where} for application ${applicationId}: ${commands.map((c) => `/${c.data.name}`).join(' ')}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log.error(`could not register the commands: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
