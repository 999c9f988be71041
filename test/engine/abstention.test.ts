// Abstention's reading of question words the corpus never uses (answer.ts, answerableFeatures): on a small
// corpus most everyday words are missing only because the corpus is small.
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.ts';
import { buildIndex } from '../../src/index/build.ts';
import { ANSWERABLE_FEATURES, answerableFeatures, answerFromRanking, firstStage, pastOnly, placeLike, rank } from '../../src/answer/answer.ts';
import type { Answer } from '../../src/answer/types.ts';
import type { Index } from '../../src/index/types.ts';
import { articleFrom } from '../support/articles.ts';

const seeds = buildIndex((await loadCorpus(new URL('../../seeds', import.meta.url).pathname)).articles);
/** The bot's answers over `index`. */
const askOf = (index: Index) => (q: string) => answerFromRanking(index, rank(index, q));
/** An index of one article, parsed from `text`. */
const indexOf = (path: string, text: string) => buildIndex([articleFrom(path, text)]);
const askSeeds = askOf(seeds);
/** Why an answer declined, or 'answer'. */
const outcome = (a: Answer) => (a.kind === 'not-found' ? a.reason : a.kind);
const feature = (q: string, name: (typeof ANSWERABLE_FEATURES)[number]) => answerableFeatures(firstStage(seeds, q))[ANSWERABLE_FEATURES.indexOf(name)]!;

describe('unknown question words', () => {
  it('count an unknown rare word or name against answering, and not an unknown everyday word', () => {
    // "angry" is not in the seeds (they say "outrage"); "zorbling" is in no corpus, "Pulaski" not in these.
    expect(feature('What are western nations angry about?', 'unknownShare')).toBe(0);
    expect(feature('What are western nations angry about?', 'maxUnknown')).toBe(0);
    expect(feature('What are western nations zorbling about?', 'unknownShare')).toBeGreaterThan(0.3);
    expect(feature('What did Pulaski say about western nations?', 'unknownProper')).toBe(1);
    expect(feature('What did Pulaski say about western nations?', 'unknownShare')).toBeGreaterThan(0.3);
  });

  it('so the seeds answer a paraphrase with everyday words, are less sure with a rare one, and decline an unknown name', () => {
    const angry = askSeeds('What are western nations angry about?');
    expect(angry.kind).toBe('answer');
    if (angry.kind === 'answer') expect(angry.citations[0]!.text).toContain('Several western nations have expressed outrage');
    // A word no article uses, and no dictionary, may be a typo of anything: it lowers the confidence.
    // (By 0.04 since the abstention model reads the best sentence's reranking features too, 2026-11-22; by over 0.1
    // before. The word's share of the question is the feature above.)
    expect(firstStage(seeds, 'What are western nations zorbling about?').answerable).toBeLessThan(firstStage(seeds, 'What are western nations angry about?').answerable - 0.02);
    const pulaski = askSeeds('What did Pulaski say about western nations?');
    expect(pulaski.kind === 'not-found' && pulaski.reason).toBe('unknown-name');
  });
});

