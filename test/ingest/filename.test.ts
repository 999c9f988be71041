// The names ingested articles are saved under: made from the title and the content's hash, never a path.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { articleFileName, HASH_CHARS, SLUG_MAX, slugify } from '../../src/ingest/filename.ts';
import { articleId, formatOf } from '../../src/corpus/article.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const HASH = sha('the article');

/** What a safe name looks like: lower-case ASCII words joined by single hyphens, the hash, the extension. */
const SAFE = new RegExp(`^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{${HASH_CHARS}}\\.(?:txt|md)$`);

describe('articleFileName', () => {
  it('is the slugged title, the start of the content hash and the extension', () => {
    expect(articleFileName('Lakeport harbour reopens to fishing boats', HASH, '.txt')).toBe(`lakeport-harbour-reopens-to-fishing-boats-${HASH.slice(0, 10)}.txt`);
    expect(articleFileName('Notes', HASH, '.md')).toBe(`notes-${HASH.slice(0, 10)}.md`);
  });

  it('turns hostile titles into plain names', () => {
    const cases: [string, string][] = [
      ['../../etc/passwd', 'etc-passwd'],
      ['..\\..\\Windows\\System32\\config', 'windows-system32-config'],
      ['/absolute/path.txt', 'absolute-path-txt'],
      ['.hidden', 'hidden'],
      ['nul\0byte\0title', 'nul-byte-title'],
      ['line\nbreak\r\ttab', 'line-break-tab'],
      ['<script>alert(1)</script>', 'script-alert-1-script'],
      ['"quotes" & *stars* | pipes? :colons:', 'quotes-stars-pipes-colons'],
      ['Café déjà vu: naïve façade', 'cafe-deja-vu-naive-facade'],
      ['Straße in Øresund; Ærø', 'strasse-in-oresund-aero'],
      ['ｆｕｌｌ ｗｉｄｔｈ', 'full-width'],
      ['Ünïcödé 😀 emoji 🚀 title', 'unicode-emoji-title'],
      ['北京 новости عربى', 'article'],
      ['', 'article'],
      ['   ', 'article'],
      ['...', 'article'],
      ['CON', 'con-article'],
      ['nul', 'nul-article'],
      ['COM1', 'com1-article'],
      ['\u202Eevil\u202D.txt', 'evil-txt'], // right-to-left override
    ];
    for (const [title, slug] of cases) {
      const name = articleFileName(title, HASH, '.txt');
      expect(name, title).toBe(`${slug}-${HASH.slice(0, 10)}.txt`);
      expect(name).toMatch(SAFE);
    }
  });

  it('keeps very long titles to the slug limit, cut between words', () => {
    const long = 'Council approves the long awaited footbridge over the river after a decade of delays and arguments '.repeat(20);
    const slug = slugify(long);
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX);
    expect(slug).toBe('council-approves-the-long-awaited-footbridge-over-the-river');
    expect(slugify('x'.repeat(500))).toBe('x'.repeat(SLUG_MAX));
    // The id (ingested/<name> without extension) fits Discord's 100-character autocomplete value.
    expect(`ingested/${articleId(articleFileName(long, HASH, '.txt'))}`.length).toBeLessThanOrEqual(100);
  });

  it('gives different articles with one title different names, and one article always the same name', () => {
    const a = articleFileName('Same title', sha('first text'), '.txt');
    const b = articleFileName('Same title', sha('second text'), '.txt');
    expect(a).not.toBe(b);
    expect(articleFileName('Same title', sha('first text'), '.txt')).toBe(a);
  });

  it('refuses a hash that is not one: a bug in the caller', () => {
    expect(() => articleFileName('t', '../x', '.txt')).toThrow('filename: not a hex SHA-256: "../x"');
  });

  it('for any title: a safe name the corpus loader reads as an article file in the folder it is put in', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.constantFrom('.txt' as const, '.md' as const), (title, ext) => {
        const name = articleFileName(title, HASH, ext);
        expect(name).toMatch(SAFE);
        expect(name.length).toBeLessThanOrEqual(SLUG_MAX + 1 + HASH_CHARS + ext.length + '-article'.length);
        expect(formatOf(`ingested/${name}`)).toBe(ext);
      }),
      { numRuns: 1000 },
    );
  });
});
