// The local console: `npm start` with no token and commands piped in. It must go through the same command
// modules as Discord (the answers are the engine's, rendered as text), read to the end of input and exit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmStart, ROOT, startBot, type BotProcess, type Exit } from '../support/bot.ts';
import { Engine } from '../../src/engine.ts';
import { runConsole } from '../../src/bot/console.ts';
import { corpus, harness } from '../support/context.ts';

let dataDir: string;
let run: BotProcess;
let exit: Exit;
let engine: Engine;

const INPUT = [
  '/help',
  '/ask who called for an ICC investigation?',
  '/press 2',
  '/press 3',
  '/sources',
  '/sources filter:aleppo',
  '/quote about:war crimes',
  '/ask question:What did Australia say about Aleppo? article:ARA',
  '/ask',
  '/ask question:anything article:no such article',
  '/ask what does icc stand for',
  '/ask What does UK stand for?',
  '/ask what did the UK say about the ICC?',
  '/ask How many hospitals are left in Aleppo?',
  '/frobnicate',
  '/stats',
  '',
].join('\n');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'verbatim-console-'));
  engine = await Engine.open({ corpusDir: join(ROOT, 'seeds'), maxFileBytes: 5 * 1024 * 1024 });
  run = npmStart({ DATA_DIR: dataDir });
  run.child.stdin.end(INPUT);
  exit = await run.exited;
});

afterAll(() => {
  run?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Everything the console printed (logs go to stderr). */
const out = () => run.stdout;

describe('npm start without a token', () => {
  it('reads piped commands to the end and exits cleanly', () => {
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(run.stderr).toContain('no DISCORD_TOKEN: local console');
    expect(run.stderr).toContain('stopped');
  });

  it('answers /ask with the sentence the engine cites, as plain text', async () => {
    const expected = (await engine.ask('who called for an ICC investigation?'));
    if (expected.kind !== 'answer') throw new Error('precondition: the engine answers the ICC question');
    const c = expected.citations[0]!;
    expect(out()).toContain('== Answer ==\nQ: who called for an ICC investigation?\n');
    if (expected.answer) expect(out()).toContain(`A: ${expected.answer.text}\n`);
    expect(out()).toContain(`[1] Paragraph ${c.paragraph}, sentence ${c.sentence}\n> ${c.text}\n— ${c.title}${c.source ? `, ${c.source}` : ''}\n`);
    expect(c.text).toContain('French officials said on Monday that the International Criminal Court (ICC)');
    expect(out()).toContain('Buttons: [1] More sources  [2] 👍  [3] 👎   (/press <number>)');
  });

  it('presses buttons: the votes are recorded, the later replacing the earlier', () => {
    expect(out()).toContain('Thanks: your 👍 on this answer is recorded.');
    expect(out()).toContain('Changed your vote on this answer to 👎.');
    const records = readFileSync(join(dataDir, 'feedback.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.filter((r) => r.type === 'vote').map((r) => [r.userId, r.vote])).toEqual([
      ['console', 'up'],
      ['console', 'down'],
    ]);
  });

  it('lists the sources, filtered or not, and quotes the articles', () => {
    for (const a of engine.articles()) expect(out()).toContain(`${a.title}\n${a.source ?? 'publisher not named'} · id ${a.id}`);
    expect(out()).toContain('Articles matching “aleppo”:');
    const quotes = engine.quotations({ about: 'war crimes' }, 6);
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(out()).toContain(`> ${q.text}\n— ${q.speaker ?? 'Speaker not named'}`);
  });

  it('abstains as Discord users see it, and explains bad input without failing', () => {
    expect(out()).toContain('Searched only: Civilian casualties increase in Syria’s Aleppo ahead of Swiss talks (ARA News)');
    expect(out()).toContain("The articles don't say.");
    // The seeds never name Australia: the reply says which name no article mentions.
    expect(out()).toContain("The articles don't say. No article mentions “Australia”.");
    expect(out()).toContain('/ask needs question. Usage: /ask question:<text> [article:<text>]');
    expect(out()).toContain('No article matches “no such article”.');
    expect(out()).toContain('Unknown command "frobnicate".');
  });

  it('answers what an acronym stands for with the words that spell it out', () => {
    expect(out()).toContain('== Answer ==\nQ: what does icc stand for\nA: International Criminal Court\n');
    // The seeds write "UK" and never spell it out.
    expect(out()).toContain("The articles don't say. It asks what “UK” stands for, and the closest sentences never spell it out.");
  });

  it('says a how-many question is declined when the closest sentences give no number', () => {
    expect(out()).toContain("Q: How many hospitals are left in Aleppo?\nThe articles don't say. It asks how many, and the closest sentences give no number.");
  });

  it('says which article never mentions the name when another closest match does', async () => {
    // The ICC sentence matches best and its article never names the UK; the other seed, which does, is shown too.
    const a = (await engine.ask('what did the UK say about the ICC?'));
    if (a.kind !== 'not-found' || a.reason !== 'unmentioned-name') throw new Error('precondition: declined for the UK');
    expect(a.nearest.some((c) => c.text.includes('UK'))).toBe(true);
    expect(out()).toContain(`The articles don't say. The article that matches it best, ${a.nearest[0]!.title} (closest match 1), never mentions “UK”.`);
    expect(out()).not.toContain('closest to it never mention');
  });

  it('gives the console user, who runs the bot, the moderator view', async () => {
    const ara = engine.articles('ARA')[0]!;
    const kinds = [(await engine.ask('who called for an ICC investigation?')).kind, (await engine.ask('What did Australia say about Aleppo?', { articleId: ara.id })).kind, (await engine.ask('what does icc stand for')).kind, (await engine.ask('What does UK stand for?')).kind, (await engine.ask('what did the UK say about the ICC?')).kind, (await engine.ask('How many hospitals are left in Aleppo?')).kind];
    const answered = kinds.filter((k) => k === 'answer').length;
    expect(out()).toContain('== Answer statistics ==');
    expect(out()).toContain(`6 questions answered: ${answered} with quotations, ${6 - answered} where the articles don't say; 0 from the cache.`);
    expect(out()).toContain('Votes: 👍 0 · 👎 1');
  });
});

describe('the console, left open', () => {
  it('shuts down cleanly on SIGINT and on SIGTERM while waiting for input', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const open = startBot({ DATA_DIR: dataDir });
      try {
        await open.waitForOutput(/local console/);
        open.child.stdin.write('/sources filter:aleppo\n');
        await open.waitForOutput(/Articles matching “aleppo”/, 'stdout');
        const exit = await open.stop(signal);
        expect(exit).toMatchObject({ code: 0, signal: null });
        expect(open.stderr).toContain(`${signal} received: shutting down`);
      } finally {
        open.kill();
      }
    }
  });
});

