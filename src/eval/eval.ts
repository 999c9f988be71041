// npm run eval -- [SQUAD_JSON] [--json] [--sample N] [--no-baselines] [--lexical]
//
// Every answer is the one users get: the lexical engine, its decision to answer checked by the sentence encoder
// (rankChecked; src/answer/verify.ts). `--lexical` measures the lexical engine alone (rank), for comparison.
// Answer quality on SQuAD v1.1 dev, asked against the whole of it as one corpus, side by side with stock
// BM25 libraries over the same sentences; abstention on questions from another corpus. See README "Quality".
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadCorpus } from '../corpus/load.ts';
import { buildIndex } from '../index/build.ts';
import type { Index } from '../index/types.ts';
import { answerFromRanking, checkWeights, rank, rankChecked, type Ranking } from '../answer/answer.ts';
import { createEncoder } from '../nlp/encoder.ts';
import { idf } from '../answer/retrieve.ts';
import { NO_TERM, withinOneEdit } from '../index/terms.ts';
import { extractShortAnswer, questionFrame, QUESTION_CLASSES, shortAnswerOf } from '../answer/span.ts';
import { analyseQuestion } from '../answer/question.ts';
import { exactMatch, f1Score, loadSquad, normaliseAnswer, type SquadCorpus, type SquadQuestion } from './squad.ts';
import { miniSearchBaseline, winkBm25Baseline, type SentenceSearch } from './baselines.ts';

export interface QualityRow {
  questions: number;
  hit1: number;
  hit3: number;
  hit5: number;
  mrr: number;
  exact: number;
  f1: number;
  /** EM and F1 when every answer carries a short answer (no threshold on the span's probability). */
  exactAlways: number;
  f1Always: number;
  answered: number;
  /** Of the answered questions, the share whose first citation is right. */
  precisionAnswered: number;
  msPerQuestion: number;
}

interface Args {
  squad: string;
  seeds: string;
  news: string;
  json: boolean;
  sample: number;
  baselines: boolean;
  lexical: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { squad: '../shared/data/squad-dev-v1.1.json', seeds: 'seeds', news: '../shared/data/news/bbc', json: false, sample: 0, baselines: true, lexical: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') args.json = true;
    else if (a === '--no-baselines') args.baselines = false;
    else if (a === '--lexical') args.lexical = true;
    else if (a === '--sample') args.sample = Number(argv[++i]);
    else if (a === '--seeds') args.seeds = argv[++i]!;
    else if (a === '--news') args.news = argv[++i]!;
    else if (!a.startsWith('--')) args.squad = a;
    else throw new Error(`eval: unknown option ${a}`);
  }
  return args;
}

