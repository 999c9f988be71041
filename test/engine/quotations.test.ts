// Direct quotations and their speakers in the seed articles.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.open({ corpusDir: new URL('../../seeds', import.meta.url).pathname });
});

describe('quotations in the seed articles', () => {
  it('finds every quotation of four words or more, with the speaker the text names', () => {
    const found = engine.quotations({}, 100).map((q) => [q.speaker, q.text.slice(0, 40)]);
    expect(found).toEqual([
      // "...cluster bombs," Mishal told Reuters. -> the name after the quote; "Mishal" is "Bebars Mishal" in full.
      ['Bebars Mishal', "It's the same situation. Especially at n"],
      // "...will collapse," he said. -> "he" is the last person quoted.
      ['Bebars Mishal', "Now, there's just the helicopter, and Go"],
      // He said: "A war crime ..." -> "He" is the person named as a subject just before (Boris Johnson), and the
      // two paragraphs that continue the open quotation keep him as speaker.
      ['Boris Johnson', 'A war crime is defined as when you attac'],
      ['Boris Johnson', 'Now Putin’s regime is not only as it wer'],
      ['Boris Johnson', 'The Russians themselves are actually eng'],
      // It also cast doubt ..., saying they could not accept "Russia as ... -> "It" is the statement.
      ['A statement from more than 30 rebel groups', 'Russia as a sponsor because it was a par'],
      // "... without censure by the international community, the statement said." -> attribution inside the marks.
      ['the statement', 'Russian-backed Syrian forces were also u'],
      // A statement by the Russian Foreign Ministry said that ... "to consider ..." -> the subject before "said".
      ['Russian Foreign Ministry', 'to consider possible further steps to cr'],
      // "...," French Foreign Minister Jean-Marc Ayrault said. -> the name and title before "said".
      ['French Foreign Minister Jean-Marc Ayrault', 'We do not agree with what Russia is doin'],
      // Local activists reported that ... "airstrikes in Aleppo destroy ..."
      ['Local activists', 'airstrikes in Aleppo destroy homes, hosp'],
    ]);
  });

  it('leaves out scare quotes of a word or two ("barbaric", "unprecedented")', () => {
    const texts = engine.quotations({}, 100).map((q) => q.text);
    expect(texts).not.toContain('barbaric');
    expect(texts).not.toContain('unprecedented');
  });

  it('quotes exactly: each quotation is the article text at its offsets, without the quotation marks', () => {
    for (const q of engine.quotations({}, 100)) {
      const article = engine.corpus.index.articles.find((a) => a.id === q.articleId)!;
      expect(article.text.slice(q.start, q.end)).toBe(q.text);
      expect(q.text).not.toMatch(/^[“"]|[”"]$/u);
    }
  });

  it('filters by topic, speaker and article', () => {
    expect(engine.quotations({ about: 'war crimes' }).map((q) => q.speaker)).toContain('Boris Johnson');
    expect(engine.quotations({ speaker: 'ayrault' }).map((q) => q.text.slice(0, 15))).toEqual(['We do not agree']);
    expect(engine.quotations({ articleId: '004_08d7a890f8e88d95' }).every((q) => q.articleId === '004_08d7a890f8e88d95')).toBe(true);
    expect(engine.quotations({ about: 'chocolate cake recipe' })).toEqual([]);
  });

  it('lists speakers for autocomplete, most quoted first', () => {
    const speakers = engine.speakers();
    expect(speakers[0]).toEqual({ name: 'Boris Johnson', count: 3 });
    expect(engine.speakers('mish')).toEqual([{ name: 'Bebars Mishal', count: 2 }]);
  });
});
