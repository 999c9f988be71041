import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/corpus/decode.ts';
import { classifyParagraphs } from '../../src/corpus/paragraphs.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { isSkipped, parseArticle, type Article } from '../../src/corpus/article.ts';
import { buildIndex } from '../../src/index/build.ts';
import { answer } from '../../src/answer/answer.ts';
import { articleFrom } from '../support/articles.ts';

const SEED_000 = readFileSync(new URL('../../seeds/000_9c97e5d4a05ee18f.txt', import.meta.url));
const SEED_004 = readFileSync(new URL('../../seeds/004_08d7a890f8e88d95.txt', import.meta.url));

function article(path: string, bytes: Uint8Array): Article {
  const a = parseArticle(path, bytes);
  if (isSkipped(a)) throw new Error(a.reason);
  return a;
}

function kinds(text: string): [string, string][] {
  return classifyParagraphs(text).map((p) => [p.kind, text.slice(p.start, p.end)]);
}

describe('decode', () => {
  it('reads UTF-8, and falls back to Windows-1252 for bytes that are not UTF-8', () => {
    expect(decode(Buffer.from('Café “quoted” £5', 'utf8'))).toEqual({ kind: 'text', text: 'Café “quoted” £5', encoding: 'utf-8' });
    // "£600m ... “Chelsea”" as Windows-1252 bytes: 0xA3 is £, 0x93/0x94 are curly double quotes.
    const cp1252 = Uint8Array.from([0xa3, 0x36, 0x30, 0x30, 0x6d, 0x20, 0x93, 0x43, 0x68, 0x65, 0x6c, 0x73, 0x65, 0x61, 0x94]);
    expect(decode(cp1252)).toEqual({ kind: 'text', text: '£600m “Chelsea”', encoding: 'windows-1252' });
  });

  it('refuses binary data', () => {
    expect(decode(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])).kind).toBe('binary');
  });
});

