// The sharding manager behind `npm run start:sharded`: discord.js's ShardingManager runs the bot entry
// (src/main.ts) once per shard, each in its own process, and this module is the one that constructs it. It asks
// Discord how many shards to run (or takes TOTAL_SHARDS), spaces their starts as Discord's identify limit
// requires, starts a shard again when it exits (backing off when it keeps exiting), passes corpus changes
// from one shard to the others and logs what each made of them, and on SIGINT/SIGTERM stops every shard.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ShardingManager, type Shard } from 'discord.js';
import type { Config } from '../config.ts';
import { fetchGatewayAdvice } from '../bot/index.ts';
import { storeKindOf } from '../cache/index.ts';
import { logger, messageOf } from '../log.ts';
import { isToManager, type CorpusChanged, type Reloaded, type Reload } from './protocol.ts';
import { counted } from '../plural.ts';

const log = logger('shards');

/** The bot entry each shard process runs. */
export const BOT_ENTRY = fileURLToPath(new URL('../main.ts', import.meta.url));

/** Discord lets `max_concurrency` shards identify per 5 seconds; discord.js's default spacing adds half a second. */
const IDENTIFY_WINDOW_MS = 5500;
/** How long a shard may take to log in and load its corpus before its start counts as failed. */
const READY_TIMEOUT_MS = 120_000;
/** A shard that does not answer a reload request within this long is reported. */
const RELOAD_REPORT_MS = 120_000;
/** Starting a shard again: after 1 s, doubling up to a minute while it keeps exiting. */
const RESPAWN_FIRST_MS = 1000;
const RESPAWN_MAX_MS = 60_000;
/** A shard that ran this long before exiting starts again after RESPAWN_FIRST_MS. */
const RESPAWN_RESET_MS = 60_000;
/** Stopping: how long shards get to finish (their own limit is 5 s) before they are killed. */
const STOP_GRACE_MS = 6000;

/** The pause between two shard starts: `maxConcurrency` shards per identify window. */
export function spawnDelay(maxConcurrency: number): number {
  return Math.ceil(IDENTIFY_WINDOW_MS / Math.max(1, maxConcurrency));
}

const short = (version: string) => version.slice(0, 8);

