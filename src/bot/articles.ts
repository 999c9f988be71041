// The article option that /ask, /quote and /remove share: its autocomplete choices, how the text given is
// resolved to one article, and what to say when it names no article or several.
import type { ArticleSummary } from '../engine.ts';
import type { ArticleMatch, BotContext, Library } from './context.ts';
import type { Choice, StringOptions } from './interaction.ts';
import { LIMITS } from './limits.ts';
import { escapeMarkdown, fitText, linesWithin, userText } from './render.ts';

/** How an article is named to people: its title, and its publisher when the article names one. */
export function articleLabel(a: Pick<ArticleSummary, 'title' | 'source'>): string {
  return a.source ? `${a.title} (${a.source})` : a.title;
}

/** Choices for an article option: the first articles whose title, id or publisher contains what was typed. */
export function articleChoices(library: Library, typed: string): Choice[] {
  return library.articles(typed, LIMITS.choices).map((a) => ({ name: articleLabel(a), value: a.id }));
}

/** A message explaining why `typed` does not pick one article, or null when it does. */
export function articleProblem(match: ArticleMatch, typed: string): string | null {
  const shown = fitText(userText(typed), 100);
  if (match.kind === 'none') return `No article matches “${shown}”. Use /sources to list the articles, or pick one from the suggestions.`;
  if (match.kind === 'ambiguous') {
    // The count is of every match; the list holds the first few, cut to what fits.
    const lines = match.matches.map((a) => `• ${escapeMarkdown(articleLabel(a))} (id ${escapeMarkdown(a.id)})`);
    return `“${shown}” matches ${match.count} articles; pick one from the suggestions or give more of its title:\n${linesWithin(lines, 1500)}`;
  }
  return null;
}

export type ArticleOption =
  | { readonly kind: 'absent' }
  | { readonly kind: 'found'; readonly article: ArticleSummary }
  /** The text names no article, or several: `message` says so, for the user. */
  | { readonly kind: 'problem'; readonly message: string };

/** The article a command's article option names: absent when the option was not given. */
export function resolveArticleOption(interaction: { readonly options: StringOptions }, ctx: Pick<BotContext, 'library'>, option = 'article'): ArticleOption {
  const typed = interaction.options.getString(option);
  if (typed === null) return { kind: 'absent' };
  const match = ctx.library.resolveArticle(typed);
  if (match.kind === 'found') return match;
  return { kind: 'problem', message: articleProblem(match, typed)! };
}
