// The guarded download against real local servers: one on the allow-list (the "web"), one not (an
// "internal" service that must never be reached). Refused links are refused before any connection, and
// the internal server's request log proves it.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchGuarded, type FetchPolicy } from '../../src/ingest/fetch.ts';
import { mediaTypeProblem } from '../../src/ingest/content.ts';
import { parseAllowHosts } from '../../src/config.ts';
import { WebServer } from '../support/web.ts';

let web: WebServer;
let internal: WebServer;
let policy: FetchPolicy;
const MAX = 10_000;

const ARTICLE = 'Harbour reopens\n\nThe harbour reopened to fishing boats on Monday after four months of repairs.\n';

beforeAll(async () => {
  web = await new WebServer().start();
  internal = await new WebServer().start();
  internal.page('/secret', 'internal admin page', 'text/plain');
  policy = { maxBytes: MAX, timeoutMs: 1000, maxRedirects: 3, allowHosts: parseAllowHosts(web.host), acceptType: (t) => mediaTypeProblem(t, null) };

  web.page('/article.txt', ARTICLE, 'text/plain; charset=utf-8');
  web.page('/gzipped', gzipSync(ARTICLE), 'text/plain', { 'Content-Encoding': 'gzip' });
  // 5 MB of spaces compress to a few kilobytes: the cap applies to what comes out of the decompressor.
  web.page('/bomb', gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20)), 'text/plain', { 'Content-Encoding': 'gzip' });
  web.page('/declared-big', 'x', 'text/plain', { 'Content-Length': String(MAX + 1) });
  web.on('/endless', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const chunk = Buffer.alloc(4096, 0x61);
    const timer = setInterval(() => {
      if (!res.write(chunk) && res.destroyed) clearInterval(timer);
    }, 1);
    res.on('close', () => clearInterval(timer));
  });
  web.on('/stall', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('The first words, and then nothing more');
  });
  web.page('/pdf', '%PDF-1.7 not really', 'application/pdf');
  web.page('/untyped', ARTICLE, null);
  web.page('/weird-encoding', ARTICLE, 'text/plain', { 'Content-Encoding': 'compress' });
  web.on('/missing', (_req, res) => res.writeHead(404).end());
  web.redirect('/hop1', '/hop2').redirect('/hop2', '/hop3', 301).redirect('/hop3', '/article.txt', 307);
  web.redirect('/loop', '/loop');
  web.redirect('/to-internal', internal.url('/secret'));
  web.redirect('/to-internal-by-name', `http://localhost:${internal.host.split(':')[1]}/secret`);
  web.redirect('/to-metadata', 'http://169.254.169.254/latest/meta-data/');
  web.redirect('/to-file', 'file:///etc/passwd');
  web.on('/no-location', (_req, res) => res.writeHead(302).end());
});

afterAll(async () => {
  await web?.stop();
  await internal?.stop();
});

