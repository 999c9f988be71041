// The question rate limit: token buckets with numbers checkable on paper (a frozen clock), then through the
// handler with the real commands: one member flooding is told to slow down while everyone else is answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '../../src/config.ts';
import { QuestionLimiter, slowDown } from '../../src/bot/ratelimit.ts';
import { handle } from '../../src/bot/handler.ts';
import { setLogSink } from '../../src/log.ts';
import { buttonInteraction, commandInteraction, harness, type Harness } from '../support/context.ts';
import { ROOT } from '../support/bot.ts';
import { join } from 'node:path';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('QuestionLimiter (user: 3 at once, then 6 a minute = one per 10 s; server: 5 at once, then 60 a minute = one per second)', () => {
  const limits = { user: { burst: 3, perMinute: 6 }, server: { burst: 5, perMinute: 60 } };

  it('lets a user ask 3 at once, then one every 10 seconds, and says how long to wait', () => {
    const c = clock();
    const q = new QuestionLimiter(limits, c.now);
    expect([1, 2, 3].map(() => q.take('alice', 'g').kind)).toEqual(['allowed', 'allowed', 'allowed']);
    // Empty: the next token is 10 s away; only the first refusal of the streak is marked for the log.
    expect(q.take('alice', 'g')).toEqual({ kind: 'limited', scope: 'user', retryAfterMs: 10_000, first: true });
    c.advance(4_000);
    expect(q.take('alice', 'g')).toEqual({ kind: 'limited', scope: 'user', retryAfterMs: 6_000, first: false });
    c.advance(6_000);
    expect(q.take('alice', 'g').kind).toBe('allowed');
    // Allowed again ends the streak: the next refusal is logged again.
    expect(q.take('alice', 'g')).toEqual({ kind: 'limited', scope: 'user', retryAfterMs: 10_000, first: true });
    // A long pause refills to the burst, not beyond.
    c.advance(10 * 60_000);
    expect([1, 2, 3, 4].map(() => q.take('alice', 'g').kind)).toEqual(['allowed', 'allowed', 'allowed', 'limited']);
  });

  it('a refused question takes nothing from the server, so one user flooding leaves the server\'s tokens to the rest', () => {
    const c = clock();
    const q = new QuestionLimiter(limits, c.now);
    const flood = Array.from({ length: 50 }, () => q.take('mallory', 'g').kind);
    expect(flood.filter((k) => k === 'allowed').length).toBe(3);
    // 3 of the server's 5 went to mallory; 2 remain for the others at once, then one a second.
    expect(['bob', 'carol', 'dave'].map((u) => q.take(u, 'g'))).toEqual([
      { kind: 'allowed' },
      { kind: 'allowed' },
      { kind: 'limited', scope: 'server', retryAfterMs: 1_000, first: true },
    ]);
    c.advance(1_000);
    expect(q.take('dave', 'g').kind).toBe('allowed');
    // Another server, and direct messages, have their own (none for DMs).
    expect(q.take('erin', 'other-server').kind).toBe('allowed');
    expect(q.take('frank', null).kind).toBe('allowed');
  });

  it('0 a minute turns a limit off', () => {
    const q = new QuestionLimiter({ user: { burst: 1, perMinute: 0 }, server: { burst: 1, perMinute: 0 } }, clock().now);
    expect(Array.from({ length: 100 }, () => q.take('alice', 'g').kind).every((k) => k === 'allowed')).toBe(true);
    expect(q.tracked).toBe(0);
  });

  it('forgets buckets once they are full again, so many users over time do not grow memory', () => {
    const c = clock();
    const q = new QuestionLimiter(limits, c.now);
    for (let i = 0; i < 5000; i++) q.take(`user-${i}`, null);
    expect(q.tracked).toBe(5000);
    c.advance(60 * 60_000);
    for (let i = 0; i < 1000; i++) q.take(`later-${i}`, null);
    // The sweep after the 6000th new bucket dropped the 5000 full ones; the 1000 new ones each spent a token.
    expect(q.tracked).toBe(1000);
  });

  it('a clock that steps back takes no tokens away and gives none', () => {
    const c = clock();
    const q = new QuestionLimiter(limits, c.now);
    q.take('alice', null);
    c.advance(-60_000);
    expect([1, 2, 3].map(() => q.take('alice', null).kind)).toEqual(['allowed', 'allowed', 'limited']);
  });

  it('says when to retry, in whole seconds, rounded up', () => {
    expect(slowDown({ kind: 'limited', scope: 'user', retryAfterMs: 9_001, first: true })).toBe(
      "You're asking faster than I can keep up with. Please slow down and try again in 10 seconds.",
    );
    expect(slowDown({ kind: 'limited', scope: 'server', retryAfterMs: 200, first: false })).toBe(
      'This server is asking more questions than I can answer at once. Please try again in 1 second.',
    );
  });

  it('is configured by RATE_USER_BURST, RATE_USER_PER_MINUTE, RATE_SERVER_BURST and RATE_SERVER_PER_MINUTE', () => {
    expect(parseConfig({}).rateLimits).toEqual({ user: { burst: 5, perMinute: 10 }, server: { burst: 60, perMinute: 120 } });
    expect(parseConfig({ RATE_USER_BURST: '2', RATE_USER_PER_MINUTE: '0', RATE_SERVER_BURST: '9', RATE_SERVER_PER_MINUTE: '30' }).rateLimits).toEqual({
      user: { burst: 2, perMinute: 0 },
      server: { burst: 9, perMinute: 30 },
    });
    expect(() => parseConfig({ RATE_USER_BURST: '0' })).toThrow(ConfigError);
    expect(() => parseConfig({ RATE_SERVER_PER_MINUTE: 'lots' })).toThrow('RATE_SERVER_PER_MINUTE must be a whole number');
  });
});

