// The one module that constructs discord.js's client and REST client, and the adapter from discord.js
// interactions to the interface commands see (src/bot/interaction.ts). Everything Discord-specific about
// sending a message (ephemeral flags, the fitted payload, mentions off) happens here, once.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  MessageFlags,
  REST,
  Routes,
  type AutocompleteInteraction as DiscordAutocomplete,
  type ButtonInteraction as DiscordButton,
  type ChatInputCommandInteraction,
  type Interaction,
  type RESTGetAPIGatewayBotResult,
} from 'discord.js';
import type { Config } from '../config.ts';
import { logger } from '../log.ts';
import type { Command } from './command.ts';
import type { BotContext, CommandData } from './context.ts';
import { handle, type Registry } from './handler.ts';
import { withReplies, type AnyInteraction, type Member, type OutgoingMessage, type ReplyTransport } from './interaction.ts';
import { QuestionLimiter } from './ratelimit.ts';
import { fitMessage } from './render.ts';

const log = logger('discord');

/** The REST client's own global cap: high, because interaction responses are exempt from Discord's. */
export const INTERACTION_REQUESTS_PER_SECOND = 10_000;

export function createClient(config: Pick<Config, 'discordApiUrl' | 'shard'>): Client {
  return new Client({
    // Said outright: left unset, the client would read discord.js's own SHARDS and SHARD_COUNT variables from
    // the environment. One shard of one, or the one shard the sharding manager started this process for.
    shards: [config.shard?.id ?? 0],
    shardCount: config.shard?.count ?? 1,
    // Slash commands, buttons and autocomplete arrive without any privileged intent; Guilds gives the guild
    // list (and so member objects for permission checks).
    intents: [GatewayIntentBits.Guilds],
    // Nearly every request the bot makes is an interaction response (the first response, the edit of a deferred
    // reply, a follow-up), and Discord does not count interaction endpoints against a bot's global limit of 50
    // requests a second (discord-api-docs#4416); @discordjs/rest counts every request against its own copy of
    // that limit, so the edits of a burst of 200 questions queued behind it and the last reply waited 4 s. The
    // per-route limits (5 edits per 2 s per interaction) still apply, and a 429 from Discord is still obeyed.
    rest: { api: config.discordApiUrl, globalRequestsPerSecond: INTERACTION_REQUESTS_PER_SECOND },
    // The client-wide default; every payload below sets it again explicitly.
    allowedMentions: { parse: [] },
  });
}

export function createRest(config: Pick<Config, 'discordApiUrl'>, token: string): REST {
  return new REST({ api: config.discordApiUrl }).setToken(token);
}

/** The body discord.js sends: fitted to the limits, mentions off. */
function payload(m: OutgoingMessage) {
  const f = fitMessage(m);
  return {
    // Always present: discord.js only sends allowed_mentions along with a body, and an empty string is
    // Discord's "no text" for a message that is all embed.
    content: f.content ?? '',
    embeds: [...(f.embeds ?? [])],
    components: [...(f.components ?? [])],
    allowedMentions: { parse: [] },
  };
}

const ephemeral = (m: { ephemeral?: boolean } | undefined) => (m?.ephemeral ? { flags: MessageFlags.Ephemeral as const } : {});

/**
 * Waits before sending an edit again after Discord failed on its side. @discordjs/rest retries a 5xx or a
 * reset connection three times, but at once (discordjs/discord.js#10571), which does not outlast an outage of
 * a second or two; the interaction's token is good for 15 minutes, so an answer can wait a little longer.
 */
export const EDIT_RETRY_DELAYS_MS = [500, 2000] as const;

/** Discord's side failed (a 5xx after the REST client's own retries, a connection reset or timed out). */
function transient(err: unknown): boolean {
  if (err instanceof HTTPError) return err.status >= 500;
  if (err instanceof DiscordAPIError) return err.status >= 500;
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return err.name === 'AbortError' || code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'UND_ERR_SOCKET';
}

