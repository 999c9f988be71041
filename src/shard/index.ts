// Sharding: the manager behind `npm run start:sharded` (manager.ts), a shard's side of its channel to the
// manager (link.ts), and what they say to each other about the corpus (protocol.ts).
export { BOT_ENTRY, runShards, spawnDelay } from './manager.ts';
export { linkToManager, type ShardLink, type ShardLinkOptions } from './link.ts';
export { isToManager, isToShard, type CorpusChanged, type Reload, type Reloaded, type ReloadOutcome, type ToManager, type ToShard } from './protocol.ts';
