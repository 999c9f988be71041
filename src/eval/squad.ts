// SQuAD v1.1 as a corpus: each of its articles becomes one article whose paragraphs are SQuAD's contexts,
// separated by blank lines, and each answer span is moved to offsets in that article's text.
import { readFileSync } from 'node:fs';
import { isSkipped, parseArticle, type Article } from '../corpus/article.ts';

export interface GoldSpan {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface SquadQuestion {
  readonly id: string;
  readonly question: string;
  /** Index of the article in SquadCorpus.articles. */
  readonly article: number;
  /** False when the corpus was loaded without the paragraph that answers this question. */
  readonly inCorpus: boolean;
  readonly answers: readonly GoldSpan[];
}

export interface SquadCorpus {
  readonly articles: Article[];
  readonly questions: SquadQuestion[];
  /** Fixed halves: even-numbered articles (in file order) tune, odd-numbered are held out. */
  readonly half: (article: number) => 'tune' | 'held-out';
}

interface SquadFile {
  data: { title: string; paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string; answer_start: number }[] }[] }[] }[];
}

export interface LoadSquadOptions {
  /** Keep only some paragraphs of every article (by their position in the article): the learner builds
   * corpora that discuss a question's topic but lack the paragraph that answers it. Questions of dropped
   * paragraphs are still returned, with `inCorpus` false. */
  readonly paragraphs?: 'all' | 'even' | 'odd';
}

export function loadSquad(path: string, options: LoadSquadOptions = {}): SquadCorpus {
  const keep = options.paragraphs ?? 'all';
  const file = JSON.parse(readFileSync(path, 'utf8')) as SquadFile;
  const articles: Article[] = [];
  const questions: SquadQuestion[] = [];
  for (const entry of file.data) {
    const a = articles.length;
    let text = `${entry.title.replace(/_/g, ' ')}\n\n`;
    const pending: SquadQuestion[] = [];
    entry.paragraphs.forEach((p, pi) => {
      const inCorpus = keep === 'all' || (keep === 'even') === (pi % 2 === 0);
      // SQuAD contexts are single lines; keep them so, one paragraph each.
      const base = text.length;
      if (inCorpus) text += `${p.context.replace(/\s*\n\s*/g, ' ')}\n\n`;
      for (const qa of p.qas) {
        pending.push({
          id: qa.id,
          question: qa.question,
          article: a,
          inCorpus,
          answers: qa.answers.map((x) => ({ text: x.text, start: base + x.answer_start, end: base + x.answer_start + x.text.length })),
        });
      }
    });
    const parsed = parseArticle(`${entry.title}.txt`, Buffer.from(text, 'utf8'));
    if (isSkipped(parsed)) throw new Error(`squad: article ${entry.title} was skipped: ${parsed.reason}`);
    articles.push(parsed);
    questions.push(...pending);
  }
  return { articles, questions, half: (article) => (article % 2 === 0 ? 'tune' : 'held-out') };
}

// SQuAD's official answer normalisation (evaluate-v1.1.py): lower case, no punctuation, no articles,
// single spaces.
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
export function normaliseAnswer(s: string): string {
  return s
    .toLowerCase()
    .replace(PUNCT, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

export function exactMatch(prediction: string, gold: readonly string[]): number {
  const p = normaliseAnswer(prediction);
  return gold.some((g) => normaliseAnswer(g) === p) ? 1 : 0;
}

export function f1Score(prediction: string, gold: readonly string[]): number {
  const p = normaliseAnswer(prediction).split(' ').filter(Boolean);
  let best = 0;
  for (const g of gold) {
    const gt = normaliseAnswer(g).split(' ').filter(Boolean);
    const counts = new Map<string, number>();
    for (const w of gt) counts.set(w, (counts.get(w) ?? 0) + 1);
    let same = 0;
    for (const w of p) {
      const c = counts.get(w) ?? 0;
      if (c > 0) {
        same++;
        counts.set(w, c - 1);
      }
    }
    if (same === 0) continue;
    const precision = same / p.length;
    const recall = same / gt.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}
