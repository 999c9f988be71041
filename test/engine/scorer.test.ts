// BM25 on a corpus small enough to score on paper.
import { describe, expect, it } from 'vitest';
import { articleFrom } from '../support/articles.ts';
import { buildIndex } from '../../src/index/build.ts';
import { analyseQuestion } from '../../src/answer/question.ts';
import { BM25, retrieve } from '../../src/answer/retrieve.ts';
import { answer, rank } from '../../src/answer/answer.ts';
import { FEATURES } from '../../src/answer/features.ts';


// Three sentences, one paragraph each, with no stop words among the listed goods, so a sentence's BM25
// length is its count of content words: 8, 9 and 9.
const A = 'Farmers harvest apples, pears, plums, cherries, grapes and melons.';
const B = 'Bakers bake bread, rolls, cakes, pies, tarts and muffins with apples.';
const C = 'Sailors mend nets, ropes, sails, masts, hulls and anchors carefully.';
const index = buildIndex([articleFrom('market.txt', `${A}\n\n${B}\n\n${C}\n`)]);

describe('BM25 by hand', () => {
  it('indexes three sentences with the lengths counted by hand', () => {
    expect(index.sentenceStart.length).toBe(3);
    expect(Array.from(index.sentenceLength)).toEqual([8, 9, 9]);
    expect(index.averageLength).toBeCloseTo(26 / 3, 10);
  });

  it('scores "apples harvest" as Robertson-Zaragoza BM25 with Lucene idf', () => {
    const r = retrieve(index, analyseQuestion('apples harvest', index.vocabulary), { limit: 10 });
    const { k1, b } = BM25;
    const N = 3;
    const idf = (df: number) => Math.log(1 + (N - df + 0.5) / (df + 0.5));
    const tf1 = (len: number) => (1 * (k1 + 1)) / (1 + k1 * (1 - b + (b * len) / (26 / 3)));
    // A has both words (apples df 2, harvest df 1); B has apples only; C neither.
    const expectA = idf(2) * tf1(8) + idf(1) * tf1(8);
    const expectB = idf(2) * tf1(9);
    expect(r.candidates.map((c) => c.sentence)).toEqual([0, 1]);
    expect(r.candidates[0]!.bm25).toBeCloseTo(expectA, 10);
    expect(r.candidates[1]!.bm25).toBeCloseTo(expectB, 10);
    expect(r.totalIdf).toBeCloseTo(idf(2) + idf(1), 10);
    // Bit masks of the matched clauses: both, then the first ("apples").
    expect(r.candidates.map((c) => c.mask)).toEqual([0b11, 0b01]);
  });

  it('matches inflections through stems: "harvested apple" finds the same sentences', () => {
    const r = retrieve(index, analyseQuestion('harvested apple', index.vocabulary), { limit: 10 });
    expect(r.candidates.map((c) => c.sentence)).toEqual([0, 1]);
  });

  it('returns nothing for an empty query, an all-stop-word query, and on an empty corpus', () => {
    expect(retrieve(index, analyseQuestion('', index.vocabulary), { limit: 10 }).candidates).toEqual([]);
    expect(retrieve(index, analyseQuestion('what is it that was there', index.vocabulary), { limit: 10 }).candidates).toEqual([]);
    expect(rank(index, 'which of them are there').ranked).toEqual([]);
    const empty = buildIndex([]);
    expect(empty.sentenceStart.length).toBe(0);
    expect(rank(empty, 'apples harvest').ranked).toEqual([]);
  });

  it('keeps at most `limit` candidates, in descending score', () => {
    const r = retrieve(index, analyseQuestion('apples harvest bread nets', index.vocabulary), { limit: 2 });
    expect(r.candidates).toHaveLength(2);
    expect(r.candidates[0]!.bm25).toBeGreaterThanOrEqual(r.candidates[1]!.bm25);
  });
});

