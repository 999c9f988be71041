// /audit (moderators): the latest changes to the corpus from the audit log, newest first, a page at a time.
import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { escapeMarkdown, fitText, formatTime, linesWithin, LIMITS, message, notice, pageButtons, type BotContext, type Command, type OutgoingMessage } from '../src/bot/index.ts';
import type { AuditEntry } from '../src/curate/index.ts';

export const AUDIT_PAGE_SIZE = 6;

const data = {
  name: 'audit',
  description: 'The latest changes to the articles: who added, removed, restored or refreshed (moderators only).',
  default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
  contexts: [InteractionContextType.Guild],
} satisfies Command['data'];

const VERB = { ingest: 'Added', remove: 'Removed', restore: 'Restored', refresh: 'Refreshed', purge: 'Deleted from the trash' } as const;

function describe(e: AuditEntry): string {
  const head = `**${VERB[e.action]}** · ${formatTime(e.at)} · by ${escapeMarkdown(e.by.name)} (${e.by.id})`;
  const lines = [head];
  if (e.article) lines.push(`${fitText(e.article.title, 200)} · id ${escapeMarkdown(e.article.id)}`);
  if (e.from) lines.push(`from ${fitText(e.from, 200)}`);
  if (e.trash && e.action === 'remove') lines.push(`to ${escapeMarkdown(e.trash)}`);
  if (e.trash && e.action === 'purge') lines.push(`deleted ${escapeMarkdown(e.trash)}`);
  if (e.diff) {
    const d = e.diff;
    lines.push(`${d.added.length} added · ${d.removed.length} removed · ${d.changed.length} changed · ${d.skipped.length} skipped`);
  }
  const version = e.corpus.before === e.corpus.after ? `corpus ${e.corpus.after.slice(0, 8)} (unchanged)` : `corpus ${e.corpus.before.slice(0, 8)} → ${e.corpus.after.slice(0, 8)}`;
  lines.push(e.sha256 ? `SHA-256 ${e.sha256.slice(0, 16)}… · ${version}` : version);
  return lines.join('\n');
}

async function renderPage(ctx: BotContext, requested: number): Promise<OutgoingMessage> {
  const { entries, total, page, pages } = await ctx.curator.auditPage(requested, AUDIT_PAGE_SIZE);
  if (total === 0) return notice('No changes have been made to the articles from Discord yet.');
  return message({
    content: '',
    embeds: [
      {
        title: 'Changes to the articles',
        // A blank line between entries.
        description: linesWithin(entries.map(describe).map((d) => `${d}\n`), LIMITS.embedDescription).trimEnd(),
        footer: { text: `Page ${page + 1} of ${pages} · ${total} change${total === 1 ? '' : 's'}, newest first` },
      },
    ],
    components: pages > 1 ? [pageButtons(page, pages, (p) => `audit:page:${p}`, ['◀ Newer', 'Older ▶'])!] : [],
    ephemeral: true,
  });
}

export default {
  data,
  defer: 'ephemeral',
  async execute(interaction, ctx) {
    await interaction.editReply(await renderPage(ctx, 0));
  },
  async press(interaction, ctx) {
    const m = /^audit:page:(\d{1,6})$/.exec(interaction.customId);
    if (!m) {
      await interaction.reply(notice('That button no longer does anything. Run /audit again.'));
      return;
    }
    await interaction.update(await renderPage(ctx, Number(m[1])));
  },
} satisfies Command;