/**
 * Send an edit, and send it again after a pause while Discord fails on its side. Only edits: an edit of the
 * reply is idempotent, whereas a follow-up or a first response that failed with a 5xx may have been taken,
 * and sending it again could show it twice or be refused as a second acknowledgement.
 */
async function edited(interactionId: string, send: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await send();
      if (attempt > 0) log.info('reply delivered after Discord failed to take it', { interaction: interactionId, attempts: attempt + 1 });
      return;
    } catch (err) {
      const delay = EDIT_RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !transient(err)) throw err;
      log.warn(`Discord failed to take a reply; sending it again in ${delay} ms`, { interaction: interactionId, error: err });
      await sleep(delay);
    }
  }
}

function memberOf(i: Interaction): Member | null {
  if (!i.inGuild()) return null;
  const roles = i.member ? (Array.isArray(i.member.roles) ? i.member.roles : [...i.member.roles.cache.keys()]) : [];
  return { permissions: i.memberPermissions?.bitfield ?? 0n, roles };
}

function base(i: Interaction) {
  return { id: i.id, user: { id: i.user.id, username: i.user.username }, guildId: i.guildId, member: memberOf(i) };
}

/** The responses every replying interaction makes, as discord.js sends them: fitted, mentions off. */
function transport(i: ChatInputCommandInteraction | DiscordButton): ReplyTransport {
  return {
    deferReply: async (o) => void (await i.deferReply(ephemeral(o))),
    reply: async (m) => void (await i.reply({ ...payload(m), ...ephemeral(m) })),
    editReply: (m) => edited(i.id, () => i.editReply(payload(m))),
    followUp: async (m) => void (await i.followUp({ ...payload(m), ...ephemeral(m) })),
    ...(i.isButton() ? { update: async (m: OutgoingMessage) => void (await i.update(payload(m))) } : {}),
  };
}

function fromCommand(i: ChatInputCommandInteraction): AnyInteraction {
  const fields = {
    kind: 'command' as const,
    ...base(i),
    commandName: i.commandName,
    options: {
      getString: (name: string) => i.options.getString(name),
      getAttachment: (name: string) => {
        const a = i.options.getAttachment(name);
        return a ? { name: a.name, url: a.url, size: a.size, contentType: a.contentType } : null;
      },
    },
  };
  return withReplies(fields, transport(i), 'discord');
}

function fromButton(i: DiscordButton): AnyInteraction {
  return withReplies({ kind: 'button' as const, ...base(i), customId: i.customId }, transport(i), 'discord');
}

function fromAutocomplete(i: DiscordAutocomplete): AnyInteraction {
  const focused = i.options.getFocused(true);
  return {
    kind: 'autocomplete',
    ...base(i),
    commandName: i.commandName,
    options: { getString: (name) => i.options.getString(name) },
    focused: { name: focused.name, value: String(focused.value) },
    get responded() {
      return i.responded;
    },
    respond: async (choices) => void (await i.respond(choices.map((c) => ({ name: c.name, value: c.value })))),
  };
}

/** The interaction as commands see it, or null for kinds the bot does not handle (context menus, modals). */
export function adapt(i: Interaction): AnyInteraction | null {
  if (i.isChatInputCommand()) return fromCommand(i);
  if (i.isAutocomplete()) return fromAutocomplete(i);
  if (i.isButton()) return fromButton(i);
  return null;
}

export interface RunningBot {
  /** Stop taking interactions, let those in flight finish (for at most `graceMs`), and disconnect. */
  stop(graceMs?: number): Promise<void>;
}

