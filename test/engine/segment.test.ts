// Sentences: wink-nlp's sentence breaker, cut at paragraph edges, with exact offsets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSkipped, parseArticle } from '../../src/corpus/article.ts';
import { segment } from '../../src/index/segment.ts';
import { tokenize } from '../../src/nlp/wink.ts';
import { expansionIn, findAcronyms } from '../../src/index/acronyms.ts';
import { articleFrom } from '../support/articles.ts';

const SEED_004 = readFileSync(new URL('../../seeds/004_08d7a890f8e88d95.txt', import.meta.url));

describe('segment', () => {
  const article = parseArticle('004_08d7a890f8e88d95.txt', SEED_004);
  if (isSkipped(article)) throw new Error(article.reason);
  const { sentences } = segment(article);

  it('wink alone runs the headline into the photo caption; paragraphs keep them apart (and out of the prose)', () => {
    const wink = tokenize(article.text);
    const firstEnd = wink.sentenceEnds[0]!;
    const winkFirst = article.text.slice(0, wink.ends[firstEnd - 1]!);
    expect(winkFirst).toContain('ahead of Swiss talks\n\n\nFile photo shows');
    // Ours: no sentence contains a paragraph break, and the headline and caption are not prose.
    for (const s of sentences) expect(article.text.slice(s.start, s.end)).not.toMatch(/\n\s*\n/);
    expect(sentences[0]).toMatchObject({ paragraph: 1, sentence: 1 });
    expect(article.text.slice(sentences[0]!.start, sentences[0]!.end)).toBe(
      'Aleppo\u00a0–\u00a0More than 200 civilians were reportedly killed this week by Russian and Syrian military operations in east Aleppo.',
    );
  });

  it('numbers paragraphs and sentences within them, with offsets that slice the exact text', () => {
    const third = sentences.filter((s) => s.paragraph === 3).map((s) => article.text.slice(s.start, s.end));
    expect(third).toEqual([
      'On Thursday, at least 21 civilians were killed and dozens more injured in a protracted barrage of rebel-held districts.',
      'The epicenter of the bombardment was the neighborhoods of Bustan al-Qasr and Kalasseh, where dozens of residential buildings were leveled.',
      'Air raids were also reported further north in Sakhur District.',
    ]);
    expect(sentences.filter((s) => s.paragraph === 3).map((s) => s.sentence)).toEqual([1, 2, 3]);
    expect(sentences).toHaveLength(15);
  });

  it('keeps a web address and a title with a question mark inside their sentence, and breaks where a space after a stop was lost', () => {
    // A web address: two to four lower-case letters after the stop, then no letter; anything else is a lost space.
    // From BBC tech/010, tech/150 and sport: wink breaks after "Amazon.", "bridgetothestars." and "Asymmetry?" too.
    const text =
      "Google toolbar\n\nThe AutoLink feature provides links in a webpage to Amazon.com if it finds a book's ISBN number on the site. He told bridgetothestars.net that he would stay.\n\nThe best band would have been Joy Division.Those guys were the real thing, he said on the night. It was the best song in 25 years.perhaps the vote was about the band. Sales rose in the quarter.iTunes sales rose too.\n\nThe Demos report, entitled Broadband Britain: The End Of Asymmetry?, was commissioned by net provider AOL.\n";
    const parsed = articleFrom('toolbar.txt', text);
    const wink = tokenize(text);
    expect(wink.sentenceEnds.map((e) => text.slice(0, wink.ends[e - 1]!)).some((t) => t.endsWith('to Amazon.'))).toBe(true);
    expect(segment(parsed).sentences.map((s) => text.slice(s.start, s.end))).toEqual([
      "The AutoLink feature provides links in a webpage to Amazon.com if it finds a book's ISBN number on the site.",
      'He told bridgetothestars.net that he would stay.',
      'The best band would have been Joy Division.',
      'Those guys were the real thing, he said on the night.',
      'It was the best song in 25 years.',
      'perhaps the vote was about the band.',
      'Sales rose in the quarter.',
      'iTunes sales rose too.',
      'The Demos report, entitled Broadband Britain: The End Of Asymmetry?, was commissioned by net provider AOL.',
    ]);
  });
});

