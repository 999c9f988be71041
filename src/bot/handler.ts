// The one error boundary: every interaction, from Discord or from the console, goes through `handle`. It
// refuses what the user may not do, acknowledges early where the command asked for it, runs the command,
// and turns any error into a short message the user sees (logged in full). Nothing else catches and hides.
import { performance } from 'node:perf_hooks';
import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { logger } from '../log.ts';
import type { Command } from './command.ts';
import type { BotContext, CommandData } from './context.ts';
import type { AnyInteraction, ButtonInteraction, CommandInteraction, Member, StringOptions } from './interaction.ts';
import { slowDown, type QuestionLimiter } from './ratelimit.ts';
import { counted, fitChoices, notice } from './render.ts';

const log = logger('bot');

export const ERROR_MESSAGE = 'Sorry, something went wrong while handling that. It has been logged; please try again in a moment.';
export const NOT_IN_DMS = 'This command works in a server, not in direct messages.';
export const MODERATORS_ONLY = 'Only moderators (members with Manage Server) can use this command.';

/** The permission bits a command asks for by default, or 0n when anyone may use it. */
function requiredPermissions(data: CommandData): bigint {
  const p = data.default_member_permissions;
  return typeof p === 'string' && /^\d+$/.test(p) ? BigInt(p) : 0n;
}

function guildOnly(data: CommandData): boolean {
  return data.contexts !== undefined && data.contexts !== null && !data.contexts.some((c) => c !== InteractionContextType.Guild);
}

/**
 * True when the member holds every permission the command asks for by default (or Administrator), or has the
 * moderator role. Checked at run time because a server can override a command's default permissions.
 */
export function mayUse(data: CommandData, member: Member | null, moderatorRoleId: string | null): boolean {
  const needed = requiredPermissions(data);
  if (needed === 0n) return true;
  if (member === null) return false;
  if ((member.permissions & PermissionFlagsBits.Administrator) !== 0n) return true;
  if ((member.permissions & needed) === needed) return true;
  return moderatorRoleId !== null && member.roles.includes(moderatorRoleId);
}

/** Why this user may not run this command here, or null when they may. */
function refusal(data: CommandData, interaction: AnyInteraction, ctx: BotContext): string | null {
  if (guildOnly(data) && interaction.guildId === null) return NOT_IN_DMS;
  if (!mayUse(data, interaction.member, ctx.moderatorRoleId)) return MODERATORS_ONLY;
  return null;
}

/** Characters as Discord counts them for an option's length (code points, so an emoji is one). */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * What is wrong with the string options given, or null. Discord enforces `required`, `min_length` and
 * `max_length` before it sends the interaction; they are checked again here because a client, a proxy or a
 * changed registration can still deliver anything, and the engine must never see a question it was not
 * sized for.
 */
export function optionProblem(data: CommandData, options: StringOptions): string | null {
  for (const o of data.options ?? []) {
    if (o.type !== ApplicationCommandOptionType.String) continue;
    const value = options.getString(o.name);
    // Named as the option ("The `about` option"): an option's name is not always a noun ("The about is").
    const option = `\`${o.name}\` option`;
    if (value === null) {
      if (o.required) return `/${data.name} needs the ${option}.`;
      continue;
    }
    const n = codePoints(value);
    if (o.max_length !== undefined && n > o.max_length) {
      return `The ${option} is too long: ${counted(n, 'character')}, and the most is ${o.max_length}. Please shorten it and try again.`;
    }
    if (o.min_length !== undefined && n < o.min_length) return `The ${option} needs at least ${counted(o.min_length, 'character')}.`;
  }
  return null;
}

export type Registry = ReadonlyMap<string, Command>;

export interface HandleOptions {
  /** Questions past the per-user or per-server rate are refused with a "slow down" reply. None: no limit. */
  readonly limiter?: QuestionLimiter;
}

/** The command a button belongs to: custom ids are `<command>:<what>[:<args>]`. */
function commandOfButton(customId: string): string {
  const colon = customId.indexOf(':');
  return colon === -1 ? customId : customId.slice(0, colon);
}

