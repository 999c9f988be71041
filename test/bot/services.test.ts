// What commands are given to work with (src/bot/context.ts, src/bot/articles.ts) on a corpus of many articles:
// the library's article look-ups agree with the engine's own listing, "more sources" leaves out what an answer
// showed only while the corpus is the version it was shown from, and /remove and /restore reply in the words
// of what happened, through the real handler and commands.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handle } from '../../src/bot/handler.ts';
import { AMBIGUOUS_SHOWN } from '../../src/bot/context.ts';
import { resolveArticleOption } from '../../src/bot/articles.ts';
import { commandInteraction, corpus, harness, MODERATOR, type Harness } from '../support/context.ts';
import { unescape } from '../support/messages.ts';

const meeting = (n: number) =>
  `Council meeting ${n}\n\nSource: Harbour Gazette\n\nThe council met on Monday to discuss item ${n} of the harbour redevelopment plan. Members voted on the plan after a long debate about its budget.\n`;

let h: Harness;
let dir: ReturnType<typeof corpus>;

beforeAll(async () => {
  const files: Record<string, string> = {
    'bridge.txt': 'Bridge fund dispute\n\nThe spokesman said the bridge fund budget had doubled since the spring, and the council would vote again.\n',
    'ΣΟΦΟΣ.txt': 'ΟΔΟΣ ΣΟΦΟΣ\n\nA Greek title in capitals, whose lower case depends on where a sigma falls in the word.\n',
  };
  for (let i = 1; i <= 40; i++) files[`meetings/${String(i).padStart(2, '0')}.txt`] = meeting(i);
  dir = corpus(files);
  h = await harness(dir.dir);
});

afterAll(async () => {
  await h.close();
  dir.remove();
});

describe('the library', () => {
  it('lists what the engine lists for every filter, cut at the limit asked for', () => {
    for (const filter of ['', 'council', 'COUNCIL MEETING 1', '  harbour gazette  ', 'meetings/0', 'bridge', 'σοφος', 'ΟΔΟΣ', 'no such words']) {
      const all = h.engine.articles(filter);
      expect(h.ctx.library.articles(filter), filter).toEqual(all);
      for (const limit of [1, 25]) expect(h.ctx.library.articles(filter, limit), `${filter} ${limit}`).toEqual(all.slice(0, limit));
    }
  });

  it('resolves an id, a whole title, or words in one article only; says how many when words name several', () => {
    const find = (text: string) => h.ctx.library.resolveArticle(text);
    expect(find('meetings/07')).toEqual({ kind: 'found', article: h.engine.article('meetings/07') });
    // "Council meeting 1" is in eleven titles (1, 10-19) but is the whole title of one.
    expect(find('council meeting 1')).toEqual({ kind: 'found', article: h.engine.article('meetings/01') });
    expect(find('bridge fund')).toEqual({ kind: 'found', article: h.engine.article('bridge') });
    expect(find('  ')).toEqual({ kind: 'none' });
    expect(find('no such words')).toEqual({ kind: 'none' });
    const several = find('council meeting');
    expect(several).toEqual({ kind: 'ambiguous', count: 40, matches: h.engine.articles('council meeting').slice(0, AMBIGUOUS_SHOWN) });
  });

  it('an article option: absent when not given, found, or a message saying why not', () => {
    const option = (value?: string) => resolveArticleOption(commandInteraction('ask', value === undefined ? { question: 'q' } : { question: 'q', article: value }).interaction, h.ctx);
    expect(option()).toEqual({ kind: 'absent' });
    expect(option('bridge')).toEqual({ kind: 'found', article: h.engine.article('bridge') });
    expect(option('no such words')).toEqual({ kind: 'problem', message: 'No article matches “no such words”. Use /sources to list the articles, or pick one from the suggestions.' });
    const several = option('meeting 2');
    if (several.kind !== 'problem') throw new Error(`expected a problem: ${JSON.stringify(several)}`);
    // Meetings 2 and 20-29.
    expect(several.message.split('\n')[0]).toBe('“meeting 2” matches 11 articles; pick one from the suggestions or give more of its title:');
  });
});

describe('more sources', () => {
  const question = 'What did the council vote on after the debate about the budget?';

  it('leaves out the sentences the answer showed, and ranks on to the limit', async () => {
    const all = h.engine.ranked(question, { limit: 20 });
    const shown = all.slice(0, 3).map((c) => c.sentenceId);
    const more = await h.ctx.answers.ranked(question, { limit: 8, exclude: { corpusVersion: h.engine.corpus.version, sentenceIds: shown } });
    expect(more).toEqual(all.slice(3, 11));
    // Limited to one article: its own sentences only.
    const inOne = await h.ctx.answers.ranked(question, { articleId: 'meetings/05', limit: 8 });
    expect(inOne.map((c) => c.articleId)).toEqual(inOne.map(() => 'meetings/05'));
  });

  it('leaves nothing out when the answer came from another corpus version: its sentence ids name other sentences', async () => {
    const all = h.engine.ranked(question, { limit: 8 });
    const more = await h.ctx.answers.ranked(question, { limit: 8, exclude: { corpusVersion: 'an older version', sentenceIds: all.slice(0, 3).map((c) => c.sentenceId) } });
    expect(more).toEqual(all);
  });
});

