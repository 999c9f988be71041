// The local console: a person types the slash commands (`/ask who called for an ICC investigation?`,
// `/sources filter:aleppo`, `/press 2` for a button) and sees the replies as text. Each line becomes an
// interaction object implementing the same interface as the Discord adapter and goes through the same
// handler and command modules: the console is another client, not another bot.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ApplicationCommandOptionType, PermissionFlagsBits, type APIApplicationCommandOption, type APIEmbed } from 'discord.js';
import { handle, type Registry } from './handler.ts';
import type { BotContext } from './context.ts';
import { withReplies, type AnyInteraction, type Member, type OutgoingMessage, type ReplyTransport } from './interaction.ts';
import { fitMessage, plainText } from './render.ts';

export type ParsedLine =
  | { readonly kind: 'empty' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'command'; readonly name: string; readonly options: ReadonlyMap<string, string> }
  | { readonly kind: 'press'; readonly which: string };

type StringOption = Extract<APIApplicationCommandOption, { type: ApplicationCommandOptionType.String }>;

function stringOptions(options: readonly APIApplicationCommandOption[] | undefined): StringOption[] {
  return (options ?? []).filter((o): o is StringOption => o.type === ApplicationCommandOptionType.String);
}

export function usageOf(name: string, options: readonly StringOption[]): string {
  return [`/${name}`, ...options.map((o) => (o.required ? `${o.name}:<text>` : `[${o.name}:<text>]`))].join(' ');
}

/** `text` as a regular expression that matches it literally (option names in a pattern). */
function regexSafe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What to say when the line gives an attachment option (`/ingest file:foo.txt`), or null. The console cannot
 * upload a file, and a local path is not taken in its place: an attachment is fetched from the address Discord
 * gives, through the same guarded download as a link, and a path would need a second way in.
 */
function attachmentGiven(name: string, options: readonly APIApplicationCommandOption[] | undefined, rest: string, declared: readonly StringOption[]): string | null {
  for (const o of options ?? []) {
    if (o.type !== ApplicationCommandOptionType.Attachment) continue;
    if (!new RegExp(`(?:^|\\s)${regexSafe(o.name)}:`, 'iu').test(rest)) continue;
    const instead = name === 'ingest' ? ' Give a link instead (/ingest url:<https link>), or copy a .txt or .md file into the articles folder (CORPUS_DIR) and run /refresh.' : declared.length > 0 ? ` Usage here: ${usageOf(name, declared)}` : '';
    return `The console cannot attach files, so /${name} ${o.name}: works only in Discord.${instead}`;
  }
  return null;
}

/**
 * One console line as a command: a known command, known options, the required ones present (with the usage
 * line when one is missing, which only the console can show). Text before the first `name:` goes to the
 * first option not otherwise given, so `/ask who called for an ICC investigation?` works. Lengths are the
 * handler's to check (`optionProblem`), for the console as for Discord.
 */