describe('through the handler, with the real commands', () => {
  let h: Harness;
  const lines: string[] = [];
  let restoreSink: (line: string) => void;

  beforeAll(async () => {
    h = await harness(join(ROOT, 'seeds'));
    restoreSink = setLogSink((l) => lines.push(l));
  });
  afterAll(async () => {
    setLogSink(restoreSink);
    await h.close();
  });

  it('one member flooding /ask is told to slow down, at once and only to them, while the others are all answered', async () => {
    const c = clock();
    // The server's 20 are exactly the flooder's 5 and the others' 15: had a refused question taken a server
    // token too, the flood would have emptied the server's bucket and the others would be refused.
    const limiter = new QuestionLimiter({ user: { burst: 5, perMinute: 10 }, server: { burst: 20, perMinute: 120 } }, c.now);
    const question = 'who called for an ICC investigation?';
    const runs: { user: string; recording: ReturnType<typeof commandInteraction>['recording'] }[] = [];
    // Interleaved as a burst arrives (the clock does not move): the flooder's 30 questions, 5 from each of three others.
    for (let i = 0; i < 30; i++) {
      for (const user of ['flooder', ...(i % 6 === 0 ? ['ann', 'ben', 'cat'] : [])]) {
        const { interaction, recording } = commandInteraction('ask', { question }, { userId: user });
        runs.push({ user, recording });
        await handle(interaction, h.commands, h.ctx, { limiter });
      }
    }
    const answered = (user: string) => runs.filter((r) => r.user === user && r.recording.sent.at(-1)?.message.embeds?.[0]?.title === 'Answer').length;
    const slowed = runs.filter((r) => r.recording.sent.at(-1)?.message.content?.startsWith("You're asking faster"));
    expect(answered('flooder')).toBe(5);
    expect(slowed.length).toBe(25);
    expect(new Set(slowed.map((r) => r.user))).toEqual(new Set(['flooder']));
    for (const r of slowed) {
      // An immediate ephemeral reply, with no deferral and no work done.
      expect(r.recording.deferred).toBe(false);
      expect(r.recording.sent).toHaveLength(1);
      expect(r.recording.sent[0]!.message).toMatchObject({ ephemeral: true, allowedMentions: { parse: [] } });
      expect(r.recording.sent[0]!.message.content).toBe("You're asking faster than I can keep up with. Please slow down and try again in 6 seconds.");
    }
    for (const user of ['ann', 'ben', 'cat']) expect(answered(user)).toBe(5);
    // Logged once for the streak, with who it was.
    const logged = lines.filter((l) => l.includes('WARN  [bot] rate limited'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('"user":"flooder"');
    expect(logged[0]).toContain('"scope":"user"');

    // Buttons of /ask count too; /help and /sources do not.
    c.advance(6_000);
    const { interaction: help, recording: helpRec } = commandInteraction('help', {}, { userId: 'flooder' });
    await handle(help, h.commands, h.ctx, { limiter });
    expect(helpRec.sent[0]!.message.embeds?.[0]?.title).toContain('Verbatim');
    const { interaction: ask, recording: askRec } = commandInteraction('ask', { question }, { userId: 'flooder' });
    await handle(ask, h.commands, h.ctx, { limiter });
    expect(askRec.sent.at(-1)!.message.embeds?.[0]?.title).toBe('Answer');
    const { interaction: press, recording: pressRec } = buttonInteraction('ask:up:nonexistent', { userId: 'flooder' });
    await handle(press, h.commands, h.ctx, { limiter });
    expect(pressRec.sent[0]!.message.content).toMatch(/^You're asking faster than I can keep up with\. Please slow down and try again in \d+ seconds\.$/);
  });

  it('when a server as a whole asks too fast, its members are told so; other servers are answered', async () => {
    const limiter = new QuestionLimiter({ user: { burst: 5, perMinute: 10 }, server: { burst: 4, perMinute: 60 } }, clock().now);
    const texts: string[] = [];
    for (const [user, guild] of [['a', 'busy'], ['b', 'busy'], ['c', 'busy'], ['d', 'busy'], ['e', 'busy'], ['f', 'quiet']] as const) {
      const { interaction, recording } = commandInteraction('quote', { about: 'war crimes' }, { userId: user, guildId: guild });
      await handle(interaction, h.commands, h.ctx, { limiter });
      texts.push(recording.sent.at(-1)!.message.content || recording.sent.at(-1)!.message.embeds![0]!.title!);
    }
    expect(texts).toEqual(['Quotations', 'Quotations', 'Quotations', 'Quotations', 'This server is asking more questions than I can answer at once. Please try again in 1 second.', 'Quotations']);
  });
});
