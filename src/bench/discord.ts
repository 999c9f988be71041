// The benchmark's Discord job: the real bot, started as the end-to-end tests start it (src/main.ts under tsx,
// the entry point `npm start` runs) with its configuration in the environment, against the Discord emulator
// of the test suite (test/emulator/discord.ts) on 127.0.0.1. It starts from the saved index of the engine's
// build in the same run, then:
//   1. a burst of `burst` concurrent /ask interactions from as many members, nothing cached yet (cold);
//   2. the same questions again, from the same members, now answered from the answer cache (warm);
//   3. a full refresh: one new article file, so the worker loads and indexes the whole folder again, while a
//      member asks a new question every 250 ms; the bot's event-loop delay (measured inside it by
//      loop-probe.mjs) and the gateway heartbeats the emulator receives are recorded meanwhile;
//   4. a refresh with nothing changed.
// Interaction-to-reply is from the moment the emulator creates the interaction to the moment it accepts the
// reply users see (the edit of the deferred reply). The emulator refuses a first response later than
// Discord's 3 seconds, so "late" counts those refusals as well as any slower first response.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiscordEmulator, INTERACTION_DEADLINE_MS, type EmulatedInteraction, type Invoker } from '../../test/emulator/discord.ts';
import { startBot, type BotProcess } from '../../test/support/bot.ts';
import { snapshotPathIn } from '../store/snapshots.ts';
import { wordListsPath } from '../store/wordlists.ts';
import { latency, spreadMetrics } from './stats.ts';
import type { Metrics, QuestionSet } from './jobs.ts';

export interface DiscordJob {
  readonly kind: 'discord';
  /** The bot's own corpus folder (links to the benchmark corpus): the job adds and removes one file in it. */
  readonly corpusDir: string;
  /** The engine's saved index of the same files, copied to where the bot looks for it. */
  readonly snapshot: string;
  /** Scratch folder of the job: the bot's SNAPSHOT_DIR and DATA_DIR. */
  readonly work: string;
  readonly questions: string;
  readonly burst: number;
}

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.BeNcHm.bench-token-value-0123456789abcdef';
/** Shorter than Discord's 41.25 s, so that a refresh of a few seconds spans several heartbeats. */
const HEARTBEAT_MS = 500;
const ASK_DURING_REFRESH_MS = 250;
const PROBE = fileURLToPath(new URL('./loop-probe.mjs', import.meta.url));
const PROBE_FILE = 'bench-refresh-probe.txt';
const MODERATOR: Invoker = { permissions: '32', user: { id: '700000000000000001', username: 'bench_moderator' } };

const member = (n: number): Invoker => ({ permissions: '0', user: { id: `7100000000${String(n).padStart(8, '0')}`, username: `reader_${n}` } });

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** When the emulator accepted the message each interaction's user sees (an edit, a follow-up, a reply). */
function replyTimes(emu: DiscordEmulator): Map<string, number> {
  const at = new Map<string, number>();
  for (const s of emu.sent) {
    if (s.status !== 200 || at.has(s.interactionId)) continue;
    if (s.route === 'edit' || s.route === 'followup' || s.route === 'callback:4' || s.route === 'callback:7') at.set(s.interactionId, s.at);
  }
  return at;
}

interface Outcome {
  readonly ackMs: number[];
  readonly replyMs: number[];
  /** First responses refused as too late, or slower than Discord's deadline. */
  readonly late: number;
  /** Any other refusal, or an interaction never answered. */
  readonly failed: number;
  readonly answers: number;
}

