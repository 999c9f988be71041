// Finding quotations: by topic (through the sentence index: a quotation is about X when the sentences it
// spans rank for X), by speaker and by article.
import type { Index } from '../index/types.ts';
import { firstStage } from '../answer/answer.ts';
import { F } from '../answer/features.ts';
import { hasWords, nameWords } from '../corpus/names.ts';
import type { Quotation } from './quotations.ts';

export interface QuotationQuery {
  readonly about?: string;
  /**
   * Whole words of the speaker's name ("Johnson", "boris johnson"; "he" is not "the statement"), folded as
   * names are (src/corpus/names.ts: case, apostrophes and quotation marks do not matter).
   */
  readonly speaker?: string;
  readonly articleId?: string;
}

export interface FoundQuotation extends Quotation {
  readonly title: string;
  readonly source: string | null;
  readonly path: string;
}

/** The quotations a query finds from some offset on, and how many it finds in all. */
export interface QuotationPage {
  readonly quotations: readonly FoundQuotation[];
  readonly total: number;
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

/** Each speaker's name as words (nameWords), per index: a speaker is quoted many times. */
const speakerWordsByIndex = new WeakMap<Index, Map<string, readonly string[]>>();
function speakerWords(index: Index, speaker: string): readonly string[] {
  let byName = speakerWordsByIndex.get(index);
  if (!byName) speakerWordsByIndex.set(index, (byName = new Map()));
  let words = byName.get(speaker);
  if (!words) byName.set(speaker, (words = nameWords(speaker)));
  return words;
}

/** Every quotation `query` finds, best first for a topic, else in corpus order. */
function matching(index: Index, query: QuotationQuery): Quotation[] {
  // A speaker given with no word in it ("—") names nobody.
  const wanted = query.speaker ? nameWords(query.speaker) : null;
  const keep = (q: Quotation) =>
    (query.articleId === undefined || q.articleId === query.articleId) &&
    (wanted === null || (q.speaker !== null && wanted.length > 0 && hasWords(speakerWords(index, q.speaker), wanted)));

  if (!query.about || query.about.trim().length === 0) return index.quotations.filter(keep);
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
  return scored.map(({ q }) => q);
}

/** The first `limit` quotations `query` finds. */
export function searchQuotations(index: Index, query: QuotationQuery, limit = 10): readonly FoundQuotation[] {
  return quotationPage(index, query, 0, limit).quotations;
}

/** The quotations `query` finds from the `offset`-th (from 0) on, at most `limit`, and how many it finds in all. */
export function quotationPage(index: Index, query: QuotationQuery, offset: number, limit: number): QuotationPage {
  const all = matching(index, query);
  const byId = articleNumberOf(index);
  return { quotations: all.slice(offset, offset + limit).map((q) => found(index, q, byId)), total: all.length };
}

/**
 * Distinct speakers, most quoted first; with `filter` (text being typed, for autocomplete) only those whose
 * name holds its words, the last one perhaps only begun ("boris joh"), as hasWords matches them.
 */
export function speakers(index: Index, filter = ''): { name: string; count: number }[] {
  const wanted = nameWords(filter);
  const counts = new Map<string, number>();
  for (const q of index.quotations) {
    if (q.speaker === null) continue;
    if (wanted.length > 0 && !hasWords(speakerWords(index, q.speaker), wanted, true)) continue;
    counts.set(q.speaker, (counts.get(q.speaker) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
