// Finding quotations: by topic (through the sentence index: a quotation is about X when the sentences it
// spans rank for X), by speaker and by article.
import type { Index } from '../index/types.ts';
import { firstStage } from '../answer/answer.ts';
import { F } from '../answer/features.ts';
import type { Quotation } from './quotations.ts';

export interface QuotationQuery {
  readonly about?: string;
  /** Case-insensitive part of the speaker's name. */
  readonly speaker?: string;
  readonly articleId?: string;
}

export interface FoundQuotation extends Quotation {
  readonly title: string;
  readonly source: string | null;
  readonly path: string;
}

function normalise(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

function found(index: Index, q: Quotation, byId: Map<string, number>): FoundQuotation {
  const a = index.articles[byId.get(q.articleId)!]!;
  return { ...q, title: a.title, source: a.source, path: a.path };
}

const articleNumbers = new WeakMap<Index, Map<string, number>>();
function articleNumberOf(index: Index): Map<string, number> {
  let m = articleNumbers.get(index);
  if (!m) {
    m = new Map(index.articles.map((a, i) => [a.id, i]));
    articleNumbers.set(index, m);
  }
  return m;
}

export function searchQuotations(index: Index, query: QuotationQuery, limit = 10): FoundQuotation[] {
  const byId = articleNumberOf(index);
  const speaker = query.speaker ? normalise(query.speaker) : null;
  const keep = (q: Quotation) =>
    (query.articleId === undefined || q.articleId === query.articleId) &&
    (speaker === null || (q.speaker !== null && normalise(q.speaker).includes(speaker)));

  if (!query.about || query.about.trim().length === 0) {
    return index.quotations.filter(keep).slice(0, limit).map((q) => found(index, q, byId));
  }
  // Rank sentences for the topic, then take the quotations that overlap the best of them.
  // The first stage is enough: quotations are ordered by its scores, and whether the corpus answers does not matter.
  const ranking = firstStage(index, query.about, query.articleId === undefined ? {} : { articleId: query.articleId });
  const scored: { q: Quotation; score: number }[] = [];
  const seen = new Set<Quotation>();
  const byArticle = new Map<string, Quotation[]>();
  for (const q of index.quotations) {
    if (!keep(q)) continue;
    const list = byArticle.get(q.articleId);
    if (list) list.push(q);
    else byArticle.set(q.articleId, [q]);
  }
  for (const r of ranking.ranked) {
    if (r.features[F.coverage]! < 0.5) continue; // the sentence must match most of the topic
    const s = r.candidate.sentence;
    const article = index.articles[index.sentenceArticle[s]!]!;
    const start = index.sentenceStart[s]!;
    const end = index.sentenceEnd[s]!;
    for (const q of byArticle.get(article.id) ?? []) {
      if (seen.has(q) || q.start >= end || q.end <= start) continue;
      seen.add(q);
      scored.push({ q, score: r.score });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, limit).map(({ q }) => found(index, q, byId));
}

/** Distinct speakers, most quoted first, optionally only those containing `prefix` (for autocomplete). */
export function speakers(index: Index, filter = ''): { name: string; count: number }[] {
  const f = normalise(filter);
  const counts = new Map<string, number>();
  for (const q of index.quotations) {
    if (q.speaker === null) continue;
    if (f && !normalise(q.speaker).includes(f)) continue;
    counts.set(q.speaker, (counts.get(q.speaker) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
