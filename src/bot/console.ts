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
  const options = new Map<string, string>();
  const names = declared.map((o) => o.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
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

/** A message as console text, with its buttons numbered for /press. */
export function messageText(m: OutgoingMessage): { text: string; buttons: ShownButton[] } {
  const fitted = fitMessage(m);
  const lines: string[] = [];
  if (fitted.ephemeral) lines.push('(only you can see this)');
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
  let buttons: ShownButton[] = [];
  let sequence = 0;
  const nextId = () => `${Date.now()}${String(++sequence).padStart(4, '0')}`;

  const show = (m: OutgoingMessage, note?: string) => {
    const shown = messageText(m);
    if (shown.buttons.length > 0) buttons = shown.buttons;
    print(`${note ? `${note}\n` : ''}${shown.text}\n`);
  };

  /** Every response is printed; an update says it replaced the message its button is on. */
  const printed = (button: boolean): ReplyTransport => ({
    deferReply: async () => {},
    reply: async (m) => show(m),
    editReply: async (m) => show(m),
    followUp: async (m) => show(m),
    ...(button ? { update: async (m: OutgoingMessage) => show(m, '(message updated)') } : {}),
  });

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
        const n = Number(parsed.which);
        const button = Number.isInteger(n) ? buttons[n - 1] : buttons.find((b) => b.label.toLowerCase() === parsed.which.toLowerCase());
        if (!button) {
          print(buttons.length ? `No button "${parsed.which}". Buttons: ${buttons.map((b, i) => `[${i + 1}] ${b.label}`).join('  ')}\n` : 'No buttons to press yet.\n');
          return true;
        }
        if (button.disabled) {
          print(`The "${button.label}" button is disabled.\n`);
          return true;
        }
        const interaction: AnyInteraction = withReplies(
          { kind: 'button' as const, id: nextId(), user: USER, guildId: 'console', member: OPERATOR, customId: button.customId },
          printed(true),
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
          printed(false),
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
