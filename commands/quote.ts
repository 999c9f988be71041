// /quote [about:<text>] [speaker:<autocomplete>] [article:<autocomplete>]: direct quotations from the
// articles, verbatim, with who said them and where, a page at a time, with buttons to turn pages.
import { ApplicationCommandOptionType, type APIEmbedField } from 'discord.js';
import { LIMITS, articleChoices, counted, escapeMarkdown, fitText, message, notice, pageButtons, quoteBlock, resolveArticleOption, userText, type BotContext, type Command, type OutgoingMessage } from '../src/bot/index.ts';
import type { ArticleSummary } from '../src/engine.ts';
import type { FoundQuotation } from '../src/quotes/search.ts';

/** Quotations on one page; the ◀ / ▶ buttons turn the pages, as /sources's do. */
export const QUOTE_PAGE_SIZE = 6;

const data = {
  name: 'quote',
  description: 'Direct quotations from the articles, word for word, with who said them.',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'about', description: 'What the quotation is about, e.g. "war crimes"', required: false, max_length: 200 },
    { type: ApplicationCommandOptionType.String, name: 'speaker', description: 'Who said it', required: false, autocomplete: true, max_length: 100 },
    { type: ApplicationCommandOptionType.String, name: 'article', description: 'Only quotations from this article', required: false, autocomplete: true, max_length: 100 },
  ],
} satisfies Command['data'];

/** What was asked for: each part null when not given. */
interface Asked {
  readonly about: string | null;
  readonly speaker: string | null;
  readonly article: ArticleSummary | null;
}

function quotationField(q: FoundQuotation, n: number): APIEmbedField {
  const who = q.speaker ? `**${escapeMarkdown(q.speaker)}**` : 'Speaker not named';
  let tail = `— ${who} · *${escapeMarkdown(q.title)}*${q.source ? `, ${escapeMarkdown(q.source)}` : ''}`;
  if (tail.length > 400) tail = `— ${who} · *${fitText(q.title, 200)}*`;
  return { name: `[${n}] Paragraph ${q.paragraph}`, value: `${quoteBlock(q.text, LIMITS.fieldValue - tail.length - 1)}\n${fitText(tail, 500, (s) => s)}` };
}

/**
 * A page button's custom id, carrying the query so that a press can run it again:
 * `quote:page:<page>:<article id length>:<speaker length>:<article id><speaker><about>` (the lengths say where
 * each part ends, so a part may hold any character). Null when it is longer than Discord allows: the reply
 * then says how to narrow the search instead.
 */
function pageId(page: number, asked: Asked): string | null {
  const id = asked.article?.id ?? '';
  const speaker = asked.speaker ?? '';
  const customId = `quote:page:${page}:${id.length}:${speaker.length}:${id}${speaker}${asked.about ?? ''}`;
  return customId.length <= LIMITS.customId ? customId : null;
}

/** The query a page button carries, or null for a button this version did not make. */
function queryOfButton(customId: string): { page: number; articleId: string | null; speaker: string | null; about: string | null } | null {
  const m = /^quote:page:(\d{1,6}):(\d{1,3}):(\d{1,3}):(.*)$/su.exec(customId);
  if (!m) return null;
  const rest = m[4]!;
  const idEnd = Number(m[2]);
  const speakerEnd = idEnd + Number(m[3]);
  if (speakerEnd > rest.length) return null;
  return { page: Number(m[1]), articleId: rest.slice(0, idEnd) || null, speaker: rest.slice(idEnd, speakerEnd) || null, about: rest.slice(speakerEnd) || null };
}

