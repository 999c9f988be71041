// /quote [about:<text>] [speaker:<autocomplete>] [article:<autocomplete>]: direct quotations from the
// articles, verbatim, with who said them and where.
import { ApplicationCommandOptionType, type APIEmbedField } from 'discord.js';
import { LIMITS, articleChoices, escapeMarkdown, fitText, message, quoteBlock, resolveArticleOption, userText, type Command } from '../src/bot/index.ts';
import type { FoundQuotation } from '../src/quotes/search.ts';

const LIMIT = 6;

const data = {
  name: 'quote',
  description: 'Direct quotations from the articles, word for word, with who said them.',
  options: [
    { type: ApplicationCommandOptionType.String, name: 'about', description: 'What the quotation is about, e.g. "war crimes"', required: false, max_length: 200 },
    { type: ApplicationCommandOptionType.String, name: 'speaker', description: 'Who said it', required: false, autocomplete: true, max_length: 100 },
    { type: ApplicationCommandOptionType.String, name: 'article', description: 'Only quotations from this article', required: false, autocomplete: true, max_length: 100 },
  ],
} satisfies Command['data'];

function quotationField(q: FoundQuotation, n: number): APIEmbedField {
  const who = q.speaker ? `**${escapeMarkdown(q.speaker)}**` : 'Speaker not named';
  let tail = `— ${who} · *${escapeMarkdown(q.title)}*${q.source ? `, ${escapeMarkdown(q.source)}` : ''}`;
  if (tail.length > 400) tail = `— ${who} · *${fitText(q.title, 200)}*`;
  return { name: `[${n}] Paragraph ${q.paragraph}`, value: `${quoteBlock(q.text, LIMITS.fieldValue - tail.length - 1)}\n${fitText(tail, 500, (s) => s)}` };
}

export default {
  data,
  defer: 'public',
  rateLimited: true,
  async execute(interaction, ctx) {
    const about = interaction.options.getString('about')?.trim() || null;
    const speaker = interaction.options.getString('speaker')?.trim() || null;
    const option = resolveArticleOption(interaction, ctx);
    if (option.kind === 'problem') {
      await interaction.editReply(message({ content: option.message }));
      return;
    }
    const article = option.kind === 'found' ? option.article : null;
    const found = ctx.library.quotations(
      { ...(about ? { about } : {}), ...(speaker ? { speaker } : {}), ...(article ? { articleId: article.id } : {}) },
      LIMIT,
    );
    const asked = [
      about ? `about “${fitText(userText(about), 200)}”` : null,
      speaker ? `by ${fitText(userText(speaker), 100)}` : null,
      article ? `in *${escapeMarkdown(article.title)}*` : null,
    ].filter((x) => x !== null);
    if (found.length === 0) {
      await interaction.editReply(message({ content: `No quotations found${asked.length ? ` ${asked.join(' ')}` : ''}. Try fewer or other words, or /quote with no options to see some.` }));
      return;
    }
    await interaction.editReply(
      message({
        content: '',
        embeds: [
          {
            title: 'Quotations',
            description: `${found.length} direct quotation${found.length === 1 ? '' : 's'}${asked.length ? ` ${asked.join(' ')}` : ''}, word for word.`,
            fields: found.map((q, i) => quotationField(q, i + 1)),
            footer: { text: `Quoted word for word from the articles · corpus ${ctx.library.version.slice(0, 8)}` },
          },
        ],
      }),
    );
  },
  async autocomplete(interaction, ctx) {
    if (interaction.focused.name === 'article') return articleChoices(ctx.library, interaction.focused.value);
    if (interaction.focused.name === 'speaker') {
      return ctx.library.speakers(interaction.focused.value).map((s) => ({ name: `${s.name} (${s.count} quotation${s.count === 1 ? '' : 's'})`, value: s.name }));
    }
    return [];
  },
} satisfies Command;