/** Does sentence `s` of the index overlap one of the gold answer spans? */
export function isHit(index: Index, s: number, q: SquadQuestion): boolean {
  if (index.sentenceArticle[s] !== q.article) return false;
  const start = index.sentenceStart[s]!;
  const end = index.sentenceEnd[s]!;
  return q.answers.some((g) => g.start < end && g.end > start);
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Tally {
  n: number;
  hit1: number;
  hit3: number;
  hit5: number;
  rr: number;
  em: number;
  f1: number;
  emAlways: number;
  f1Always: number;
  answered: number;
  answeredRight: number;
  ms: number[];
}
const tally = (): Tally => ({ n: 0, hit1: 0, hit3: 0, hit5: 0, rr: 0, em: 0, f1: 0, emAlways: 0, f1Always: 0, answered: 0, answeredRight: 0, ms: [] });

function row(t: Tally): QualityRow {
  const n = t.n || 1;
  return {
    questions: t.n,
    hit1: t.hit1 / n,
    hit3: t.hit3 / n,
    hit5: t.hit5 / n,
    mrr: t.rr / n,
    exact: (100 * t.em) / n,
    f1: (100 * t.f1) / n,
    exactAlways: (100 * t.emAlways) / n,
    f1Always: (100 * t.f1Always) / n,
    answered: t.answered / n,
    precisionAnswered: t.answered > 0 ? t.answeredRight / t.answered : 0,
    msPerQuestion: median(t.ms),
  };
}

function addRanking(t: Tally, ids: readonly number[], hit: (s: number) => boolean): void {
  t.n++;
  const first = ids.findIndex(hit);
  if (first === 0) t.hit1++;
  if (first >= 0 && first < 3) t.hit3++;
  if (first >= 0 && first < 5) t.hit5++;
  if (first >= 0 && first < 10) t.rr += 1 / (first + 1);
}

/** The short answer given the sentence that holds the gold answer: the span model alone. */
export interface SpanRow {
  questions: number;
  /** Share of them given a short answer at the shipped threshold. */
  answered: number;
  exact: number;
  f1: number;
  /** The same with a short answer for every question. */
  exactAlways: number;
  f1Always: number;
}

interface SpanTally {
  n: number;
  answered: number;
  em: number;
  f1: number;
  emAlways: number;
  f1Always: number;
}
const spanTally = (): SpanTally => ({ n: 0, answered: 0, em: 0, f1: 0, emAlways: 0, f1Always: 0 });
const spanRow = (t: SpanTally): SpanRow => {
  const n = t.n || 1;
  return { questions: t.n, answered: t.answered / n, exact: (100 * t.em) / n, f1: (100 * t.f1) / n, exactAlways: (100 * t.emAlways) / n, f1Always: (100 * t.f1Always) / n };
};

/** The sentence of `index` that holds a question's first gold answer, or -1. */
export function goldSentence(index: Index, q: SquadQuestion): number {
  const a = q.answers[0]!;
  for (let s = index.articleSentence[q.article]!; s < index.articleSentence[q.article + 1]!; s++) {
    if (index.sentenceStart[s]! <= a.start && a.start < index.sentenceEnd[s]!) return s;
  }
  return -1;
}

/** A set of questions about one corpus (its own), asked of it and of another that must decline them. */
export interface SeedSetRow {
  questions: number;
  /** Declined by the other corpus (SQuAD's). */
  declinedByOther: number;
  /** Answered by their own corpus (the seeds, the BBC folder), and with the sentence that answers them first. */
  answeredByOwn: number;
  rightFirstCitation: number;
  /** The first citation is right, or holds the gold short answer, in any article: the lenient reading open-domain QA
   * uses when a corpus may answer a question in more than one place (a news folder tells one story many times,
   * each in its own words). A sentence can hold the answer's words without answering ("12" in another count),
   * so this is an upper reading beside rightFirstCitation, not a replacement for it. */
  answerInFirstCitation: number;
  /** Short answer exact match and F1 on the seeds, over the questions with a gold short answer (none shown: 0). */
  exact: number;
  f1: number;
}

/** A file of questions about the seed articles: the sentence that answers each (`cite`, a slice of it) and its short answer. */
export interface SeedQuestion {
  readonly q: string;
  readonly cite: string;
  readonly answer?: string | null;
  /** Other right phrasings of the short answer, as SQuAD lists several. */
  readonly alternatives?: readonly string[];
}

/** A JSON file of test/fixtures/, parsed. */
function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function readSeedQuestions(name: string): SeedQuestion[] {
  return readFixture<{ answerable: SeedQuestion[] }>(name).answerable;
}

export type SeedSetName = 'development' | 'reviewed' | 'blind' | 'blind2' | 'blind3';

/** The five sets of questions about the seeds: written with the engine, reviewed, and the blind third, fourth and fifth sets. */
export function readSeedSets(): Record<SeedSetName, SeedQuestion[]> {
  return {
    development: readSeedQuestions('seed-questions.json'),
    reviewed: readSeedQuestions('seed-questions-reviewed.json'),
    blind: readSeedQuestions('seed-questions-blind.json'),
    blind2: readSeedQuestions('seed-questions-blind2.json'),
    blind3: readSeedQuestions('seed-questions-blind3.json'),
  };
}

/** A question about a BBC news article (test/fixtures/news-questions.json). */
export interface NewsQuestion extends SeedQuestion {
  /** The article's id in the news folder ("politics/001"). */
  readonly article: string;
}

export function readNewsQuestions(name = 'news-questions.json'): NewsQuestion[] {
  return readFixture<{ questions: NewsQuestion[] }>(name).questions;
}

/** Words of recent time, which test/fixtures/recent-questions.json's questions use and the eval replaces by "now". */
export const RECENT_TIME = /\b(?:today|tonight|yesterday|this (?:week|month|weekend)|last (?:night|week|weekend)|in the (?:past|last) few (?:days|weeks)|recently)\b/;

/** Questions about articles with an odd number are the tuning half; the even, held out. */
export const newsHalf = (x: NewsQuestion): 'tune' | 'held-out' => (Number(/(\d+)$/.exec(x.article)?.[1] ?? 0) % 2 === 1 ? 'tune' : 'held-out');

/** Any run of whitespace as one space: the seeds hold non-breaking spaces where a question's writer typed spaces. */
export const spaced = (text: string) => text.replace(/\s+/gu, ' ');

/** A cited sentence answers a question when it holds the question's cite, whitespace aside. */
const holdsCite = (sentence: string, cite: string) => spaced(sentence).includes(spaced(cite));

/** Sentence `s` of the news corpus is one that answers `x`. (In any article: the BBC folder holds some stories twice,
 * word for word.) */
export function citesNews(index: Index, s: number, x: NewsQuestion): boolean {
  const article = index.articles[index.sentenceArticle[s]!]!;
  return holdsCite(article.text.slice(index.sentenceStart[s], index.sentenceEnd[s]), x.cite);
}

export interface NowRow {
  readonly questions: number;
  /** Declined by the rule about now (reason 'dated'). */
  readonly dated: number;
  /** Of those, the ones whose best sentence answers them. */
  readonly datedRight: number;
}

/** What the rule about now declines of questions with a word of recent time (RECENT_TIME), asked with "now" in its
 * place, and how many of those had the sentence that answers them first. */
export function nowRow(news: Index, questions: readonly NewsQuestion[]): NowRow {
  const recent = questions.filter((x) => RECENT_TIME.test(x.q));
  const row = { questions: recent.length, dated: 0, datedRight: 0 };
  for (const x of recent) {
    const ranking = rank(news, x.q.replace(RECENT_TIME, 'now'));
    if (ranking.ruled !== 'dated') continue;
    row.dated++;
    if (citesNews(news, ranking.ranked[0]!.candidate.sentence, x)) row.datedRight++;
  }
  return row;
}

/** `sentence` holds one of the gold answers as whole words, after SQuAD's normalisation (case, punctuation, articles). */
export function holdsAnswer(sentence: string, golds: readonly string[]): boolean {
  const text = ` ${normaliseAnswer(sentence)} `;
  return golds.some((g) => {
    const n = normaliseAnswer(g);
    return n.length > 0 && text.includes(` ${n} `);
  });
}

/** How a question is ranked and decided: by the lexical engine alone, or checked by the sentence encoder. */
export type Ranker = (index: Index, question: string) => Promise<Ranking>;
export const lexical: Ranker = async (index, question) => rank(index, question);
/** The ranking users get (Engine.ask): rankChecked with a sentence encoder of its own. An encoder that
 * cannot be loaded fails the evaluation rather than measure the lexical engine under the other's name. */
export function checkedBy(encoder = createEncoder(1 << 16)): Ranker {
  return (index, question) => rankChecked(index, question, (q, s) => encoder.similarity(q, s));
}

/** The figures of one set of questions: asked of their own corpus (the seeds), and of another that must decline them. */
export async function seedSetRow(seeds: Index, other: Index, set: readonly SeedQuestion[], ranker: Ranker = lexical): Promise<SeedSetRow> {
  let declined = 0;
  let answered = 0;
  let right = 0;
  let holding = 0;
  let shorts = 0;
  let exact = 0;
  let f1 = 0;
  for (const x of set) {
    if (answerFromRanking(other, await ranker(other, x.q)).kind === 'not-found') declined++;
    const own = answerFromRanking(seeds, await ranker(seeds, x.q));
    if (own.kind === 'answer') {
      answered++;
      const first = own.citations[0]!.text;
      if (holdsCite(first, x.cite)) {
        right++;
        holding++;
      } else if (typeof x.answer === 'string' && holdsAnswer(first, [x.answer, ...(x.alternatives ?? [])])) holding++;
    }
    if (typeof x.answer === 'string') {
      shorts++;
      const shown = own.kind === 'answer' ? (own.answer?.text ?? '') : '';
      const golds = [x.answer, ...(x.alternatives ?? [])];
      exact += exactMatch(shown, golds);
      f1 += f1Score(shown, golds);
    }
  }
  const n = set.length || 1;
  return {
    questions: set.length,
    declinedByOther: declined / n,
    answeredByOwn: answered / n,
    rightFirstCitation: right / n,
    answerInFirstCitation: holding / n,
    exact: (100 * exact) / (shorts || 1),
    f1: (100 * f1) / (shorts || 1),
  };
}

export interface EvalReport {
  corpus: { articles: number; sentences: number; questions: number; buildMs: number };
  engine: Record<'all' | 'tune' | 'held-out', QualityRow>;
  /** Short answers read from the gold sentence, by half and by question class. */
  spans: { halves: Record<'all' | 'tune' | 'held-out', SpanRow>; classes: Record<string, SpanRow> };
  baselines: Record<string, Record<'all' | 'tune' | 'held-out', QualityRow>>;
  abstention: {
    squadOnSeeds: { questions: number; declined: number };
    /**
     * Questions about the seed articles, asked of the seeds (answered, right first citation, short answer) and of
     * SQuAD (declined). 'development': the 29 of test/fixtures/seed-questions.json, written with the engine and
     * used by its tests. 'reviewed': 98 written by two reviewers who read only the two articles, each set blind
     * when first measured, then read while changing the engine. 'blind': 40 by a third reviewer, kept unread
     * and unmeasured until those changes were final. 'blind2': 50 by a fourth reviewer (nineteenth session), the
     * same way; 'blind3': 50 by a fifth (twentieth session), first measured on the code the nineteenth left. No
     * weight, threshold or rule was fitted to any of them.
     */
    seedSets: Record<SeedSetName, SeedSetRow>;
    /** Held-out SQuAD questions asked of a news corpus (BBC) that never answers them. */
    heldOutOnNews: { questions: number; declined: number } | null;
    /** Questions about BBC articles with a word of recent time (test/fixtures/recent-questions.json), asked of the BBC
     * folder with "now" in its place: how many the rule about now declines (reason 'dated'), and of those, how many
     * had the sentence that answers them first. Null without the news folder. */
    nowOnNews: NowRow | null;
    /** Questions about BBC articles (test/fixtures/news-questions.json), by half (newsHalf): asked of the BBC folder
     * (answered, right first citation, short answer) and of SQuAD (declined). Null without the news folder. */
    newsQuestions: Record<'tune' | 'held-out', SeedSetRow> | null;
    /** Held-out questions with their most specific name swapped for one their article never uses (substitutedQuestions). */
    substitutedOnSquad: { questions: number; declined: number };
    /** The seed questions with their most specific name swapped for a SQuAD name the seeds never use
     * (unknownNameQuestions), asked of the seeds. */
    unknownNameOnSeeds: { questions: number; declined: number; declinedLowerCase: number };
    /** Casual questions about the seeds (test/fixtures/casual-questions.json): how many are declined for a word
     * that is no name (the name rules' false alarms), and how many of those naming someone the seeds never
     * name are declined for that name. */
    casualOnSeeds: CasualRow;
  };
}

export interface CasualQuestion {
  readonly q: string;
  /** The words of the question that are names the seeds never use, lower case. */
  readonly names: readonly string[];
}

export interface CasualRow {
  readonly questions: number;
  /** Declined with a name rule's reason for a word not among the question's names. */
  readonly declinedForNoName: number;
  /** Those words, as the replies name them. */
  readonly words: readonly string[];
  readonly withName: number;
  /** Of the questions with a name, those declined for it. */
  readonly declinedForName: number;
}

export function readCasualQuestions(): CasualQuestion[] {
  return readFixture<{ questions: CasualQuestion[] }>('casual-questions.json').questions;
}

/** The name rules on casual questions: declines for a word that is no name, and for the names in them. */
export async function casualRow(seeds: Index, questions: readonly CasualQuestion[], ranker: Ranker = lexical): Promise<CasualRow> {
  const words: string[] = [];
  let withName = 0;
  let declinedForName = 0;
  for (const x of questions) {
    const a = answerFromRanking(seeds, await ranker(seeds, x.q));
    if (x.names.length > 0) withName++;
    if (a.kind !== 'not-found' || a.name === undefined) continue;
    if (x.names.includes(a.name.toLowerCase())) declinedForName++;
    else words.push(a.name);
  }
  return { questions: questions.length, declinedForNoName: words.length, words, withName, declinedForName };
}

export async function evaluate(args: Args): Promise<EvalReport> {
  checkWeights();
  const ranker = args.lexical ? lexical : checkedBy();
  const squad = loadSquad(args.squad);
  let t0 = performance.now();
  const index = buildIndex(squad.articles);
  const buildMs = performance.now() - t0;
  const questions = args.sample > 0 ? squad.questions.filter((_, i) => i % Math.max(1, Math.floor(squad.questions.length / args.sample)) === 0).slice(0, args.sample) : squad.questions;

  const halves = ['all', 'tune', 'held-out'] as const;
  const engine = { all: tally(), tune: tally(), 'held-out': tally() };
  for (const q of questions) {
    t0 = performance.now();
    const ranking = await ranker(index, q.question);
    const result = answerFromRanking(index, ranking);
    const ms = performance.now() - t0;
    const ids = ranking.ranked.map((r) => r.candidate.sentence);
    const hit = (s: number) => isHit(index, s, q);
    const gold = q.answers.map((a) => a.text);
    const prediction = result.kind === 'answer' ? (result.answer?.text ?? '') : '';
    const always = result.kind === 'answer' ? (shortAnswerOf(index, ranking.question, result.citations.map((c) => ({ sentence: c.sentenceId, probability: c.score })), 0)?.text ?? '') : '';
    for (const h of [engine.all, engine[squad.half(q.article)]]) {
      addRanking(h, ids, hit);
      h.ms.push(ms);
      h.em += exactMatch(prediction, gold);
      h.f1 += f1Score(prediction, gold);
      h.emAlways += exactMatch(always, gold);
      h.f1Always += f1Score(always, gold);
      if (result.kind === 'answer') {
        h.answered++;
        if (hit(result.citations[0]!.sentenceId)) h.answeredRight++;
      }
    }
  }

  // The span model alone, on the sentence that holds the answer.
  const spanHalves = { all: spanTally(), tune: spanTally(), 'held-out': spanTally() };
  const spanClasses = new Map<string, SpanTally>();
  for (const q of questions) {
    const s = goldSentence(index, q);
    if (s < 0) continue;
    const question = analyseQuestion(q.question, index.vocabulary);
    if (question.type === 'yes-no') continue;
    const klass = QUESTION_CLASSES[questionFrame(question).klass]!;
    if (!spanClasses.has(klass)) spanClasses.set(klass, spanTally());
    const always = extractShortAnswer(index, question, s, 0);
    const shown = always !== null && extractShortAnswer(index, question, s) !== null;
    const gold = q.answers.map((a) => a.text);
    for (const t of [spanHalves.all, spanHalves[squad.half(q.article)], spanClasses.get(klass)!]) {
      t.n++;
      const em = exactMatch(always?.text ?? '', gold);
      const f1 = f1Score(always?.text ?? '', gold);
      t.emAlways += em;
      t.f1Always += f1;
      if (shown) {
        t.answered++;
        t.em += em;
        t.f1 += f1;
      }
    }
  }
  const spans: EvalReport['spans'] = {
    halves: Object.fromEntries(halves.map((h) => [h, spanRow(spanHalves[h])])) as EvalReport['spans']['halves'],
    classes: Object.fromEntries([...spanClasses].sort((a, b) => b[1].n - a[1].n).map(([k, t]) => [k, spanRow(t)])),
  };

  const baselines: EvalReport['baselines'] = {};
  if (args.baselines) {
    const sentences = Array.from(index.sentenceStart, (start, s) => index.articles[index.sentenceArticle[s]!]!.text.slice(start, index.sentenceEnd[s]!));
    const searchers: SentenceSearch[] = [miniSearchBaseline(sentences), winkBm25Baseline(sentences)];
    for (const searcher of searchers) {
      const b = { all: tally(), tune: tally(), 'held-out': tally() };
      for (const q of questions) {
        t0 = performance.now();
        const ids = searcher.search(q.question, 10);
        const ms = performance.now() - t0;
        for (const h of [b.all, b[squad.half(q.article)]]) {
          addRanking(h, ids, (s) => isHit(index, s, q));
          h.ms.push(ms);
          if (ids.length > 0) h.answered++;
        }
      }
      baselines[searcher.name] = { all: row(b.all), tune: row(b.tune), 'held-out': row(b['held-out']) };
    }
  }

  // Abstention: questions asked of a corpus that is not about them.
  const seeds = buildIndex((await loadCorpus(args.seeds)).articles);
  let declinedOnSeeds = 0;
  for (const q of questions) if (answerFromRanking(seeds, await ranker(seeds, q.question)).kind === 'not-found') declinedOnSeeds++;
  const seedQuestions = readSeedSets();
  // Every set readSeedSets names, in its order: a new set is added there alone.
  const seedSets = Object.fromEntries(await Promise.all(Object.entries(seedQuestions).map(async ([name, set]) => [name, await seedSetRow(seeds, index, set, ranker)]))) as Record<SeedSetName, SeedSetRow>;

  // Questions that look like the corpus's own but ask about someone or something it does not discuss: held-out
  // questions whose most specific name is replaced by another question's, one the first question's article
  // never uses.
  const substituted = substitutedQuestions(index, squad, questions.filter((q) => squad.half(q.article) === 'held-out'));
  let declinedSubstituted = 0;
  for (const { text } of substituted) if (answerFromRanking(index, await ranker(index, text)).kind === 'not-found') declinedSubstituted++;

  // The same for the seeds, with names no seed article uses at all.
  // From the first three sets, so that the fixed sample stays the one measured before the fourth was written.
  const allSeedQuestions = [seedQuestions.development, seedQuestions.reviewed, seedQuestions.blind].flatMap((set) => set.map((x) => x.q));
  const unknownNamed = unknownNameQuestions(seeds, allSeedQuestions, [...new Set(substituted.map((x) => x.added))]);
  let declinedUnknownNamed = 0;
  let declinedUnknownLower = 0;
  for (const text of unknownNamed) {
    if (answerFromRanking(seeds, await ranker(seeds, text)).kind === 'not-found') declinedUnknownNamed++;
    // Typed in lower case, as many are in a chat, the name is no longer tagged a name.
    if (answerFromRanking(seeds, await ranker(seeds, text.toLowerCase())).kind === 'not-found') declinedUnknownLower++;
  }

  let heldOutOnNews: EvalReport['abstention']['heldOutOnNews'] = null;
  let newsQuestions: EvalReport['abstention']['newsQuestions'] = null;
  let nowOnNews: EvalReport['abstention']['nowOnNews'] = null;
  if (args.news && existsSync(args.news)) {
    const news = buildIndex((await loadCorpus(args.news)).articles);
    const heldOut = questions.filter((q) => squad.half(q.article) === 'held-out');
    let declined = 0;
    for (const q of heldOut) if (answerFromRanking(news, await ranker(news, q.question)).kind === 'not-found') declined++;
    heldOutOnNews = { questions: heldOut.length, declined: declined / (heldOut.length || 1) };
    const asked = readNewsQuestions();
    newsQuestions = {
      tune: await seedSetRow(news, index, asked.filter((x) => newsHalf(x) === 'tune'), ranker),
      'held-out': await seedSetRow(news, index, asked.filter((x) => newsHalf(x) === 'held-out'), ranker),
    };
    nowOnNews = nowRow(news, readNewsQuestions('recent-questions.json'));
  }

  return {
    corpus: { articles: index.articles.length, sentences: index.sentenceStart.length, questions: questions.length, buildMs },
    engine: Object.fromEntries(halves.map((h) => [h, row(engine[h])])) as EvalReport['engine'],
    spans,
    baselines,
    abstention: {
      squadOnSeeds: { questions: questions.length, declined: declinedOnSeeds / (questions.length || 1) },
      seedSets,
      heldOutOnNews,
      newsQuestions,
      nowOnNews,
      substitutedOnSquad: { questions: substituted.length, declined: declinedSubstituted / (substituted.length || 1) },
      unknownNameOnSeeds: {
        questions: unknownNamed.length,
        declined: declinedUnknownNamed / (unknownNamed.length || 1),
        declinedLowerCase: declinedUnknownLower / (unknownNamed.length || 1),
      },
      casualOnSeeds: await casualRow(seeds, readCasualQuestions(), ranker),
    },
  };
}

/** `w` as a whole word (not inside another: "Ali" is not found in "Alison"). */
function whole(w: string, flags: string): RegExp {
  const escaped = w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, flags);
}

