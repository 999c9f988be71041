// The bot's real pieces, in-process, for tests that look at the messages themselves rather than at Discord:
// an Engine on a corpus folder, the feedback store in a temporary folder, the real commands wired as the bot
// wires them (buildBotContext), and interaction objects that record what the commands send (a third transport
// for src/bot/interaction.ts's withReplies, beside the Discord and console adapters).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { Engine } from '../../src/engine.ts';
import { loadCommands, type Command } from '../../src/bot/command.ts';
import { buildBotContext, type BotContext } from '../../src/bot/context.ts';
import { createAnswers, openAnswerCache, type Answers } from '../../src/cache/index.ts';
import { logger } from '../../src/log.ts';
import { withReplies, type AnyInteraction, type ButtonInteraction, type Choice, type CommandInteraction, type Member, type OutgoingMessage, type ReplyMethods } from '../../src/bot/interaction.ts';
import { FeedbackStore } from '../../src/feedback/index.ts';

export interface Sent {
  readonly via: 'reply' | 'editReply' | 'followUp' | 'update';
  readonly message: OutgoingMessage;
}

export const MODERATOR: Member = { permissions: PermissionFlagsBits.ManageGuild, roles: [] };
export const MEMBER: Member = { permissions: 0n, roles: [] };

export interface Where {
  readonly member?: Member | null;
  readonly guildId?: string | null;
  readonly userId?: string;
}

export interface Recording {
  readonly sent: readonly Sent[];
  readonly deferred: boolean;
  readonly replied: boolean;
  /** How the interaction was deferred: null when it was not. */
  readonly deferredEphemeral: boolean | null;
}

let sequence = 0;

function who(where: Where) {
  return {
    id: `test-${++sequence}`,
    user: { id: where.userId ?? 'user-1', username: 'tester' },
    guildId: where.guildId === undefined ? 'guild-1' : where.guildId,
    member: where.member === undefined ? MEMBER : where.member,
  };
}

/** `fields` as an interaction whose responses are recorded, with the bookkeeping every adapter shares. */
function recorded<T extends object>(fields: T, button: boolean): { interaction: T & ReplyMethods; recording: Recording } {
  const sent: Sent[] = [];
  let deferredEphemeral: boolean | null = null;
  const interaction = withReplies(
    fields,
    {
      deferReply: async (o) => {
        deferredEphemeral = o.ephemeral;
      },
      reply: async (message) => void sent.push({ via: 'reply', message }),
      editReply: async (message) => void sent.push({ via: 'editReply', message }),
      followUp: async (message) => void sent.push({ via: 'followUp', message }),
      ...(button ? { update: async (message: OutgoingMessage) => void sent.push({ via: 'update', message }) } : {}),
    },
    'test',
  );
  const recording: Recording = {
    sent,
    get deferred() {
      return interaction.deferred;
    },
    get replied() {
      return interaction.replied;
    },
    get deferredEphemeral() {
      return deferredEphemeral;
    },
  };
  return { interaction, recording };
}

export function commandInteraction(name: string, options: Record<string, string>, where: Where = {}): { interaction: CommandInteraction; recording: Recording } {
  return recorded(
    { kind: 'command' as const, ...who(where), commandName: name, options: { getString: (n: string) => options[n] ?? null, getAttachment: () => null } },
    false,
  );
}

export function buttonInteraction(customId: string, where: Where = {}): { interaction: ButtonInteraction; recording: Recording } {
  return recorded({ kind: 'button' as const, ...who(where), customId }, true);
}

export function autocompleteInteraction(name: string, focused: string, typed: string, where: Where = {}): { interaction: AnyInteraction; choices: () => readonly Choice[] | null } {
  let result: readonly Choice[] | null = null;
  const interaction: AnyInteraction = {
    kind: 'autocomplete',
    ...who(where),
    commandName: name,
    options: { getString: (n) => (n === focused ? typed : null) },
    focused: { name: focused, value: typed },
    get responded() {
      return result !== null;
    },
    async respond(choices) {
      if (result !== null) throw new Error('test: autocomplete answered twice');
      result = choices;
    },
  };
  return { interaction, choices: () => result };
}

export interface Harness {
  readonly engine: Engine;
  /** The answers service in front of the engine (the in-memory cache, as `npm start` has by default). */
  readonly answers: Answers;
  readonly ctx: BotContext;
  readonly commands: Map<string, Command>;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The real context over `corpusDir`, with a fresh feedback folder. */
export async function harness(corpusDir: string): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'verbatim-data-'));
  const engine = await Engine.open({ corpusDir, maxFileBytes: 5 * 1024 * 1024 });
  const feedback = await FeedbackStore.open(dataDir);
  const commands = await loadCommands();
  const cache = await openAnswerCache({ url: null, ttlSeconds: 3600, log: logger('cache') });
  const answers = createAnswers({ engine, cache, log: logger('answers'), statsIntervalMs: 0 });
  const { ctx } = buildBotContext({
    engine,
    answers,
    feedback,
    commands,
    config: { maxFileBytes: 5 * 1024 * 1024, ingestMaxBytes: 2 * 1024 * 1024, ingestTimeoutMs: 5000, ingestAllowHosts: [], moderatorRoleId: 'role-mod', shard: null },
  });
  return {
    engine,
    answers,
    ctx,
    commands,
    dataDir,
    async close() {
      await answers.close();
      await feedback.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A temporary corpus folder holding `files` (relative path -> text). */
export function corpus(files: Record<string, string>): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'verbatim-corpus-'));
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