describe('the console in-process', () => {
  /** What the console prints for `lines`, run over the real context on a corpus of `articles` articles. */
  async function consoleOutput(lines: readonly string[], articles = 12, more: Record<string, string> = {}): Promise<string> {
    const files: Record<string, string> = { ...more };
    for (let i = 1; i <= articles; i++) files[`${String(i).padStart(2, '0')}.txt`] = `Harbour works, part ${i}\n\nThe harbour board said on Monday that part ${i} of the works would finish in the spring.\n`;
    const dir = corpus(files);
    const h = await harness(dir.dir);
    try {
      const input = new PassThrough();
      const output = new PassThrough();
      let printed = '';
      output.on('data', (b: Buffer) => (printed += b.toString('utf8')));
      input.end(`${lines.join('\n')}\n`);
      await runConsole({ input, output, interactive: false, commands: h.commands, ctx: h.ctx });
      return printed;
    } finally {
      await h.close();
      dir.remove();
    }
  }

  it('leaves option lengths to the handler: the same words as in Discord', async () => {
    const printed = await consoleOutput([`/ask ${'why '.repeat(80)}`, '/sources filter:harbour', '/press 2', '/press 2']);
    // 80 "why ", the last space trimmed: 319 characters.
    expect(printed).toContain('The question option is too long: 319 characters, and the most is 300. Please shorten it and try again.');
    // A button's update replaces the message it is on; one press per interaction, each answered once.
    expect(printed.match(/\(message updated\)\n== Articles ==/g)).toHaveLength(1);
    expect(printed).toContain('(Page 2 of 2 · 12 articles)');
    expect(printed).toContain('The "Next ▶" button is disabled.');
  });

  /** Each reply the console printed, as the blocks it prints them in (a blank line after each). */
  const blocks = (printed: string) => printed.split('\n\n').map((b) => b.trim());

  it('marks every reply Discord shows only to the user, an edit of an ephemeral deferral included', async () => {
    const printed = await consoleOutput(['/sources', '/refresh', '/remove article:03', '/stats', '/audit', '/restore article:03', '/help']);
    const marked = (title: string) => printed.includes(`(only you can see this)\n== ${title} ==`);
    // /refresh, /remove, /restore and /stats are deferred ephemerally, then edited: Discord shows them only to
    // the moderator, whatever the edit's own flag says.
    for (const title of ['Articles refreshed', 'Article removed', 'Answer statistics', 'Changes to the articles', 'Article restored', 'Verbatim: answers quoted from the news']) {
      expect(marked(title), title).toBe(true);
    }
    // /sources is public.
    expect(printed).toContain('== Articles ==');
    expect(marked('Articles')).toBe(false);
  });

  it('presses only the buttons of the latest reply, and says so when it has none', async () => {
    const printed = await consoleOutput(['/sources', '/audit', '/press 2', '/sources', '/press 2']);
    expect(printed).toContain('The last reply (/audit) has no buttons. /press presses a button of the latest reply only.');
    // The press after /audit changed no page; the one after the second /sources did.
    expect(printed.match(/\(message updated\)\n== Articles ==/g)).toHaveLength(1);
    expect(blocks(printed).filter((b) => b.startsWith('(message updated)'))).toHaveLength(1);
  });

  it('says why it declines a question about now, or about what is still to come, answered only from years past', async () => {
    const ferry =
      'The Harbour Ferry\n\nThe harbour ferry was run by the Harbour Board from 1890 to 1954, when the board was wound up.\n\nThe crossing took twenty minutes in 1900.\n\nThe museum on the quay opened in 2015 and is open every day.\n';
    const printed = await consoleOutput(['/ask Who runs the harbour ferry now?', '/ask When will the harbour board be wound up?'], 1, { 'ferry.txt': ferry });
    expect(printed).toContain("Q: Who runs the harbour ferry now?\nThe articles don't say. It asks about now, and the closest sentences speak only of years past.");
    expect(printed).toContain("Q: When will the harbour board be wound up?\nThe articles don't say. It asks about now or what is still to come, and the closest sentences speak only of years past.");
  });

  it('says plainly that it cannot attach a file to /ingest', async () => {
    const printed = await consoleOutput(['/ingest file:foo.txt']);
    expect(printed).toBe(
      'The console cannot attach files, so /ingest file: works only in Discord. Give a link instead (/ingest url:<https link>), or copy a .txt or .md file into the articles folder (CORPUS_DIR) and run /refresh.\n\n',
    );
  });
});
