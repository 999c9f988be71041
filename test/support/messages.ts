// What every message the bot sends must be, whatever text went in: what Discord accepts (the emulator's own
// limit rules, test/emulator/limits.ts), mentions off, valid Unicode with no NUL, nothing that reverses the
// line it sits in, and no mention, channel, emoji or timestamp markup left unescaped (so a question cannot
// make the bot show a pill or ping). And how the tests read a message back: its embed, its quotations, its
// buttons, with Discord's escapes undone. Shared by the in-process, fuzz and end-to-end tests.
import { expect } from 'vitest';
import { fitMessage } from '../../src/bot/render.ts';
import type { OutgoingMessage } from '../../src/bot/interaction.ts';
import type { StoredMessage } from '../emulator/discord.ts';
import { messageProblems } from '../emulator/limits.ts';

export type Json = Record<string, unknown>;

/** An embed as the tests read it. */
export interface Embed {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
}

/** Who uses a command in the emulated Discord: a member with Manage Server (a moderator), and one without. */
export const MODERATOR = { permissions: '32' } as const;
export const MEMBER = { permissions: '0' } as const;

/**
 * The body the Discord adapter (src/bot/discord.ts) sends for `m`, in Discord's field names: fitted, with
 * content always present and mentions off.
 */
export function wireBody(m: OutgoingMessage): Json {
  const f = fitMessage(m);
  return { content: f.content ?? '', embeds: [...(f.embeds ?? [])], components: [...(f.components ?? [])], allowed_mentions: f.allowedMentions };
}

/** `<@`, `<#`, `<t:`, `<:` or `<a:` preceded by an even number of backslashes: markup Discord would render. */
function unescapedMarkup(text: string): string | null {
  for (const m of text.matchAll(/<(?:@|#|t:|a?:)/g)) {
    let slashes = 0;
    for (let i = m.index - 1; i >= 0 && text[i] === '\\'; i--) slashes++;
    if (slashes % 2 === 0) return text.slice(Math.max(0, m.index - 10), m.index + 12);
  }
  return null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BIDI_OVERRIDE = /[\u202A-\u202E\u2066-\u2069]/;

/** Every string of a message body, with where it is and whether Discord reads it as markdown. */
function strings(body: Json): { path: string; text: string; markdown: boolean }[] {
  const out: { path: string; text: string; markdown: boolean }[] = [];
  const add = (path: string, v: unknown, markdown: boolean) => {
    if (typeof v === 'string') out.push({ path, text: v, markdown });
  };
  add('content', body.content, true);
  ((body.embeds as Json[] | undefined) ?? []).forEach((e, i) => {
    add(`embeds.${i}.title`, e.title, true);
    add(`embeds.${i}.description`, e.description, true);
    add(`embeds.${i}.footer`, (e.footer as Json | undefined)?.text, false);
    add(`embeds.${i}.author`, (e.author as Json | undefined)?.name, false);
    ((e.fields as Json[] | undefined) ?? []).forEach((f, j) => {
      add(`embeds.${i}.fields.${j}.name`, f.name, true);
      add(`embeds.${i}.fields.${j}.value`, f.value, true);
    });
  });
  ((body.components as Json[] | undefined) ?? []).forEach((r, i) =>
    ((r.components as Json[] | undefined) ?? []).forEach((b, j) => {
      add(`components.${i}.${j}.label`, b.label, false);
      add(`components.${i}.${j}.custom_id`, b.custom_id, false);
    }),
  );
  return out;
}

/** Everything wrong with a message body as it goes to Discord; [] when nothing is. */
export function bodyProblems(body: Json, creating = true): string[] {
  const problems = messageProblems(body, creating).map((p) => `${p.path}: ${p.message}`);
  const mentions = body.allowed_mentions;
  if (JSON.stringify(mentions) !== JSON.stringify({ parse: [] })) problems.push(`allowed_mentions is ${JSON.stringify(mentions)}`);
  for (const s of strings(body)) {
    if (LONE_SURROGATE.test(s.text)) problems.push(`${s.path}: half a surrogate pair`);
    if (s.text.includes('\0')) problems.push(`${s.path}: NUL`);
    if (BIDI_OVERRIDE.test(s.text)) problems.push(`${s.path}: a bidi override or isolate`);
    const markup = s.markdown ? unescapedMarkup(s.text) : null;
    if (markup !== null) problems.push(`${s.path}: unescaped markup near ${JSON.stringify(markup)}`);
  }
  return problems;
}

/** Undo Discord markdown escapes (an oracle independent of the bot's own plainText). */
export const unescape = (s: string) => s.replace(/\\([^A-Za-z0-9\s])/g, '$1');

/** The quoted article text of an embed field: its "> " lines, unescaped, without a cut marker; and whether it was cut. */
export function quoteOf(fieldValue: string): { text: string; cut: boolean } {
  const lines = fieldValue.split('\n').filter((l) => l.startsWith('> '));
  const joined = unescape(lines.map((l) => l.slice(2)).join('\n'));
  return joined.endsWith(' […]') ? { text: joined.slice(0, -' […]'.length), cut: true } : { text: joined, cut: false };
}

/** The one embed of a message the emulated Discord stored. */
export function embedOf(m: StoredMessage): Embed {
  expect(m.embeds.length).toBe(1);
  return m.embeds[0] as Embed;
}

/** The quoted text of each field of a message's embed (citations, closest matches, quotations), unescaped. */
export function quotesOf(m: StoredMessage): string[] {
  return (embedOf(m).fields ?? []).map((f) => quoteOf(f.value).text);
}

/** The custom ids of a message's buttons, row by row. */
export function buttonIds(m: StoredMessage): string[] {
  return m.components.flatMap((row) => ((row.components as Json[]) ?? []).map((b) => b.custom_id as string));
}