/** The question's proper noun of highest idf among those the corpus uses, or '' when it has none. */
function mostSpecificName(index: Index, question: string): string {
  let best = -1;
  let word = '';
  for (const term of analyseQuestion(question, index.vocabulary).terms) {
    if (!term.proper || term.numeric || term.id === NO_TERM) continue;
    const rarity = idf(index, term.id);
    if (rarity > best) {
      best = rarity;
      word = term.word;
    }
  }
  return word;
}

export interface Substituted {
  readonly from: SquadQuestion;
  readonly text: string;
  readonly removed: string;
  readonly added: string;
}

/**
 * Each question with its most specific name (the proper noun of highest idf) replaced by the most specific name
 * of another question (a fixed stride through the list), kept when that name differs and never occurs in the
 * first question's article: "What year was Casimir Pulaski born in Warsaw?" becomes "What year was Genghis
 * Pulaski born in Warsaw?" over a corpus whose Warsaw article never says "Genghis". Such a question has no
 * answer in the corpus (unless another article happens to answer it, which is rare), however well its other
 * words match the article it came from.
 */
export function substitutedQuestions(index: Index, squad: SquadCorpus, questions: readonly SquadQuestion[]): Substituted[] {
  const specific = questions.map((q) => mostSpecificName(index, q.question));
  const out: Substituted[] = [];
  questions.forEach((q, i) => {
    const j = (i * 7919 + 3) % questions.length;
    const [w, v] = [specific[i]!, specific[j]!];
    if (!w || !v || questions[j]!.article === q.article || v.toLowerCase() === w.toLowerCase()) return;
    if (whole(v, 'iu').test(squad.articles[q.article]!.text)) return;
    const text = q.question.replace(whole(w, 'iu'), v);
    if (text !== q.question) out.push({ from: q, text, removed: w, added: v });
  });
  return out;
}