async function run(interaction: AnyInteraction, commands: Registry, ctx: BotContext, options: HandleOptions): Promise<void> {
  if (interaction.kind === 'autocomplete') {
    const command = commands.get(interaction.commandName);
    // Suggestions can reveal what the command works on (the trash's entries, say): none for those who may not
    // run it.
    const allowed = command !== undefined && refusal(command.data, interaction, ctx) === null;
    const choices = allowed && command.autocomplete ? await command.autocomplete(interaction, ctx) : [];
    await interaction.respond(fitChoices(choices));
    return;
  }
  const name = interaction.kind === 'command' ? interaction.commandName : commandOfButton(interaction.customId);
  const command = commands.get(name);
  if (!command || (interaction.kind === 'button' && !command.press)) {
    await interaction.reply(
      notice(interaction.kind === 'command' ? `There is no /${name} command here. Try /help.` : 'That button no longer does anything. Run the command again.'),
    );
    return;
  }
  const refused = refusal(command.data, interaction, ctx);
  if (refused) {
    // Nothing was done; who asked is logged, so moderators can see attempts at their commands.
    log.warn('refused', { ...describe(interaction), name: interaction.user.username, reason: refused === NOT_IN_DMS ? 'not in a server' : 'not a moderator' });
    await interaction.reply(notice(refused));
    return;
  }
  // The rate limit: every command and button press passes this point, after the permission check and before
  // anything else is done (a flood of oversized questions is limited too). A refusal is logged once per
  // streak, so a flood does not flood the log.
  if (options.limiter && command.rateLimited) {
    const decision = options.limiter.take(interaction.user.id, interaction.guildId);
    if (decision.kind === 'limited') {
      if (decision.first) log.warn('rate limited', { ...describe(interaction), name: interaction.user.username, scope: decision.scope, retryAfterMs: decision.retryAfterMs });
      await interaction.reply(notice(slowDown(decision)));
      return;
    }
  }
  if (interaction.kind === 'command') {
    const problem = optionProblem(command.data, interaction.options);
    if (problem) {
      log.info('bad options', { ...describe(interaction), reason: problem });
      await interaction.reply(notice(problem));
      return;
    }
    if (command.defer) await interaction.deferReply({ ephemeral: command.defer === 'ephemeral' });
    await command.execute(interaction, ctx);
  } else {
    await command.press!(interaction, ctx);
  }
  if (!interaction.replied && !interaction.deferred) throw new Error(`bot: ${describeTarget(interaction)} finished without replying`);
}

function describeTarget(interaction: CommandInteraction | ButtonInteraction): string {
  return interaction.kind === 'command' ? `/${interaction.commandName}` : `button ${interaction.customId}`;
}

function describe(interaction: AnyInteraction): Record<string, unknown> {
  return {
    interaction: interaction.id,
    kind: interaction.kind,
    ...(interaction.kind === 'button' ? { customId: interaction.customId } : { command: interaction.commandName }),
    user: interaction.user.id,
    guild: interaction.guildId,
  };
}

/** Handle one interaction. Never rejects: a failure is logged and reported to the user. */
export async function handle(interaction: AnyInteraction, commands: Registry, ctx: BotContext, options: HandleOptions = {}): Promise<void> {
  const t0 = performance.now();
  try {
    await run(interaction, commands, ctx, options);
    log.debug('handled', { ...describe(interaction), ms: Math.round(performance.now() - t0) });
  } catch (err) {
    log.error('interaction failed', { ...describe(interaction), error: err });
    try {
      if (interaction.kind === 'autocomplete') {
        if (!interaction.responded) await interaction.respond([]);
      } else if (interaction.replied || interaction.deferred) {
        await interaction.followUp(notice(ERROR_MESSAGE));
      } else {
        await interaction.reply(notice(ERROR_MESSAGE));
      }
    } catch (reportErr) {
      log.error('could not tell the user about the failure', { ...describe(interaction), error: reportErr });
    }
  }
}