describe('acronym definitions', () => {
  const find = (text: string) => {
    const t = tokenize(text);
    return findAcronyms(t.values, 0, t.values.length).map((d) => [d.acronym, t.values.slice(d.first, d.end).join(' ')]);
  };
  it('reads "Expansion (ACR)" and "ACR (Expansion)", with linking words inside the expansion', () => {
    expect(find('French officials said the International Criminal Court (ICC) must investigate.')).toEqual([['ICC', 'International Criminal Court']]);
    expect(find('The SOHR (Syrian Observatory for Human Rights) reported deaths.')).toEqual([['SOHR', 'Syrian Observatory for Human Rights']]);
    expect(find('the Office for National Statistics (ONS) said')).toEqual([['ONS', 'Office for National Statistics']]);
  });
  it('ignores brackets whose letters do not spell the words before them', () => {
    expect(find('He was born in Paris (France) in 1990 (AD).')).toEqual([]);
    expect(find('The bank (HSBC) raised rates.')).toEqual([]);
  });
});

describe('an acronym spelled out in a sentence', () => {
  const spelled = (text: string, acronym: string) => {
    const at = expansionIn(text, acronym);
    return at === null ? null : text.slice(at.start, at.end);
  };
  it('finds the words beside the acronym whose initials spell it, in any case, with linking words and one word passed over', () => {
    expect(spelled('French officials said the International Criminal Court (ICC) must investigate.', 'ICC')).toBe('International Criminal Court');
    expect(spelled('The TARDIS – "Time and Relative Dimension in Space" – landed.', 'TARDIS')).toBe('Time and Relative Dimension in Space');
    expect(spelled('The Command/Service Module (CSM) docked.', 'CSM')).toBe('Command/Service Module');
    expect(spelled('It ran the very high-speed Backbone Network Service (vBNS) from 1995.', 'vBNS')).toBe('very high-speed Backbone Network Service');
    expect(spelled('Tesla promoted alternating current (AC) over direct current.', 'ac')).toBe('alternating current');
    expect(spelled('AC (alternating current) won.', 'AC')).toBe('alternating current');
    expect(spelled('The ICC, or International Criminal Court, met.', 'ICC')).toBe('International Criminal Court');
    expect(spelled('Aid reached non-governmental organisations (NGOs) late.', 'NGOs')).toBe('non-governmental organisations');
    expect(spelled('He praised the National Health Service (NHS) today.', 'NHS')).toBe('National Health Service');
  });
  it('takes the capitalised words before "(ACR)" when their first letter agrees, and a capitalised run standing alone where the acronym is written too', () => {
    expect(spelled('PricewaterhouseCoopers (PWC) said profits rose.', 'PWC')).toBe('PricewaterhouseCoopers');
    expect(spelled('Says Auditor PricewaterhouseCoopers (PWC), profits rose.', 'PWC')).toBe('PricewaterhouseCoopers');
    expect(spelled('In The UK Independence Party (UKIP) campaign, many spoke.', 'UKIP')).toBe('UK Independence Party');
    expect(spelled('The Front Islamique de Salut (FIS) won the vote.', 'FIS')).toBe('Front Islamique de Salut');
    expect(spelled('The US Federal Bureau of Investigation warned of e-mails that claim to be from the FBI.', 'FBI')).toBe('Federal Bureau of Investigation');
    // Alone, without the acronym, capitalised words spell it by chance: it is the Greater London Authority.
    expect(spelled('The Greater London Act is clear.', 'GLA')).toBeNull();
    expect(spelled('Chairman Sir Archy Kirkwood spoke.', 'CSA')).toBeNull();
  });
  it('reads an acronym inside the expansion as its letters, an elided article as no letter, and stops at brackets and possessives', () => {
    expect(spelled('Shops tag goods with radio frequency ID (RFID) chips.', 'RFID')).toBe('radio frequency ID');
    expect(spelled('IPTV (Internet Protocol TV) is coming.', 'IPTV')).toBe('Internet Protocol TV');
    expect(spelled("The Conseil Superieur de l'Audiovisuel (CSA) ruled.", 'CSA')).toBe("Conseil Superieur de l'Audiovisuel");
    expect(spelled('A British National Party(BNP) candidate stood.', 'BNP')).toBe('British National Party');
    expect(spelled("The ISU's rival, the International Olympic Committee's (IOC) board, met.", 'IOC')).toBe('International Olympic Committee');
    expect(spelled('the USA (United States) and others', 'USA')).toBeNull();
  });
  it('does not read chance initials, the acronym itself or an acronym with digits as its spelling', () => {
    expect(spelled('They played in the ICC Cricket World Cup 2011.', 'ICC')).toBeNull();
    expect(spelled('The TARDIS landed.', 'TARDIS')).toBeNull();
    expect(spelled('It was a complete success.', 'AC')).toBeNull();
    expect(spelled('Many fled from Iraq and Syria.', 'FIS')).toBeNull();
    expect(spelled('Most airliners in case of fire carry extinguishers.', 'AC')).toBeNull();
    expect(spelled('Michael Portillo said the seat was safe.', 'MP')).toBeNull();
    expect(spelled('The UN security council, called by the US, UK and France, met.', 'US')).toBeNull();
    expect(spelled('The club faces an FA investigation.', 'FA')).toBeNull();
    expect(spelled("GM's main rival, General Motors of Canada, grew.", 'GM')).toBeNull();
    expect(spelled('MP3 players (MP3) sold well.', 'MP3')).toBeNull();
    // Standing alone, no word may be passed over.
    expect(spelled('The International Cricket World Council met.', 'ICC')).toBeNull();
    expect(spelled('x', 'X')).toBeNull();
  });
  it('stays quick on 50,000 words that all fit, and on a long run of linking words', () => {
    // Every word begins with "a" or is a linking word, so every run is tried from every capital.
    const text = 'Alpha and '.repeat(25000);
    expect(spelled(`${text} AAAAAAAAAAAB`, 'AAAAAAAAAAAB')).toBeNull();
    // Standing alone, the leftmost run that reaches "Bravo": eleven Alphas give the A's, each "and" between passed over.
    expect(spelled(`${text}Bravo, said AAAAAAAAAAAB.`, 'AAAAAAAAAAAB')).toBe(`${'Alpha and '.repeat(11)}Bravo`);
    expect(spelled(`${'of '.repeat(20000)}Alpha Bravo (AB) met.`, 'AB')).toBe('Alpha Bravo');
  });
});

