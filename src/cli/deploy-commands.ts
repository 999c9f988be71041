// npm run deploy-commands: register the slash commands with Discord. To the server in DISCORD_GUILD_ID when
// it is set (instant: for development), else globally (Discord can take up to an hour to show them).
// Needs DISCORD_TOKEN; DISCORD_CLIENT_ID is asked of Discord when unset. The REST base is DISCORD_API_URL.
import { ConfigError } from '../config.ts';
import { logger } from '../log.ts';
import { runMain, startProcess } from '../process.ts';
import { deployCommands, loadCommands } from '../bot/index.ts';

const log = logger('deploy');

async function main(): Promise<number> {
  const config = startProcess();
  if (!config.discordToken) throw new ConfigError('DISCORD_TOKEN is not set; it is needed to register commands (see .env.example)');
  const commands = [...(await loadCommands()).values()];
  const { scope, applicationId, registered } = await deployCommands(config, commands);
  const where = scope.kind === 'guild' ? `in server ${scope.guildId}` : 'globally (may take up to an hour to appear)';
  log.info(`registered ${registered} commands ${where} for application ${applicationId}: ${commands.map((c) => `/${c.data.name}`).join(' ')}`);
  return 0;
}

runMain(main, { log, failure: 'could not register the commands' });
