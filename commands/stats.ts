// /stats (moderators): how often questions are asked, how answers are voted, and the least-liked answers.
import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { LIMITS, escapeMarkdown, fitText, linesWithin, message, type Command } from '../src/bot/index.ts';

const data = {
  name: 'stats',
  description: 'Questions asked, votes on answers, and the least-liked answers (moderators only).',
  default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  contexts: [InteractionContextType.Guild],
} satisfies Command['data'];

export default {
  data,
  defer: 'ephemeral',
  async execute(interaction, ctx) {
    const s = ctx.feedback.stats(10);
    const summary = [
      `**${s.asked}** question${s.asked === 1 ? '' : 's'} answered: ${s.answered} with quotations, ${s.abstained} where the articles don't say; ${s.cached} from the cache.`,
      `Votes: 👍 ${s.up} · 👎 ${s.down}`,
    ];
    const asked = s.questions.map((q) => `**${q.count}×** ${fitText(q.question, 200)}${q.abstained > 0 ? ` (the articles didn't say ${q.abstained}×)` : ''}`);
    const disliked = s.leastLiked.map((d) => {
      const shown = d.kind === 'not-found' ? "the articles don't say" : d.shortAnswer !== null ? `“${fitText(d.shortAnswer, 100)}”` : `${d.citations} quoted sentence${d.citations === 1 ? '' : 's'}`;
      return `👎 ${d.down} · 👍 ${d.up} — ${fitText(d.question, 200)} → ${shown} (corpus ${d.corpusVersion.slice(0, 8)}, answer ${escapeMarkdown(d.answerId)})`;
    });
    await interaction.editReply(
      message({
        content: '',
        embeds: [
          {
            title: 'Answer statistics',
            description: summary.join('\n'),
            fields: [
              { name: 'Most asked', value: asked.length ? linesWithin(asked, LIMITS.fieldValue) : 'No questions yet.' },
              { name: 'Least liked', value: disliked.length ? linesWithin(disliked, LIMITS.fieldValue) : 'No answer has more 👎 than 👍.' },
            ],
          },
        ],
      }),
    );
  },
} satisfies Command;
