// /remove article:<autocomplete> (moderators): move an article's file to the trash and reindex.
import { ApplicationCommandOptionType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { actorOf, articleChangeMessage, articleChoices, counted, escapeMarkdown, fitText, notice, refusalMessage, resolveArticleOption, type Command, type OutgoingMessage } from '../src/bot/index.ts';
import { trashedPath, type RemoveOutcome } from '../src/curate/index.ts';

const data = {
  name: 'remove',
  description: 'Move an article to the trash; /restore brings it back (moderators only).',
  default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  contexts: [InteractionContextType.Guild],
  options: [{ type: ApplicationCommandOptionType.String, name: 'article', description: 'The article to remove', required: true, autocomplete: true, max_length: 200 }],
} satisfies Command['data'];

/** Another file had the same id and is served under it now: which one, and how to remove it too. */
function successorLine(a: NonNullable<Extract<RemoveOutcome, { kind: 'removed' }>['successor']>): string {
  return `Another file with the same id, ${escapeMarkdown(a.path)} (**${fitText(a.title, 200)}**), is served as ${escapeMarkdown(a.id)} now; /remove ${escapeMarkdown(a.id)} again to remove it too.`;
}

function render(outcome: RemoveOutcome): OutgoingMessage {
  if (outcome.kind === 'refused') return refusalMessage('Not removed', outcome);
  const a = outcome.article;
  return articleChangeMessage(
    'Article removed',
    a,
    [
      `id ${escapeMarkdown(a.id)} · ${counted(a.sentences, 'sentence')} no longer answered from.`,
      `The file is in the trash at ${escapeMarkdown(trashedPath(outcome.trash))}; /restore brings it back.`,
      ...(outcome.successor ? [successorLine(outcome.successor)] : []),
      `Corpus version ${outcome.version.before.slice(0, 8)} → ${outcome.version.after.slice(0, 8)}.`,
    ],
    outcome.trash.sha256,
  );
}

export default {
  data,
  defer: 'ephemeral',
  async execute(interaction, ctx) {
    const option = resolveArticleOption(interaction, ctx);
    if (option.kind !== 'found') {
      // 'absent' only from a client that skipped Discord's check of required options.
      await interaction.editReply(notice(option.kind === 'problem' ? option.message : 'Pick an article from the suggestions.'));
      return;
    }
    await interaction.editReply(render(await ctx.curator.remove(option.article.id, actorOf(interaction))));
  },
  async autocomplete(interaction, ctx) {
    return articleChoices(ctx.library, interaction.focused.value);
  },
} satisfies Command;