async function settle(emu: DiscordEmulator, sent: readonly EmulatedInteraction[], timeoutMs: number): Promise<Outcome> {
  await Promise.allSettled(sent.map((i) => i.settled(timeoutMs)));
  const replies = replyTimes(emu);
  const ackMs: number[] = [];
  const replyMs: number[] = [];
  let late = 0;
  let failed = 0;
  let answers = 0;
  for (const i of sent) {
    const ack = i.firstResponseMs;
    const replied = replies.get(i.id);
    if (i.refusals.some((r) => r.code === 10062) || (ack !== null && ack > INTERACTION_DEADLINE_MS)) late++;
    else if (ack === null || replied === undefined || i.refusals.length > 0) failed++;
    if (ack !== null) ackMs.push(ack);
    if (replied !== undefined) {
      replyMs.push(replied - i.createdAt);
      const title = (i.original?.embeds[0] as { title?: string } | undefined)?.title;
      if (title === 'Answer' || title === "The articles don't say") answers++;
    }
  }
  return { ackMs, replyMs, late, failed, answers };
}

function summary(prefix: string, o: Outcome, sent: number): Metrics {
  return {
    [`${prefix}Sent`]: sent,
    [`${prefix}Answered`]: o.answers,
    [`${prefix}Late`]: o.late,
    [`${prefix}Failed`]: o.failed,
    ...spreadMetrics(`${prefix}Ack`, latency(o.ackMs)),
    ...spreadMetrics(`${prefix}Reply`, latency(o.replyMs)),
  };
}

async function burst(emu: DiscordEmulator, questions: readonly string[]): Promise<Outcome> {
  const sent = questions.map((question, n) => emu.command('ask', { question }, member(n)));
  return settle(emu, sent, 60_000);
}

