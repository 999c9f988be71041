// A regression guard on answer quality (not on time): a fixed subset of SQuAD v1.1 dev, every 20th question,
// asked of the whole dev set as one corpus, as `npm run eval` does for all 10,570. The floors sit a few
// points under what the engine measures today (see README, "Quality"), so a change that hurts ranking,
// short answers or abstention fails here before it ships.
//
// SQuAD is not part of the project (it stays in the shared data folder, referenced by path); the guard runs
// where that folder is, as it is on the development and CI machines, and says so when it is not.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../src/index/build.ts';
import { answerFromRanking, checkWeights, firstStage, rank, spanStage } from '../../src/answer/answer.ts';
import { exactMatch, f1Score, loadSquad } from '../../src/eval/squad.ts';
import { checkedBy, isHit, readSeedSets, seedSetRow, substitutedQuestions } from '../../src/eval/eval.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import type { Index } from '../../src/index/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SQUAD = [process.env.SQUAD_PATH, `${ROOT}../shared/data/squad-dev-v1.1.json`, '/work/shared/data/squad-dev-v1.1.json'].find(
  (p): p is string => typeof p === 'string' && p.length > 0 && existsSync(p),
);
if (!SQUAD) console.warn('SQuAD v1.1 dev not found (set SQUAD_PATH): the quality guard does not run here.');

/** SQuAD v1.1 dev and its index, built once for the tests that need them. */
let loaded: { squad: ReturnType<typeof loadSquad>; index: Index } | null = null;
function squadIndex(): { squad: ReturnType<typeof loadSquad>; index: Index } {
  if (!loaded) {
    const squad = loadSquad(SQUAD!);
    loaded = { squad, index: buildIndex(squad.articles) };
  }
  return loaded;
}