describe('a question about now', () => {
  // A history of a ferry: what was so in past years, and one sentence about today.
  const history = articleFrom(
    'ferry.txt',
    'The Harbour Ferry\n\nThe harbour ferry was run by the Harbour Board from 1890 to 1954, when the board was wound up.\n\nThe crossing took twenty minutes in 1900.\n\nThe tug was run by Will Carter from May 1901.\n\nIn 1999 the barge company said it would double its fleet.\n\nThe Harbour Trust owns the old steam launch, built in 1898.\n\nThe pier was due to be rebuilt by 2030.\n\nThe museum on the quay opened in 2015 and is open every day.\n\nThe RNLI lifeboat is moored beside the museum.\n',
  );
  const ferry = buildIndex([history]);
  const ask = askOf(ferry);

  it('is not answered from a sentence that speaks only of past years', () => {
    // The article's latest year is 2015: 1890 to 1954 and 1900 are the past.
    // "Will" and "May" are a name and a month, not verbs, and "would" in reported speech is past.
    for (const q of ['Who runs the harbour ferry now?', 'who currently runs the harbour ferry', 'How long does the crossing take these days?', 'Who runs the tug now?', 'How big is the barge fleet now?']) {
      const a = ask(q);
      expect(outcome(a), q).toBe('dated');
      // The closest sentence is still shown, as such.
      if (a.kind === 'not-found') expect(a.nearest[0]!.text, q).toMatch(/1890|1900|1901|1999/);
    }
  });

  it('is answered from a sentence in the present or about a later year, and the past is answered from the past', () => {
    const museum = ask('Is the museum on the quay open now?');
    expect(museum.kind === 'answer' ? museum.citations[0]!.text : museum.kind).toContain('is open every day');
    // "owns": a state that goes on, whatever year the sentence names.
    const launch = ask('Who owns the old steam launch now?');
    expect(launch.kind === 'answer' ? launch.answer?.text : launch.kind).toBe('Harbour Trust');
    // 2030 is the article's latest year: a plan, not the past, though the sentence is in the past tense.
    const pier = ask('When is the pier due to be rebuilt now?');
    expect(pier.kind === 'answer' ? pier.citations[0]!.text : pier.kind).toBe('The pier was due to be rebuilt by 2030.');
    const then = ask('Who ran the harbour ferry?');
    expect(then.kind === 'answer' ? then.citations[0]!.text : then.kind).toContain('run by the Harbour Board from 1890 to 1954');
    expect(pastOnly(ferry, firstStage(ferry, 'Who ran the harbour ferry?'))).toBe(false);
    expect(pastOnly(ferry, firstStage(ferry, 'Who runs the harbour ferry now?'))).toBe(true);
  });

  it('reads a when-question about what is still to come as one about now: not answered from years past', () => {
    for (const q of ['When will the harbour ferry be wound up?', 'When is the harbour board going to be wound up?', 'When is the barge company expected to double its fleet?']) {
      expect(outcome(ask(q)), q).toBe('dated');
    }
    // A plan for a later year answers it, and the same question in the past tense is answered from the past.
    const pier = ask('When will the pier be rebuilt?');
    expect(pier.kind === 'answer' ? pier.answer?.text : outcome(pier)).toBe('by 2030');
    const wound = ask('When was the harbour board wound up?');
    expect(wound.kind === 'answer' ? wound.citations[0]!.text : outcome(wound)).toContain('from 1890 to 1954, when the board was wound up');
  });

  it('reads "Who is the board\'s chairman?" as a question about now, and a verb in -us as no present tense', () => {
    const ask = askOf(
      indexOf(
        'board.txt',
        "The Harbour Board\n\nIn 1925 the board's new chairman, Thomas Reed, decided to focus the port on winter trade.\n\nIn 1931 the board's harbour master chose to bias the fees towards local boats.\n\nThe board was wound up in 1954, and its quay became a museum in 2015.\n",
      ),
    );
    // 1925 is long before 2015, the article's latest year; "to focus" is no verb in the present ("focuses" would be).
    // So is a question about the past few days.
    for (const q of ["Who is the board's chairman?", 'who is the chairman of the board', "Who is the board's chairman now?", 'What did the chairman decide in the past few days?']) {
      const a = ask(q);
      expect(outcome(a), q).toBe('dated');
    }
    // "to bias" is no verb in the present either, whatever the tagger makes of it.
    const master = ask('Who is the board\'s harbour master now?');
    expect(outcome(master)).toBe('dated');
    const then = ask("Who was the board's chairman?");
    expect(then.kind === 'answer' ? then.answer?.text : then.kind).toBe('Thomas Reed');
  });

  it('reads a year named as a point of comparison as no date of the sentence', () => {
    // A 2005 report: four figures are this year's, compared with past years'; three sentences are dated to the past.
    const now = askOf(
      indexOf(
        'cars.txt',
        'Car sales in Asia\n\nThe carmaker, which will report its full results for 2005 in March, gave its sales figures today.\n\nIt sold nearly 95,000 cars in Asia, up 2.6% on 2003.\n\nIts profit from vans was 15% higher than in the same period of 2003.\n\nTrade between the carmaker and its Indian dealers rose to $186m from $64m in 2003.\n\nIts bus sales across the whole of Europe were the highest they had been since 1997.\n\nIn 2003 the carmaker built all of its farm tractors at its old works in Leeds.\n\nIn the first quarter of 2003 the carmaker sold 5,000 lorries in Africa through its dealers.\n\nVan sales in Spain were higher than in 2003, the chairman told the shareholders at the meeting.\n\nSmith had run the lorry division since 1998 before he retired from the board of the carmaker.\n',
      ),
    );
    for (const [q, quoted] of [
      ['How many cars does the carmaker sell in Asia now?', 'up 2.6% on 2003'],
      ['How much higher is its profit from vans now?', 'than in the same period of 2003'],
      ['How much is trade with its Indian dealers worth now?', 'from $64m in 2003'],
      ['How are its bus sales in Europe doing now?', 'since 1997'],
      ['How are van sales in Spain now?', 'higher than in 2003'],
    ] as const) {
      const a = now(q);
      expect(a.kind === 'answer' ? a.citations[0]!.text : a.kind, q).toContain(quoted);
    }
    // A year that dates the sentence still does: "in 2003", "in the first quarter of 2003", "had run ... since 1998".
    for (const q of ['Where does the carmaker build its farm tractors now?', 'How many lorries does the carmaker sell in Africa now?', 'Who runs the lorry division now?']) {
      const a = now(q);
      expect(outcome(a), q).toBe('dated');
    }
  });

  it('is answered on the seeds, whose sentences speak of this week, the past few days and now', () => {
    for (const [q, quoted] of [
      ['How many civilians were killed this week by Russian and Syrian military operations?', 'this week'],
      ['how many civilians were killed in east aleppo this week?', 'More than 200 civilians were reportedly killed this week'],
      ['what is the situation in aleppo now?', "It's the same situation."],
      ['how many people did the bombing campaign kill in the past few days?', 'killed dozens of people in the past few days'],
    ] as const) {
      const a = askSeeds(q);
      expect(a.kind === 'answer' ? a.citations[0]!.text : a.kind, q).toContain(quoted);
    }
  });
});

