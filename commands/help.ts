// /help: what the bot does and how to ask.
import { ApplicationCommandOptionType } from 'discord.js';
import { counted, message, type BotContext, type Command, type CommandData } from '../src/bot/index.ts';

const data = {
  name: 'help',
  description: 'What this bot does and how to ask it.',
} satisfies Command['data'];

function usage(c: CommandData): string {
  const options = (c.options ?? [])
    .filter((o) => o.type === ApplicationCommandOptionType.String || o.type === ApplicationCommandOptionType.Attachment)
    .map((o) => ('required' in o && o.required ? `${o.name}:<…>` : `[${o.name}:<…>]`));
  return [`/${c.name}`, ...options].join(' ');
}

const ABOUT = [
  'I answer questions about a set of news articles, **only** with sentences quoted word for word from them, each with its article, publisher and position.',
  'When the articles do not say, I say so, and show the closest sentences labelled as not an answer.',
  '',
  '**How to ask:** one question at a time, naming who, what, when or where, in the articles’ own words where you can, e.g. `/ask question: who called for an ICC investigation?`. To look in one article, pick it in the `article` option.',
  'Under each answer: **More sources** shows further sentences; 👍/👎 tell the moderators whether the answer helped.',
].join('\n');

/** Whether a repeated question may be answered from the cache, in the users' terms. */
function caching(ctx: BotContext): string {
  const c = ctx.answers.cacheStats();
  const hours = Math.max(1, Math.round(c.ttlSeconds / 3600));
  const now = c.healthy ? '' : ' (the cache is unavailable right now, so every question is answered afresh)';
  return `Answers to questions asked before may come from a cache, marked “cached” under the answer: kept for up to ${counted(hours, 'hour')}, and dropped whenever the articles change, so they are the answers the current articles give${now}.`;
}

export default {
  data,
  async execute(interaction, ctx) {
    const fields = ctx.commands.map((c) => ({
      name: usage(c),
      value: c.description,
    }));
    await interaction.reply(message({ content: '', embeds: [{ title: 'Verbatim: answers quoted from the news', description: `${ABOUT}\n${caching(ctx)}`, fields }], ephemeral: true }));
  },
} satisfies Command;