describe('characters wink drops', () => {
  // wink leaves these out of its tokens and their preceding spaces; counted as nothing, each moved every later offset
  // back one. SQuAD's Rhine article writes U+FEFF around a coordinate, and its sentences after that were cut short
  // ("...the famous rock Lorel").
  const dropped = ['\ufeff', '\u000b', '\u000c', '\u1680', '\u2000', '\u2001', '\u2006', '\u2007', '\u2008', '\u2028', '\u2029', '\u3000'];

  it('keep every later token and sentence at its exact place', () => {
    const coordinate = 'It lies at 47\u00b039\u2032N 9\u00b019\u2032E\ufeff / \ufeff47.650\u00b0N 9.317\u00b0E\ufeff / 47.650; 9.317.';
    const text = `The lake\n\nThe Rhine flows into the lake from the south. ${coordinate}\n\nThe flow of cold, gray mountain water continues for some distance. ${dropped.map((c) => `Word${c}after ${c} spaced.`).join(' ')} Near Sankt Goarshausen, the Rhine flows around the famous rock Lorelei.\n`;
    const t = tokenize(text);
    for (let i = 0; i < t.values.length; i++) expect(text.slice(t.starts[i]!, t.ends[i]!), t.values[i]).toBe(t.values[i]);
    const sentences = segment(articleFrom('rhine.txt', text)).sentences.map((s) => text.slice(s.start, s.end));
    expect(sentences).toContain('The flow of cold, gray mountain water continues for some distance.');
    expect(sentences.at(-1)).toBe('Near Sankt Goarshausen, the Rhine flows around the famous rock Lorelei.');
  });

  it('leave the question and its short answer whole', async () => {
    const text = 'The lake\n\nThe Rhine flows into the lake at 47.650\u00b0N\ufeff / 9.317\u00b0E\ufeff.\n\nNear Sankt Goarshausen, the Rhine flows around the famous rock Lorelei.\n';
    const { buildIndex } = await import('../../src/index/build.ts');
    const { answer } = await import('../../src/answer/answer.ts');
    const a = articleFrom('rhine.txt', text);
    const r = answer(buildIndex([a]), 'What\ufeff famous rock does the Rhine flow around?');
    expect(r.kind).toBe('answer');
    if (r.kind !== 'answer') return;
    expect(r.citations[0]!.text).toBe('Near Sankt Goarshausen, the Rhine flows around the famous rock Lorelei.');
    expect(r.answer?.text).toBe('Lorelei');
    expect(a.text.slice(r.answer!.start, r.answer!.end)).toBe('Lorelei');
  });
});

