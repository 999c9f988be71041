// /restore article:<autocomplete over the trash> (moderators): bring a removed article back and reindex.
import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { LIMITS, actorOf, articleChangeMessage, counted, escapeMarkdown, fitPlain, fitText, formatTime, linesWithin, notice, refusalMessage, userText, type Command, type OutgoingMessage } from '../src/bot/index.ts';
import type { RestoreOutcome, TrashEntry } from '../src/curate/index.ts';

const data = {
  name: 'restore',
  description: 'Bring back an article that /remove moved to the trash (moderators only).',
  default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  contexts: [InteractionContextType.Guild],
  options: [{ type: ApplicationCommandOptionType.String, name: 'article', description: 'The removed article to bring back', required: true, autocomplete: true, max_length: 200 }],
} satisfies Command['data'];

/** "<title> · removed <when> by <who>", the title cut so that the whole fits an autocomplete choice. */
function label(e: TrashEntry): string {
  const when = ` · removed ${formatTime(e.removedAt)} by ${fitPlain(e.removedBy.name, 32)}`;
  return `${fitPlain(e.title, LIMITS.choiceName - when.length)}${when}`;
}

function render(outcome: RestoreOutcome): OutgoingMessage {
  if (outcome.kind === 'refused') return refusalMessage('Not restored', outcome);
  const a = outcome.article;
  return articleChangeMessage(
    'Article restored',
    a,
    [
      `id ${escapeMarkdown(a.id)} · ${counted(a.sentences, 'sentence')} · back at ${escapeMarkdown(a.path)}`,
      `Removed ${formatTime(outcome.trash.removedAt)} by ${escapeMarkdown(outcome.trash.removedBy.name)}.`,
      `Corpus version ${outcome.version.before.slice(0, 8)} → ${outcome.version.after.slice(0, 8)}.`,
    ],
    outcome.trash.sha256,
  );
}

export default {
  data,
  defer: 'ephemeral',
  async execute(interaction, ctx) {
    const typed = interaction.options.getString('article') ?? '';
    const match = await ctx.curator.findInTrash(typed);
    if (match.kind === 'none') {
      await interaction.editReply(notice(`Nothing in the trash matches “${fitText(userText(typed), 100)}”. Pick a removed article from the suggestions.`));
      return;
    }
    if (match.kind === 'ambiguous') {
      const lines = match.entries.map((e) => `• ${escapeMarkdown(label(e))}`);
      await interaction.editReply(notice(`“${fitText(userText(typed), 100)}” matches ${match.entries.length} removed articles; pick one from the suggestions:\n${linesWithin(lines, 1500)}`));
      return;
    }
    await interaction.editReply(render(await ctx.curator.restore(match.entry.id, actorOf(interaction))));
  },
  async autocomplete(interaction, ctx) {
    return (await ctx.curator.trash(interaction.focused.value)).map((e) => ({ name: label(e), value: e.id }));
  },
} satisfies Command;
