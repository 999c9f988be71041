// The configuration keys the bot added: DATA_DIR, and that .env.example lists every key parseConfig reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, PROJECT_ROOT } from '../../src/config.ts';

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