describe('letters with diacritics', () => {
  it('keep words whole and offsets exact, and match questions typed without accents', async () => {
    const { foldDiacritics } = await import('../../src/nlp/wink.ts');
    const text = 'Beyoncé performed at the Zachęta gallery in Kraków with music by Dvořák.';
    expect(foldDiacritics(text)).toHaveLength(text.length);
    const t = tokenize(text);
    expect(t.values).toContain('Zacheta'); // wink alone splits "Zach|ę|ta"
    // A stroked letter has no decomposition: it folds all the same, and keeps its place.
    const polish = 'Maria Skłodowska-Curie was born in Warsaw; Bolesław ruled Masovia.';
    expect(foldDiacritics(polish)).toBe('Maria Sklodowska-Curie was born in Warsaw; Boleslaw ruled Masovia.');
    const p = tokenize(polish);
    const at = p.values.indexOf('Boleslaw');
    expect(polish.slice(p.starts[at]!, p.ends[at]!)).toBe('Bolesław');
    const zacheta = t.values.indexOf('Zacheta');
    expect(text.slice(t.starts[zacheta]!, t.ends[zacheta]!)).toBe('Zachęta');
    const a = parseArticle('art.txt', Buffer.from(`Gallery night\n\n${text} The concert sold out within an hour of the announcement.\n`));
    if (isSkipped(a)) throw new Error(a.reason);
    const { buildIndex } = await import('../../src/index/build.ts');
    const { answer } = await import('../../src/answer/answer.ts');
    const index = buildIndex([a]);
    for (const q of ['Where did Beyonce perform?', 'Where did Beyoncé perform?', 'Who performed at the Zacheta gallery in Krakow?']) {
      const r = answer(index, q);
      expect(r.kind, q).toBe('answer');
      if (r.kind === 'answer') expect(r.citations[0]!.text).toBe(text);
    }
  });
  it('match the same when the file was saved decomposed (NFD), and cite the file as saved', async () => {
    // "e" + U+0301, as macOS file names and some exports write accents: wink keeps the mark inside the token.
    const text = 'Beyonce\u0301 performed at the gallery in Krako\u0301w with music by Dvor\u030ca\u0301k.';
    const t = tokenize(text);
    const at = t.values.findIndex((v) => v.startsWith('Beyonce'));
    expect(t.normals[at]).toBe('beyonce');
    expect(text.slice(t.starts[at]!, t.ends[at]!)).toBe('Beyonce\u0301');
    const a = parseArticle('nfd.txt', Buffer.from(`Gallery night\n\n${text} The concert sold out within an hour of the announcement.\n`));
    if (isSkipped(a)) throw new Error(a.reason);
    const { buildIndex } = await import('../../src/index/build.ts');
    const { answer } = await import('../../src/answer/answer.ts');
    const index = buildIndex([a]);
    // Typed plain, typed precomposed, and pasted decomposed.
    for (const q of ['Where did Beyonce perform?', 'Where did Beyonc\u00e9 perform?', 'Where did Beyonce\u0301 perform?', 'Whose music was played in Krakow?']) {
      const r = answer(index, q);
      expect(r.kind, q).toBe('answer');
      if (r.kind === 'answer') {
        const c = r.citations[0]!;
        expect(c.text).toBe(text);
        expect(a.text.slice(c.start, c.end)).toBe(c.text);
      }
    }
  });
});