describe('a question about an acronym', () => {
  it('is answered with the words that spell it out, an exact slice of the article', () => {
    for (const q of ['What does ICC stand for?', 'what does icc stand for', 'What is the ICC short for?']) {
      const a = askSeeds(q);
      expect(a.kind === 'answer' ? a.answer?.text : a.kind, q).toBe('International Criminal Court');
      if (a.kind !== 'answer' || !a.answer) continue;
      expect(a.citations[0]!.text, q).toContain('the International Criminal Court (ICC) must investigate');
      const article = seeds.articles.find((x) => x.id === a.citations[0]!.articleId)!;
      expect(article.text.slice(a.answer.start, a.answer.end)).toBe('International Criminal Court');
    }
  });

  it('is declined, naming the acronym, when no sentence close to it spells it out', () => {
    const ask = askOf(indexOf('ferry.txt', 'The Harbour Ferry\n\nThe RNLI lifeboat is moored beside the museum.\n\nThe museum is open every day.\n'));
    const a = ask('What does RNLI stand for?');
    expect(a.kind === 'not-found' ? [a.reason, a.name] : a.kind).toEqual(['unexpanded', 'RNLI']);
    // Asked otherwise, the same sentence answers.
    const where = ask('Where is the RNLI lifeboat moored?');
    expect(where.kind === 'answer' ? where.citations[0]!.text : where.kind).toBe('The RNLI lifeboat is moored beside the museum.');
  });
});

