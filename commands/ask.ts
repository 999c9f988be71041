// /ask question:<text> [article:<autocomplete>]: the engine's answer as quotations, each cited, with buttons
// for more sources and for 👍/👎 feedback.
import { ApplicationCommandOptionType, ButtonStyle, ComponentType, type APIEmbed, type APIEmbedField } from 'discord.js';
import { LIMITS, articleChoices, articleLabel, confidenceInWords, escapeMarkdown, fitText, message, notice, quoteBlock, resolveArticleOption, userText, type Asked, type BotContext, type ButtonInteraction, type ButtonRow, type Command, type OutgoingMessage } from '../src/bot/index.ts';
import type { Citation, NotFoundReason } from '../src/answer/types.ts';
import type { AnswerRecord } from '../src/feedback/index.ts';

/** Citations shown with an answer, and how many more the "More sources" button shows. */
const SHOWN = 3;
const MORE = 8;

const data = {
  name: 'ask',
  description: 'Ask about the news articles: the answer quotes them word for word, with citations.',
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'question',
      description: 'Your question, e.g. "who called for an ICC investigation?"',
      required: true,
      min_length: 1,
      max_length: 300,
    },
    {
      type: ApplicationCommandOptionType.String,
      name: 'article',
      description: 'Only look in this article',
      required: false,
      autocomplete: true,
      max_length: 100,
    },
  ],
} satisfies Command['data'];

const percent = (p: number) => `${Math.round(p * 100)}%`;

/** Where a cited sentence comes from, in words: title, publisher. */
function provenance(c: Pick<Citation, 'title' | 'source'>): string {
  return `— *${escapeMarkdown(c.title)}*${c.source ? `, ${escapeMarkdown(c.source)}` : ''}`;
}

/** A cited sentence as an embed field: its position as the name, the quotation and its article as the value. */
function citationField(name: string, c: Citation): APIEmbedField {
  let tail = provenance(c);
  if (tail.length > 300) tail = `— *${fitText(c.title, 280)}*`;
  return { name, value: `${quoteBlock(c.text, LIMITS.fieldValue - tail.length - 1)}\n${tail}` };
}

function buttons(answerId: string): ButtonRow {
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'More sources', custom_id: `ask:more:${answerId}` },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, emoji: { name: '👍' }, custom_id: `ask:up:${answerId}` },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, emoji: { name: '👎' }, custom_id: `ask:down:${answerId}` },
    ],
  };
}

const ABSTAINED = {
  'empty-question': 'That is not a question I can look up: ask about something in the articles.',
  'no-match': 'Nothing in the articles matches this question.',
  'low-confidence': 'No sentence in the articles answers this with enough confidence.',
  'unknown-name': 'The articles never mention a name it asks about.',
  'unmentioned-name': 'The article that matches it best never mentions a name it asks about.',
  dated: 'It asks about now, and the closest sentences speak only of years past.',
  unexpanded: 'It asks what an acronym stands for, and the closest sentences never spell it out.',
  untyped: 'It asks for a place, and the closest sentences name none.',
} satisfies Record<NotFoundReason, string>;

/** Why the bot declined, naming the name (or acronym) a rule declined for (an answer cached before names were kept has
 * none: the general sentence then). */
function abstainedBecause(a: { reason: NotFoundReason; questionType?: string; name?: string; nearest: readonly { title: string }[] }): string {
  if (a.reason === 'dated' && a.questionType === 'when') return 'It asks about now or what is still to come, and the closest sentences speak only of years past.';
  if (a.reason === 'untyped' && a.questionType === 'where') return 'It asks where, and the closest sentences name no place.';
  if (a.reason === 'untyped' && a.questionType === 'how-many') return 'It asks how many, and the closest sentences give no number.';
  const name = a.name === undefined ? '' : userText(a.name);
  if (name !== '') {
    const quoted = `“${fitText(name, 80)}”`;
    if (a.reason === 'unknown-name') return `No article mentions ${quoted}.`;
    // The rule reads the best sentence's article alone (closest match 1); other closest matches may name it.
    if (a.reason === 'unmentioned-name') {
      const best = a.nearest[0];
      return best ? `The article that matches it best, *${fitText(best.title, 120)}* (closest match 1), never mentions ${quoted}.` : `The article that matches it best never mentions ${quoted}.`;
    }
    if (a.reason === 'unexpanded') return `It asks what ${quoted} stands for, and the closest sentences never spell it out.`;
  }
  return ABSTAINED[a.reason] ?? ''; // a reason from an older cache entry, should one survive the version key
}

