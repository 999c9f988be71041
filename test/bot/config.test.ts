// The configuration keys the bot added: DATA_DIR, and that .env.example lists every key parseConfig reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, PROJECT_ROOT } from '../../src/config.ts';
import { snapshotSetting } from '../../src/store/snapshots.ts';

describe('DATA_DIR', () => {
  it('defaults to the project\'s .data folder and resolves relative paths against the project', () => {
    expect(parseConfig({}).dataDir).toBe(join(PROJECT_ROOT, '.data'));
    expect(parseConfig({ DATA_DIR: 'var/feedback' }).dataDir).toBe(join(PROJECT_ROOT, 'var/feedback'));
    expect(parseConfig({ DATA_DIR: '/srv/verbatim' }).dataDir).toBe('/srv/verbatim');
  });

  it('is listed in .env.example, as is every key the code reads', () => {
    const example = readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8');
    const source = readFileSync(join(PROJECT_ROOT, 'src/config.ts'), 'utf8');
    const read = [...source.matchAll(/\(env, '([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(read).toContain('DATA_DIR');
    for (const key of read) expect(example).toMatch(new RegExp(`^${key}=`, 'm'));
  });

  it('the data folder is not committed', () => {
    expect(readFileSync(join(PROJECT_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.data/');
  });
});

describe('SNAPSHOT_DIR', () => {
  it("defaults to the project's .cache/snapshots folder, resolves relative paths against the project, and off turns snapshots off", () => {
    expect(parseConfig({}).snapshotDir).toBe(join(PROJECT_ROOT, '.cache', 'snapshots'));
    expect(parseConfig({ SNAPSHOT_DIR: 'var/index' }).snapshotDir).toBe(join(PROJECT_ROOT, 'var/index'));
    expect(parseConfig({ SNAPSHOT_DIR: '/srv/verbatim/index' }).snapshotDir).toBe('/srv/verbatim/index');
    expect(parseConfig({ SNAPSHOT_DIR: 'off' }).snapshotDir).toBeNull();
    expect(parseConfig({ SNAPSHOT_DIR: ' OFF ' }).snapshotDir).toBeNull();
  });

  it('names one file per corpus folder inside it, or none when off', () => {
    const dir = parseConfig({ SNAPSHOT_DIR: '/srv/verbatim/index' }).snapshotDir;
    const seeds = snapshotSetting(dir, join(PROJECT_ROOT, 'seeds'));
    expect(seeds).toMatch(/^\/srv\/verbatim\/index\/[0-9a-f]{16}\.snapshot$/);
    expect(snapshotSetting(dir, join(PROJECT_ROOT, 'test'))).not.toBe(seeds);
    expect(snapshotSetting(dir, join(PROJECT_ROOT, 'seeds', '.'))).toBe(seeds);
    expect(snapshotSetting(null, join(PROJECT_ROOT, 'seeds'))).toBe(false);
  });
});

describe('sharding', () => {
  it('TOTAL_SHARDS: unset or auto asks Discord, else a whole number of shards', () => {
    expect(parseConfig({}).totalShards).toBeNull();
    expect(parseConfig({ TOTAL_SHARDS: 'auto' }).totalShards).toBeNull();
    expect(parseConfig({ TOTAL_SHARDS: '4' }).totalShards).toBe(4);
    expect(() => parseConfig({ TOTAL_SHARDS: '0' })).toThrow(new ConfigError('TOTAL_SHARDS must be a whole number from 1 to 10000 (got "0")'));
  });

  it('a process is a shard only when the sharding manager started it, with the id and count it gave', () => {
    expect(parseConfig({}).shard).toBeNull();
    // discord.js's variables without its manager (a user's leftover SHARD_COUNT, say) make no shard.
    expect(parseConfig({ SHARDS: '1', SHARD_COUNT: '2' }).shard).toBeNull();
    expect(parseConfig({ SHARDING_MANAGER: 'true', SHARDS: '1', SHARD_COUNT: '2' }).shard).toEqual({ id: 1, count: 2 });
    expect(() => parseConfig({ SHARDING_MANAGER: 'true', SHARDS: '2', SHARD_COUNT: '2' })).toThrow(ConfigError);
    expect(() => parseConfig({ SHARDING_MANAGER: 'true', SHARDS: '[0,1]', SHARD_COUNT: '2' })).toThrow(ConfigError);
  });
});

describe('the trash retention', () => {
  it('TRASH_KEEP_DAYS: unset keeps the trash for ever (0), else a whole number of days', () => {
    expect(parseConfig({}).trashKeepDays).toBe(0);
    expect(parseConfig({ TRASH_KEEP_DAYS: '30' }).trashKeepDays).toBe(30);
    expect(() => parseConfig({ TRASH_KEEP_DAYS: '-1' })).toThrow(new ConfigError('TRASH_KEEP_DAYS must be a whole number from 0 to 36500 (got "-1")'));
    expect(() => parseConfig({ TRASH_KEEP_DAYS: '2 weeks' })).toThrow(ConfigError);
  });
});