describe('a question that asks where or how many', () => {
  // Two accounts of the same talks: one names the place and the count, the other neither.
  const talks = (meet: string, signed: string) =>
    askOf(
      indexOf(
        'talks.txt',
        `Steel talks stall\n\nThe steel talks ended on Friday without a deal on tariffs.\n\n${meet}\n\n${signed}\n\nThe spokesman said the talks had been useful, but the tariffs would stay.\n\nSteel makers had hoped the tariffs would be cut this year.\n\nThe talks began in March.\n`,
      ),
    );
  const vague = talks('The trade ministers will meet again.', 'The trade ministers signed a joint statement on steel tariffs.');
  const exact = talks('The trade ministers will meet again in Geneva, their spokesman said.', 'Twelve trade ministers signed a joint statement on steel tariffs.');

  it('is declined when the sentences that match it name no place or give no count', () => {
    for (const q of ['Where will the trade ministers meet?', 'How many trade ministers signed the joint statement?', 'What city will the trade ministers meet in?', 'In which city will the trade ministers meet?']) {
      const a = vague(q);
      expect(outcome(a), q).toBe('untyped');
      // The closest sentences are still offered, as closest matches: the best three, as for any other decline.
      expect(a.kind === 'not-found' && a.nearest.length, q).toBe(3);
    }
  });

  it('is answered with the place or the count when a sentence gives one', () => {
    for (const q of ['Where will the trade ministers meet?', 'What city will the trade ministers meet in?']) {
      const where = exact(q);
      expect(where.kind === 'answer' ? where.answer?.text : outcome(where), q).toBe('Geneva');
    }
    const many = exact('How many trade ministers signed the joint statement?');
    expect(many.kind === 'answer' ? many.answer?.text : outcome(many)).toBe('Twelve');
    // Other kinds of question are left to the model: the vague account still answers what they signed, and a plural
    // ("Which cities...?"), which asks for a list the span model gives as no one phrase.
    expect(outcome(vague('Which cities will the trade ministers meet in?'))).toBe('answer');
    const what = vague('What did the trade ministers sign?');
    expect(what.kind === 'answer' ? what.citations[0]!.text : outcome(what)).toBe('The trade ministers signed a joint statement on steel tariffs.');
  });

  it('is declined when the phrase found for "where" is no place, and answered with one that is', () => {
    // The seeds never say where the infant was found: the span model found "older than five" for want of a place.
    const infant = askSeeds('Where was the infant found?');
    expect(outcome(infant)).toBe('untyped');
    expect(infant.kind === 'not-found' && infant.nearest[0]!.text).toMatch(/^The infant, who appears to be no older than five/);
    const boy = askSeeds('Where is the boy in the picture?');
    expect(boy.kind === 'answer' ? boy.answer?.text : outcome(boy)).toBe('bomb-blasted Aleppo');
  });

  it('reads a phrase as a place after a preposition of place, as a name, or as a place adverb', () => {
    const place = (sentence: string, phrase: string) => {
      const at = sentence.indexOf(phrase);
      return placeLike(sentence, 0, at, at + phrase.length);
    };
    expect(place('The infant, who appears to be no older than five, is seen crying.', 'older than five')).toBe(false);
    expect(place('Starch is stored in the cell.', 'Starch')).toBe(false);
    expect(place('Pyrenoids hold a structure of starch.', 'a structure')).toBe(false);
    expect(place('A boy is seen crying in a picture from bomb-blasted Aleppo.', 'bomb-blasted Aleppo')).toBe(true);
    expect(place('The ministers will meet in the Swiss city of Lausanne.', 'the Swiss city')).toBe(true);
    expect(place('The talks will be held at Lausanne.', 'at Lausanne')).toBe(true);
    expect(place('Houston-based Continental now has debt of $984m.', 'Houston-based')).toBe(true);
    expect(place('Tesla lived for much of his life in a string of New York hotels.', 'New York hotels')).toBe(true);
    expect(place('Cicadas spend most of their lives underground.', 'underground')).toBe(true);
    // A preposition in an earlier clause does not place the phrase.
    expect(place('He was born in 1856, and his father was a priest.', 'a priest')).toBe(false);
  });

  it("leaves the seeds' where- and how-many questions answered", () => {
    const where = askSeeds('Where will the foreign ministers meet?');
    expect(where.kind === 'answer' ? where.answer?.text : outcome(where)).toBe('Lausanne');
    const many = askSeeds('how many civilians were killed in aleppo');
    expect(outcome(many)).toBe('answer');
  });
});
