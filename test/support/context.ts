// The bot's real pieces, in-process, for tests that look at the messages themselves rather than at Discord:
// an Engine on a corpus folder, the feedback store in a temporary folder, the real commands, and interaction
// objects that record what the commands send (the third implementation of src/bot/interaction.ts, beside
// the Discord and console adapters).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits } from 'discord.js';
import { Engine } from '../../src/engine.ts';
import { loadCommands, type Command } from '../../src/bot/command.ts';
import { answerService, engineLibrary, type BotContext } from '../../src/bot/context.ts';
import { createAnswers, openAnswerCache, type Answers } from '../../src/cache/index.ts';
import { logger } from '../../src/log.ts';
import type { AnyInteraction, ButtonInteraction, Choice, CommandInteraction, Member, OutgoingMessage } from '../../src/bot/interaction.ts';
import { FeedbackStore } from '../../src/feedback/index.ts';
import { Curator } from '../../src/curate/index.ts';

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

interface Recording {
  readonly sent: Sent[];
  deferred: boolean;
  replied: boolean;
  deferredEphemeral: boolean | null;
}

function replying(r: Recording) {
  const ack = () => {
    if (r.deferred || r.replied) throw new Error('test: interaction acknowledged twice');
  };
  return {
    get deferred() {
      return r.deferred;
    },
    get replied() {
      return r.replied;
    },
    async deferReply(o?: { ephemeral?: boolean }) {
      ack();
      r.deferred = true;
      r.deferredEphemeral = o?.ephemeral === true;
    },
    async reply(message: OutgoingMessage) {
      ack();
      r.replied = true;
      r.sent.push({ via: 'reply', message });
    },
    async editReply(message: OutgoingMessage) {
      if (!r.deferred && !r.replied) throw new Error('test: editReply before any reply');
      r.sent.push({ via: 'editReply', message });
    },
    async followUp(message: OutgoingMessage) {
      if (!r.deferred && !r.replied) throw new Error('test: followUp before any reply');
      r.sent.push({ via: 'followUp', message });
    },
  };
}

let sequence = 0;

export function commandInteraction(name: string, options: Record<string, string>, where: Where = {}): { interaction: CommandInteraction; recording: Recording } {
  const recording: Recording = { sent: [], deferred: false, replied: false, deferredEphemeral: null };
  const methods = replying(recording);
  const interaction: CommandInteraction = {
    kind: 'command',
    id: `test-${++sequence}`,
    user: { id: where.userId ?? 'user-1', username: 'tester' },
    guildId: where.guildId === undefined ? 'guild-1' : where.guildId,
    member: where.member === undefined ? MEMBER : where.member,
    commandName: name,
    options: { getString: (n) => options[n] ?? null, getAttachment: () => null },
    get deferred() {
      return recording.deferred;
    },
    get replied() {
      return recording.replied;
    },
    deferReply: methods.deferReply,
    reply: methods.reply,
    editReply: methods.editReply,
    followUp: methods.followUp,
  };
  return { interaction, recording };
}

export function buttonInteraction(customId: string, where: Where = {}): { interaction: ButtonInteraction; recording: Recording } {
  const recording: Recording = { sent: [], deferred: false, replied: false, deferredEphemeral: null };
  const methods = replying(recording);
  const interaction: ButtonInteraction = {
    kind: 'button',
    id: `test-${++sequence}`,
    user: { id: where.userId ?? 'user-1', username: 'tester' },
    guildId: where.guildId === undefined ? 'guild-1' : where.guildId,
    member: where.member === undefined ? MEMBER : where.member,
    customId,
    get deferred() {
      return recording.deferred;
    },
    get replied() {
      return recording.replied;
    },
    deferReply: methods.deferReply,
    reply: methods.reply,
    editReply: methods.editReply,
    followUp: methods.followUp,
    async update(message) {
      if (recording.deferred || recording.replied) throw new Error('test: interaction acknowledged twice');
      recording.replied = true;
      recording.sent.push({ via: 'update', message });
    },
  };
  return { interaction, recording };
}

export function autocompleteInteraction(name: string, focused: string, typed: string, where: Where = {}): { interaction: AnyInteraction; choices: () => readonly Choice[] | null } {
  let result: readonly Choice[] | null = null;
  const interaction: AnyInteraction = {
    kind: 'autocomplete',
    id: `test-${++sequence}`,
    user: { id: where.userId ?? 'user-1', username: 'tester' },
    guildId: where.guildId === undefined ? 'guild-1' : where.guildId,
    member: where.member === undefined ? MEMBER : where.member,
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
  const ctx: BotContext = {
    answers: answerService(engine, answers),
    library: engineLibrary(engine),
    curator: new Curator({
      engine,
      maxFileBytes: 5 * 1024 * 1024,
      limits: { maxBytes: 2 * 1024 * 1024, timeoutMs: 5000, allowHosts: [] },
      onReindexed: async () => {
        await answers.corpusChanged();
      },
    }),
    feedback,
    commands: [...commands.values()].map((c) => c.data),
    moderatorRoleId: 'role-mod',
    shard: null,
  };
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