describe('fetchGuarded', () => {
  it('downloads from an allow-listed host, with the media type and charset', async () => {
    const r = await fetchGuarded(web.url('/article.txt'), policy);
    expect(r).toMatchObject({ kind: 'fetched', mediaType: 'text/plain', charset: 'utf-8', redirects: 0, url: web.url('/article.txt') });
    if (r.kind === 'fetched') expect(r.bytes.toString()).toBe(ARTICLE);
  });

  it('decompresses gzip, and caps the decompressed size (a compression bomb is cut off)', async () => {
    const r = await fetchGuarded(web.url('/gzipped'), policy);
    expect(r.kind === 'fetched' && r.bytes.toString()).toBe(ARTICLE);
    expect(await fetchGuarded(web.url('/bomb'), policy)).toEqual({ kind: 'refused', reason: 'it is larger than the 9.8 KB limit' });
  });

  it('refuses a body over the cap: at once when declared, else by stopping the read past the cap', async () => {
    expect(await fetchGuarded(web.url('/declared-big'), policy)).toEqual({ kind: 'refused', reason: 'it is larger than the 9.8 KB limit (10,001 bytes)' });
    // Stopped at the cap, not at the time limit, which refuses with its own reason (below).
    expect(await fetchGuarded(web.url('/endless'), policy)).toEqual({ kind: 'refused', reason: 'it is larger than the 9.8 KB limit' });
  });

  it('gives up on a server that stops sending, at the time limit', async () => {
    const t0 = Date.now();
    expect(await fetchGuarded(web.url('/stall'), policy)).toEqual({ kind: 'refused', reason: 'the download took longer than 1 s' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // not before it (a margin for the two clocks involved)
  });

  it('checks the media type before reading: only text, Markdown and HTML', async () => {
    expect(await fetchGuarded(web.url('/pdf'), policy)).toEqual({ kind: 'refused', reason: 'only plain text, Markdown or HTML (.txt, .md, .html) can be ingested; this is application/pdf' });
    expect(await fetchGuarded(web.url('/untyped'), policy)).toEqual({ kind: 'refused', reason: 'only plain text, Markdown or HTML (.txt, .md, .html) can be ingested; this is of no stated type' });
    expect(await fetchGuarded(web.url('/weird-encoding'), policy)).toEqual({ kind: 'refused', reason: 'the server sent an encoding that is not supported (compress)' });
    expect(await fetchGuarded(web.url('/missing'), policy)).toEqual({ kind: 'refused', reason: 'the server answered 404 Not Found' });
  });

  it('follows a bounded number of redirects', async () => {
    const r = await fetchGuarded(web.url('/hop1'), policy);
    expect(r).toMatchObject({ kind: 'fetched', redirects: 3, url: web.url('/article.txt') });
    expect(await fetchGuarded(web.url('/loop'), policy)).toEqual({ kind: 'refused', reason: 'it redirects more than 3 times' });
    expect(web.hitsOn('/loop').length).toBe(4);
    expect(await fetchGuarded(web.url('/no-location'), policy)).toEqual({ kind: 'refused', reason: 'the server answered 302 without saying where to' });
  });

  it('checks every redirect again: one to an internal address is refused and never followed', async () => {
    expect(await fetchGuarded(web.url('/to-internal'), policy)).toEqual({
      kind: 'refused',
      reason: `it redirects to ${internal.url('/secret')}, which is refused: 127.0.0.1 is an internal address: loopback (127.0.0.0/8)`,
    });
    const byName = await fetchGuarded(web.url('/to-internal-by-name'), policy);
    expect(byName.kind).toBe('refused');
    if (byName.kind === 'refused') expect(byName.reason).toMatch(/^it redirects to http:\/\/localhost:\d+\/secret, which is refused: localhost \((?:127\.0\.0\.1|::1)\) is an internal address: loopback/);
    expect(await fetchGuarded(web.url('/to-metadata'), policy)).toEqual({
      kind: 'refused',
      reason: 'it redirects to http://169.254.169.254/latest/meta-data/, which is refused: 169.254.169.254 is an internal address: link-local (169.254.0.0/16, where cloud metadata services live)',
    });
    expect(await fetchGuarded(web.url('/to-file'), policy)).toEqual({ kind: 'refused', reason: 'it redirects to file:///etc/passwd, which is refused: only http and https links can be ingested (this one is file)' });
    expect(internal.hits).toEqual([]);
  });

  it('refuses internal addresses, however they are written, without connecting', async () => {
    const port = internal.host.split(':')[1];
    const refusedWith = async (link: string) => {
      const r = await fetchGuarded(link, policy);
      if (r.kind !== 'refused') throw new Error(`${link} was fetched`);
      return r.reason;
    };
    expect(await refusedWith(internal.url('/secret'))).toBe('127.0.0.1 is an internal address: loopback (127.0.0.0/8)');
    // The URL parser turns decimal, octal and hex spellings into 127.0.0.1 before the check sees them.
    expect(await refusedWith(`http://2130706433:${port}/secret`)).toBe('127.0.0.1 is an internal address: loopback (127.0.0.0/8)');
    expect(await refusedWith(`http://0x7f.1:${port}/secret`)).toBe('127.0.0.1 is an internal address: loopback (127.0.0.0/8)');
    expect(await refusedWith(`http://[::1]:${port}/secret`)).toBe('::1 is an internal address: loopback (::1)');
    expect(await refusedWith(`http://[::ffff:127.0.0.1]:${port}/secret`)).toBe('::ffff:7f00:1 is an internal address: loopback (127.0.0.0/8), as IPv4-mapped IPv6 (::ffff:0:0/96)');
    expect(await refusedWith('https://10.0.0.8/')).toBe('10.0.0.8 is an internal address: private (10.0.0.0/8)');
    expect(await refusedWith('https://100.100.100.200/')).toBe('100.100.100.200 is an internal address: carrier-grade NAT (shared address space, 100.64.0.0/10)');
    expect(await refusedWith('https://[fd00::1]/')).toBe('fd00::1 is an internal address: unique local, private (fc00::/7)');
    expect(await refusedWith('https://0.0.0.0/')).toBe('0.0.0.0 is an internal address: unspecified ("this network", 0.0.0.0/8)');
    expect(await refusedWith('https://224.0.0.251/')).toBe('224.0.0.251 is an internal address: multicast (224.0.0.0/4)');
    // By name: resolved, and every address it resolves to checked.
    expect(await refusedWith(`http://localhost:${port}/secret`)).toMatch(/^localhost \((?:127\.0\.0\.1|::1)\) is an internal address: loopback/);
    expect(internal.hits).toEqual([]);
  });

  it('fetches an allow-listed host by name, connecting to the addresses it resolved', async () => {
    const port = web.host.split(':')[1];
    const byName = { ...policy, allowHosts: parseAllowHosts(`localhost:${port}`) };
    const r = await fetchGuarded(`http://localhost:${port}/article.txt`, byName);
    expect(r.kind === 'fetched' && r.bytes.toString()).toBe(ARTICLE);
  });

  it('accepts only http and https, https on its standard port, and no credentials, unless allow-listed', async () => {
    const reason = async (link: string) => ((await fetchGuarded(link, policy)) as { reason?: string }).reason;
    // Public addresses written as IP literals: refused without any connection being made.
    expect(await reason('http://93.184.215.14/news')).toBe('only https links can be ingested (93.184.215.14 is plain http)');
    expect(await reason('https://93.184.215.14:8443/news')).toBe('only the standard https port is allowed (93.184.215.14:8443 uses port 8443)');
    expect(await reason('https://user:secret@93.184.215.14/')).toBe('links with a user name or password in them are not accepted');
    expect(await reason('ftp://93.184.215.14/file.txt')).toBe('only http and https links can be ingested (this one is ftp)');
    expect(await reason('file:///etc/passwd')).toBe('only http and https links can be ingested (this one is file)');
    expect(await reason('javascript:alert(1)')).toBe('only http and https links can be ingested (this one is javascript)');
    expect(await reason('not a link at all')).toBe('that is not a valid link');
  });
});