describe('paragraph classification on the seed articles', () => {
  const text000 = SEED_000.toString('utf8');
  const text004 = SEED_004.toString('utf8');

  it('drops navigation, lone numbers, image ids, captions with credits and trailing page furniture in seed 000', () => {
    const k = kinds(text000);
    const kindOf = (start: string) => k.find(([, t]) => t.startsWith(start))?.[0];
    expect(kindOf('Jump directly to the content')).toBe('furniture');
    expect(kindOf('8')).toBe('noise');
    expect(kindOf('NINTCHDBPICT000269994576')).toBe('noise');
    expect(kindOf('Bloodied and weeping... The terrified child was pictured in Aleppo')).toBe('caption');
    expect(kindOf('The weeping child is comforted after his ordeal')).toBe('caption');
    expect(kindOf('Doctors were unable to cope')).toBe('caption');
    expect(kindOf('Medics battle to save a bombing victim')).toBe('caption');
    expect(kindOf('Topics')).toBe('furniture');
    // Every caption line, with or without its credit, is out of the prose.
    for (const [kind, t] of k) if (/Credit:/.test(t)) expect(kind).toBe('caption');
    // The prose is in, short quotation paragraphs included.
    expect(kindOf('A LITTLE')).toBe('content');
    expect(kindOf('“The Russians themselves are actually engaged.”')).toBe('content');
    expect(kindOf('The comments came as the Foreign Ministers')).toBe('content');
    expect(k.filter(([kind]) => kind === 'content')).toHaveLength(19);
  });

  it('keeps the headline, the byline and the prose of seed 004 apart from the comment form and prompts', () => {
    const k = kinds(text004);
    const kindOf = (start: string) => k.find(([, t]) => t.startsWith(start))?.[0];
    expect(kindOf('Civilian casualties increase')).toBe('heading');
    expect(kindOf('File photo shows')).toBe('heading');
    expect(kindOf('Mounting International Pressure')).toBe('heading');
    expect(kindOf('Reporting by: Helin Saeed')).toBe('byline');
    for (const prompt of ['For the latest news follow us on Twitter', 'Join our Weekly Newsletter', 'Related Items', 'Leave a Reply', 'Your email address will not be published.']) {
      expect(kindOf(prompt)).toBe('furniture');
    }
    expect(kindOf('20 − 19 =')).toBe('noise');
    expect(k.filter(([kind]) => kind === 'content')).toHaveLength(9);
  });

  it('keeps a news item\'s one-line lead as prose, and still drops a question, a date line and what follows the prose', () => {
    // As BBC items are laid out: headline, a lead of one short sentence, the body; then a team sheet.
    const item = [
      'Hoddle takes over at Wolves',
      '',
      'Glenn Hoddle has been unveiled as the new Wolves manager.',
      '',
      'The former England coach has signed a contract until the end of the season, the club said on Thursday, after talks with the chairman.',
      '',
      'Hoddle replaces Dave Jones, who was sacked in November after a run of poor results.',
      '',
      'Subs not used: Lehmann, Fabregas, Senderos, Hoyte.',
      '',
      'Thank you for reading our coverage of this story.',
    ].join('\n');
    expect(kinds(item).map(([kind]) => kind)).toEqual(['heading', 'content', 'content', 'content', 'furniture', 'furniture']);
    const wolves = buildIndex([articleFrom('wolves.txt', item)]);
    const a = answer(wolves, 'Who is the new Wolves manager?');
    expect(a.kind === 'answer' && a.citations[0]!.text).toBe('Glenn Hoddle has been unveiled as the new Wolves manager.');
    // Before the prose: a standfirst that asks, a page's date line, and a list of names are not leads.
    for (const before of ['So what is the gap between Labour and the Tories nowadays?', 'Last updated on Tuesday 8 March 2016 at 10:45 GMT.', 'Hobson, Osentowski, Gouws, Williams, Sherman, Tuipulotu.']) {
      const page = ['A headline', '', before, '', item.split('\n').slice(4).join('\n')].join('\n');
      expect(kinds(page)[1], before).toEqual(['heading', before]);
    }
  });

  it('joins hard-wrapped newswire lines into paragraphs and starts a paragraph at an indent', () => {
    const text = [
      'Showers continued throughout the week in',
      'the Bahia cocoa zone, alleviating the drought since early',
      'January and improving prospects for the coming temporao.',
      '    The dry period means the temporao will be late this year,',
      'dealers said on Tuesday in a statement to the press here.',
      '    Arrivals for the week ended February 22 were 155,221 bags',
      'of 60 kilos making a cumulative total for the season.',
    ].join('\n');
    const paras = classifyParagraphs(text).map((p) => text.slice(p.start, p.end));
    expect(paras).toHaveLength(3);
    expect(paras[0]).toBe('Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the drought since early\nJanuary and improving prospects for the coming temporao.');
    expect(paras[1]!.startsWith('The dry period')).toBe(true);
  });

  it('treats headings, sums and calls to action on an unseen page by the same rules', () => {
    const page = [
      'Skip to main content',
      '',
      'Council approves new bridge over the river',
      '',
      'The city council voted on Tuesday to approve a new pedestrian bridge, which will cost £12m and open in 2027.',
      '',
      'Image: The proposed design',
      '',
      'Work is expected to start next spring, the council said in a statement.',
      '',
      'Share this article',
      'Sign up for our newsletter',
      '3 + 4 =',
    ].join('\n');
    const k = kinds(page);
    expect(k.map(([kind]) => kind)).toEqual(['furniture', 'heading', 'content', 'caption', 'content', 'furniture', 'furniture', 'noise']);
  });
});

describe('article metadata', () => {
  it('takes seed 004 title from its first line, and its byline and publisher from the credit line', () => {
    const a = article('004_08d7a890f8e88d95.txt', SEED_004);
    expect(a.id).toBe('004_08d7a890f8e88d95');
    expect(a.title).toBe('Civilian casualties increase in Syria’s Aleppo ahead of Swiss talks');
    expect(a.byline).toBe('Helin Saeed');
    expect(a.source).toBe('ARA News');
  });

  it('derives a title for seed 000 from its first sentence, since it has no headline line', () => {
    const a = article('000_9c97e5d4a05ee18f.txt', SEED_000);
    expect(a.title).toBe('A little Syrian boy is seen crying and covered in blood in the latest heartbreaking…');
    expect(a.byline).toBeNull();
    expect(a.source).toBeNull();
  });

  it('keeps the decoded text exactly, non-breaking spaces included', () => {
    const a = article('000_9c97e5d4a05ee18f.txt', SEED_000);
    expect(a.text).toBe(SEED_000.toString('utf8'));
    expect(a.text).toContain('A LITTLE\u00a0Syrian boy');
  });
});