describe('spelling tolerance', () => {
  it('matches a word one edit from a known term, and only then', async () => {
    const { withinOneEdit } = await import('../../src/index/terms.ts');
    expect(withinOneEdit('tackels', 'tackles')).toBe(true); // transposition
    expect(withinOneEdit('mullet', 'mullett')).toBe(true); // insertion
    expect(withinOneEdit('shelly', 'shelley')).toBe(true);
    expect(withinOneEdit('cherri', 'cheri')).toBe(true); // deletion
    expect(withinOneEdit('harvest', 'harvust')).toBe(true); // substitution
    expect(withinOneEdit('harvest', 'hravset')).toBe(false);
    expect(withinOneEdit('apples', 'applesauce')).toBe(false);
  });

  it('finds the sentence for a misspelt question word, and still counts the word as unknown', () => {
    const r = retrieve(index, analyseQuestion('who harvets cherries', index.vocabulary), { limit: 10 });
    expect(r.candidates[0]!.sentence).toBe(0);
    expect(r.clauses.map((c) => c.known)).toEqual([false, true]);
  });
});

describe('chat spellings', () => {
  // A made-up housing report: two months, told apart only by their names. "feb" and "ppl" are read as the report
  // writes them.
  const report = buildIndex([
    articleFrom(
      'homes.txt',
      'House prices\n\nHouse prices rose by 0.5% in February, the lender said in its monthly report on Friday.\n\nHouse prices rose by 0.4% in January, the lender said in its monthly report on Friday.\n\nThe survey asked 1,943 people about their plans to move house this year or next.\n',
    ),
  ]);
  const cited = (q: string) => {
    const a = answer(report, q);
    return a.kind === 'answer' ? a.citations[0]!.text : a.reason;
  };

  it('finds the sentence a chat-typed question asks for, and keeps the question as typed', () => {
    expect(cited('how much did house prices rise in feb')).toBe('House prices rose by 0.5% in February, the lender said in its monthly report on Friday.');
    expect(cited('how much did house prices rise in Feb?')).toBe(cited('how much did house prices rise in February?'));
    const q = analyseQuestion('how many ppl did the survey ask', report.vocabulary);
    expect(q.text).toBe('how many ppl did the survey ask');
    expect(q.terms.map((t) => t.word)).toContain('people');
    expect(q.caseless).toBe(true);
  });

  it('reads "wat" as the question word, and a capital typed twice as one', () => {
    expect(analyseQuestion('wat did the survey ask', report.vocabulary).type).toBe('what');
    const shifted = analyseQuestion('WHen did prices rise in january', report.vocabulary);
    expect(shifted.type).toBe('when');
    expect(shifted.caseless).toBe(true);
    expect(shifted.text).toBe('WHen did prices rise in january');
  });
});

describe('caseless questions', () => {
  it('is caseless when no word but a sentence\'s first letter, I or an acronym has a capital, or when all are capitals', () => {
    const caseless = (q: string) => analyseQuestion(q, index.vocabulary).caseless;
    for (const q of ['who harvests apples?', 'Who harvests apples?', 'did I miss who harvests apples', 'UN report: who harvests apples', 'what did the NGOs and the U.S. say about apples', 'WHO HARVESTS APPLES?', 'lol. Who harvests apples?', '"Who harvests apples?"']) expect(caseless(q), q).toBe(true);
    for (const q of ['Who harvests apples in Kent?', 'who harvests apples. Who bakes in Kent?', 'what did iPhone users say', 'apples in Kent, who harvests them']) expect(caseless(q), q).toBe(false);
  });
});

describe('questions about an acronym', () => {
  it('reads the acronym a question asks the meaning of, in capitals or not', () => {
    // A corpus that writes ICC, so "icc" typed in lower case is known as an acronym.
    const court = buildIndex([articleFrom('court.txt', 'The ICC opened a case against the party, and the NGO and the CBI spoke.\n')]);
    const expansion = (q: string) => analyseQuestion(q, court.vocabulary).expansion;
    expect(expansion('What does ICC stand for?')).toBe('ICC');
    expect(expansion('what does icc stand for')).toBe('ICC');
    expect(expansion('whats icc stand for')).toBe('ICC');
    expect(expansion("what's the acronym ICC mean?")).toBe('ICC');
    expect(expansion('What does ICC mean?')).toBe('ICC');
    expect(expansion('Which MP stood for the seat?')).toBeNull();
    expect(expansion('What does G20 stand for?')).toBeNull();
    expect(expansion('what does siege mean')).toBeNull();
    expect(expansion('What did the LMP acronym stand for regarding the launch?')).toBe('LMP');
    expect(expansion('what does vBNS stand for')).toBe('vBNS');
    expect(expansion('What is "TGIF" short for?')).toBe('TGIF');
    expect(expansion('WHAT DOES ICC STAND FOR?')).toBe('ICC');
    expect(expansion('what do ngos stand for')).toBe('NGOs');
    // The acronym comes right before the asking words, and "mean" ends the question.
    expect(expansion('What did the BBC say ICC stands for?')).toBeNull();
    expect(expansion('What did the CBI mean by its warning?')).toBeNull();
    expect(expansion('What does the WTO ruling mean for Airbus?')).toBeNull();
    expect(expansion('What seat did the UKIP candidate stand for?')).toBeNull();
    expect(expansion('What does PlayStation mean?')).toBeNull();
    expect(expansion('what is it short for')).toBeNull();
    // Without capitals, only a word the corpus writes as an acronym: "the party" stands for ideas, not words.
    expect(expansion('what does the party stand for')).toBeNull();
    expect(expansion('What does Hamas stand for?')).toBeNull();
    expect(expansion('What does the UMC stand in opposition to?')).toBeNull();
    expect(expansion('Who harvests apples?')).toBeNull();
  });
});