interface PendingReload {
  readonly shard: number;
  readonly request: Reload;
  readonly timer: NodeJS.Timeout;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Run the shards until `signal` aborts, then stop them. Resolves to the exit code: 0 after a clean stop, 1 when
 * Discord refused the token or a shard could not start.
 */
export async function runShards(config: Config, signal: AbortSignal): Promise<number> {
  const token = config.discordToken;
  if (!token) {
    log.error('DISCORD_TOKEN is not set: shards log in to Discord (without a token, npm start opens the local console)');
    return 2;
  }
  if (storeKindOf(config.cacheUrl) === 'memory') {
    log.warn('CACHE_URL is not set: each shard keeps its own in-memory answer cache, so an answer cached on one shard is not found on another. Set CACHE_URL=redis://... to share one cache.');
  }
  let advice;
  try {
    advice = await fetchGatewayAdvice(config, token);
  } catch (err) {
    const refused = (err as { status?: unknown }).status === 401;
    log.error(refused ? 'Discord refused the token (401): check DISCORD_TOKEN' : `could not ask Discord how many shards to run: ${messageOf(err)}`);
    return 1;
  }
  const total = config.totalShards ?? advice.shards;
  log.info(
    `starting ${counted(total, 'shard')} (${config.totalShards === null ? "Discord's recommendation" : 'TOTAL_SHARDS'}; Discord recommends ${advice.shards}), ${spawnDelay(advice.maxConcurrency)} ms apart`,
    { pid: process.pid },
  );

  const manager = new ShardingManager(BOT_ENTRY, {
    totalShards: total,
    token,
    mode: 'process',
    // Shards are started again here, with a back-off; discord.js's own respawn is immediate and unbounded.
    respawn: false,
    // ShardingManager forks with its own execArgv (none by default), not this process's: without tsx's loader
    // the child cannot load a .ts entry. Resolved to a file URL, so it loads whatever the working directory.
    execArgv: ['--import', import.meta.resolve('tsx')],
  });

  let stopping = false;
  let requests = 0;
  const pending = new Map<number, PendingReload>();
  const respawns = new Set<NodeJS.Timeout>();

  function settle(request: number): PendingReload | undefined {
    const p = pending.get(request);
    if (p) {
      clearTimeout(p.timer);
      pending.delete(request);
    }
    return p;
  }

  function relay(message: CorpusChanged): void {
    const others = [...manager.shards.values()].filter((s) => s.id !== message.shard);
    if (others.length === 0) return;
    log.info(
      `shard ${message.shard} changed the corpus (${message.action}: corpus ${short(message.before)} -> ${short(message.after)}); asking ${others.length === 1 ? 'shard' : 'shards'} ${others.map((s) => s.id).join(', ')} to reload`,
    );
    for (const shard of others) {
      if (!shard.process) {
        log.warn(`shard ${shard.id} is not running; it loads the articles folder when it starts`);
        continue;
      }
      const request: Reload = { verbatim: 'reload', request: ++requests, from: message.shard, action: message.action, version: message.after };
      const timer = setTimeout(() => {
        if (settle(request.request)) log.warn(`shard ${shard.id} has not reported its reload after shard ${message.shard}'s ${message.action} within ${RELOAD_REPORT_MS / 1000} s`);
      }, RELOAD_REPORT_MS);
      timer.unref();
      pending.set(request.request, { shard: shard.id, request, timer });
      shard.send(request).catch((err: unknown) => {
        if (settle(request.request)) log.warn(`could not ask shard ${shard.id} to reload: ${messageOf(err)}`);
      });
    }
  }

  function reported(message: Reloaded): void {
    const p = settle(message.request);
    const after = p ? ` after shard ${p.request.from}'s ${p.request.action}` : '';
    const o = message.outcome;
    if (!o.ok) {
      log.error(`shard ${message.shard} could not reload${after}: ${o.error}; it keeps serving corpus ${short(o.version)}`);
      return;
    }
    log.info(`shard ${message.shard} reloaded${after}: corpus ${short(o.previousVersion)} -> ${short(o.version)} (${o.added} added, ${o.removed} removed, ${o.changed} changed)`);
    if (p && o.version !== p.request.version) {
      log.warn(`shard ${message.shard} serves corpus ${short(o.version)}, not shard ${p.request.from}'s ${short(p.request.version)}: the folder changed again meanwhile, or the two loaded it differently`);
    }
  }

  function watch(shard: Shard): void {
    // Ever ready: a shard that dies before its first ready fails the start instead of being started again.
    let wasReady = false;
    let readyAt = 0;
    let failures = 0;
    shard.on('spawn', (child) => {
      log.info(`shard ${shard.id} started`, { pid: (child as ChildProcess).pid });
      // A start already under way when the stop came (ShardingManager.spawn goes on with the next shard).
      if (stopping) (child as ChildProcess).kill('SIGTERM');
    });
    shard.on('ready', () => {
      readyAt = Date.now();
      if (wasReady) log.info(`shard ${shard.id} is ready again`);
      wasReady = true;
    });
    shard.on('error', (err) => log.error(`shard ${shard.id}: ${err.message}`));
    shard.on('message', (message: unknown) => {
      if (!isToManager(message)) return;
      if (message.verbatim === 'corpus-changed') relay(message);
      else reported(message);
    });
    shard.on('death', (child) => {
      const code = (child as ChildProcess).exitCode;
      const how = code !== null ? `with code ${code}` : `on ${(child as ChildProcess).signalCode ?? 'a signal'}`;
      for (const [request, p] of pending) {
        if (p.shard === shard.id && settle(request)) log.warn(`shard ${shard.id} exited before reporting its reload; it loads the articles folder when it starts`);
      }
      // Before its first ready, a death fails the start (manager.spawn rejects); when stopping it is expected.
      if (!wasReady || stopping) return;
      failures = readyAt > 0 && Date.now() - readyAt >= RESPAWN_RESET_MS ? 1 : failures + 1;
      readyAt = 0;
      const delay = Math.min(RESPAWN_FIRST_MS * 2 ** (failures - 1), RESPAWN_MAX_MS);
      log.warn(`shard ${shard.id} exited ${how}; starting it again in ${(delay / 1000).toFixed(1)} s`);
      const timer = setTimeout(() => {
        respawns.delete(timer);
        if (stopping) return;
        shard.spawn(READY_TIMEOUT_MS).catch((err: unknown) => log.error(`shard ${shard.id} did not start again: ${messageOf(err)}`));
      }, delay);
      respawns.add(timer);
    });
  }
  manager.on('shardCreate', watch);

  async function stop(): Promise<void> {
    stopping = true;
    for (const t of respawns) clearTimeout(t);
    for (const p of pending.values()) clearTimeout(p.timer);
    const children = [...manager.shards.values()].map((s) => s.process).filter((c): c is ChildProcess => c !== null && !exited(c));
    const gone = children.map((c) => new Promise<void>((resolve) => (exited(c) ? resolve() : c.once('exit', () => resolve()))));
    for (const c of children) c.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(gone), new Promise((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
    clearTimeout(timer);
    for (const c of children) {
      if (!exited(c)) {
        log.error(`a shard process did not stop within ${STOP_GRACE_MS} ms; killing it`, { pid: c.pid });
        c.kill('SIGKILL');
      }
    }
  }

  const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  try {
    const spawning = manager.spawn({ amount: total, delay: spawnDelay(advice.maxConcurrency), timeout: READY_TIMEOUT_MS });
    const first = await Promise.race([spawning.then(() => 'ready' as const), aborted.then(() => 'aborted' as const)]);
    // Settled either way, so a start cut short by a signal never rejects unhandled.
    spawning.catch(() => undefined);
    if (first === 'ready') {
      log.info(`all ${total} shard${total === 1 ? ' is' : 's are'} ready`);
      await aborted;
    }
  } catch (err) {
    log.error(`the shards could not start: ${messageOf(err)}`);
    await stop();
    return 1;
  }
  await stop();
  log.info('stopped');
  return 0;
}
