// npm run soak -- --minutes N [--rate R] [--users U] [--json report.json]
//
// N minutes of mixed traffic through the Discord emulator, against the bot started as `npm start` starts it,
// with faults on a schedule, then a report: questions sent, delivered, answered, slowed down, errors, lost;
// latency from the interaction to the reply users see (p50, p99, max); the bot's RSS over the run. Not part
// of `npm test` (it runs for minutes); the figures of the last run are in the README.
//
// Traffic (R interactions a second from U members, plus one member who floods): /ask (seed questions the
// articles answer and do not, and hostile ones), /quote, /sources and its page buttons, "More sources" and
// 👍/👎 on earlier answers, autocomplete, /help. A moderator ingests an article (an attachment), removes it
// again and refreshes. Faults: gateway drops (4000, resumed; 1000, re-identified), 429s with Retry-After and
// 500s on first responses, runs of 502s on edits, 429s on edits, and, when redis-server is installed, the
// Redis cache (with a password) killed and restarted.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { DiscordEmulator, type EmulatedInteraction, type Invoker, type StoredMessage } from '../emulator/discord.ts';
import { ROOT, startBot, type BotProcess } from '../support/bot.ts';
import { RedisServer } from '../cache/redis-server.ts';
import { bodyProblems } from '../support/messages.ts';
import { CASES } from '../support/hostile.ts';
import seedQuestions from '../fixtures/seed-questions.json' with { type: 'json' };

type Json = Record<string, unknown>;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`soak: --${name} needs a positive number`);
  return v;
}
const MINUTES = arg('minutes', 5);
const RATE = arg('rate', 6);
const USERS = Math.round(arg('users', 60));
const jsonAt = process.argv.indexOf('--json');
const JSON_PATH = jsonAt === -1 ? null : (process.argv[jsonAt + 1] ?? null);

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0OQ.SoAkTe.soak-token-value-0123456789abcdefgh';
const REDIS_PASSWORD = 'soak/redis:pass@word-5521';
const ERROR_MESSAGE = 'Sorry, something went wrong while handling that. It has been logged; please try again in a moment.';
const CALLBACK = /^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/;
const EDIT = /^\/api\/v10\/webhooks\/\d+\/[^/]+\/messages\/@original$/;