describe('the feedback record of an answer shown', () => {
  it('holds the question, the article, the short answer and the citations shown, under the id the buttons carry', async () => {
    const question = 'What did the spokesman say about the bridge fund budget?';
    const asked = await h.ctx.answers.ask(question, { articleId: 'bridge' });
    const id = await h.ctx.feedback.recordShown(asked, { question, articleId: 'bridge', shown: 3 });
    const a = asked.answer;
    const cited = (a.kind === 'answer' ? a.citations : a.nearest).slice(0, 3);
    expect(await h.ctx.feedback.answer(id)).toEqual({
      type: 'answer',
      id,
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      question,
      articleId: 'bridge',
      kind: a.kind,
      confidence: a.confidence,
      shortAnswer: a.kind === 'answer' ? (a.answer?.text ?? null) : null,
      citations: cited.map((c) => ({ articleId: c.articleId, start: c.start, end: c.end, sentenceId: c.sentenceId })),
      corpusVersion: h.engine.corpus.version,
      cached: false,
    });
  });
});

describe('/remove and /restore replies', () => {
  async function run(name: string, options: Record<string, string>) {
    const { interaction, recording } = commandInteraction(name, options, { member: MODERATOR });
    await handle(interaction, h.commands, h.ctx);
    return recording.sent.at(-1)!.message;
  }

  it('remove, then restore: the article, what happened, and the file hash', async () => {
    const article = h.engine.article('meetings/40')!;
    const removed = await run('remove', { article: 'meetings/40' });
    const embed = removed.embeds![0]!;
    expect(embed.title).toBe('Article removed');
    const entry = /\.trash\/([^/]+)\//.exec(unescape(embed.description!))![1]!;
    expect(unescape(embed.description!).split('\n')).toEqual([
      '**Council meeting 40** (Harbour Gazette)',
      `id meetings/40 · ${article.sentences} sentences no longer answered from.`,
      `The file is in the trash at .trash/${entry}/meetings/40.txt; /restore brings it back.`,
      expect.stringMatching(/^Corpus version [0-9a-f]{8} → [0-9a-f]{8}\.$/),
    ]);
    expect(embed.footer!.text).toMatch(/^SHA-256 [0-9a-f]{64}$/);

    const restored = (await run('restore', { article: entry })).embeds![0]!;
    expect(restored.title).toBe('Article restored');
    expect(unescape(restored.description!).split('\n').slice(0, 2)).toEqual(['**Council meeting 40** (Harbour Gazette)', `id meetings/40 · ${article.sentences} sentences · back at meetings/40.txt`]);
    expect(restored.footer).toEqual(embed.footer);
  });

  it('an article whose file is gone: refused in words, and nothing changed', async () => {
    const version = h.engine.corpus.version;
    const aside = join(dir.dir, 'meetings/39.txt');
    const text = meeting(39);
    rmSync(aside);
    try {
      const reply = await run('remove', { article: 'meetings/39' });
      expect(reply).toMatchObject({ ephemeral: true });
      expect(unescape(reply.content!)).toBe('Not removed: its file meetings/39.txt is no longer in the articles folder; /refresh updates the list.\nNothing was changed.');
      expect(h.engine.corpus.version).toBe(version);
      expect(await h.ctx.curator.trash()).toEqual([]);
    } finally {
      writeFileSync(aside, text);
    }
  });

  it('a removal that could not be wholly undone says where the file is, and not that nothing changed', async () => {
    const other = 'Council meeting 38 moved\n\nA different text was put at the same path while the removal was being indexed, by someone else.\n';
    const refresh = h.engine.refresh.bind(h.engine);
    let first = true;
    h.engine.refresh = () => {
      if (first) writeFileSync(join(dir.dir, 'meetings/38.txt'), other);
      first = false;
      return refresh();
    };
    try {
      const reply = await run('remove', { article: 'meetings/38' });
      const [entry] = await h.ctx.curator.trash();
      expect(unescape(reply.content!)).toBe(
        `Not removed: the articles could not be reindexed (the article was still found); the file could not be put back, because another file is at meetings/38.txt now; the removed one stays in the trash as ${entry!.id} (/restore once the path is free).`,
      );
    } finally {
      h.engine.refresh = refresh;
    }
  });
});
