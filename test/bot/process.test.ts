// The four entry points start and end the one way src/process.ts sets: a wrong setting is named on stderr and
// exits with 2 from each of them, and LOG_LEVEL applies to each (the ask CLI included).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBot } from '../support/bot.ts';

const ENTRY_POINTS = ['src/main.ts', 'src/sharded.ts', 'src/cli/deploy-commands.ts', 'src/cli/ask.ts'];

describe('every entry point', () => {
  it('stops on a wrong setting with its name on stderr and exit code 2, and nothing else printed', async () => {
    const runs = ENTRY_POINTS.map((script) => ({ script, run: startBot({ LOG_LEVEL: 'loud' }, script) }));
    for (const { script, run } of runs) run.child.stdin.end('who called for an ICC investigation?\n');
    for (const { script, run } of runs) {
      expect((await run.exited).code, script).toBe(2);
      expect(run.stderr, script).toBe('configuration: LOG_LEVEL must be one of debug, info, warn, error (got "loud")\n');
      expect(run.stdout, script).toBe('');
    }
  });

  it('a CORPUS_DIR with no folder there is a wrong setting too, named with its path, from every entry point that reads the articles', async () => {
    const missing = join(tmpdir(), 'verbatim-no-such-corpus', 'articles');
    const runs = ENTRY_POINTS.filter((s) => !s.includes('deploy-commands')).map((script) => ({ script, run: startBot({ CORPUS_DIR: missing }, script) }));
    for (const { run } of runs) run.child.stdin.end('who called for an ICC investigation?\n');
    for (const { script, run } of runs) {
      expect((await run.exited).code, script).toBe(2);
      expect(run.stderr, script).toBe(`configuration: CORPUS_DIR must name the folder of articles; there is no folder at ${missing}\n`);
    }
  });

  it('deploy-commands without a token says which setting it needs, as a wrong setting', async () => {
    const run = startBot({}, 'src/cli/deploy-commands.ts');
    expect((await run.exited).code).toBe(2);
    expect(run.stderr).toBe('configuration: DISCORD_TOKEN is not set; it is needed to register commands (see .env.example)\n');
  });

  it('npm run ask follows LOG_LEVEL: at warn, its answer and no info lines', async () => {
    const quiet = startBot({ LOG_LEVEL: 'warn' }, 'src/cli/ask.ts');
    const chatty = startBot({ LOG_LEVEL: 'info' }, 'src/cli/ask.ts');
    for (const run of [quiet, chatty]) run.child.stdin.end('who called for an ICC investigation?\n');
    for (const run of [quiet, chatty]) expect((await run.exited).code).toBe(0);
    expect(quiet.stdout).toMatch(/^Q: who called for an ICC investigation\?\nA: /);
    expect(quiet.stderr).not.toMatch(/ INFO /);
    expect(chatty.stderr).toMatch(/ INFO {2}\[ask\] indexed \d+ articles/);
  });
});