/**
 * Each question with its most specific name that `index` uses (the proper noun of highest idf) replaced by a
 * name from `names` (a fixed stride through the list) that `index` never uses, not even one edit off: "Who did
 * Boris Johnson say are actually engaged?" becomes "Who did Chopin Johnson say..." ("Boris" is the rarer word
 * in the seeds). The corpus cannot answer such a question, however well its other words match.
 */
export function unknownNameQuestions(index: Index, questions: readonly string[], names: readonly string[]): string[] {
  // Read from the articles' text, not through the engine's own reading of words: the sample stays the same
  // questions when the engine learns to read more words as typos (it drew 89 questions anew each time before).
  const seen = new Set<string>();
  for (const a of index.articles) for (const w of a.text.toLowerCase().match(/\p{L}+/gu) ?? []) seen.add(w);
  const near = (name: string) => {
    const n = name.toLowerCase();
    for (const w of seen) if (withinOneEdit(n, w) || (n.length >= 5 && w.length >= 5 && n.slice(0, 5) === w.slice(0, 5))) return true;
    return false;
  };
  const unknown = names.filter((n) => /^\p{Lu}\p{L}+$/u.test(n) && !near(n));
  const out: string[] = [];
  questions.forEach((q, i) => {
    const word = mostSpecificName(index, q);
    if (!word || unknown.length === 0) return;
    const name = unknown[(i * 7919 + 3) % unknown.length]!;
    // A name the question writes with diacritics is analysed folded ("Zacheta"), and not found as written: the
    // question is left out.
    const text = q.replace(whole(word, 'u'), name);
    if (text !== q) out.push(text);
  });
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function print(report: EvalReport): void {
  const out: string[] = [];
  const c = report.corpus;
  out.push(`SQuAD v1.1 dev as one corpus: ${c.articles} articles, ${c.sentences} sentences, ${c.questions} questions (index built in ${(c.buildMs / 1000).toFixed(1)} s)`);
  out.push('');
  out.push('system                  half       hit@1   hit@3   hit@5   MRR@10  EM     F1     EM*    F1*    answered  right|answered  ms/q (median)');
  const line = (name: string, half: string, r: QualityRow) =>
    `${name.padEnd(23)} ${half.padEnd(9)} ${pct(r.hit1).padStart(6)}  ${pct(r.hit3).padStart(6)}  ${pct(r.hit5).padStart(6)}  ${r.mrr.toFixed(3).padStart(6)}  ${r.exact.toFixed(1).padStart(5)}  ${r.f1.toFixed(1).padStart(5)}  ${r.exactAlways.toFixed(1).padStart(5)}  ${r.f1Always.toFixed(1).padStart(5)}  ${pct(r.answered).padStart(8)}  ${pct(r.precisionAnswered).padStart(14)}  ${r.msPerQuestion.toFixed(3)}`;
  for (const half of ['all', 'tune', 'held-out'] as const) {
    out.push(line('verbatim', half, report.engine[half]));
    for (const [name, b] of Object.entries(report.baselines)) out.push(line(name, half, b[half]));
  }
  out.push('EM, F1: the short answer as the bot shows it (none below the span threshold); EM*, F1*: a short answer whenever the bot answers.');
  out.push('');
  out.push('short answer given the gold sentence   questions  shown    EM     F1     EM*    F1*');
  const spanLine = (name: string, r: SpanRow) =>
    `${name.padEnd(38)} ${String(r.questions).padStart(9)}  ${pct(r.answered).padStart(6)}  ${r.exact.toFixed(1).padStart(5)}  ${r.f1.toFixed(1).padStart(5)}  ${r.exactAlways.toFixed(1).padStart(5)}  ${r.f1Always.toFixed(1).padStart(5)}`;
  for (const half of ['all', 'tune', 'held-out'] as const) out.push(spanLine(half, report.spans.halves[half]));
  for (const [klass, r] of Object.entries(report.spans.classes)) out.push(spanLine(`  ${klass}`, r));
  out.push('');
  for (const [name, b] of Object.entries(report.baselines)) {
    const e = report.engine.all;
    out.push(`verbatim / ${name}: hit@1 x${(e.hit1 / (b.all.hit1 || 1)).toFixed(2)}, hit@5 x${(e.hit5 / (b.all.hit5 || 1)).toFixed(2)}, MRR x${(e.mrr / (b.all.mrr || 1)).toFixed(2)}`);
  }
  const a = report.abstention;
  out.push('');
  out.push(`abstention: SQuAD questions asked of the seed articles declined ${pct(a.squadOnSeeds.declined)} (${a.squadOnSeeds.questions})`);
  for (const [name, r] of Object.entries(a.seedSets)) {
    out.push(`            ${name} seed questions (${r.questions}) asked of SQuAD declined ${pct(r.declinedByOther)}; asked of the seeds answered ${pct(r.answeredByOwn)}, right first citation ${pct(r.rightFirstCitation)} (right or holding the short answer ${pct(r.answerInFirstCitation)}), short answer EM ${r.exact.toFixed(1)} F1 ${r.f1.toFixed(1)}`);
  }
  const seedRows = Object.values(a.seedSets);
  const seedTotal = seedRows.reduce((n, r) => n + r.questions, 0);
  const seedDeclined = seedRows.reduce((n, r) => n + Math.round(r.declinedByOther * r.questions), 0);
  out.push(`            all ${seedTotal} seed questions asked of SQuAD declined ${pct(seedDeclined / (seedTotal || 1))} (${seedDeclined})`);
  out.push(`            held-out SQuAD questions with a name swapped for one their article lacks, declined ${pct(a.substitutedOnSquad.declined)} (${a.substitutedOnSquad.questions})`);
  out.push(`            seed questions with a name swapped for one the seeds never use, declined ${pct(a.unknownNameOnSeeds.declined)} (${a.unknownNameOnSeeds.questions}); in lower case ${pct(a.unknownNameOnSeeds.declinedLowerCase)}`);
  const casual = a.casualOnSeeds;
  out.push(`            casual questions about the seeds (${casual.questions}): declined for a word that is no name ${casual.declinedForNoName}${casual.words.length ? ` (${casual.words.join(', ')})` : ''}; of ${casual.withName} naming someone the seeds never name, declined for the name ${casual.declinedForName}`);
  if (a.heldOutOnNews) out.push(`            held-out SQuAD questions asked of the BBC news articles declined ${pct(a.heldOutOnNews.declined)} (${a.heldOutOnNews.questions})`);
  for (const [half, r] of Object.entries(a.newsQuestions ?? {})) {
    out.push(`            ${half} questions about BBC articles (${r.questions}) asked of SQuAD declined ${pct(r.declinedByOther)}; asked of the BBC articles answered ${pct(r.answeredByOwn)}, right first citation ${pct(r.rightFirstCitation)} (right or holding the short answer ${pct(r.answerInFirstCitation)}), short answer EM ${r.exact.toFixed(1)} F1 ${r.f1.toFixed(1)}`);
  }
  if (a.nowOnNews) {
    out.push(`            questions about BBC articles with a word of recent time (${a.nowOnNews.questions}), asked with "now" in its place: declined as dated ${a.nowOnNews.dated}, ${a.nowOnNews.datedRight} of them with the right sentence first`);
  }
  out.push(`            in-corpus SQuAD questions answered ${pct(report.engine.all.answered)}`);
  console.log(out.join('\n'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  const report = await evaluate(args);
  if (args.json) console.log(JSON.stringify(report));
  else print(report);
}