describe('the kind of answer a question asks for', () => {
  const typed = (q: string) => {
    const a = analyseQuestion(q, index.vocabulary);
    return `${a.type}/${a.focus ?? '-'}`;
  };
  it('is read from the first wh-word, passing over one that opens a relative clause after a noun', () => {
    expect(typed('The farm where the apples grow has been worked for how many years?')).toBe('how-many/years');
    expect(typed('Bakers who bake with apples use what kind of flour?')).toBe('what/kind');
    expect(typed('The bakers bake with apples which grow in what region?')).toBe('what/region');
    // Not when nothing follows, nor after a word that is no noun, nor "what", which opens no relative clause.
    expect(typed('The farm where the apples grow?')).toBe('where/-');
    expect(typed('In which year did the bakers who sell pies open?')).toBe('when/year');
    expect(typed('According to the baker what was sold when the market opened?')).toBe('what/-');
  });
});

describe('questions about the present day', () => {
  it('asks about now with "now", "currently", "these days", "at the moment" or "in the past few days", not with words of recent events', () => {
    const asksNow = (q: string) => analyseQuestion(q, index.vocabulary).asksNow;
    for (const q of ['Who harvests apples now?', 'who currently harvests apples', 'Who harvests apples these days?', 'Who bakes, at the moment?', 'NOW who harvests apples']) expect(asksNow(q), q).toBe(true);
    // A span of time that runs up to now.
    for (const q of ['who harvested apples in the past few days', 'How many apples were picked over the last couple of weeks?', 'what was baked during the past weeks']) expect(asksNow(q), q).toBe(true);
    // Who holds an office, in the present tense: the holder now.
    for (const q of ["Who is France's foreign minister?", "who's the president of syria", 'Who are the orchard\'s owners?', 'Who is the current chief executive of the apple board?']) expect(asksNow(q), q).toBe(true);
    for (const q of ["Who was France's foreign minister?", 'Who is backing the rebels?', 'Who is the author of the apple book?', 'Which minister harvests apples?']) expect(asksNow(q), q).toBe(false);
    // The office must end a short noun phrase right after "who is", and not one of the past.
    for (const q of ['Who is the former president of the orchard board?', 'Who is the first king of the apple country?', 'Who is the man the president met?', 'Who is accused of shooting the orchard owner?', 'Who is Bebars Mishal? What did the president say?']) expect(asksNow(q), q).toBe(false);
    // A span of time of the past is not one up to now.
    for (const q of ['What happened during the last few days of the harvest?', 'What did he pick in the last weeks before his death?']) expect(asksNow(q), q).toBe(false);
    // "What did they say today?" asks about an event a news article tells in the past tense.
    for (const q of ['Who harvests apples?', 'Who harvested apples this year?', 'Who harvests apples today?', 'How many apples were harvested this week?', 'who harvested apples in the past few years', 'What is the known apple?', 'Who harvests apples nowhere else?', 'who knows how to harvest apples']) expect(asksNow(q), q).toBe(false);
  });

  it('asks about what is still to come with "when will", "when is ... expected to" or "when is X opening"', () => {
    const asksNow = (q: string) => analyseQuestion(q, index.vocabulary).asksNow;
    for (const q of ['When will the apple harvest start?', 'when is the harvest expected to begin', 'When is the orchard due to reopen?', "when's the new orchard opening", 'When are the pickers going to return?', 'When is the verdict due?', 'When is Orchard 2.0 due to be released?', 'And when will the harvest start?', 'WHEN WILL THE HARVEST START']) expect(asksNow(q), q).toBe(true);
    // "Will" with a capital after "When" is a name; "due to" may mean "because of"; the words must be of one clause.
    for (const q of ['When Will Carter ran the orchard, who picked the apples?', 'When is the orchard closed due to flooding?', 'When is the harvest, and who is going to pick?', 'When is Christmas morning?']) expect(asksNow(q), q).toBe(false);
    // The past, a plain date, and an -ing noun after an article ("the wedding") ask no such thing.
    for (const q of ['When was the apple harvest?', 'When did the harvest start?', 'When is the apple harvest?', 'When is the wedding?', 'when is the spring', 'Who will harvest the apples?', 'When were the pickers expected to return?']) expect(asksNow(q), q).toBe(false);
  });
});