function renderAnswer(asked: Asked, question: string, answerId: string, article: { title: string; source: string | null } | null): OutgoingMessage {
  const a = asked.answer;
  const lines = [`**Q:** ${fitText(userText(question), 600)}`];
  if (article) lines.push(`Searched only: *${escapeMarkdown(articleLabel(article))}*`);
  let fields: APIEmbedField[];
  let title: string;
  if (a.kind === 'answer') {
    title = 'Answer';
    lines.push(`**A:** ${a.answer ? escapeMarkdown(a.answer.text) : 'see the quoted sentence below.'}`);
    lines.push(`Confidence: ${confidenceInWords(a.confidence)} (${percent(a.confidence)})`);
    fields = a.citations.slice(0, SHOWN).map((c, i) => citationField(`[${i + 1}] Paragraph ${c.paragraph}, sentence ${c.sentence}`, c));
  } else {
    title = "The articles don't say";
    lines.push(`**The articles don't say.** ${abstainedBecause(a)}`.trimEnd());
    if (a.nearest.length > 0) lines.push('The closest matches are below. They are **not** an answer.');
    fields = a.nearest
      .slice(0, SHOWN)
      .map((c, i) => citationField(`Closest match ${i + 1} (not an answer) · paragraph ${c.paragraph}, sentence ${c.sentence}`, c));
  }
  // "Quoted word for word" only under quotations: a question declined with no sentence near it quotes nothing.
  const version = `corpus ${asked.corpusVersion.slice(0, 8)}${asked.cached ? ' · cached' : ''}`;
  const embed: APIEmbed = {
    title,
    description: lines.join('\n'),
    fields,
    footer: { text: fields.length > 0 ? `Quoted word for word from the articles · ${version}` : version },
  };
  return message({ content: '', embeds: [embed], components: [buttons(answerId)] });
}

function renderMore(record: AnswerRecord, more: readonly Citation[], corpusChanged: boolean): OutgoingMessage {
  const lines = [`**More sources for:** ${fitText(userText(record.question), 600)}`];
  if (corpusChanged) lines.push('The articles have been refreshed since that answer; these come from the current articles.');
  if (more.length === 0) lines.push('There are no further sentences that match this question.');
  else lines.push('The sentences ranked next for this question, with how likely each is to answer it. Low-rated ones are related, not answers.');
  const fields = more.map((c) => citationField(`Paragraph ${c.paragraph}, sentence ${c.sentence} · ${confidenceInWords(c.score)} (${percent(c.score)})`, c));
  return message({ content: '', embeds: [{ title: 'More sources', description: lines.join('\n'), fields }], ephemeral: true });
}

async function more(interaction: ButtonInteraction, ctx: BotContext, record: AnswerRecord): Promise<void> {
  await interaction.deferReply({ ephemeral: true });
  const ranked = await ctx.answers.ranked(record.question, {
    limit: MORE,
    exclude: { corpusVersion: record.corpusVersion, sentenceIds: record.citations.map((c) => c.sentenceId) },
    ...(record.articleId !== null ? { articleId: record.articleId } : {}),
  });
  await interaction.editReply(renderMore(record, ranked, record.corpusVersion !== ctx.library.version));
}

async function vote(interaction: ButtonInteraction, ctx: BotContext, record: AnswerRecord, v: 'up' | 'down'): Promise<void> {
  const result = await ctx.feedback.vote(record.id, interaction.user.id, v);
  const emoji = v === 'up' ? '👍' : '👎';
  let text: string;
  if (result.kind === 'unknown-answer') text = 'That answer is no longer on record, so the vote was not saved.';
  else if (result.previous === null) text = `Thanks: your ${emoji} on this answer is recorded.`;
  else if (result.previous === v) text = `You had already voted ${emoji} on this answer; it stays recorded once.`;
  else text = `Changed your vote on this answer to ${emoji}.`;
  await interaction.reply(notice(text));
}

export default {
  data,
  defer: 'public',
  rateLimited: true,
  async execute(interaction, ctx) {
    const question = interaction.options.getString('question') ?? '';
    const option = resolveArticleOption(interaction, ctx);
    if (option.kind === 'problem') {
      await interaction.editReply(message({ content: option.message }));
      return;
    }
    const article = option.kind === 'found' ? option.article : null;
    // The reply shows the question as typed; the service asks the engine the words it shows (questionText).
    const asked = await ctx.answers.ask(question, article ? { articleId: article.id } : {});
    const id = await ctx.feedback.recordShown(asked, { question, articleId: article?.id ?? null, shown: SHOWN });
    await interaction.editReply(renderAnswer(asked, question, id, article));
  },
  async autocomplete(interaction, ctx) {
    return interaction.focused.name === 'article' ? articleChoices(ctx.library, interaction.focused.value) : [];
  },
  async press(interaction, ctx) {
    const [, action, id] = interaction.customId.split(':');
    const record = id === undefined ? undefined : await ctx.feedback.answer(id);
    if (!record) {
      await interaction.reply(notice('That answer is no longer on record. Ask the question again.'));
      return;
    }
    if (action === 'more') await more(interaction, ctx, record);
    else if (action === 'up' || action === 'down') await vote(interaction, ctx, record, action);
    else await interaction.reply(notice('That button no longer does anything. Ask the question again.'));
  },
} satisfies Command;
