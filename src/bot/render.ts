// Turning text into Discord messages that render as intended and are never rejected: markdown escaping for
// text we quote, cutting at sentence (else word) boundaries with a visible marker, and a last guard that fits
// a whole message to Discord's limits. Pure.
import { ButtonStyle, ComponentType, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { ArticleSummary } from '../engine.ts';
import { LIMITS } from './limits.ts';
import { NO_MENTIONS, type ButtonRow, type Choice, type OutgoingMessage } from './interaction.ts';

/** Appended wherever text was cut, so a reader can see that it was. */
export const CUT = ' […]';

// Characters that start or end Discord markdown: emphasis (* _ ~), code (`), spoilers (|), quotes (>), headings
// (#), lists (-), masked links ([ ]), mentions, channels and timestamps (<), and the escape itself. Discord
// treats a backslash before any ASCII punctuation as an escape, so escaping one more than needed is harmless.
const MARKDOWN = /[\\*_`~|>#<[\]-]/g;
// "1. " at the start of a line would become a numbered list.
const NUMBERED = /^(\s*\d+)\./gm;

/** Lone UTF-16 surrogates (half an emoji, from a bad client or a cut) as U+FFFD, and NUL removed. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD').replace(/\0/g, '');
}

/**
 * Text a user typed, made fit to show back to them on one line: well-formed; control characters and line
 * breaks as spaces; invisible format characters removed (right-to-left overrides that would reverse the rest
 * of the line, zero-width spaces), except the joiners and tags inside emoji; combining marks kept to three
 * per letter, so a "Zalgo" flood cannot smear over the lines around it. Right-to-left scripts, emoji and
 * accents are kept. Escape it (or fit it with fitText) before putting it in markdown.
 */
export function userText(raw: string): string {
  return wellFormed(raw)
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/(?![\u200D\u{E0020}-\u{E007F}])\p{Cf}/gu, '')
    .replace(/(\p{M}{3})\p{M}+/gu, '$1')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** A Discord timestamp's moment as the words a news article uses for a date: "14 November 2023" (UTC). */
function dateWords(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? ' ' : date.toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
}

/**
 * A question typed in Discord as the words it shows, for the engine, which reads words: markup read as words made
 * it decline ("No article mentions “R”" for a timestamp, <t:1700000000:R>). Emphasis, strike-through, spoilers and
 * code marks are dropped (**who** called, ||spoiler||, \`ICC\`), a heading, subtext or quote mark at the start too;
 * a masked link is its text; a timestamp is the date it stands for (UTC; a time of day alone is dropped); mentions of users, roles, channels and
 * commands, and custom emoji, are dropped. Escaped characters (\*) are kept as the characters. Pure.
 */
export function questionText(raw: string): string {
  return raw
    // A time of day alone (:t, :T) names no date; the other styles show one, or how long ago it was (:R).
    .replace(/<t:(-?\d{1,13})(?::([tTdDfFR]))?>/g, (_m, s: string, style?: string) => (style === 't' || style === 'T' ? ' ' : dateWords(Number(s))))
    .replace(/<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|<\/[^:>\n]+:\d+>/g, ' ')
    .replace(/\[([^\]\n]+)\]\(<?https?:\/\/(?:[^()\s]|\([^()\s]*\))+>?\)/g, '$1')
    .replace(/^\s*(?:#{1,3}|-#|>{1,3})\s+/, '')
    .replace(/(?<!\\)(?:\*\*|__|~~|\|\||`+)/g, '')
    .replace(/(^|[\s("'])[*_](?=\S)([^*_\n]*?[^\s\\])[*_](?=[\s).,!?;:"']|$)/g, '$1$2')
    .replace(/\\([^\p{L}\p{N}\s])/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The ◀ / ▶ row of a paged reply (/sources, /quote, /audit), on page `page` of `pages`: `idOf` gives the custom id
 * that asks for a page, or null when it cannot be made (too long for Discord), and then there is no row.
 */
export function pageButtons(page: number, pages: number, idOf: (page: number) => string | null, labels: readonly [string, string] = ['◀ Previous', 'Next ▶']): ButtonRow | null {
  const previous = idOf(Math.max(0, page - 1));
  const next = idOf(Math.min(pages - 1, page + 1));
  if (previous === null || next === null) return null;
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: labels[0], custom_id: previous, disabled: page === 0 },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: labels[1], custom_id: next, disabled: page >= pages - 1 },
    ],
  };
}

/** `text` with every markdown character escaped: Discord shows it exactly as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN, '\\$&').replace(NUMBERED, '$1\\.');
}

/**
 * Discord markdown as plain text, for the console: escapes undone, and the emphasis and code marks we add
 * (every unescaped * and `, since quoted text has its own escaped) dropped.
 * `plainText(escapeMarkdown(x)) === x` for every string x.
 */
export function plainText(markdown: string): string {
  return markdown.replace(/\\([^\p{L}\p{N}\s])|[*`]/gu, (_m, escaped: string | undefined) => escaped ?? '');
}

const graphemeSegmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Offsets just after each sentence end (terminal punctuation and any closing quotes or brackets, followed by
 * a space or the end), ascending. Deliberately simpler than the engine's segmenter: a cut after "U.S." is
 * still a cut between words, and a lower-case sentence start still counts.
 */
function sentenceEnds(text: string): number[] {
  const ends: number[] = [];
  for (const m of text.matchAll(/[.!?…]+["'”’)\]]*(?=\s|$)/gu)) ends.push(m.index + m[0].length);
  return ends;
}

/** Offsets just after each word (before the whitespace that follows it), ascending. */
function wordEnds(text: string): number[] {
  const ends: number[] = [];
  for (const m of text.matchAll(/\S(?=\s|$)/gu)) ends.push(m.index + m[0].length);
  return ends;
}

/** Offsets between graphemes (so a cut never splits an emoji or a surrogate pair), ascending. */
function graphemeEnds(text: string): number[] {
  const ends: number[] = [];
  for (const g of graphemeSegmenter.segment(text)) ends.push(g.index + g.segment.length);
  return ends;
}

/** The greatest of the ascending `ends` for which `fits` holds, given `fits` holds for a prefix of them; else 0. */
function lastFitting(ends: readonly number[], fits: (end: number) => boolean): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fits(ends[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : ends[lo - 1]!;
}

/**
 * `raw` passed through `escape` and cut to at most `max` characters. Cuts at the last sentence end that fits;
 * when that would drop more than 40% of the room (one long sentence), at the last word end instead; and only
 * when a single word is longer than the whole room, between characters. CUT marks every cut.
 */
export function fitText(raw: string, max: number, escape: (s: string) => string = escapeMarkdown): string {
  const whole = escape(raw);
  if (whole.length <= max) return whole;
  const trimmed = escape(raw.trimEnd());
  if (trimmed.length <= max) return trimmed;
  const room = max - CUT.length;
  if (room <= 0) return CUT.trim().slice(0, Math.max(0, max));
  const fits = (end: number) => escape(raw.slice(0, end).trimEnd()).length <= room;
  const bySentence = lastFitting(sentenceEnds(raw), fits);
  const byWord = bySentence >= room * 0.6 ? bySentence : Math.max(bySentence, lastFitting(wordEnds(raw), fits));
  const end = byWord > 0 ? byWord : lastFitting(graphemeEnds(raw), fits);
  if (end === 0) return CUT.trim();
  return `${escape(raw.slice(0, end).trimEnd())}${CUT}`;
}

/** Plain text (a label, a footer, an autocomplete choice: places Discord shows without markdown) fitted to max. */
export function fitPlain(raw: string, max: number): string {
  return fitText(raw, max, (s) => s);
}

/**
 * Article text as a block quote: each line prefixed with "> " and escaped, cut to fit `max` in total.
 * The quoted words are the article's, exactly, once the escapes are read.
 */
export function quoteBlock(raw: string, max: number): string {
  const quote = (s: string) =>
    escapeMarkdown(s)
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
  return fitText(raw, max, quote);
}

/**
 * Markdown we built, cut to `max` as a last resort: at a line end, else a word end, never leaving a dangling
 * escape. The renderers fit their text before this; it exists so that no message can ever be rejected.
 */
export function cutMarkdown(markdown: string, max: number): string {
  if (markdown.length <= max) return markdown;
  const room = max - CUT.length;
  if (room <= 0) return CUT.trim().slice(0, Math.max(0, max));
  let end = markdown.lastIndexOf('\n', room);
  if (end < room * 0.6) end = Math.max(end, markdown.slice(0, room + 1).search(/\s\S*$/u));
  if (end <= 0) end = room;
  let head = markdown.slice(0, end).trimEnd();
  // An odd run of backslashes at the end would escape the marker's space.
  const trailing = /\\+$/.exec(head)?.[0].length ?? 0;
  if (trailing % 2 === 1) head = head.slice(0, -1);
  // Never leave half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}${CUT}`;
}

function embedLength(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

function fitEmbed(e: APIEmbed, room: number): APIEmbed {
  const out: APIEmbed = { ...e };
  if (out.title !== undefined) out.title = wellFormed(out.title);
  if (out.description !== undefined) out.description = wellFormed(out.description);
  if (out.author !== undefined) out.author = { ...out.author, name: wellFormed(out.author.name) };
  if (out.footer !== undefined) out.footer = { ...out.footer, text: wellFormed(out.footer.text) };
  if (out.fields !== undefined) out.fields = out.fields.map((f) => ({ ...f, name: wellFormed(f.name), value: wellFormed(f.value) }));
  if (out.title !== undefined) out.title = cutMarkdown(out.title, LIMITS.embedTitle);
  if (out.description !== undefined) out.description = cutMarkdown(out.description, LIMITS.embedDescription);
  if (out.author !== undefined) out.author = { ...out.author, name: fitPlain(out.author.name, LIMITS.authorName) };
  if (out.footer !== undefined) out.footer = { ...out.footer, text: fitPlain(out.footer.text, LIMITS.footer) };
  let fields: APIEmbedField[] | undefined = out.fields?.slice(0, LIMITS.fields).map((f) => ({
    ...f,
    name: cutMarkdown(f.name, LIMITS.fieldName),
    value: cutMarkdown(f.value, LIMITS.fieldValue),
  }));
  let dropped = (out.fields?.length ?? 0) - (fields?.length ?? 0);
  const note = (n: number) => `${n} more not shown`;
  const withFields = () => embedLength({ ...out, ...(fields ? { fields } : {}) }) + (dropped > 0 ? note(dropped).length + 3 : 0);
  while (fields && fields.length > 0 && withFields() > room) {
    fields = fields.slice(0, -1);
    dropped++;
  }
  if (fields) out.fields = fields;
  if (dropped > 0) {
    const tail = note(dropped);
    const text = out.footer ? `${fitPlain(out.footer.text, LIMITS.footer - tail.length - 3)} · ${tail}` : tail;
    out.footer = { ...out.footer, text };
  }
  // Still over the room left in the message: give up description, then footer, title and author text.
  for (const part of ['description', 'footer', 'title', 'author'] as const) {
    const over = embedLength(out) - room;
    if (over <= 0) break;
    if (part === 'description' && out.description !== undefined) {
      const cut = cutMarkdown(out.description, Math.max(0, out.description.length - over));
      if (cut.length > 0 && cut.length < out.description.length) out.description = cut;
      else delete out.description;
    } else if (part === 'title' && out.title !== undefined) {
      const cut = cutMarkdown(out.title, Math.max(0, out.title.length - over));
      if (cut.length > 0 && cut.length < out.title.length) out.title = cut;
      else delete out.title;
    } else if (part === 'footer' && out.footer !== undefined) {
      const cut = fitPlain(out.footer.text, Math.max(0, out.footer.text.length - over));
      if (cut.length > 0 && cut.length < out.footer.text.length) out.footer = { ...out.footer, text: cut };
      else delete out.footer;
    } else if (part === 'author' && out.author !== undefined) {
      const cut = fitPlain(out.author.name, Math.max(0, out.author.name.length - over));
      if (cut.length > 0 && cut.length < out.author.name.length) out.author = { ...out.author, name: cut };
      else delete out.author;
    }
  }
  return out;
}

function fitRows(rows: readonly ButtonRow[]): ButtonRow[] {
  return rows.slice(0, LIMITS.rows).map((row) => ({
    ...row,
    components: row.components
      // A custom_id cannot be shortened or mended without breaking what it names: such a button is left out.
      .filter((b) => b.custom_id.length <= LIMITS.customId && wellFormed(b.custom_id) === b.custom_id)
      .slice(0, LIMITS.buttonsPerRow)
      .map((b) => (b.label === undefined ? b : { ...b, label: fitPlain(wellFormed(b.label), LIMITS.buttonLabel) })),
  })).filter((row) => row.components.length > 0);
}

/** The message fitted to every Discord limit, with mentions disabled. Never throws. */
export function fitMessage(message: OutgoingMessage): OutgoingMessage {
  const embeds: APIEmbed[] = [];
  let room = LIMITS.embedTotal;
  for (const e of (message.embeds ?? []).slice(0, LIMITS.embeds)) {
    if (room <= 0) break;
    const fitted = fitEmbed(e, room);
    const size = embedLength(fitted);
    if (size === 0 || size > room) break;
    room -= size;
    embeds.push(fitted);
  }
  return {
    ...message,
    ...(message.content !== undefined ? { content: cutMarkdown(wellFormed(message.content), LIMITS.content) } : {}),
    ...(message.embeds !== undefined ? { embeds } : {}),
    ...(message.components !== undefined ? { components: fitRows(message.components) } : {}),
    allowedMentions: NO_MENTIONS,
  };
}

/** Autocomplete choices within Discord's limits: 25 at most, names cut, values too long to send left out. */
export function fitChoices(choices: readonly Choice[]): Choice[] {
  return choices
    .filter((c) => c.value.length > 0 && c.value.length <= LIMITS.choiceValue && wellFormed(c.value) === c.value)
    .slice(0, LIMITS.choices)
    .map((c) => ({ name: fitPlain(userText(c.name) || c.value, LIMITS.choiceName), value: c.value }));
}

/** A message: mentions are always off. */
export function message(parts: Omit<OutgoingMessage, 'allowedMentions'>): OutgoingMessage {
  return { ...parts, allowedMentions: NO_MENTIONS };
}

/** A short message only the user sees (refusals, errors, bad input). */
export function notice(text: string): OutgoingMessage {
  return message({ content: text, ephemeral: true });
}

/** The reranker's probability in words, for people. */
export function confidenceInWords(p: number): string {
  if (p >= 0.9) return 'very high';
  if (p >= 0.75) return 'high';
  if (p >= 0.5) return 'moderate';
  if (p >= 0.25) return 'low';
  return 'very low';
}

/** A moment as people read it, in UTC to the minute: "2026-11-21T06:15:02.120Z" -> "2026-11-21 06:15 UTC". */
export function formatTime(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

/** Durations as people read them: 86400 -> "24 h", 1800 -> "30 min", 45 -> "45 s". */
export function formatDuration(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export { counted, plural } from '../plural.ts';

/** Sizes as people read them: 4022 -> "3.9 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Lines of markdown joined with newlines, as many as fit in `max` (a long line cut to the room left), with a
 * last line saying how many were left out.
 */
export function linesWithin(lines: readonly string[], max: number): string {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const sep = out.length > 0 ? 1 : 0;
    const rest = lines.length - i - 1;
    const reserve = rest > 0 ? `\n…and ${rest} more`.length : 0;
    const room = max - used - sep - reserve;
    const line = room >= 40 ? cutMarkdown(lines[i]!, room) : '';
    if (line.length === 0) {
      const note = `…and ${lines.length - i} more`;
      if (used + sep + note.length <= max) out.push(note);
      break;
    }
    out.push(line);
    used += sep + line.length;
  }
  return out.join('\n');
}

/**
 * The reply to a moderator's change to one article (/remove, /restore): the article's title and publisher,
 * what happened in `details` (markdown, already escaped), and the file's SHA-256 as the footer.
 */
export function articleChangeMessage(title: string, article: Pick<ArticleSummary, 'title' | 'source'>, details: readonly string[], sha256: string): OutgoingMessage {
  const heading = `**${fitText(article.title, 300)}**${article.source ? ` (${escapeMarkdown(article.source)})` : ''}`;
  return message({ content: '', embeds: [{ title, description: [heading, ...details].join('\n'), footer: { text: `SHA-256 ${sha256}` } }] });
}

/**
 * A moderator's change refused: `Not removed: <reason>.` and that nothing was changed, unless undoing a
 * failed change could not put everything back (`leftChanged`: the reason says what is where).
 */
export function refusalMessage(heading: string, refused: { readonly reason: string; readonly leftChanged?: true }): OutgoingMessage {
  return notice(`${heading}: ${escapeMarkdown(refused.reason)}.${refused.leftChanged ? '' : '\nNothing was changed.'}`);
}
