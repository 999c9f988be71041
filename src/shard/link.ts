// A shard's side of the sharding manager's IPC channel: it tells the manager when a moderator changed the
// corpus here, and reloads when the manager says another shard did. The reload goes through the curator
// (`sync`), so it takes its turn with this shard's own changes and the answer cache follows it as it follows
// any reindex. A reload that fails leaves this shard serving the corpus it had; the failure is logged here and
// reported to the manager, which logs every shard's outcome.
import type { ShardIdentity } from '../config.ts';
import type { CorpusChange } from '../curate/index.ts';
import type { RefreshReport } from '../engine.ts';
import { logger } from '../log.ts';
import { isToShard, type Reload, type ReloadOutcome, type ToManager } from './protocol.ts';

const log = logger('shard');

export interface ShardLink {
  readonly shard: ShardIdentity;
  /** Tell the other shards, through the manager, that this shard changed the corpus. */
  announce(change: CorpusChange): void;
  /** Stop listening to the manager. */
  close(): void;
}

export interface ShardLinkOptions {
  readonly shard: ShardIdentity;
  /** Reload the folder because another shard changed it, expecting to reach `version`. */
  readonly sync: (version: string) => Promise<RefreshReport>;
  /** The corpus version served now. */
  readonly version: () => string;
  /** The manager went away (its channel closed): a shard without a manager should stop. */
  readonly onManagerGone: () => void;
}

const short = (version: string) => version.slice(0, 8);

function outcomeOf(report: RefreshReport, served: string): ReloadOutcome {
  if (!report.ok) return { ok: false, error: report.error, version: served };
  return { ok: true, previousVersion: report.previousVersion, version: report.version, added: report.added.length, removed: report.removed.length, changed: report.changed.length };
}

export function linkToManager(options: ShardLinkOptions): ShardLink {
  const { shard } = options;
  if (typeof process.send !== 'function') {
    throw new Error(`shard: shard ${shard.id} has no channel to the sharding manager; start it with npm run start:sharded`);
  }

  function send(message: ToManager): void {
    process.send!(message, undefined, {}, (err: Error | null) => {
      if (err) log.warn(`could not tell the sharding manager (${message.verbatim}): ${err.message}`);
    });
  }

  async function reload(request: Reload): Promise<void> {
    log.info(`shard ${request.from} changed the corpus (${request.action}, now corpus ${short(request.version)}); reloading the articles folder`);
    const report = await options.sync(request.version);
    const outcome = outcomeOf(report, options.version());
    if (outcome.ok) {
      log.info(`reloaded: corpus ${short(outcome.previousVersion)} -> ${short(outcome.version)} (${outcome.added} added, ${outcome.removed} removed, ${outcome.changed} changed)`);
    } else {
      log.error(`could not reload after shard ${request.from}'s ${request.action}: ${outcome.error}; still serving corpus ${short(outcome.version)}`);
    }
    send({ verbatim: 'reloaded', request: request.request, shard: shard.id, outcome });
  }

  const onMessage = (message: unknown) => {
    if (isToShard(message)) {
      reload(message).catch((err: unknown) => {
        // sync() reports a failed reload as a value; reaching here is a bug, still reported so nobody waits.
        log.error('reload failed', { error: err });
        send({ verbatim: 'reloaded', request: message.request, shard: shard.id, outcome: { ok: false, error: String(err), version: options.version() } });
      });
    }
  };
  const onDisconnect = () => {
    log.warn('the sharding manager is gone; stopping');
    options.onManagerGone();
  };
  process.on('message', onMessage);
  process.once('disconnect', onDisconnect);

  return {
    shard,
    announce(change) {
      send({ verbatim: 'corpus-changed', shard: shard.id, action: change.action, before: change.version.before, after: change.version.after });
    },
    close() {
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
    },
  };
}