export function parseLine(line: string, commands: Registry): ParsedLine {
  const text = line.trim();
  if (text.length === 0) return { kind: 'empty' };
  if (/^\/(?:quit|exit)$/i.test(text)) return { kind: 'quit' };
  const press = /^\/press(?:\s+(.*))?$/is.exec(text);
  if (press) {
    const which = (press[1] ?? '').trim();
    return which ? { kind: 'press', which } : { kind: 'error', message: 'Say which button: /press 1, or /press Next' };
  }
  const m = /^\/?([^\s:]+)(?:\s+([\s\S]*))?$/u.exec(text);
  const name = m?.[1]?.toLowerCase() ?? '';
  const command = commands.get(name);
  if (!command) return { kind: 'error', message: `Unknown command "${name}". Commands: ${[...commands.keys()].map((n) => `/${n}`).join(', ')}, /press, /quit.` };
  const declared = stringOptions(command.data.options);
  const rest = (m?.[2] ?? '').trim();
  const attachment = attachmentGiven(name, command.data.options, rest, declared);
  if (attachment) return { kind: 'error', message: attachment };
  const options = new Map<string, string>();
  const names = declared.map((o) => regexSafe(o.name));
  const marker = names.length ? new RegExp(`(?:^|\\s)(${names.join('|')}):`, 'giu') : null;
  const marks = marker ? [...rest.matchAll(marker)] : [];
  const loose = (marks.length ? rest.slice(0, marks[0]!.index) : rest).trim();
  marks.forEach((mark, i) => {
    const start = mark.index + mark[0].length;
    const end = i + 1 < marks.length ? marks[i + 1]!.index : rest.length;
    options.set(mark[1]!.toLowerCase(), rest.slice(start, end).trim());
  });
  if (loose) {
    const free = declared.find((o) => !options.has(o.name));
    if (!free) return { kind: 'error', message: `Not sure what "${loose}" is for. Usage: ${usageOf(name, declared)}` };
    options.set(free.name, loose);
  }
  for (const o of declared) {
    const v = options.get(o.name);
    if (v === undefined || v.length === 0) {
      options.delete(o.name);
      if (o.required) return { kind: 'error', message: `/${name} needs ${o.name}. Usage: ${usageOf(name, declared)}` };
    }
  }
  return { kind: 'command', name, options };
}

function embedText(e: APIEmbed): string[] {
  const lines: string[] = [];
  if (e.title) lines.push(`== ${plainText(e.title)} ==`);
  if (e.description) lines.push(plainText(e.description));
  for (const f of e.fields ?? []) lines.push('', plainText(f.name), plainText(f.value));
  if (e.footer) lines.push('', `(${e.footer.text})`);
  return lines;
}

interface ShownButton {
  readonly customId: string;
  readonly label: string;
  readonly disabled: boolean;
}

/** Printed above a message that Discord shows only to the user who asked. */
const ONLY_YOU = '(only you can see this)';

/**
 * A message as console text, with its buttons numbered for /press. `ephemeral` is whether Discord shows it only
 * to the user, when that is not the message's own flag (an edit of a deferred reply is as the deferral was).
 */
export function messageText(m: OutgoingMessage, ephemeral = m.ephemeral === true): { text: string; buttons: ShownButton[] } {
  const fitted = fitMessage(m);
  const lines: string[] = [];
  if (ephemeral) lines.push(ONLY_YOU);
  if (fitted.content) lines.push(plainText(fitted.content));
  for (const e of fitted.embeds ?? []) lines.push(...embedText(e));
  const buttons: ShownButton[] = [];
  for (const row of fitted.components ?? []) {
    for (const b of row.components) buttons.push({ customId: b.custom_id, label: b.label ?? b.emoji?.name ?? b.custom_id, disabled: b.disabled === true });
  }
  if (buttons.length > 0) {
    lines.push('', `Buttons: ${buttons.map((b, i) => `[${i + 1}] ${b.label}${b.disabled ? ' (disabled)' : ''}`).join('  ')}   (/press <number>)`);
  }
  return { text: lines.join('\n'), buttons };
}

/** Who the console user is: the person running the bot, so a moderator of their own server. */
const OPERATOR: Member = { permissions: PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild, roles: [] };
const USER = { id: 'console', username: 'console' };

export interface ConsoleOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Show a prompt and echo (a person at a terminal); off for piped input. */
  readonly interactive: boolean;
  readonly commands: Registry;
  readonly ctx: BotContext;
  readonly signal?: AbortSignal;
}

