// /stats (moderators): how often questions are asked, how answers are voted, the least-liked answers, and the
// answer cache's hits and misses since this process (or this shard) started.
import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { LIMITS, counted, escapeMarkdown, plural, fitText, formatDuration, formatTime, linesWithin, message, userText, type BotContext, type Command } from '../src/bot/index.ts';

const data = {
  name: 'stats',
  description: 'Questions asked, votes, least-liked answers and answer-cache hits (moderators only).',
  default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  contexts: [InteractionContextType.Guild],
} satisfies Command['data'];

function cacheLines(ctx: BotContext): string[] {
  const c = ctx.answers.cacheStats();
  const since = ctx.shard ? `since shard ${ctx.shard.id} of ${ctx.shard.count} started` : 'since the bot started';
  const health = c.healthy
    ? 'healthy'
    : `**failing**${c.failingSince ? ` since ${formatTime(c.failingSince)}` : ''}: every question is answered by the engine until it is back`;
  return [
    `**${c.hits}** answered from the cache · **${c.misses}** by the engine · hit rate **${(c.hitRate * 100).toFixed(1)}%** (${since})`,
    `Store: ${escapeMarkdown(c.where)} — ${health}`,
    `Errors ${c.errors} (${c.timeouts} timed out) · entries live ${formatDuration(c.ttlSeconds)} · corpus ${c.version.slice(0, 8)}`,
  ];
}

export default {
  data,
  defer: 'ephemeral',
  async execute(interaction, ctx) {
    const s = ctx.feedback.stats(10);
    const summary = [
      `**${s.asked}** ${plural(s.asked, 'question')} answered: ${s.answered} with quotations, ${s.abstained} where the articles don't say; ${s.cached} from the cache.`,
      `Votes: 👍 ${s.up} · 👎 ${s.down}`,
    ];
    const asked = s.questions.map((q) => `**${q.count}×** ${fitText(userText(q.question), 200)}${q.abstained > 0 ? ` (the articles didn't say ${q.abstained}×)` : ''}`);
    const disliked = s.leastLiked.map((d) => {
      const shown = d.kind === 'not-found' ? "the articles don't say" : d.shortAnswer !== null ? `“${fitText(d.shortAnswer, 100)}”` : counted(d.citations, 'quoted sentence');
      return `👎 ${d.down} · 👍 ${d.up} — ${fitText(userText(d.question), 200)} → ${shown} (corpus ${d.corpusVersion.slice(0, 8)}, answer ${escapeMarkdown(d.answerId)})`;
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
              { name: 'Answer cache', value: linesWithin(cacheLines(ctx), LIMITS.fieldValue) },
            ],
          },
        ],
      }),
    );
  },
} satisfies Command;
