// /sources [filter:<text>]: the articles in the corpus, a page at a time, with buttons to turn pages.
import { ApplicationCommandOptionType } from 'discord.js';
import { LIMITS, counted, escapeMarkdown, fitText, formatBytes, linesWithin, message, notice, pageButtons, userText, type BotContext, type Command, type OutgoingMessage } from '../src/bot/index.ts';

export const PAGE_SIZE = 8;
const FILTER_MAX = 60;
/** The page buttons carry the filter: `sources:page:<n>:<filter>` must fit Discord's 100-character custom id. */
const PAGE_PREFIX_MAX = 'sources:page:999999:'.length;

/**
 * The filter as searched and as carried by the page buttons: one line, at most FILTER_MAX characters and at
 * most what a custom id has room for (counted in UTF-16 units, as the limit is), never half an emoji.
 */
function filterOf(typed: string): string {
  let out = '';
  let n = 0;
  for (const ch of userText(typed)) {
    if (++n > FILTER_MAX || out.length + ch.length > LIMITS.customId - PAGE_PREFIX_MAX) break;
    out += ch;
  }
  return out.trim();
}

const data = {
  name: 'sources',
  description: 'List the news articles the bot answers from.',
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'filter',
      description: 'Only articles whose title, id or publisher contains this',
      required: false,
      max_length: FILTER_MAX,
    },
  ],
} satisfies Command['data'];

function renderPage(ctx: BotContext, filter: string, requested: number, ephemeral: boolean): OutgoingMessage {
  const articles = ctx.library.articles(filter);
  if (articles.length === 0) {
    return filter ? notice(`No article matches “${fitText(filter, 100)}”. Try /sources without a filter.`) : notice('The corpus has no articles.');
  }
  const pages = Math.ceil(articles.length / PAGE_SIZE);
  const page = Math.min(Math.max(0, requested), pages - 1);
  const first = page * PAGE_SIZE;
  const entries = articles.slice(first, first + PAGE_SIZE).map((a, i) =>
    [
      `**${first + i + 1}.** ${fitText(a.title, 300)}`,
      `${a.source ? escapeMarkdown(a.source) : 'publisher not named'} · id ${fitText(a.id, 200)} · ${formatBytes(a.bytes)} · ${counted(a.sentences, 'sentence')}`,
    ].join('\n'),
  );
  const heading = filter ? `Articles matching “${fitText(filter, 100)}”:\n` : '';
  return message({
    content: '',
    embeds: [
      {
        title: 'Articles',
        description: heading + linesWithin(entries, LIMITS.embedDescription - heading.length),
        footer: { text: `Page ${page + 1} of ${pages} · ${counted(articles.length, 'article')}` },
      },
    ],
    components: pages > 1 ? [pageButtons(page, pages, (p) => `sources:page:${p}:${filter}`)!] : [],
    ephemeral,
  });
}

export default {
  data,
  async execute(interaction, ctx) {
    const filter = filterOf(interaction.options.getString('filter') ?? '');
    await interaction.reply(renderPage(ctx, filter, 0, false));
  },
  async press(interaction, ctx) {
    // sources:page:<n>:<filter>; the filter may itself contain colons.
    const m = /^sources:page:(\d{1,6}):(.*)$/su.exec(interaction.customId);
    if (!m) {
      await interaction.reply(notice('That button no longer does anything. Run /sources again.'));
      return;
    }
    await interaction.update(renderPage(ctx, filterOf(m[2]!), Number(m[1]), false));
  },
} satisfies Command;
