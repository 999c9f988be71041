// HTML to article text on a realistic news page (test/fixtures/pages/harbour.html: masthead, navigation,
// cookie banner, share links, a lead photo, an advert, a related-links box, tags, a newsletter form,
// comments, a most-read sidebar, a footer, scripts and JSON-LD around eight paragraphs of story), then the
// text read back by the real corpus loader.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { articleText, extractArticle } from '../../src/ingest/extract.ts';
import { extractInWorker } from '../../src/ingest/isolate.ts';
import { MAX_ELEMENTS } from '../../src/ingest/readability.ts';
import { isSkipped, parseArticle } from '../../src/corpus/article.ts';

const page = readFileSync(new URL('../fixtures/pages/harbour.html', import.meta.url));
const options = { url: 'https://www.courier.example/news/local/harbour-reopens', charset: null, sourceFallback: 'courier.example' };

const STORY = [
  'Lakeport harbour reopened to fishing boats on Monday, four months after a winter storm tore a forty-metre gap in its outer wall.',
  'The harbour master, Colin Mabry, said the first six trawlers had landed their catch by mid-morning and that the rest of the fleet was expected back by the end of the week.',
  'Repairs to the wall cost £2.3 million, most of it paid by the regional development fund, according to figures published by the town council in February.',
  'Fleet returns home',
  'While the harbour was closed, the Lakeport fleet worked out of Westhaven, a two-hour sail along the coast, which skippers said had added fuel costs of several hundred pounds a week.',
  '“We have been waiting for this day since November,” said Aileen Brody, who skippers the trawler Morning Star. “It is good to be home.”',
  "Councillor Dev Patel, who chairs the council's harbour committee, said a second phase of work to raise the inner wall by half a metre would begin in September.",
  'The council has also asked engineers to report by the summer on whether the breakwater at the harbour mouth needs strengthening before next winter.',
];

describe('extractArticle on a realistic page', () => {
  it('keeps the headline, byline, publisher and the story\'s paragraphs, in order, and nothing else', async () => {
    const result = await extractArticle(page, options);
    expect(result.kind).toBe('extracted');
    if (result.kind !== 'extracted') return;
    expect(result.article).toEqual({
      // The <h1>, not the <title> with " | The Lakeport Courier" on the end.
      title: 'Lakeport harbour reopens to fishing boats after storm repairs',
      byline: 'Ruth Okafor',
      source: 'The Lakeport Courier',
      // The photo caption, advert, related links, tags and everything around the story are gone; the
      // subheading stays as a paragraph of its own, entities decoded (&pound; -> £, &ldquo; -> “).
      paragraphs: STORY,
    });
  });

  it('writes it as the seeds are written, and the corpus loader reads title, byline, publisher and prose back', async () => {
    const result = await extractArticle(page, options);
    if (result.kind !== 'extracted') throw new Error('precondition: extracted');
    const text = articleText(result.article);
    expect(text).toBe(
      ['Lakeport harbour reopens to fishing boats after storm repairs', '', 'By Ruth Okafor', 'Source: The Lakeport Courier', '', STORY.join('\n\n')].join('\n') + '\n',
    );
    const article = parseArticle('ingested/harbour.txt', Buffer.from(text));
    if (isSkipped(article)) throw new Error(article.reason);
    expect(article.title).toBe('Lakeport harbour reopens to fishing boats after storm repairs');
    expect(article.byline).toBe('Ruth Okafor');
    expect(article.source).toBe('The Lakeport Courier');
    const content = article.paragraphs.filter((p) => p.kind === 'content').map((p) => article.text.slice(p.start, p.end));
    expect(content).toEqual(STORY.filter((p) => p !== 'Fleet returns home'));
    for (const clutter of ['cookies', 'Share on', 'Advertisement', 'Read more', 'Most read', 'Sign up', 'harbourwatcher', 'All rights reserved', 'Photo: Sam Reyes', 'dataLayer', 'Topics:']) {
      expect(text).not.toContain(clutter);
    }
  });

  it('reads the page in the charset it declares', async () => {
    // Windows-1252 bytes: 0x93/0x94 are curly quotes, 0xE9 is é.
    const html = Buffer.concat([
      Buffer.from('<html><head><meta charset="windows-1252"><title>Caf'),
      Buffer.from([0xe9]),
      Buffer.from(' owners welcome new pavement seating rules</title></head><body><article><p>'),
      Buffer.from([0x93]),
      Buffer.from('It will bring people back,'),
      Buffer.from([0x94]),
      Buffer.from(' said the owner of the caf'),
      Buffer.from([0xe9]),
      Buffer.from(' on Market Street, who has run it for nineteen years and employs six people from the town. The council voted for the new rules on Thursday evening after a short debate.</p></article></body></html>'),
    ]);
    const result = await extractArticle(html, { url: 'https://news.example/cafe', charset: null, sourceFallback: 'news.example' });
    if (result.kind !== 'extracted') throw new Error(result.reason);
    expect(result.article.title).toBe('Café owners welcome new pavement seating rules');
    expect(result.article.paragraphs[0]).toMatch(/^“It will bring people back,” said the owner of the café on Market Street/);
    expect(result.article.source).toBe('news.example');
  });

  it('refuses a page with no article on it', async () => {
    const html = '<html><head><title>Home</title></head><body><nav><a href="/a">News</a> <a href="/b">Sport</a></nav><footer>© 2024</footer></body></html>';
    expect(await extractArticle(Buffer.from(html), { url: 'https://news.example/', charset: null, sourceFallback: null })).toEqual({
      kind: 'refused',
      reason: 'no article text was found on the page',
    });
  });

  it(`refuses a page of more than ${MAX_ELEMENTS} elements before scoring it`, async () => {
    const html = `<html><body><p>${'<b>x</b>'.repeat(MAX_ELEMENTS)}</p></body></html>`;
    const result = await extractArticle(Buffer.from(html), { url: 'https://news.example/', charset: null, sourceFallback: null });
    expect(result).toEqual({ kind: 'refused', reason: `the page is too complex to read (${MAX_ELEMENTS + 4} elements)` });
  });
});

describe('extractInWorker', () => {
  it('gives the same result as in-process extraction', async () => {
    expect(await extractInWorker({ bytes: page, options })).toEqual(await extractArticle(page, options));
  });

  it('ends a worker that takes too long, and refuses the page', async () => {
    const slow = Buffer.from(`<html><body>${'<div><p>Words in a paragraph that goes on, with <a href="#">a link</a>.</p></div>'.repeat(6000)}</body></html>`);
    expect(await extractInWorker({ bytes: slow, options }, 300)).toEqual({ kind: 'refused', reason: 'the page took longer than 0.3 s to read' });
  });
});
