// /ingest file:<attachment> | url:<https link> (moderators): add an article to the corpus and say what was
// found in it. The download, checks, conversion, saving and indexing are the curator's (src/curate).
import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { actorOf, escapeMarkdown, plural, fitText, formatBytes, message, notice, type Command, type OutgoingMessage } from '../src/bot/index.ts';
import type { IngestOutcome } from '../src/curate/index.ts';
import { MAX_URL_LENGTH } from '../src/ingest/index.ts';

const data = {
  name: 'ingest',
  description: 'Add a news article from a .txt, .md or .html file, or from a web page (moderators only).',
  default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  contexts: [InteractionContextType.Guild],
  options: [
    { type: ApplicationCommandOptionType.Attachment, name: 'file', description: 'The article as a .txt, .md or .html file', required: false },
    { type: ApplicationCommandOptionType.String, name: 'url', description: 'An https link to the article’s web page', required: false, max_length: MAX_URL_LENGTH },
  ],
} satisfies Command['data'];

export const GIVE_ONE = 'Give the article either as `file` (a .txt, .md or .html attachment) or as `url` (an https link to its web page), one of the two.';

const FORMAT = { text: 'plain text', markdown: 'Markdown', html: 'a web page, converted to text' } as const;

function render(outcome: IngestOutcome): OutgoingMessage {
  if (outcome.kind === 'refused') return notice(`Not ingested: ${escapeMarkdown(outcome.reason)}.\nNothing was added to the corpus.`);
  const a = outcome.article;
  const lines = [
    `**${fitText(a.title, 300)}**`,
    [a.source ? escapeMarkdown(a.source) : 'publisher not named', a.byline ? `by ${escapeMarkdown(a.byline)}` : null].filter((x) => x !== null).join(' · '),
    `**${a.sentences}** ${plural(a.sentences, 'sentence')} · id ${escapeMarkdown(a.id)} · ${formatBytes(a.bytes)} · from ${FORMAT[outcome.format]}`,
    `Source: ${fitText(outcome.from, 300)}`,
    `Corpus version ${outcome.version.before.slice(0, 8)} → ${outcome.version.after.slice(0, 8)}: questions are answered from it now.`,
  ];
  return message({ content: '', embeds: [{ title: 'Article ingested', description: lines.join('\n'), footer: { text: `SHA-256 ${outcome.sha256}` } }] });
}

export default {
  data,
  defer: 'ephemeral',
  async execute(interaction, ctx) {
    const file = interaction.options.getAttachment('file');
    const url = interaction.options.getString('url')?.trim() || null;
    if ((file === null) === (url === null)) {
      await interaction.editReply(notice(GIVE_ONE));
      return;
    }
    const source = file
      ? ({ kind: 'attachment', name: file.name, url: file.url, size: file.size, contentType: file.contentType } as const)
      : ({ kind: 'url', url: url! } as const);
    await interaction.editReply(render(await ctx.curator.ingest(source, actorOf(interaction))));
  },
} satisfies Command;
