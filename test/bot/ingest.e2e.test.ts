// Moderators managing the corpus from Discord, end to end: the bot started as `npm start` starts it, the real
// discord.js client inside it, the emulated Discord serving the files users attach, a local web server
// serving pages (allow-listed, as INGEST_ALLOW_HOSTS lets the tests do), and an "internal" server that is not
// allow-listed and must never be reached. After every command the corpus folder is checked on disk: files
// present, moved or absent, audit lines written (or not).
//
// The tests share one bot and run in file order: the refusals first (against the untouched corpus), then the
// changes, each building on the last, then a restart.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator, EPHEMERAL, type EmulatedAttachment, type StoredMessage } from '../emulator/discord.ts';
import { messageProblems } from '../emulator/limits.ts';
import { BotProcess, ROOT, startBot } from '../support/bot.ts';
import { MEMBER as ANY_MEMBER, MODERATOR as ANY_MODERATOR, embedOf, quotesOf, unescape, type Json } from '../support/messages.ts';
import { WebServer } from '../support/web.ts';
import { Engine } from '../../src/engine.ts';
import type { AuditEntry } from '../../src/curate/index.ts';
import { moveToTrash } from '../../src/curate/files.ts';

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0NQ.HyZaBc.ingest-e2e-token-value-0123456789ab';
const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 2000;
const MODERATOR = { ...ANY_MODERATOR, user: { id: '400000000000000001', username: 'mod_alice' } };
const MEMBER = { ...ANY_MEMBER, user: { id: '400000000000000002', username: 'reader_bob' } };
const MODERATORS_ONLY = 'Only moderators (members with Manage Server) can use this command.';

const HARBOUR = readFileSync(new URL('../fixtures/pages/harbour.html', import.meta.url));

const BRIDGE_TXT = [
  'Riverton council approves new footbridge',
  '',
  'Reporting by: Tom Hale | Source: Riverton Herald',
  '',
  'The town council in Riverton approved plans for a new footbridge over the River Lune on Tuesday evening, after a debate that lasted three hours.',
  '',
  'The bridge will cost about 4.2 million pounds and is due to open in the spring of next year, the council said.',
  '',
  'Residents of the east bank have campaigned for a crossing since the old ferry stopped running in 2009.',
  '',
].join('\r\n');

const MARKET_MD = [
  '# Saturday market moves to the quay',
  '',
  '*By Priya Nair*',
  '',
  'The Saturday market in Harwick will move from the square to the quay from the first weekend of June, the market trust announced on Friday.',
  '',
  'Traders said the quay offered more space and shelter from the wind, and that forty stalls had already signed up for the new site.',
  '',
].join('\n');

const LIBRARY_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>Library to open on Sundays | Harwick Gazette</title>
<meta property="og:site_name" content="Harwick Gazette"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Library to open on Sundays from April</h1>
<p>Harwick library will open on Sundays from the first of April, the county council said on Wednesday, after a trial in the autumn drew more than two thousand visitors.</p>
<p>The Sunday hours will be from eleven in the morning until four in the afternoon, and the children's section will run a reading club each week.</p>
<script>document.write('tracking')</script>
</article><footer>Copyright Harwick Gazette. All rights reserved.</footer></body></html>`;

let emu: DiscordEmulator;
let web: WebServer;
let internal: WebServer;
let bot: BotProcess;
let work: string;
let corpusDir: string;
let dataDir: string;
let env: Record<string, string>;
let initialTree: Map<string, string>;
const bots: BotProcess[] = [];

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Every file under the corpus folder, hidden ones included, with its SHA-256. */
function tree(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(corpusDir, { recursive: true }) as string[]) {
    const full = join(corpusDir, name);
    if (statSync(full).isFile()) out.set(name.split('\\').join('/'), sha256(readFileSync(full)));
  }
  return out;
}

const auditPath = () => join(corpusDir, '.audit.jsonl');
function audit(): AuditEntry[] {
  if (!existsSync(auditPath())) return [];
  return readFileSync(auditPath(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
}

const textOf = (m: StoredMessage) => unescape([m.content, ...m.embeds.map((e) => JSON.stringify(e))].join('\n'));

async function run(name: string, options: Record<string, string | EmulatedAttachment>, invoker: Json = MODERATOR): Promise<StoredMessage> {
  const i = emu.command(name, options, invoker);
  const m = await i.settled(20_000);
  expect(i.refusals).toEqual([]);
  return m;
}

async function refusedIngest(options: Record<string, string | EmulatedAttachment>): Promise<string> {
  const m = await run('ingest', options);
  expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
  expect(m.embeds).toEqual([]);
  expect(m.content).toMatch(/^Not ingested: [\s\S]+\.\nNothing was added to the corpus\.$/);
  return unescape(m.content.replace(/^Not ingested: /, '').replace(/\.\nNothing was added to the corpus\.$/, ''));
}

function startTheBot(): BotProcess {
  const b = startBot(env);
  bots.push(b);
  return b;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'verbatim-ingest-'));
  corpusDir = join(work, 'corpus');
  dataDir = join(work, 'data');
  cpSync(join(ROOT, 'seeds'), corpusDir, { recursive: true });
  emu = await new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: 1000 }).start();
  web = await new WebServer().start();
  internal = await new WebServer().start();
  internal.page('/admin', 'internal admin console', 'text/plain');

  web.page('/news/harbour-reopens', HARBOUR, 'text/html; charset=utf-8');
  web.page('/big.txt', 'All work and no play. '.repeat(6000).slice(0, MAX_BYTES * 2), 'text/plain', { 'Content-Length': String(MAX_BYTES * 2) });
  web.on('/chunked-big', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    const timer = setInterval(() => res.write('<p>more words for the page</p>'.repeat(100)), 1);
    res.on('close', () => clearInterval(timer));
  });
  web.page('/report.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200, 7)]), 'application/pdf');
  web.page('/logo-as-text', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]), 'text/plain');
  web.page('/no-article', '<html><body><nav><a href="/a">Home</a> <a href="/b">News</a></nav><footer>© 2024</footer></body></html>');
  web.redirect('/moved', internal.url('/admin'));
  web.redirect('/moved-by-name', `http://localhost:${internal.host.split(':')[1]}/admin`);
  web.redirect('/loop', '/loop');
  web.on('/stalled', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.write('<html><body><p>The first words of a page that never ends');
  });

  env = {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: emu.apiUrl,
    CORPUS_DIR: corpusDir,
    DATA_DIR: dataDir,
    INGEST_MAX_BYTES: String(MAX_BYTES),
    INGEST_TIMEOUT_MS: String(TIMEOUT_MS),
    // The emulator (serving attachments) and the web server; not the internal server.
    INGEST_ALLOW_HOSTS: `${emu.host},${web.host}`,
  };
  bot = startTheBot();
  await bot.waitForOutput(/ready: logged in as verbatim/);
  initialTree = tree();
});

