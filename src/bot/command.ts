// A command is data plus functions: its registration `data`, `execute` for the slash command, and optionally
// `autocomplete` (choices for an option being typed) and `press` (its buttons, whose custom ids start with
// the command's name and a colon). The loader admits only modules whose default export passes `isCommand`.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AutocompleteInteraction, ButtonInteraction, Choice, CommandInteraction } from './interaction.ts';
import type { BotContext, CommandData } from './context.ts';

export interface Command {
  readonly data: CommandData;
  /**
   * How the handler acknowledges the command before `execute` runs, for work that can outlast Discord's
   * 3-second deadline: a visible "thinking" ('public') or one only the user sees ('ephemeral'). Without it,
   * `execute` must reply itself, at once.
   */
  readonly defer?: 'public' | 'ephemeral';
  /**
   * The command and its buttons answer questions: each use counts against the per-user and per-server rate
   * limits (src/bot/ratelimit.ts). Autocomplete never does.
   */
  readonly rateLimited?: boolean;
  execute(interaction: CommandInteraction, ctx: BotContext): Promise<void>;
  /** Choices for the focused option; the handler sends them, fitted to Discord's limits. */
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<readonly Choice[]>;
  /** A press on one of this command's buttons (custom id `<name>:...`). */
  press?(interaction: ButtonInteraction, ctx: BotContext): Promise<void>;
}

const NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

export function isCommand(x: unknown): x is Command {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  const data = c.data as Record<string, unknown> | null | undefined;
  if (typeof data !== 'object' || data === null) return false;
  if (typeof data.name !== 'string' || !NAME.test(data.name)) return false;
  if (typeof data.description !== 'string' || data.description.length < 1 || data.description.length > 100) return false;
  if (data.options !== undefined && !Array.isArray(data.options)) return false;
  if (typeof c.execute !== 'function') return false;
  if (c.autocomplete !== undefined && typeof c.autocomplete !== 'function') return false;
  if (c.press !== undefined && typeof c.press !== 'function') return false;
  if (c.defer !== undefined && c.defer !== 'public' && c.defer !== 'ephemeral') return false;
  if (c.rateLimited !== undefined && typeof c.rateLimited !== 'boolean') return false;
  return true;
}

/** The project's commands/ folder. */
export const COMMANDS_DIR = new URL('../../commands/', import.meta.url);

/**
 * Every command module in `dir` (a .ts or .js file, tests and declarations aside), by name. Throws, naming the
 * file, for a module whose default export is not a command and for two commands with one name: both are bugs.
 */
export async function loadCommands(dir: URL | string = COMMANDS_DIR): Promise<Map<string, Command>> {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const files = (await readdir(path)).filter((f) => /\.(?:ts|js|mjs)$/.test(f) && !/\.(?:d|test|spec)\.[mc]?[tj]s$/.test(f)).sort();
  const commands = new Map<string, Command>();
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(path, file)).href)) as { default?: unknown };
    if (!isCommand(mod.default)) throw new Error(`commands: ${file} does not default-export a command ({ data, execute })`);
    const name = mod.default.data.name;
    if (commands.has(name)) throw new Error(`commands: duplicate command name "${name}" in ${file}`);
    commands.set(name, mod.default);
  }
  return commands;
}