/** Log in and answer interactions until stopped. Rejects when the login fails (a bad token, say). */
export async function startDiscord(config: Config, commands: Registry, ctx: BotContext): Promise<RunningBot> {
  if (!config.discordToken) throw new Error('discord: DISCORD_TOKEN is not set');
  const client = createClient(config);
  const limiter = new QuestionLimiter(config.rateLimits);
  const inFlight = new Set<Promise<void>>();
  let accepting = true;

  client.on(Events.InteractionCreate, (interaction) => {
    const adapted = adapt(interaction);
    if (!adapted) return;
    if (!accepting) {
      log.info('shutting down: interaction not handled', { interaction: interaction.id });
      return;
    }
    const p = handle(adapted, commands, ctx, { limiter }).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  client.once(Events.ClientReady, (c) =>
    log.info(`ready: logged in as ${c.user.tag}${config.shard ? ` (shard ${config.shard.id} of ${config.shard.count})` : ''}`, { guilds: c.guilds.cache.size, commands: commands.size }),
  );
  client.on(Events.Error, (err) => log.error('client error', { error: err }));
  client.on(Events.Warn, (message) => log.warn(message));
  // discord.js emits this only for close codes it will not reconnect after (a refused token, intents not
  // allowed); drops it recovers from (4000, 1000, 1006...) come as ShardReconnecting, then resume or READY.
  client.on(Events.ShardDisconnect, (event, shard) => log.error('gateway disconnected for good: Discord will not take this connection back', { shard, code: event.code }));
  client.on(Events.ShardReconnecting, (shard) => {
    // destroy() closes the connection through the same path; that is not a reconnection.
    if (accepting) log.info('gateway reconnecting', { shard });
  });
  client.on(Events.ShardResume, (shard, replayed) => log.info('gateway resumed', { shard, replayed }));
  client.on(Events.Debug, (message) => log.debug(message));
  client.rest.on('rateLimited', (info) => log.warn('rate limited by Discord', { route: info.route, retryAfterMs: info.retryAfter, global: info.global }));

  try {
    await client.login(config.discordToken);
  } catch (err) {
    await client.destroy();
    throw err;
  }
  return {
    async stop(graceMs = 3000) {
      accepting = false;
      if (inFlight.size > 0) {
        log.info(`waiting for ${inFlight.size} interaction(s) to finish`);
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, graceMs).unref())]);
      }
      await client.destroy();
    },
  };
}

/** What Discord's GET /gateway/bot says: how many shards it recommends, and how many may identify at once. */
export interface GatewayAdvice {
  readonly shards: number;
  /** Shards that may identify within the same 5 seconds. */
  readonly maxConcurrency: number;
}

/**
 * Ask Discord (at DISCORD_API_URL) how many shards to run. discord.js's own helper for this always asks
 * discord.com, whatever the configured REST base, so it is not used. Rejects when the token is refused.
 */
export async function fetchGatewayAdvice(config: Pick<Config, 'discordApiUrl'>, token: string): Promise<GatewayAdvice> {
  const info = (await createRest(config, token).get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
  return { shards: Math.max(1, info.shards), maxConcurrency: Math.max(1, info.session_start_limit.max_concurrency) };
}

export type DeployScope = { readonly kind: 'guild'; readonly guildId: string } | { readonly kind: 'global' };

/** Guild registration takes no `contexts` or `integration_types` (they are for global commands). */
function forScope(data: CommandData, scope: DeployScope): object {
  if (scope.kind === 'global') return data;
  const { contexts: _contexts, integration_types: _integrationTypes, ...rest } = data;
  return rest;
}

/**
 * Register the commands with Discord, replacing the application's current set: in one server when
 * DISCORD_GUILD_ID is set (instant), else globally. The application id is asked of Discord when
 * DISCORD_CLIENT_ID is not set.
 */
export async function deployCommands(config: Config, commands: readonly Command[]): Promise<{ scope: DeployScope; applicationId: string; registered: number }> {
  if (!config.discordToken) throw new Error('deploy: DISCORD_TOKEN is not set (it is needed to register commands)');
  const rest = createRest(config, config.discordToken);
  const applicationId = config.discordClientId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const scope: DeployScope = config.discordGuildId ? { kind: 'guild', guildId: config.discordGuildId } : { kind: 'global' };
  const route = scope.kind === 'guild' ? Routes.applicationGuildCommands(applicationId, scope.guildId) : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body: commands.map((c) => forScope(c.data, scope)) })) as unknown[];
  return { scope, applicationId, registered: registered.length };
}