afterAll(async () => {
  for (const b of bots) b.kill();
  await emu?.stop();
  await web?.stop();
  await internal?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('refusals change nothing', () => {
  it('a member without Manage Server is refused every corpus command; nothing is fetched, and who asked is logged', async () => {
    const file = emu.attach('bridge.txt', BRIDGE_TXT, { contentType: 'text/plain; charset=utf-8' });
    const attempts: [string, Record<string, string | EmulatedAttachment>][] = [
      ['ingest', { file }],
      ['ingest', { url: web.url('/news/harbour-reopens') }],
      ['remove', { article: '000_9c97e5d4a05ee18f' }],
      ['restore', { article: 'anything' }],
      ['audit', {}],
      ['refresh', {}],
    ];
    for (const [name, options] of attempts) {
      const i = emu.command(name, options, MEMBER);
      const m = await i.settled();
      expect(i.callbacks[0]!.type).toBe(4); // answered at once, before any work
      expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect(m.content).toBe(MODERATORS_ONLY);
    }
    expect(file.downloads).toBe(0);
    expect(web.hits).toEqual([]);
    expect(tree()).toEqual(initialTree);
    for (const name of ['ingest', 'remove', 'restore', 'audit', 'refresh']) {
      expect(bot.stderr).toMatch(new RegExp(`WARN  \\[bot\\] refused \\{[^\\n]*"command":"${name}","user":"${MEMBER.user.id}"[^\\n]*"name":"${MEMBER.user.username}","reason":"not a moderator"`));
    }
    // The autocomplete that lists removed articles is not shown to them either.
    const ac = emu.autocomplete('restore', 'article', '', {}, MEMBER);
    await ac.response();
    expect(ac.choices).toEqual([]);
  });

  it('corpus commands are refused in direct messages, even to a moderator elsewhere', async () => {
    const dm = { dm: true, user: MODERATOR.user };
    for (const name of ['ingest', 'remove', 'audit']) {
      const m = await emu.command(name, name === 'ingest' ? { url: web.url('/news/harbour-reopens') } : name === 'remove' ? { article: 'x' } : {}, dm).settled();
      expect(m.content).toBe('This command works in a server, not in direct messages.');
    }
    expect(web.hits).toEqual([]);
  });

  it('an attachment Discord says is over the size cap is refused without downloading it', async () => {
    const file = emu.attach('long.txt', 'Words. '.repeat(20_000), { contentType: 'text/plain' });
    expect(await refusedIngest({ file })).toBe('it is larger than the 64 KB limit (140,000 bytes)');
    expect(file.downloads).toBe(0);
  });

  it('a file bigger than it claims, or a page over the cap, is cut off at the cap', async () => {
    const liar = emu.attach('small.txt', 'This is not small at all. '.repeat(10_000), { contentType: 'text/plain', size: 900 });
    // Refused on the length the download declares, before its body is read.
    expect(await refusedIngest({ file: liar })).toBe('it is larger than the 64 KB limit (260,000 bytes)');
    expect(liar.downloads).toBe(1);
    expect(await refusedIngest({ url: web.url('/big.txt') })).toBe('it is larger than the 64 KB limit (131,072 bytes)');
    expect(await refusedIngest({ url: web.url('/chunked-big') })).toBe('it is larger than the 64 KB limit');
  });

  it('only text, Markdown and HTML: other types are refused by their media type, binary bytes by their content', async () => {
    const image = emu.attach('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]), { contentType: 'image/png' });
    expect(await refusedIngest({ file: image })).toBe('only plain text, Markdown or HTML (.txt, .md, .html) can be ingested; this file is image/png');
    expect(image.downloads).toBe(0);
    const doc = emu.attach('notes.docx', Buffer.from('PK\x03\x04 pretend this is a Word file'), { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect(await refusedIngest({ file: doc })).toMatch(/^only plain text, Markdown or HTML \(\.txt, \.md, \.html\) can be ingested; this file is application\/vnd\.openxml/);
    // A binary file with a text name and a text type: the bytes give it away.
    const disguised = emu.attach('article.txt', Buffer.concat([Buffer.from('Looks like text at first'), Buffer.alloc(64, 0), Buffer.from('then it is not')]), { contentType: 'text/plain' });
    expect(await refusedIngest({ file: disguised })).toBe('the file is not text: contains NUL bytes (binary file)');
    expect(await refusedIngest({ url: web.url('/report.pdf') })).toBe('only plain text, Markdown or HTML (.txt, .md, .html) can be ingested; this is application/pdf');
    expect(await refusedIngest({ url: web.url('/logo-as-text') })).toBe('the file is a PNG image, not text');
  });

  it('internal addresses are refused without connecting: loopback, private, link-local, CGNAT, IPv6 forms, names that resolve to them', async () => {
    const port = internal.host.split(':')[1];
    expect(await refusedIngest({ url: internal.url('/admin') })).toBe('127.0.0.1 is an internal address: loopback (127.0.0.0/8)');
    expect(await refusedIngest({ url: `http://localhost:${port}/admin` })).toMatch(/^localhost \((?:127\.0\.0\.1|::1)\) is an internal address: loopback/);
    expect(await refusedIngest({ url: `http://[::ffff:7f00:1]:${port}/admin` })).toBe('::ffff:7f00:1 is an internal address: loopback (127.0.0.0/8), as IPv4-mapped IPv6 (::ffff:0:0/96)');
    expect(await refusedIngest({ url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' })).toBe(
      '169.254.169.254 is an internal address: link-local (169.254.0.0/16, where cloud metadata services live)',
    );
    expect(await refusedIngest({ url: 'https://192.168.1.1/' })).toBe('192.168.1.1 is an internal address: private (192.168.0.0/16)');
    expect(await refusedIngest({ url: 'https://100.64.0.7/' })).toBe('100.64.0.7 is an internal address: carrier-grade NAT (shared address space, 100.64.0.0/10)');
    expect(await refusedIngest({ url: 'https://[fe80::1]/' })).toBe('fe80::1 is an internal address: link-local (fe80::/10)');
    expect(internal.hits).toEqual([]);
    expect(bot.stderr).toMatch(new RegExp(`WARN  \\[curate\\] ingest refused \\{"user":"${MODERATOR.user.id}","name":"${MODERATOR.user.username}","guild":"${emu.guild.id}","reason":"127\\.0\\.0\\.1 is an internal address`));
  });

  it('a redirect to an internal address is refused, and the internal server never hears of it', async () => {
    expect(await refusedIngest({ url: web.url('/moved') })).toBe(`it redirects to ${internal.url('/admin')}, which is refused: 127.0.0.1 is an internal address: loopback (127.0.0.0/8)`);
    expect(await refusedIngest({ url: web.url('/moved-by-name') })).toMatch(/^it redirects to http:\/\/localhost:\d+\/admin, which is refused: localhost \((?:127\.0\.0\.1|::1)\) is an internal address: loopback/);
    expect(await refusedIngest({ url: web.url('/loop') })).toBe('it redirects more than 5 times');
    expect(web.hitsOn('/loop').length).toBe(6);
    expect(internal.hits).toEqual([]);
  });

  it('a public link must be https on its standard port; other schemes, stalled pages and pages without an article are refused', async () => {
    expect(await refusedIngest({ url: 'http://93.184.215.14/news' })).toBe('only https links can be ingested (93.184.215.14 is plain http)');
    expect(await refusedIngest({ url: 'https://93.184.215.14:8443/news' })).toBe('only the standard https port is allowed (93.184.215.14:8443 uses port 8443)');
    expect(await refusedIngest({ url: 'file:///etc/passwd' })).toBe('only http and https links can be ingested (this one is file)');
    expect(await refusedIngest({ url: 'see my article' })).toBe('that is not a valid link');
    const t0 = Date.now();
    expect(await refusedIngest({ url: web.url('/stalled') })).toBe('the download took longer than 2 s');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(await refusedIngest({ url: web.url('/no-article') })).toBe('no article text was found on the page');
  });

  it('asks for exactly one of file and url', async () => {
    const file = emu.attach('bridge.txt', BRIDGE_TXT, { contentType: 'text/plain' });
    for (const options of [{}, { file, url: web.url('/news/harbour-reopens') }]) {
      const m = await run('ingest', options);
      expect(m.content).toBe('Give the article either as `file` (a .txt, .md or .html attachment) or as `url` (an https link to its web page), one of the two.');
    }
    expect(file.downloads).toBe(0);
  });

  it('after all of that, the corpus folder is exactly as it was and the audit log is empty', () => {
    expect(tree()).toEqual(initialTree);
    expect(existsSync(auditPath())).toBe(false);
  });
});

/** The article the bot reports, read from its reply; checked against the file it saved. */
function ingested(m: StoredMessage): { id: string; sentences: number; title: string } {
  const embed = embedOf(m);
  expect(embed.title).toBe('Article ingested');
  const d = unescape(embed.description ?? '');
  const id = /· id (\S+) ·/.exec(d)?.[1];
  const sentences = /\*\*(\d+)\*\* sentences? ·/.exec(d)?.[1];
  const title = /^\*\*(.+)\*\*$/m.exec(d)?.[1];
  if (!id || !sentences || !title) throw new Error(`unexpected reply: ${d}`);
  return { id, sentences: Number(sentences), title };
}

describe('ingest', () => {
  it('a .txt attachment: saved under a generated name, indexed, reported with its title, sentences and id, audited', async () => {
    const before = audit().length;
    const file = emu.attach('../../../etc/cron.d/bridge.txt', BRIDGE_TXT, { contentType: 'text/plain; charset=utf-8' });
    const m = await run('ingest', { file });
    expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
    const got = ingested(m);
    const saved = BRIDGE_TXT.replace(/\r\n/g, '\n');
    // The name comes from the title and the content's hash, not from the uploaded name.
    expect(got.id).toBe(`ingested/riverton-council-approves-new-footbridge-${sha256(saved).slice(0, 10)}`);
    expect(readFileSync(join(corpusDir, `${got.id}.txt`), 'utf8')).toBe(saved);
    expect(got.title).toBe('Riverton council approves new footbridge');

    const engine = await Engine.open({ corpusDir });
    const article = engine.articles().find((a) => a.id === got.id)!;
    expect(got.sentences).toBe(article.sentences);
    expect(article.source).toBe('Riverton Herald');

    const entries = audit();
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({
      action: 'ingest',
      by: { id: MODERATOR.user.id, name: MODERATOR.user.username },
      guild: emu.guild.id,
      article: { id: got.id, path: `${got.id}.txt`, title: got.title },
      sha256: sha256(readFileSync(join(corpusDir, `${got.id}.txt`))),
    });
    // Recorded without the signed query Discord puts on attachment links.
    expect(entries.at(-1)!.from).toBe(`attachment ../../../etc/cron.d/bridge.txt (http://${emu.host}/attachments/${emu.channelId}/${file.id}/..%2F..%2F..%2Fetc%2Fcron.d%2Fbridge.txt)`);
    expect(entries.at(-1)!.corpus.before).not.toBe(entries.at(-1)!.corpus.after);
    expect(existsSync('/etc/cron.d/bridge.txt')).toBe(false);

    // And it answers from it, quoting the saved file exactly.
    const question = 'How much will the footbridge cost?';
    const expected = (await engine.ask(question));
    if (expected.kind !== 'answer') throw new Error('precondition: the engine answers');
    expect(expected.citations[0]!.articleId).toBe(got.id);
    const answer = await run('ask', { question }, MEMBER);
    const c = expected.citations[0]!;
    const quote = quotesOf(answer)[0];
    expect(quote).toBe(saved.slice(c.start, c.end));
    expect(quote).toBe('The bridge will cost about 4.2 million pounds and is due to open in the spring of next year, the council said.');
    expect(embedOf(answer).footer?.text).toContain(`corpus ${engine.corpus.version.slice(0, 8)}`);
  });

  it('a .md attachment is saved as Markdown', async () => {
    const file = emu.attach('market.md', MARKET_MD, { contentType: 'text/markdown; charset=utf-8' });
    const got = ingested(await run('ingest', { file }));
    expect(got.id).toBe(`ingested/saturday-market-moves-to-the-quay-${sha256(MARKET_MD).slice(0, 10)}`);
    expect(readFileSync(join(corpusDir, `${got.id}.md`), 'utf8')).toBe(MARKET_MD);
    expect(audit().at(-1)).toMatchObject({ action: 'ingest', article: { id: got.id, path: `${got.id}.md` } });
  });

  it('an .html attachment is converted to text: the article kept, the page around it dropped', async () => {
    const file = emu.attach('library.html', LIBRARY_HTML, { contentType: 'text/html; charset=utf-8' });
    const got = ingested(await run('ingest', { file }));
    expect(got.title).toBe('Library to open on Sundays from April');
    const saved = readFileSync(join(corpusDir, `${got.id}.txt`), 'utf8');
    expect(saved).toBe(
      [
        'Library to open on Sundays from April',
        '',
        'Source: Harwick Gazette',
        '',
        'Harwick library will open on Sundays from the first of April, the county council said on Wednesday, after a trial in the autumn drew more than two thousand visitors.',
        '',
        "The Sunday hours will be from eleven in the morning until four in the afternoon, and the children's section will run a reading club each week.",
        '',
      ].join('\n'),
    );
    expect(got.id).toBe(`ingested/library-to-open-on-sundays-from-april-${sha256(saved).slice(0, 10)}`);
    expect(got.sentences).toBe(2);
  });

  it('a web page with clutter around the story: the story extracted, with its title, byline and publisher', async () => {
    const m = await run('ingest', { url: web.url('/news/harbour-reopens') });
    const got = ingested(m);
    expect(got.title).toBe('Lakeport harbour reopens to fishing boats after storm repairs');
    expect(unescape(embedOf(m).description!)).toContain('The Lakeport Courier · by Ruth Okafor');
    expect(unescape(embedOf(m).description!)).toContain(`Source: ${web.url('/news/harbour-reopens')}`);
    const saved = readFileSync(join(corpusDir, `${got.id}.txt`), 'utf8');
    expect(saved.split('\n').slice(0, 6)).toEqual(['Lakeport harbour reopens to fishing boats after storm repairs', '', 'By Ruth Okafor', 'Source: The Lakeport Courier', '', 'Lakeport harbour reopened to fishing boats on Monday, four months after a winter storm tore a forty-metre gap in its outer wall.']);
    for (const clutter of ['cookies', 'Share on', 'Advertisement', 'Most read', 'newsletter', 'harbourwatcher', 'All rights reserved', 'dataLayer']) expect(saved).not.toContain(clutter);
    expect(audit().at(-1)).toMatchObject({ action: 'ingest', from: web.url('/news/harbour-reopens'), sha256: sha256(saved) });

    const engine = await Engine.open({ corpusDir });
    const question = 'How much did the repairs to the harbour wall cost?';
    const expected = (await engine.ask(question));
    if (expected.kind !== 'answer') throw new Error('precondition: the engine answers');
    const c = expected.citations[0]!;
    expect(c.articleId).toBe(got.id);
    const answer = await run('ask', { question }, MEMBER);
    const quote = quotesOf(answer)[0];
    expect(quote).toBe(saved.slice(c.start, c.end));
    expect(quote).toContain('£2.3 million');
  });

  it('the same article again is refused, and nothing is written', async () => {
    const before = tree();
    expect(await refusedIngest({ url: web.url('/news/harbour-reopens') })).toMatch(/^it is already in the corpus, as “Lakeport harbour reopens to fishing boats after storm repairs” \(id ingested\/lakeport-harbour-reopens-to-fishing-boats-after-storm-[0-9a-f]{10}\)$/);
    expect(tree()).toEqual(before);
  });

  it('a copy of an article already in the corpus is refused, naming it: byte for byte, or with CRLF line ends', async () => {
    // The seed file ends without a newline; the ingested text gets one, so its bytes never match the seed's.
    const seed = '004_08d7a890f8e88d95';
    const bytes = readFileSync(join(corpusDir, `${seed}.txt`));
    expect(bytes.at(-1)).not.toBe(0x0a);
    web.page('/copies/seed.txt', bytes, 'text/plain; charset=utf-8');
    web.page('/copies/seed-crlf.txt', Buffer.from(bytes.toString('utf8').replace(/\n/g, '\r\n')), 'text/plain; charset=utf-8');
    const before = tree();
    const auditBefore = audit().length;
    for (const path of ['/copies/seed.txt', '/copies/seed-crlf.txt']) {
      expect(await refusedIngest({ url: web.url(path) })).toBe(`it is already in the corpus, as “Civilian casualties increase in Syria’s Aleppo ahead of Swiss talks” (id ${seed})`);
      expect(web.hitsOn(path).length).toBe(1);
    }
    expect(tree()).toEqual(before);
    expect(audit().length).toBe(auditBefore);
  });
});

describe('remove and restore', () => {
  let harbourId = '';
  let harbourHash = '';
  let trashEntry = '';

  it('/remove offers the articles, moves the chosen one to the trash (never deleting it) and stops answering from it', async () => {
    const ac = emu.autocomplete('remove', 'article', 'harbour', {}, MODERATOR);
    await ac.response();
    expect(ac.choices).toEqual([{ name: 'Lakeport harbour reopens to fishing boats after storm repairs (The Lakeport Courier)', value: expect.stringMatching(/^ingested\/lakeport-harbour-/) }]);
    harbourId = ac.choices![0]!.value as string;
    const path = `${harbourId}.txt`;
    harbourHash = sha256(readFileSync(join(corpusDir, path)));
    const versionBefore = audit().at(-1)!.corpus.after;

    const m = await run('remove', { article: harbourId });
    const embed = embedOf(m);
    expect(embed.title).toBe('Article removed');
    const d = unescape(embed.description!);
    expect(d).toContain('**Lakeport harbour reopens to fishing boats after storm repairs** (The Lakeport Courier)');
    const trashed = /in the trash at (\.trash\/\S+);/.exec(d)?.[1];
    expect(trashed).toMatch(new RegExp(`^\\.trash/\\d{8}T\\d{6}Z-[0-9a-f]{6}/${path.replace(/[.]/g, '\\.')}$`));
    trashEntry = trashed!.split('/')[1]!;

    expect(existsSync(join(corpusDir, path))).toBe(false);
    expect(sha256(readFileSync(join(corpusDir, trashed!)))).toBe(harbourHash);
    expect(audit().at(-1)).toMatchObject({ action: 'remove', by: { id: MODERATOR.user.id }, article: { id: harbourId, path }, sha256: harbourHash, trash: trashed });
    expect(audit().at(-1)!.corpus).toEqual({ before: versionBefore, after: expect.not.stringMatching(versionBefore) });

    const engine = await Engine.open({ corpusDir });
    expect(engine.articles().some((a) => a.id === harbourId)).toBe(false);
    const answer = await run('ask', { question: 'How much did the repairs to the harbour wall cost?' }, MEMBER);
    expect(textOf(answer)).not.toContain('2.3 million');
  });

  it('/restore offers what is in the trash and brings the file back, byte for byte', async () => {
    const ac = emu.autocomplete('restore', 'article', 'harbour', {}, MODERATOR);
    await ac.response();
    // The title is cut so that when and by whom fit in Discord's 100 characters.
    expect(ac.choices).toEqual([{ name: expect.stringMatching(/^Lakeport harbour reopens to fishing boats after \[…\] · removed \d{4}-\d\d-\d\d \d\d:\d\d UTC by mod_alice$/), value: trashEntry }]);
    expect((ac.choices![0]!.name as string).length).toBeLessThanOrEqual(100);

    const m = await run('restore', { article: trashEntry });
    expect(embedOf(m).title).toBe('Article restored');
    expect(unescape(embedOf(m).description!)).toContain(`id ${harbourId} · 8 sentences`);
    expect(sha256(readFileSync(join(corpusDir, `${harbourId}.txt`)))).toBe(harbourHash);
    expect(existsSync(join(corpusDir, '.trash', trashEntry))).toBe(false);
    expect(audit().at(-1)).toMatchObject({ action: 'restore', article: { id: harbourId }, sha256: harbourHash });

    const answer = await run('ask', { question: 'How much did the repairs to the harbour wall cost?' }, MEMBER);
    expect(textOf(answer)).toContain('£2.3 million');
  });

  it('/restore never overwrites a file that has taken the article\'s place', async () => {
    const seed = '004_08d7a890f8e88d95';
    const original = readFileSync(join(corpusDir, `${seed}.txt`));
    const removed = embedOf(await run('remove', { article: seed }));
    const entry = /\.trash\/([^/]+)\//.exec(unescape(removed.description!))![1]!;
    // Someone puts another file at the same path meanwhile.
    const intruder = 'A different article\n\nThis file was put here after the other one was removed, and must survive a restore.\n';
    writeFileSync(join(corpusDir, `${seed}.txt`), intruder);
    const before = tree();
    const auditBefore = audit().length;

    const m = await run('restore', { article: entry });
    expect(unescape(m.content)).toBe(`Not restored: a file is at ${seed}.txt now; nothing was overwritten and the trash entry is kept.\nNothing was changed.`);
    expect(tree()).toEqual(before);
    expect(readFileSync(join(corpusDir, `${seed}.txt`), 'utf8')).toBe(intruder);
    expect(readFileSync(join(corpusDir, '.trash', entry, `${seed}.txt`))).toEqual(original);
    expect(audit().length).toBe(auditBefore);

    // Put things back for the tests that follow: the intruder out, the original restored.
    unlinkSync(join(corpusDir, `${seed}.txt`));
    expect(embedOf(await run('restore', { article: entry })).title).toBe('Article restored');
    expect(readFileSync(join(corpusDir, `${seed}.txt`))).toEqual(original);
  });
});

describe('/refresh', () => {
  it('reports what changed since the corpus it served: added, removed and changed with titles, skipped with reasons; audited', async () => {
    const engineBefore = await Engine.open({ corpusDir });
    const market = engineBefore.articles().find((a) => a.title === 'Saturday market moves to the quay')!;
    const library = engineBefore.articles().find((a) => a.title === 'Library to open on Sundays from April')!;
    writeFileSync(join(corpusDir, 'ferry.txt'), 'Ferry timetable changes for spring\n\nThe ferry to Westhaven will run every forty minutes from March, the operator said on Monday, instead of every hour.\n');
    writeFileSync(join(corpusDir, 'blank.txt'), '   \n');
    unlinkSync(join(corpusDir, market.path));
    writeFileSync(join(corpusDir, library.path), `${readFileSync(join(corpusDir, library.path), 'utf8')}\nThe library will close on bank holidays, the council added.\n`);

    const m = await run('refresh', {});
    const embed = embedOf(m);
    expect(embed.title).toBe('Articles refreshed');
    expect(embed.description).toContain('1 added · 1 removed · 1 changed · 4 unchanged · 1 file skipped');
    const field = (name: string) => unescape(embed.fields?.find((f) => f.name === name)?.value ?? '');
    expect(field('Added (1)')).toBe('• ferry — Ferry timetable changes for spring');
    expect(field('Removed (1)')).toBe(`• ${market.id} — Saturday market moves to the quay`);
    expect(field('Changed (1)')).toBe(`• ${library.id} — Library to open on Sundays from April`);
    expect(field('Skipped (1)')).toBe('• blank.txt: no text (whitespace only)');

    const entry = audit().at(-1)!;
    expect(entry).toMatchObject({ action: 'refresh', by: { id: MODERATOR.user.id, name: MODERATOR.user.username } });
    expect(entry.diff).toEqual({
      added: ['ferry'],
      removed: [market.id],
      changed: [library.id],
      skipped: [{ path: 'blank.txt', reason: 'no text (whitespace only)' }],
      // In corpus order: ferry.txt sorts before the ingested/ folder.
      files: [
        { path: 'ferry.txt', sha256: sha256(readFileSync(join(corpusDir, 'ferry.txt'))) },
        { path: library.path, sha256: sha256(readFileSync(join(corpusDir, library.path))) },
      ],
    });
    expect(entry.corpus.before).not.toBe(entry.corpus.after);
  });
});

describe('/audit', () => {
  it('shows the latest changes, newest first, a page at a time', async () => {
    const entries = audit();
    expect(entries.map((e) => e.action)).toEqual(['ingest', 'ingest', 'ingest', 'ingest', 'remove', 'restore', 'remove', 'restore', 'refresh']);
    const m = await run('audit', {});
    expect(m.flags & EPHEMERAL).toBe(EPHEMERAL);
    const embed = embedOf(m);
    expect(embed.title).toBe('Changes to the articles');
    expect(embed.footer?.text).toBe('Page 1 of 2 · 9 changes, newest first');
    const blocks = unescape(embed.description!).split('\n\n');
    expect(blocks.length).toBe(6);
    expect(blocks[0]).toMatch(/^\*\*Refreshed\*\* · \d{4}-\d\d-\d\d \d\d:\d\d UTC · by mod_alice \(400000000000000001\)\n1 added · 1 removed · 1 changed · 1 skipped\ncorpus [0-9a-f]{8} → [0-9a-f]{8}$/);
    expect(blocks[1]).toContain('**Restored**');
    expect(blocks[5]).toContain('**Added**');

    const older = emu.press(m, 'audit:page:1', MODERATOR);
    const page2 = await older.settled();
    expect(older.callbacks[0]!.type).toBe(7);
    expect(embedOf(page2).footer?.text).toBe('Page 2 of 2 · 9 changes, newest first');
    const first = unescape(embedOf(page2).description!).split('\n\n');
    expect(first.length).toBe(3);
    expect(first[2]).toMatch(/^\*\*Added\*\* · .* by mod_alice \(400000000000000001\)\nRiverton council approves new footbridge · id ingested\/riverton-council-approves-new-footbridge-[0-9a-f]{10}\nfrom attachment /);
    // A member cannot page through it either.
    const sneaky = await emu.press(page2, 'audit:page:0', MEMBER).settled();
    expect(sneaky.content).toBe(MODERATORS_ONLY);
  });
});

describe('a restart', () => {
  it('keeps what was ingested: the articles are files in the corpus folder', async () => {
    const exit = await bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    bot = startTheBot();
    await bot.waitForOutput(/ready: logged in as verbatim/);
    const m = await run('sources', { filter: 'ingested/' }, MEMBER);
    const listed = unescape(embedOf(m).description!);
    for (const title of ['Lakeport harbour reopens to fishing boats after storm repairs', 'Riverton council approves new footbridge', 'Library to open on Sundays from April']) {
      expect(listed).toContain(title);
    }
    // It answers from them as an engine freshly opened on the folder does.
    const engine = await Engine.open({ corpusDir });
    const question = 'Which river will the new footbridge cross?';
    const expected = (await engine.ask(question));
    if (expected.kind !== 'answer') throw new Error('precondition: the engine answers');
    const c = expected.citations[0]!;
    expect(c.articleId).toMatch(/^ingested\/riverton-council-approves-new-footbridge-/);
    const answer = await run('ask', { question }, MEMBER);
    const quote = quotesOf(answer)[0];
    expect(quote).toBe(readFileSync(join(corpusDir, c.path), 'utf8').slice(c.start, c.end));
  });
});

describe('the trash retention (TRASH_KEEP_DAYS)', () => {
  const SEED = '000_9c97e5d4a05ee18f';

  it('deletes at start the entries removed before it, audited and shown in /audit; younger ones stay restorable', async () => {
    const exit = await bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    const day = 86_400_000;
    const about = (id: string) => ({ articleId: id, title: id, removedBy: { id: '400000000000000001', name: 'mod_alice' }, sha256: sha256(readFileSync(join(corpusDir, `${id}.txt`))) });
    const old = await moveToTrash(corpusDir, 'ferry.txt', about('ferry'), new Date(Date.now() - 45 * day));
    const young = await moveToTrash(corpusDir, `${SEED}.txt`, about(SEED), new Date(Date.now() - 5 * day));
    if (old.kind !== 'moved' || young.kind !== 'moved') throw new Error(`precondition: ferry.txt and ${SEED}.txt are in the corpus folder`);
    const before = audit().length;

    bot = startBot({ ...env, TRASH_KEEP_DAYS: '30' });
    bots.push(bot);
    await bot.waitForOutput(/trash: deleted 1 entry removed more than 30 days ago/);
    await bot.waitForOutput(/ready: logged in as verbatim/);
    expect(existsSync(join(corpusDir, '.trash', old.entry.id))).toBe(false);
    expect(existsSync(join(corpusDir, '.trash', young.entry.id, `${SEED}.txt`))).toBe(true);
    const entries = audit();
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({ action: 'purge', by: { id: 'retention', name: 'trash retention (30 days)' }, article: { id: 'ferry', path: 'ferry.txt' }, trash: `.trash/${old.entry.id}/ferry.txt` });

    const m = await run('audit', {});
    const newest = unescape(embedOf(m).description!).split('\n\n')[0]!;
    expect(newest).toMatch(new RegExp(`^\\*\\*Deleted from the trash\\*\\* · .* by trash retention \\(30 days\\) \\(retention\\)\\nferry · id ferry\\ndeleted \\.trash/${old.entry.id}/ferry\\.txt\\n`));
    expect(embedOf(await run('restore', { article: young.entry.id })).title).toBe('Article restored');
    expect(existsSync(join(corpusDir, `${SEED}.txt`))).toBe(true);
    expect(audit().at(-1)).toMatchObject({ action: 'restore', article: { id: SEED } });
  });
});

describe('an article id two files share (a.md beside a.txt: one file per id is served)', () => {
  const SEED = '004_08d7a890f8e88d95';
  const TITLE = 'Civilian casualties increase in Syria’s Aleppo ahead of Swiss talks';
  const BY_HAND = '# Aleppo notes put here by hand\n\nA Markdown file with the seed article’s name, put in the folder by hand after that article was removed.\n';
  let original: Buffer;
  let entry = '';

  it('/restore is refused, changing nothing, while another file has the article id; the reply names that file', async () => {
    original = readFileSync(join(corpusDir, `${SEED}.txt`));
    const removed = embedOf(await run('remove', { article: SEED }));
    expect(removed.title).toBe('Article removed');
    entry = /\.trash\/([^/]+)\//.exec(unescape(removed.description!))![1]!;
    writeFileSync(join(corpusDir, `${SEED}.md`), BY_HAND);
    const before = tree();
    const auditBefore = audit().length;

    // Not indexed yet: the folder itself is looked at.
    const m = await run('restore', { article: entry });
    expect(m.embeds).toEqual([]);
    expect(unescape(m.content)).toBe(
      `Not restored: another file, ${SEED}.md, has the article id ${SEED}, and only one file per id is served; it is not indexed yet: /refresh, /remove that article, then /restore this one.\nNothing was changed.`,
    );
    expect(tree()).toEqual(before);
    expect(audit().length).toBe(auditBefore);

    // Indexed: named with its title.
    expect(embedOf(await run('refresh', {})).title).toBe('Articles refreshed');
    const indexed = tree();
    const again = await run('restore', { article: entry });
    expect(unescape(again.content)).toBe(
      `Not restored: another file, ${SEED}.md (“Aleppo notes put here by hand”), has the article id ${SEED} now, and only one file per id is served; /remove that article first, then /restore this one.\nNothing was changed.`,
    );
    expect(tree()).toEqual(indexed);
  });

  it('as the reply says: /remove the other file\'s article, then /restore brings back the one removed, and names only it', async () => {
    const removed = embedOf(await run('remove', { article: SEED }));
    expect(unescape(removed.description!)).toContain('**Aleppo notes put here by hand**');
    expect(unescape(removed.description!)).not.toContain('Another file with the same id');

    const m = await run('restore', { article: entry });
    const embed = embedOf(m);
    expect(embed.title).toBe('Article restored');
    const d = unescape(embed.description!);
    expect(d).toContain(`**${TITLE}**`);
    expect(d).toContain(`id ${SEED} · `);
    expect(d).toContain(`back at ${SEED}.txt`);
    expect(d).not.toContain('Aleppo notes');
    expect(embed.footer?.text).toBe(`SHA-256 ${sha256(original)}`);
    expect(readFileSync(join(corpusDir, `${SEED}.txt`))).toEqual(original);
    expect(existsSync(join(corpusDir, `${SEED}.md`))).toBe(false);
    expect(audit().at(-1)).toMatchObject({ action: 'restore', article: { id: SEED, path: `${SEED}.txt`, title: TITLE }, sha256: sha256(original) });
  });

  it('/remove of the file served under an id another file shares: removed, and the reply names the file served under it now', async () => {
    // Two files of one id by hand: after /refresh the loader serves the .md (it sorts first) and skips the .txt.
    writeFileSync(join(corpusDir, `${SEED}.md`), BY_HAND);
    expect(embedOf(await run('refresh', {})).title).toBe('Articles refreshed');
    const m = await run('remove', { article: SEED });
    const embed = embedOf(m);
    expect(embed.title).toBe('Article removed');
    const d = unescape(embed.description!);
    expect(d).toContain('**Aleppo notes put here by hand**');
    expect(d).toContain(`Another file with the same id, ${SEED}.txt (**${TITLE}**), is served as ${SEED} now; /remove ${SEED} again to remove it too.`);
    expect(existsSync(join(corpusDir, `${SEED}.md`))).toBe(false);
    expect(readFileSync(join(corpusDir, `${SEED}.txt`))).toEqual(original);
    expect(audit().at(-1)).toMatchObject({ action: 'remove', article: { id: SEED, path: `${SEED}.md` } });
    // And it answers from the .txt again.
    const answer = await run('ask', { question: 'who called for an ICC investigation?' }, MEMBER);
    expect(textOf(answer)).toContain('French officials');
  });
});

describe('every message', () => {
  it('had mentions disabled and stayed within Discord\'s limits; no secret reached the logs', () => {
    expect(emu.sent.length).toBeGreaterThan(30);
    for (const s of emu.sent) {
      expect(s.body.allowed_mentions).toEqual({ parse: [] });
      expect(s.problems).toEqual([]);
      expect(messageProblems(s.body, s.route !== 'edit' && s.route !== 'callback:7')).toEqual([]);
    }
    for (const b of bots) {
      expect(b.stderr).not.toContain(TOKEN);
      // Discord's signed attachment parameters are not logged either.
      expect(b.stderr).not.toMatch(/[?&]hm=[0-9a-f]{16}/);
    }
  });
});