describe('loadCorpus', () => {
  it('loads article files recursively with stable ids, and skips bad files with a reason', async () => {
    const root = mkdtempSync(join(tmpdir(), 'verbatim-corpus-'));
    const outside = mkdtempSync(join(tmpdir(), 'verbatim-outside-'));
    mkdirSync(join(root, 'world', 'syria'), { recursive: true });
    writeFileSync(join(root, 'world', 'syria', 'aleppo.txt'), SEED_004);
    writeFileSync(join(root, 'notes.md'), '# Notes\n\nThe committee met on Friday and agreed to publish its findings next month.\n');
    writeFileSync(join(root, 'empty.txt'), '');
    writeFileSync(join(root, 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    writeFileSync(join(root, 'huge.txt'), 'word '.repeat(5000));
    writeFileSync(join(root, 'README.txt'), 'About this folder.');
    writeFileSync(join(root, 'photo.jpg'), 'not text');
    writeFileSync(join(root, 'page.HTML'), '<html><body><p>The committee met on Friday.</p></body></html>');
    writeFileSync(join(outside, 'secret.txt'), 'This file lives outside the corpus folder and must not be read.');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'escape.txt'));
    mkdirSync(join(root, '.trash'));
    writeFileSync(join(root, '.trash', 'old.txt'), SEED_000);

    const { articles, skipped } = await loadCorpus(root, { maxFileBytes: 10_000 });
    expect(articles.map((a) => a.id)).toEqual(['notes', 'world/syria/aleppo']);
    expect(articles[1]!.path).toBe('world/syria/aleppo.txt');
    const reasons = Object.fromEntries(skipped.map((s) => [s.path, s.reason]));
    expect(reasons['empty.txt']).toBe('empty file');
    expect(reasons['image.txt']).toMatch(/binary/);
    expect(reasons['huge.txt']).toMatch(/too large/);
    expect(reasons['escape.txt']).toBe('symlink points outside the corpus folder');
    expect(reasons['photo.jpg']).toBe('not an article file type (.txt, .md)');
    expect(reasons['page.HTML']).toBe('an HTML page is not read from the folder: add it with /ingest, which saves its article as text');
    expect(reasons['README.txt']).toBeUndefined();
  });

  it('reports an unreadable file and still loads the rest', async () => {
    if (process.getuid?.() === 0) return; // root reads everything; the permission case cannot be staged
    const root = mkdtempSync(join(tmpdir(), 'verbatim-perm-'));
    writeFileSync(join(root, 'a.txt'), SEED_004);
    writeFileSync(join(root, 'b.txt'), SEED_000);
    chmodSync(join(root, 'b.txt'), 0o000);
    const { articles, skipped } = await loadCorpus(root);
    expect(articles.map((a) => a.id)).toEqual(['a']);
    expect(skipped).toEqual([{ path: 'b.txt', reason: 'permission denied' }]);
  });

  it('rejects a corpus folder that does not exist', async () => {
    await expect(loadCorpus('/nonexistent/verbatim')).rejects.toThrow();
  });
});

describe('loadCorpus and links inside the corpus', () => {
  it('reads a folder or file reached twice through a symlink once, and says why the second is skipped', async () => {
    const root = mkdtempSync(join(tmpdir(), 'verbatim-links-'));
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a', 'x.txt'), SEED_004);
    writeFileSync(join(root, 'y.txt'), SEED_000);
    symlinkSync(join(root, 'a'), join(root, 'b')); // the folder again
    symlinkSync(join(root, 'y.txt'), join(root, 'z.txt')); // the file again
    symlinkSync(root, join(root, 'a', 'loop')); // a loop back to the top
    const { articles, skipped } = await loadCorpus(root);
    expect(articles.map((a) => a.id)).toEqual(['a/x', 'y']);
    expect(skipped).toEqual([{ path: 'z.txt', reason: 'the same file as y.txt (a link to it)' }]);
  });
});