/** A small deterministic generator, so two runs send the same traffic. */
let state = 20261121;
function random(): number {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const QUESTIONS = [...seedQuestions.answerable.map((q) => q.q), ...seedQuestions.unanswerable];
const HOSTILE = CASES.map((c) => c.question).filter((q) => q.length < 5000);
const ABOUT = ['war crimes', 'ceasefire', 'Aleppo', 'Russia', 'talks', 'hospital', 'chocolate cake'];

const members: Invoker[] = Array.from({ length: USERS }, (_, n) => ({ permissions: '0', user: { id: `8000000000000${String(n).padStart(5, '0')}`, username: `member_${n}` } }));
const FLOODER: Invoker = { permissions: '0', user: { id: '810000000000000001', username: 'flooder' } };
const MODERATOR: Invoker = { permissions: '32', user: { id: '820000000000000001', username: 'soak_mod' } };

interface Sent {
  readonly i: EmulatedInteraction;
  readonly what: string;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function hasRedis(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'verbatim-soak-'));
  const corpusDir = join(work, 'corpus');
  cpSync(join(ROOT, 'seeds'), corpusDir, { recursive: true });
  // Thirty more short articles, so that /sources has pages to turn and the engine more to rank.
  mkdirSync(join(corpusDir, 'local'));
  for (let n = 1; n <= 30; n++) {
    writeFileSync(
      join(corpusDir, 'local', `council-${n}.txt`),
      `Riverton council meeting ${n} approves the harbour budget\n\nThe town council in Riverton approved item ${n} of the harbour budget on Tuesday, officials said. The works would cost about ${n} million pounds and start next spring. Residents welcomed the decision at a public meeting.\n`,
    );
  }
  const emu = await new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: 5000 }).start();
  const redis = hasRedis() ? await RedisServer.start({ password: REDIS_PASSWORD }) : null;
  const bot: BotProcess = startBot({
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: emu.apiUrl,
    CORPUS_DIR: corpusDir,
    DATA_DIR: join(work, 'data'),
    INGEST_ALLOW_HOSTS: emu.host,
    ...(redis ? { CACHE_URL: redis.url() } : {}),
    LOG_LEVEL: 'info',
    // The defaults per user; the server's raised so that only the flooder is slowed down.
    RATE_USER_BURST: '5',
    RATE_USER_PER_MINUTE: '10',
    RATE_SERVER_BURST: '200',
    RATE_SERVER_PER_MINUTE: '1200',
  });
  const counts = { drops4000: 0, drops1000: 0, callback429: 0, callback500: 0, edit502runs: 0, edit429: 0, redisKills: 0, redisRestarts: 0, ingests: 0, removes: 0, refreshes: 0 };
  const sent: Sent[] = [];
  const answers: StoredMessage[] = [];
  const pages: StoredMessage[] = [];
  const ingested: string[] = [];
  const rss: { at: number; bytes: number }[] = [];
  let stopping = false;

  try {
    await bot.waitForOutput(/ready: logged in as verbatim/, 'stderr', 60_000);
    const pid = bot.child.pid!;
    const t0 = Date.now();
    const elapsed = () => (Date.now() - t0) / 1000;
    console.log(`soak: ${MINUTES} min, ${RATE}/s from ${USERS} members and a flooder${redis ? ', Redis cache on' : ', no redis-server: memory cache'}; bot pid ${pid}, RSS ${mb(rssOf(pid))}`);
    rss.push({ at: 0, bytes: rssOf(pid) });

    const send = (what: string, i: EmulatedInteraction) => {
      sent.push({ i, what });
      return i;
    };
    const keep = (list: StoredMessage[], i: EmulatedInteraction) =>
      void i.settled(30_000).then(
        (m) => {
          if (m.components.length > 0) {
            list.push(m);
            if (list.length > 50) list.shift();
          }
        },
        () => undefined,
      );

    function traffic(): void {
      const r = random();
      const who = pick(members);
      if (r < 0.4) keep(answers, send('ask', emu.command('ask', { question: pick(QUESTIONS) }, who)));
      else if (r < 0.5) send('ask (hostile)', emu.command('ask', { question: pick(HOSTILE) }, who));
      else if (r < 0.58) send('quote', emu.command('quote', { about: pick(ABOUT) }, who));
      else if (r < 0.64) keep(pages, send('sources', emu.command('sources', {}, who)));
      else if (r < 0.68 && pages.length > 0) {
        const page = pick(pages);
        const next = page.components.flatMap((row) => (row.components as Json[]) ?? []).find((b) => b.disabled !== true);
        if (next) send('sources page', emu.press(page, next.custom_id as string, who));
      } else if (r < 0.78 && answers.length > 0) {
        const answer = pick(answers);
        const ids = answer.components.flatMap((row) => ((row.components as Json[]) ?? []).map((b) => b.custom_id as string));
        send(random() < 0.4 ? 'more sources' : 'vote', emu.press(answer, random() < 0.4 ? ids[0]! : pick(ids.slice(1)), who));
      } else if (r < 0.9) send('autocomplete', emu.autocomplete(pick(['ask', 'quote']), pick(['article', 'speaker']), pick(['', 'a', 'Aleppo', 'bor', ...HOSTILE.slice(0, 5)]), {}, who));
      else send('help', emu.command('help', {}, who));
    }

    async function moderate(second: number): Promise<void> {
      if (second % 60 === 30) {
        const n = ++counts.ingests;
        const file = emu.attach(`soak-${n}.txt`, `Harbour works, part ${n}\n\nThe harbour authority began dredging section ${n} of the outer basin on Monday, a spokeswoman said. Work is expected to last ${n + 2} weeks.\n`, { contentType: 'text/plain' });
        const m = await send('ingest', emu.command('ingest', { file }, MODERATOR)).settled(30_000);
        const id = /id (ingested\/[a-z0-9-]+)/.exec(((m.embeds[0] as Json | undefined)?.description as string | undefined)?.replace(/\\(.)/g, '$1') ?? '')?.[1];
        if (id) ingested.push(id);
      } else if (second % 60 === 50 && ingested.length > 0) {
        counts.removes++;
        send('remove', emu.command('remove', { article: ingested.shift()! }, MODERATOR));
      } else if (second % 90 === 70) {
        counts.refreshes++;
        send('refresh', emu.command('refresh', {}, MODERATOR));
      }
    }

    async function fault(second: number): Promise<void> {
      if (second % 60 === 10 && emu.connected) {
        counts.drops4000++;
        emu.drop(4000);
      }
      if (second % 120 === 100 && emu.connected) {
        counts.drops1000++;
        emu.drop(1000);
      }
      if (second % 20 === 5) {
        counts.callback429++;
        emu.inject(CALLBACK, { method: 'POST', status: 429, retryAfter: 0.3 });
      }
      if (second % 20 === 12) {
        counts.callback500++;
        emu.inject(CALLBACK, { method: 'POST', status: 500 });
      }
      if (second % 30 === 17) {
        counts.edit502runs++;
        emu.inject(EDIT, { method: 'PATCH', status: 502, count: 5 });
      }
      if (second % 30 === 25) {
        counts.edit429++;
        emu.inject(EDIT, { method: 'PATCH', status: 429, retryAfter: 0.5 });
      }
      if (redis && second % 180 === 60 && redis.running) {
        counts.redisKills++;
        await redis.kill();
      }
      if (redis && second % 180 === 80 && !redis.running) {
        counts.redisRestarts++;
        await redis.restart();
      }
    }

    const end = t0 + MINUTES * 60_000;
    const traffickers = setInterval(() => !stopping && traffic(), 1000 / RATE);
    const flood = setInterval(() => !stopping && send('ask (flooder)', emu.command('ask', { question: pick(QUESTIONS) }, FLOODER)), 500);
    let second = 0;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (second + 1) * 1000 - Date.now())));
      second++;
      await fault(second);
      void moderate(second).catch((err: unknown) => console.error(`soak: moderator action at ${second}s: ${String(err)}`));
      if (second % 30 === 0) {
        rss.push({ at: second, bytes: rssOf(pid) });
        const done = sent.filter((s) => s.i.acknowledged).length;
        console.log(`  ${Math.round(elapsed())}s: ${sent.length} sent, ${done} acknowledged, RSS ${mb(rss.at(-1)!.bytes)}`);
      }
    }
    stopping = true;
    clearInterval(traffickers);
    clearInterval(flood);
    if (redis && !redis.running) {
      counts.redisRestarts++;
      await redis.restart();
    }
    // Let the last replies (and any edit being re-sent after a 5xx) land.
    await new Promise((r) => setTimeout(r, 15_000));
    rss.push({ at: Math.round(elapsed()), bytes: rssOf(pid) });

    // ---- the report ----
    const finalAt = (i: EmulatedInteraction): number | null => {
      const times = [
        ...i.callbacks.filter((c) => c.type === 4 || c.type === 7 || c.type === 8).map((c) => c.at),
        ...emu.sent.filter((s) => s.interactionId === i.id && (s.route === 'edit' || s.route === 'followup') && s.status === 200).map((s) => s.at),
      ];
      return times.length ? Math.min(...times) : null;
    };
    const outcome = (i: EmulatedInteraction): string => {
      if (i.type === 4) return 'autocomplete';
      const m = i.followups.find((f) => f.content === ERROR_MESSAGE);
      if (m) return 'error reply';
      const original = i.original;
      const content = original?.content ?? '';
      if (content.startsWith("You're asking faster") || content.startsWith('This server is asking')) return 'slowed down';
      return 'answered';
    };
    const label = (s: Sent) => {
      const o = outcome(s.i);
      return o === 'slowed down' ? `slowed down (${s.what === 'ask (flooder)' ? 'the flooder' : 'members'})` : o;
    };
    const questions = sent.filter((s) => s.i.type !== 4);
    const delivered = sent.filter((s) => s.i.deliveredAt !== null);
    const undelivered = sent.filter((s) => s.i.deliveredAt === null);
    const late = delivered.filter((s) => s.i.refusals.some((r) => r.code === 10062));
    const replied = delivered.filter((s) => finalAt(s.i) !== null);
    const lost = delivered.filter((s) => finalAt(s.i) === null && !s.i.refusals.some((r) => r.code === 10062));
    const byOutcome: Record<string, number> = {};
    for (const s of replied) byOutcome[label(s)] = (byOutcome[label(s)] ?? 0) + 1;
    const latencies = replied.filter((s) => s.i.type !== 4).map((s) => finalAt(s.i)! - s.i.createdAt).sort((a, b) => a - b);
    const firstResponse = replied.map((s) => s.i.firstResponseMs!).sort((a, b) => a - b);
    const invalid = emu.sent.filter((s) => s.status < 400 && bodyProblems(s.body, s.route !== 'edit' && s.route !== 'callback:7').length > 0);
    const errorLines = bot.stderr.split('\n').filter((l) => / ERROR /.test(l));
    const errorKinds: Record<string, number> = {};
    for (const l of errorLines) {
      const k = /\] ([^{]*)/.exec(l)?.[1]?.trim().slice(0, 80) ?? l.slice(0, 80);
      errorKinds[k] = (errorKinds[k] ?? 0) + 1;
    }
    const secrets = [TOKEN, REDIS_PASSWORD, encodeURIComponent(REDIS_PASSWORD)];
    const leaked = secrets.filter((s) => bot.stderr.includes(s) || bot.stdout.includes(s) || JSON.stringify(emu.sent.map((x) => x.body)).includes(s));
    const steady = rss.find((r) => r.at >= 60) ?? rss[0]!;
    const report = {
      date: new Date().toISOString(),
      minutes: MINUTES,
      rate: RATE,
      members: USERS,
      redis: redis !== null,
      interactions: { sent: sent.length, questions: questions.length, autocomplete: sent.length - questions.length, byKind: Object.fromEntries([...new Set(sent.map((s) => s.what))].map((w) => [w, sent.filter((s) => s.what === w).length])) },
      delivered: delivered.length,
      notDeliveredGatewayDown: undelivered.length,
      replied: replied.length,
      outcomes: byOutcome,
      lateBeyond3s: late.length,
      lost: lost.length,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
      firstResponseMs: { p50: percentile(firstResponse, 50), p99: percentile(firstResponse, 99), max: firstResponse.at(-1) ?? NaN },
      invalidMessages: invalid.length,
      errorLogLines: errorLines.length,
      errorKinds,
      faults: counts,
      rssBytes: { start: rss[0]!.bytes, afterFirstMinute: steady.bytes, max: Math.max(...rss.map((r) => r.bytes)), end: rss.at(-1)!.bytes, samples: rss },
      secretsLeaked: leaked.length,
      botRunning: bot.running,
    };

    console.log('\n=== soak report ===');
    console.log(`duration            ${MINUTES} min, ${RATE}/s from ${USERS} members + 1 flooder${redis ? ', Redis cache' : ''}`);
    console.log(`interactions sent   ${sent.length} (${questions.length} commands and button presses, ${sent.length - questions.length} autocomplete)`);
    console.log(`delivered           ${delivered.length} (${undelivered.length} sent while the gateway was re-identifying: Discord never delivers those)`);
    console.log(`replied             ${replied.length}: ${Object.entries(byOutcome).map(([k, v]) => `${v} ${k}`).join(', ')}`);
    console.log(`lost                ${lost.length} (delivered, never answered); ${late.length} delivered after Discord's 3 s`);
    console.log(`latency to reply    p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms (first response p50 ${report.firstResponseMs.p50}, p99 ${report.firstResponseMs.p99} ms)`);
    console.log(`invalid messages    ${invalid.length}`);
    console.log(`ERROR log lines     ${errorLines.length}${errorLines.length ? `: ${Object.entries(errorKinds).map(([k, v]) => `${v}× ${k}`).join('; ')}` : ''}`);
    console.log(`faults injected     ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`bot RSS             start ${mb(report.rssBytes.start)}, after 1 min ${mb(report.rssBytes.afterFirstMinute)}, max ${mb(report.rssBytes.max)}, end ${mb(report.rssBytes.end)}`);
    console.log(`secrets in output   ${leaked.length}`);
    console.log(`bot still running   ${bot.running}`);
    if (JSON_PATH) writeFileSync(JSON_PATH, `${JSON.stringify(report, null, 2)}\n`);
    const ok = lost.length === 0 && invalid.length === 0 && leaked.length === 0 && bot.running;
    process.exitCode = ok ? 0 : 1;
  } finally {
    stopping = true;
    const exit = bot.running ? await bot.stop('SIGTERM') : await bot.exited;
    console.log(`bot stopped: exit code ${exit.code} in ${exit.ms} ms`);
    await emu.stop();
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
