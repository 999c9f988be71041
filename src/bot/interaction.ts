// The part of an interaction that commands see. Two adapters implement it: src/bot/discord.ts wraps the real
// discord.js interactions, src/bot/console.ts renders the same calls as text. Commands never learn which one
// they are talking to, so the console runs exactly the code Discord users get.
//
// The names follow discord.js (reply, deferReply, editReply, followUp, update, respond, deferred, replied) so
// that a reader who knows the discord.js guide can read a command module without this file.
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIEmbed } from 'discord.js';

/** Every message the bot sends carries this: nothing in an article or a question can ping anyone. */
export const NO_MENTIONS = Object.freeze({ parse: [] as [] });

export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

export interface OutgoingMessage {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components?: readonly ButtonRow[];
  /** Only the person who used the command sees it. Ignored by edits (Discord keeps the first choice). */
  readonly ephemeral?: boolean;
  readonly allowedMentions: typeof NO_MENTIONS;
}

export interface Actor {
  readonly id: string;
  readonly username: string;
}

/** The invoking member in a server; null in direct messages. */
export interface Member {
  /** The member's permission bits in the channel, as Discord computed them for this interaction. */
  readonly permissions: bigint;
  readonly roles: readonly string[];
}

interface Base {
  readonly id: string;
  readonly user: Actor;
  readonly guildId: string | null;
  readonly member: Member | null;
}

export interface StringOptions {
  /** The option's value, or null when it was not given. */
  getString(name: string): string | null;
}

/** A file a user attached to a command option, as Discord describes it. */
export interface AttachmentOption {
  /** The file name the user uploaded it under (theirs: never use it as a path). */
  readonly name: string;
  /** Where Discord serves it. */
  readonly url: string;
  readonly size: number;
  /** The media type Discord gives it, if any. */
  readonly contentType: string | null;
}

export interface CommandOptions extends StringOptions {
  /** The attachment given for the option, or null (always null in the console, which has no uploads). */
  getAttachment(name: string): AttachmentOption | null;
}

export interface Replying {
  readonly deferred: boolean;
  readonly replied: boolean;
  reply(message: OutgoingMessage): Promise<void>;
  editReply(message: OutgoingMessage): Promise<void>;
  followUp(message: OutgoingMessage): Promise<void>;
}

export interface CommandInteraction extends Base, Replying {
  readonly kind: 'command';
  readonly commandName: string;
  readonly options: CommandOptions;
  deferReply(options?: { ephemeral?: boolean }): Promise<void>;
}

export interface ButtonInteraction extends Base, Replying {
  readonly kind: 'button';
  readonly customId: string;
  /** Replace the message the button is on. */
  update(message: OutgoingMessage): Promise<void>;
  deferReply(options?: { ephemeral?: boolean }): Promise<void>;
}

export interface Choice {
  readonly name: string;
  readonly value: string;
}

export interface AutocompleteInteraction extends Base {
  readonly kind: 'autocomplete';
  readonly commandName: string;
  readonly options: StringOptions;
  /** The option being typed and what has been typed so far. */
  readonly focused: { readonly name: string; readonly value: string };
  readonly responded: boolean;
  respond(choices: readonly Choice[]): Promise<void>;
}

export type AnyInteraction = CommandInteraction | ButtonInteraction | AutocompleteInteraction;

/**
 * How an adapter delivers each kind of response. `update` is for buttons only (it replaces the message the
 * button is on).
 */
export interface ReplyTransport {
  deferReply(options: { readonly ephemeral: boolean }): Promise<void>;
  reply(message: OutgoingMessage): Promise<void>;
  editReply(message: OutgoingMessage): Promise<void>;
  followUp(message: OutgoingMessage): Promise<void>;
  update?(message: OutgoingMessage): Promise<void>;
}

export interface ReplyMethods extends Replying {
  deferReply(options?: { ephemeral?: boolean }): Promise<void>;
  update(message: OutgoingMessage): Promise<void>;
}

/**
 * `fields` with the response methods and their bookkeeping, the same for every adapter (Discord, the console,
 * the tests' recorder), following discord.js's rules: one first response (a reply, a deferral or a button's
 * update), then edits and follow-ups; an edit counts as replied. The state changes only once the transport has
 * sent, so after a first response that failed the error boundary can still reply. Misuse is a bug, and throws
 * naming `adapter`.
 */
export function withReplies<T extends object>(fields: T, transport: ReplyTransport, adapter: string): T & ReplyMethods {
  let deferred = false;
  let replied = false;
  const first = () => {
    if (deferred || replied) throw new Error(`${adapter}: interaction already acknowledged`);
  };
  const acknowledged = (what: string) => {
    if (!deferred && !replied) throw new Error(`${adapter}: ${what} before the interaction was acknowledged`);
  };
  const methods: ReplyMethods = {
    get deferred() {
      return deferred;
    },
    get replied() {
      return replied;
    },
    async deferReply(options) {
      first();
      await transport.deferReply({ ephemeral: options?.ephemeral === true });
      deferred = true;
    },
    async reply(message) {
      first();
      await transport.reply(message);
      replied = true;
    },
    async update(message) {
      if (!transport.update) throw new Error(`${adapter}: only a button's interaction can update its message`);
      first();
      await transport.update(message);
      replied = true;
    },
    async editReply(message) {
      acknowledged('editReply');
      await transport.editReply(message);
      replied = true;
    },
    async followUp(message) {
      acknowledged('followUp');
      await transport.followUp(message);
    },
  };
  // Property descriptors, not a spread: a spread would copy the getters' current values, not the getters.
  return Object.defineProperties({ ...fields }, Object.getOwnPropertyDescriptors(methods)) as T & ReplyMethods;
}