/** Ask the bot's loop probe for the event-loop delay since its last report (and start a new measurement). */
async function probe(bot: BotProcess): Promise<{ p50: number; p99: number; max: number; count: number }> {
  const before = bot.stderr.length;
  bot.child.kill('SIGUSR2');
  const deadline = Date.now() + 5000;
  for (;;) {
    const m = /loop-probe (\{[^\n]*\})\n/.exec(bot.stderr.slice(before));
    if (m) return JSON.parse(m[1]!) as { p50: number; p99: number; max: number; count: number };
    if (Date.now() > deadline) throw new Error('bench: the bot did not report its event-loop delay');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A /refresh by a moderator while members keep asking; what the emulator and the bot saw meanwhile. */
async function refreshUnderLoad(emu: DiscordEmulator, bot: BotProcess, questions: readonly string[], prefix: string): Promise<Metrics> {
  await probe(bot); // starts the measurement
  const heartbeatsBefore = emu.gateway.heartbeatAt.length;
  const refresh = emu.command('refresh', {}, MODERATOR);
  const asked: EmulatedInteraction[] = [];
  let done = false;
  void refresh.settled(600_000).finally(() => (done = true));
  let n = 0;
  while (!done) {
    asked.push(emu.command('ask', { question: questions[n % questions.length]! }, member(1000 + n)));
    n++;
    await new Promise((r) => setTimeout(r, ASK_DURING_REFRESH_MS));
  }
  const message = await refresh.settled(1000);
  const replies = replyTimes(emu);
  const refreshMs = (replies.get(refresh.id) ?? Number.NaN) - refresh.createdAt;
  // As measureRefresh does in-process: until 2 s after the swap, when the old index is collected.
  await new Promise((r) => setTimeout(r, 2000));
  const loop = await probe(bot);
  const beats = emu.gateway.heartbeatAt.slice(Math.max(0, heartbeatsBefore - 1));
  let gap = 0;
  for (let k = 1; k < beats.length; k++) gap = Math.max(gap, beats[k]! - beats[k - 1]!);
  const during = await settle(emu, asked, 60_000);
  const description = (message.embeds[0] as { description?: string } | undefined)?.description ?? '';
  return {
    [`${prefix}Ms`]: refreshMs,
    [`${prefix}Report`]: /\d+ added · \d+ removed · \d+ changed · \d+ unchanged/.exec(description)?.[0] ?? description.slice(0, 200),
    ...spreadMetrics(`${prefix}Loop`, loop),
    [`${prefix}Heartbeats`]: emu.gateway.heartbeatAt.length - heartbeatsBefore,
    [`${prefix}HeartbeatMaxGapMs`]: gap,
    [`${prefix}Asked`]: asked.length,
    [`${prefix}AskLate`]: during.late,
    [`${prefix}AskFailed`]: during.failed,
    ...spreadMetrics(`${prefix}AskReply`, latency(during.replyMs)),
  };
}

export async function discordJob(job: DiscordJob): Promise<Metrics> {
  const set = JSON.parse(readFileSync(job.questions, 'utf8')) as QuestionSet;
  const questions = set.questions.slice(0, job.burst);
  // The burst asks the first `burst` questions, the members asking during a refresh the rest.
  if (set.questions.length <= job.burst) throw new Error(`bench: more than ${job.burst} questions needed (the burst's, then those asked during the refreshes), ${set.questions.length} given: --questions or --burst`);
  const probeFile = join(job.corpusDir, PROBE_FILE);
  rmSync(probeFile, { force: true }); // left by an interrupted run
  const snapshotDir = join(job.work, 'snapshots');
  mkdirSync(snapshotDir, { recursive: true });
  copyFileSync(job.snapshot, snapshotPathIn(snapshotDir, job.corpusDir));
  // The word lists the build job saved beside the snapshot (a restart has both).
  const lists = wordListsPath(dirname(job.snapshot));
  if (!existsSync(lists)) throw new Error(`bench: no word lists beside the snapshot (${lists}): the build job saves them`);
  copyFileSync(lists, wordListsPath(snapshotDir));
  const data = join(job.work, 'data');
  rmSync(data, { recursive: true, force: true });

  const emu = await new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: HEARTBEAT_MS }).start();
  const t0 = performance.now();
  const bot = startBot(
    {
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: emu.apiUrl,
      CORPUS_DIR: job.corpusDir,
      SNAPSHOT_DIR: snapshotDir,
      DATA_DIR: data,
      LOG_LEVEL: 'info',
      // High enough for the burst (each member asks twice, the server 2 x burst), and still enforced.
      RATE_USER_BURST: '10',
      RATE_USER_PER_MINUTE: '600',
      RATE_SERVER_BURST: String(Math.max(1000, 4 * job.burst)),
      RATE_SERVER_PER_MINUTE: '100000',
    },
    'src/main.ts',
    { preload: [PROBE] },
  );
  try {
    await bot.waitForOutput(/ready: logged in as verbatim/, 'stderr', 120_000);
    const readyMs = performance.now() - t0;
    const openMs = Number(/indexed \d+ articles, \d+ sentences in (\d+) ms/.exec(bot.stderr)?.[1] ?? Number.NaN);
    const fromSnapshot = !/saved index not used/.test(bot.stderr);
    const started = memoryOf(bot.child.pid!);

    const cold = await burst(emu, questions);
    const warm = await burst(emu, questions);
    const afterBursts = memoryOf(bot.child.pid!);

    // A full refresh: a new file, so the worker loads and indexes every file again (and sends one article).
    writeFileSync(
      probeFile,
      'Benchmark refresh probe\n\nThe harbour authority at Riverton said on Tuesday that the new ferry pier would open in the spring, after two years of works.\n',
    );
    const full = await refreshUnderLoad(emu, bot, set.questions.slice(job.burst), 'refresh');
    // Nothing changed since: checked, not rebuilt.
    const same = await refreshUnderLoad(emu, bot, set.questions.slice(job.burst), 'unchangedRefresh');
    const end = memoryOf(bot.child.pid!);

    const exit = await bot.stop();
    const hits = Number(/answers since start: \d+ questions?, (\d+) answered from the cache/.exec(bot.stderr)?.[1] ?? Number.NaN);
    return {
      burst: job.burst,
      fromSnapshot,
      openMs,
      processReadyMs: readyMs,
      rssReadyMb: started.rss,
      rssAfterBurstsMb: afterBursts.rss,
      peakRssMb: end.peak,
      ...summary('cold', cold, questions.length),
      ...summary('warm', warm, questions.length),
      ...full,
      ...same,
      cacheHits: hits,
      heartbeatIntervalMs: HEARTBEAT_MS,
      exitCode: exit.code ?? -1,
    };
  } finally {
    bot.kill();
    await emu.stop();
    rmSync(probeFile, { force: true });
  }
}