describe.runIf(SQUAD !== undefined)('quality guard on a fixed SQuAD subset', () => {
  it('keeps hit@1, short-answer F1 and the answered rate above their floors', async () => {
    checkWeights();
    const { squad, index } = squadIndex();
    const questions = squad.questions.filter((_, i) => i % 20 === 0);
    let hit1 = 0;
    let hit5 = 0;
    let f1 = 0;
    let em = 0;
    let answered = 0;
    // The rankings users get: the decision to answer checked by the sentence encoder.
    const ranker = checkedBy();
    for (const q of questions) {
      const ranking = await ranker(index, q.question);
      const ids = ranking.ranked.map((r) => r.candidate.sentence);
      const first = ids.findIndex((s) => isHit(index, s, q));
      if (first === 0) hit1++;
      if (first >= 0 && first < 5) hit5++;
      const a = answerFromRanking(index, ranking);
      if (a.kind === 'answer') answered++;
      const prediction = a.kind === 'answer' ? (a.answer?.text ?? '') : '';
      f1 += f1Score(prediction, q.answers.map((x) => x.text));
      em += exactMatch(prediction, q.answers.map((x) => x.text));
    }
    const n = questions.length;
    expect(n).toBe(529);
    const report = { hit1: hit1 / n, hit5: hit5 / n, f1: (100 * f1) / n, em: (100 * em) / n, answered: answered / n };
    console.log('quality guard', JSON.stringify(report));
    // On 2026-11-21 (evening: everyday words and two-article positives in abstention), the subset gave hit@1
    // 76.0%, hit@5 93.2%, F1 50.5, answered 91.1% (the whole set: 75.2%, 91.8%, 48.1, 90.8%). The floors sit one to
    // six points below, so a real regression fails the suite and a relearning that moves a few questions does
    // not. (MiniSearch scores 65.3% hit@1 on the whole set.)
    expect(report.hit1).toBeGreaterThanOrEqual(0.7);
    expect(report.hit5).toBeGreaterThanOrEqual(0.89);
    expect(report.f1).toBeGreaterThanOrEqual(45);
    expect(report.answered).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});

describe.runIf(SQUAD !== undefined)('questions about the seed articles asked of SQuAD', () => {
  it('are declined at least 95% of the time, as checked by the sentence encoder, and less often without it', async () => {
    const { index } = squadIndex();
    const seeds = buildIndex((await loadCorpus(`${ROOT}seeds`)).articles);
    const all = Object.values(readSeedSets()).flat();
    expect(all).toHaveLength(267);
    const checked = await seedSetRow(seeds, index, all, checkedBy());
    const lexical = await seedSetRow(seeds, index, all);
    console.log('seed questions declined on SQuAD', JSON.stringify({ checked: checked.declinedByOther, lexical: lexical.declinedByOther }));
    expect(checked.declinedByOther).toBeGreaterThanOrEqual(0.95);
    expect(checked.declinedByOther).toBeGreaterThan(lexical.declinedByOther);
  }, 300_000);
});

describe.runIf(SQUAD !== undefined)('the rules on a corpus of 48 articles', () => {
  const ask = (q: string) => {
    const { index } = squadIndex();
    return answerFromRanking(index, rank(index, q));
  };
  const articleOf = (c: { articleId: string }) => squadIndex().index.articles.find((a) => a.id === c.articleId)!;

  it('hold for the sentence the second stage brings up: none from an article that never names the question\'s name', () => {
    // Left alone, the second stage puts first a sentence whose article never names Mayow (Harvard's, "1804") or
    // the Wianki festival (Newcastle's, "early October"), over the first stage's, which does.
    for (const [q, name] of [
      ['John Mayow died in what year?', 'Mayow'],
      ['When is the Wianki festival held?', 'Wianki'],
    ] as const) {
      // The second stage on its own, whether or not the abstention model lets the question through.
      const { index } = squadIndex();
      const staged = spanStage(index, firstStage(index, q));
      const best = staged.ranked[0]!.candidate.sentence;
      expect(index.articles[index.sentenceArticle[best]!]!.text, q).toContain(name);
      const a = ask(q);
      if (a.kind === 'answer') for (const c of a.citations) expect(articleOf(c).text, q).toContain(name);
    }
  }, 120_000);

  it('decline a question about now answered only from past years, and answer an acronym with its definition', () => {
    const now = ask('What year is the Syrian war in now?');
    expect(now.kind === 'not-found' ? now.reason : now.kind).toBe('dated');
    const afc = ask('What does AFC stand for?');
    expect(afc.kind === 'answer' ? afc.answer?.text : afc.kind).toBe('American Football Conference');
    const qed = ask('What is QED short for?');
    expect(qed.kind === 'not-found' ? [qed.reason, qed.name] : qed.kind).toEqual(['unexpanded', 'QED']);
  }, 120_000);
});

describe.runIf(SQUAD !== undefined)('substituted questions for the abstention measure', () => {
  it('swaps a name of a question for another question\'s name that its article never uses', () => {
    const squad = loadSquad(SQUAD!);
    const index = buildIndex(squad.articles.slice(0, 6));
    const questions = squad.questions.filter((q, i) => q.article < 6 && i % 5 === 0);
    const out = substitutedQuestions(index, squad, questions);
    expect(out.length).toBeGreaterThan(100);
    const words = (s: string) => s.split(/\s+/u);
    for (const s of out) {
      expect(s.from.question.toLowerCase()).toContain(s.removed.toLowerCase());
      expect(s.text).toContain(s.added);
      // The same question with one word changed...
      expect(words(s.text).length).toBe(words(s.from.question).length - words(s.removed).length + words(s.added).length);
      expect(s.text.replace(s.added, s.removed).toLowerCase()).toBe(s.from.question.toLowerCase());
      // ...to a word its article never uses.
      expect(squad.articles[s.from.article]!.text.toLowerCase()).not.toMatch(new RegExp(`(?<![\\p{L}\\p{N}])${s.added.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u'));
    }
    expect(out[0]!.text).not.toBe(out[0]!.from.question);
  }, 60_000);
});