describe('rerank features', () => {
  // Both sentences match "renamed" and "mall" by stem; only the first has "renamed" as the question writes it.
  const renamed = 'In 1964 the old market hall was renamed the Fulton Mall by the council.';
  const rename = 'Every decade the council votes to rename the mall, and never does.';
  const town = buildIndex([articleFrom('town.txt', `Fresno\n\n${renamed}\n\n${rename}\n`)]);

  it('exactCoverage counts the words a sentence has in the very form the question uses', () => {
    const r = rank(town, 'What was the mall renamed?');
    const by = new Map(r.ranked.map((x) => [town.articles[0]!.text.slice(town.sentenceStart[x.candidate.sentence], town.sentenceEnd[x.candidate.sentence]), x.features]));
    const exact = FEATURES.indexOf('exactCoverage');
    const coverage = FEATURES.indexOf('coverage');
    // The same clauses match both sentences by stem...
    expect(by.get(renamed)![coverage]).toBeCloseTo(by.get(rename)![coverage]!, 10);
    expect(by.get(renamed)![coverage]).toBeCloseTo(1, 10);
    // ...but only the first writes both words as the question does; the second has only "mall".
    expect(by.get(renamed)![exact]).toBeCloseTo(1, 10);
    expect(by.get(rename)![exact]).toBeGreaterThan(0);
    expect(by.get(rename)![exact]).toBeLessThan(1);
    // "Mall" in "Fulton Mall" is found whatever its case; "mall," is a whole word before its comma.
    const shouted = rank(town, 'Which Mall?').ranked;
    expect(shouted).toHaveLength(2);
    expect(shouted.map((x) => x.features[exact])).toEqual([1, 1]);
  });
});

describe('WordNet evidence', () => {
  // Neither sentence has "die" by stem; one says "death", which WordNet derives from it.
  const death = 'The composer lived in Paris until his death in 1849, aged thirty-nine.';
  const travel = 'The composer travelled from Paris to London in 1848 to give concerts.';
  const life = buildIndex([articleFrom('chopin.txt', `Chopin\n\n${death}\n\n${travel}\n`)]);
  const text = (s: number) => life.articles[0]!.text.slice(life.sentenceStart[s], life.sentenceEnd[s]);

  it('counts a derived form of a question word the sentence lacks, and ranks that sentence first', () => {
    const r = rank(life, 'When did the composer die in Paris?');
    const by = new Map(r.ranked.map((x) => [text(x.candidate.sentence), x.features]));
    const derived = FEATURES.indexOf('derivedCoverage');
    const coverage = FEATURES.indexOf('coverage');
    // Stems match "composer" and "Paris" in both sentences alike...
    expect(by.get(death)![coverage]).toBeCloseTo(by.get(travel)![coverage]!, 10);
    // ...and only the first has "death" for the unmatched "die".
    expect(by.get(death)![derived]).toBeGreaterThan(0);
    expect(by.get(travel)![derived]).toBe(0);
    expect(text(r.ranked[0]!.candidate.sentence)).toBe(death);
  });

  it('gives no relative credit for a word the sentence already matches', () => {
    const r = rank(life, 'Where did the composer travel?');
    const at = r.ranked.find((x) => text(x.candidate.sentence) === travel)!;
    for (const name of ['synonymCoverage', 'derivedCoverage', 'broaderCoverage', 'associatedCoverage'] as const) {
      expect(at.features[FEATURES.indexOf(name)]).toBe(0);
    }
  });
});