/** Page `requested` (from 0, clamped to the pages there are) of the quotations asked for. */
function renderPage(ctx: BotContext, asked: Asked, requested: number): OutgoingMessage {
  const query = { ...(asked.about ? { about: asked.about } : {}), ...(asked.speaker ? { speaker: asked.speaker } : {}), ...(asked.article ? { articleId: asked.article.id } : {}) };
  let found = ctx.library.quotations(query, { offset: Math.max(0, requested) * QUOTE_PAGE_SIZE, limit: QUOTE_PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(found.total / QUOTE_PAGE_SIZE));
  const page = Math.min(Math.max(0, requested), pages - 1);
  // A page past the end (the corpus changed since the button was made): the last page instead.
  if (page !== requested) found = ctx.library.quotations(query, { offset: page * QUOTE_PAGE_SIZE, limit: QUOTE_PAGE_SIZE });
  const described = [
    asked.about ? `about “${fitText(asked.about, 200)}”` : null,
    asked.speaker ? `by ${fitText(asked.speaker, 100)}` : null,
    asked.article ? `in *${escapeMarkdown(asked.article.title)}*` : null,
  ].filter((x) => x !== null);
  if (found.total === 0) {
    return message({ content: `No quotations found${described.length ? ` ${described.join(' ')}` : ''}. Try fewer or other words, or /quote with no options to see some.` });
  }
  const first = page * QUOTE_PAGE_SIZE;
  const lines = [`${counted(found.total, 'direct quotation')}${described.length ? ` ${described.join(' ')}` : ''}, word for word.`];
  const buttons = pages > 1 ? pageButtons(page, pages, (p) => pageId(p, asked)) : null;
  if (pages > 1) {
    const shown = `Showing ${first + 1}–${first + found.quotations.length} of ${found.total}`;
    // Without buttons (a query too long for one to carry) only the first page can be shown.
    lines.push(buttons ? `${shown}; ◀ / ▶ turn the pages.` : `${shown}. To see the others, ask again with a shorter about, speaker or article (the page buttons carry them, in 100 characters at most).`);
  }
  const quoted = `Quoted word for word from the articles · corpus ${ctx.library.version.slice(0, 8)}`;
  return message({
    content: '',
    embeds: [
      {
        title: 'Quotations',
        description: lines.join('\n'),
        fields: found.quotations.map((q, i) => quotationField(q, first + i + 1)),
        footer: { text: buttons ? `Page ${page + 1} of ${pages} · ${quoted}` : quoted },
      },
    ],
    components: buttons ? [buttons] : [],
  });
}

export default {
  data,
  defer: 'public',
  rateLimited: true,
  async execute(interaction, ctx) {
    // As shown back and as carried by the page buttons: one line, no invisible characters.
    const about = userText(interaction.options.getString('about') ?? '') || null;
    const speaker = userText(interaction.options.getString('speaker') ?? '') || null;
    const option = resolveArticleOption(interaction, ctx);
    if (option.kind === 'problem') {
      await interaction.editReply(message({ content: option.message }));
      return;
    }
    await interaction.editReply(renderPage(ctx, { about, speaker, article: option.kind === 'found' ? option.article : null }, 0));
  },
  async press(interaction, ctx) {
    const asked = queryOfButton(interaction.customId);
    if (!asked) {
      await interaction.reply(notice('That button no longer does anything. Run /quote again.'));
      return;
    }
    let article: ArticleSummary | null = null;
    if (asked.articleId !== null) {
      const match = ctx.library.resolveArticle(asked.articleId);
      if (match.kind !== 'found' || match.article.id !== asked.articleId) {
        await interaction.reply(notice('The article these quotations came from is no longer in the corpus. Run /quote again.'));
        return;
      }
      article = match.article;
    }
    // Made one line again, as execute made them: a custom id can come from a client other than ours.
    const about = asked.about === null ? null : userText(asked.about) || null;
    const speaker = asked.speaker === null ? null : userText(asked.speaker) || null;
    await interaction.update(renderPage(ctx, { about, speaker, article }, asked.page));
  },
  async autocomplete(interaction, ctx) {
    if (interaction.focused.name === 'article') return articleChoices(ctx.library, interaction.focused.value);
    if (interaction.focused.name === 'speaker') {
      return ctx.library.speakers(interaction.focused.value).map((s) => ({ name: `${s.name} (${counted(s.count, 'quotation')})`, value: s.name }));
    }
    return [];
  },
} satisfies Command;
