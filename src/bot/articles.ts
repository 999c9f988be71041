// The article option that /ask and /quote share: its autocomplete choices, and what to say when the text
// given names no article or several.
import type { ArticleSummary } from '../engine.ts';
import type { ArticleMatch, Library } from './context.ts';
import type { Choice } from './interaction.ts';
import { escapeMarkdown, fitText, linesWithin, userText } from './render.ts';

/** How an article is named to people: its title, and its publisher when the article names one. */
export function articleLabel(a: Pick<ArticleSummary, 'title' | 'source'>): string {
  return a.source ? `${a.title} (${a.source})` : a.title;
}

/** Choices for an article option: articles whose title, id or publisher contains what was typed. */
export function articleChoices(library: Library, typed: string): Choice[] {
  return library.articles(typed).map((a) => ({ name: articleLabel(a), value: a.id }));
}

/** A message explaining why `typed` does not pick one article, or null when it does. */
export function articleProblem(match: ArticleMatch, typed: string): string | null {
  const shown = fitText(userText(typed), 100);
  if (match.kind === 'none') return `No article matches “${shown}”. Use /sources to list the articles, or pick one from the suggestions.`;
  if (match.kind === 'ambiguous') {
    const lines = match.matches.map((a) => `• ${escapeMarkdown(articleLabel(a))} (id ${escapeMarkdown(a.id)})`);
    return `“${shown}” matches ${match.matches.length} articles; pick one from the suggestions or give more of its title:\n${linesWithin(lines, 1500)}`;
  }
  return null;
}