/** Read commands until end of input, /quit or the signal; each is handled to the end before the next is read. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { input, output, interactive, commands, ctx, signal } = options;
  const print = (text: string) => output.write(`${text}\n`);
  /**
   * The message /press acts on: the latest reply to a command, its buttons as its last update left them. A
   * press's own reply takes its place only when it has buttons: a vote's thanks or "More sources" appear under
   * the answer in Discord, whose buttons can still be pressed.
   */
  let current: { readonly from: string; readonly buttons: readonly ShownButton[]; readonly ephemeral: boolean } | null = null;
  let sequence = 0;
  const nextId = () => `${Date.now()}${String(++sequence).padStart(4, '0')}`;

  /**
   * Every response is printed, marked as Discord would show it: a reply or follow-up only to the user when the
   * message says so; an edit as the deferral was (Discord ignores an edit's own flag, and so does the Discord
   * adapter); a button's update as the message it replaces was. `from` names the command, for /press's notes.
   */
  const printed = (from: string, button: boolean, pressedEphemeral = false): ReplyTransport => {
    let deferredEphemeral: boolean | null = null;
    const show = (m: OutgoingMessage, ephemeral: boolean, how: 'new' | 'edit' | 'update') => {
      const shown = messageText(m, ephemeral);
      if (!button || how === 'update' || shown.buttons.length > 0) current = { from, buttons: shown.buttons, ephemeral };
      print(`${how === 'update' ? '(message updated)\n' : ''}${shown.text}\n`);
    };
    return {
      deferReply: async (o) => {
        deferredEphemeral = o.ephemeral;
      },
      reply: async (m) => show(m, m.ephemeral === true, 'new'),
      editReply: async (m) => show(m, deferredEphemeral ?? m.ephemeral === true, 'edit'),
      followUp: async (m) => show(m, m.ephemeral === true, 'new'),
      ...(button ? { update: async (m: OutgoingMessage) => show(m, pressedEphemeral, 'update') } : {}),
    };
  };

  async function runLine(line: string): Promise<boolean> {
    const parsed = parseLine(line, commands);
    switch (parsed.kind) {
      case 'empty':
        return true;
      case 'quit':
        return false;
      case 'error':
        print(`${parsed.message}\n`);
        return true;
      case 'press': {
        if (current === null) {
          print('No buttons to press yet.\n');
          return true;
        }
        const { from, buttons, ephemeral } = current;
        if (buttons.length === 0) {
          print(`The last reply (${from}) has no buttons. /press presses a button of the latest reply only.\n`);
          return true;
        }
        const n = Number(parsed.which);
        const button = Number.isInteger(n) ? buttons[n - 1] : buttons.find((b) => b.label.toLowerCase() === parsed.which.toLowerCase());
        if (!button) {
          print(`No button "${parsed.which}" on the last reply (${from}). Buttons: ${buttons.map((b, i) => `[${i + 1}] ${b.label}`).join('  ')}\n`);
          return true;
        }
        if (button.disabled) {
          print(`The "${button.label}" button is disabled.\n`);
          return true;
        }
        const interaction: AnyInteraction = withReplies(
          { kind: 'button' as const, id: nextId(), user: USER, guildId: 'console', member: OPERATOR, customId: button.customId },
          printed(from, true, ephemeral),
          'console',
        );
        await handle(interaction, commands, ctx);
        return true;
      }
      case 'command': {
        const values = parsed.options;
        const interaction: AnyInteraction = withReplies(
          {
            kind: 'command' as const,
            id: nextId(),
            user: USER,
            guildId: 'console',
            member: OPERATOR,
            commandName: parsed.name,
            options: { getString: (name: string) => values.get(name) ?? null, getAttachment: () => null },
          },
          printed(`/${parsed.name}`, false),
          'console',
        );
        await handle(interaction, commands, ctx);
        return true;
      }
    }
  }

  const rl = createInterface({ input, ...(interactive ? { output, terminal: true } : { terminal: false }) });
  const close = () => rl.close();
  signal?.addEventListener('abort', close, { once: true });
  rl.on('SIGINT', close);
  try {
    if (interactive) {
      print('Verbatim local console. You are a moderator here. Try /help, /ask who called for an ICC investigation?, /sources, /quote about:war crimes; /quit to leave.');
      rl.setPrompt('verbatim> ');
      rl.prompt();
    }
    for await (const line of rl) {
      if (!(await runLine(line))) break;
      if (interactive) rl.prompt();
    }
  } finally {
    signal?.removeEventListener('abort', close);
    rl.close();
  }
}
