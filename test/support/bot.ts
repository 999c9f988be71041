// Starting the bot the way users do: the entry point `npm start` runs (src/main.ts under tsx), as a child
// process with its own environment. Every configuration key from .env.example is set (empty unless the test
// gives a value) so that a developer's .env can never leak into a test, a real token least of all. The
// question rate limits are off unless a test sets them (suites that are not about them ask in bursts from
// one user). Every process's output is also captured for the run's secret scan (capture.ts).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { capture, secretsOfConfig, TEST_SNAPSHOTS_ENV, type Capture } from './capture.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CONFIG_KEYS = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
  .filter((k): k is string => k !== undefined);

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the stop request (or the start, when it ended by itself) to the exit. */
  readonly ms: number;
}

export class BotProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private stopAskedAt: number | null = null;

  constructor(
    readonly child: ChildProcessWithoutNullStreams,
    output: Capture = { write: () => undefined },
  ) {
    const started = Date.now();
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      this.stdout += s;
      output.write(s);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      this.stderr += s;
      output.write(s);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - (this.stopAskedAt ?? started) }));
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Poll the output until `pattern` appears (in stderr, where logs go, unless told otherwise). */
  async waitForOutput(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stderr', timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this[stream])) {
      if (!this.running) throw new Error(`bot exited before ${pattern} appeared:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in ${stream}:\n${this[stream]}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Send a signal and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (!this.running) return this.exited;
    this.stopAskedAt = Date.now();
    this.child.kill(signal);
    return this.exited;
  }

  /** Last resort for afterAll: make sure nothing is left running. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** Last resort for a child started as a process group's leader (npmRun): end everything in the group. */
  killGroup(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch (err) {
      // ESRCH: the whole group has exited already.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

function environment(config: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_KEYS) env[key] = '';
  env.SNAPSHOT_DIR = process.env[TEST_SNAPSHOTS_ENV] ?? '';
  env.RATE_USER_PER_MINUTE = '0';
  env.RATE_SERVER_PER_MINUTE = '0';
  return Object.assign(env, config);
}

/** A module loaded into the bot before it starts (`node --import`), as test/support/faults.ts is. */
export interface StartOptions {
  readonly preload?: readonly string[];
}

/** Run `script` (default: the bot) with tsx, as `npm start` does, with the given configuration. */
export function startBot(config: Record<string, string>, script = 'src/main.ts', options: StartOptions = {}): BotProcess {
  const preload = (options.preload ?? []).flatMap((p) => ['--import', p]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, script], { cwd: ROOT, env: environment(config), stdio: ['pipe', 'pipe', 'pipe'] });
  return new BotProcess(child, capture(`${script} (pid ${child.pid})`, secretsOfConfig(config)));
}

/** `npm start` itself, with the given configuration. */
export function npmStart(config: Record<string, string>): BotProcess {
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: environment(config), stdio: ['pipe', 'pipe', 'pipe'] });
  return new BotProcess(child, capture(`npm start (pid ${child.pid})`, secretsOfConfig(config)));
}

/** `npm run <script>` with the given configuration, leading a process group of its own (see killGroup). */
export function npmRun(script: string, config: Record<string, string>): BotProcess {
  const child = spawn('npm', ['run', script, '--silent'], { cwd: ROOT, env: environment(config), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  return new BotProcess(child, capture(`npm run ${script} (pid ${child.pid})`, secretsOfConfig(config)));
}
