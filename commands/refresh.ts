// /refresh (moderators): reload the corpus folder, rebuild the index, and say what changed since the corpus
// served before: articles added, removed and changed (by id and title), files skipped and why. Through the
// curator, so the refresh waits for other changes to the corpus and is written to the audit log.
import { InteractionContextType, PermissionFlagsBits, type APIEmbedField } from 'discord.js';
import { LIMITS, actorOf, counted, escapeMarkdown, fitPlain, linesWithin, message, plural, type Command, type OutgoingMessage } from '../src/bot/index.ts';
import type { RefreshOutcome } from '../src/curate/index.ts';

const data = {
  name: 'refresh',
  description: 'Reload the articles folder and rebuild the index (moderators only).',
  // Hidden from members without Manage Server unless a server overrides it; the handler checks again.
  default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  contexts: [InteractionContextType.Guild],
} satisfies Command['data'];

function listField(name: string, items: readonly string[]): APIEmbedField[] {
  if (items.length === 0) return [];
  return [{ name: `${name} (${items.length})`, value: linesWithin(items.map((x) => `• ${escapeMarkdown(x)}`), LIMITS.fieldValue) }];
}

/** "local/bridge-01 — Riverton council approves…": the id, and the title when the article has one. */
function named(ids: readonly string[], titles: ReadonlyMap<string, string>): string[] {
  return ids.map((id) => {
    const title = titles.get(id);
    return title ? `${id} — ${fitPlain(title, 120)}` : id;
  });
}

function render({ report, titles }: RefreshOutcome): OutgoingMessage {
  if (!report.ok) {
    return message({
      content: '',
      embeds: [
        {
          title: 'Refresh failed',
          description: `${escapeMarkdown(report.error)}\nNothing changed: the articles loaded before are still being served.`,
          footer: { text: `Took ${Math.round(report.ms)} ms` },
        },
      ],
    });
  }
  const changed = report.added.length + report.removed.length + report.changed.length;
  const same = changed === 0 && report.version === report.previousVersion;
  const counts = `**${report.articles}** ${plural(report.articles, 'article')}, **${report.sentences}** ${plural(report.sentences, 'sentence')}`;
  const lines = [
    // Nothing is rebuilt when every file is as it was: the time is the check's.
    same ? `${counts}; every file checked in ${Math.round(report.ms)} ms.` : `${counts} indexed in ${Math.round(report.ms)} ms.`,
    `${report.added.length} added · ${report.removed.length} removed · ${report.changed.length} changed · ${report.unchanged} unchanged · ${counted(report.skipped.length, 'file')} skipped`,
    same ? 'The articles are as they were.' : `Corpus version ${report.previousVersion.slice(0, 8)} → ${report.version.slice(0, 8)}.`,
  ];
  return message({
    content: '',
    embeds: [
      {
        title: 'Articles refreshed',
        description: lines.join('\n'),
        fields: [
          ...listField('Added', named(report.added, titles)),
          ...listField('Removed', named(report.removed, titles)),
          ...listField('Changed', named(report.changed, titles)),
          ...listField('Skipped', report.skipped.map((s) => `${s.path}: ${s.reason}`)),
        ],
      },
    ],
  });
}

export default {
  data,
  defer: 'ephemeral',
  async execute(interaction, ctx) {
    await interaction.editReply(render(await ctx.curator.refresh(actorOf(interaction))));
  },
} satisfies Command;
