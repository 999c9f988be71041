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

interface Replying {
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
