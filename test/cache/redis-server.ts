// A real redis-server for the tests, on a free loopback port, with nothing saved to disk. It can be killed,
// restarted on the same port, frozen (SIGSTOP: connected but never answering) and thawed. Tests talk to it
// with redis-cli, never through the code under test.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Call fn until it returns a value other than undefined/false, or fail after timeoutMs. */
export async function poll<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export class RedisServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly password: string | null,
  ) {}

  static async start(options: { password?: string; port?: number } = {}): Promise<RedisServer> {
    const server = new RedisServer(options.port ?? (await freePort()), options.password ?? null);
    await server.restart();
    return server;
  }

  /** The URL the code under test is given. */
  url(password = this.password): string {
    return password === null ? `redis://127.0.0.1:${this.port}` : `redis://:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Start (again) on the same port, with an empty data set; resolves when it answers PING. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis-server is already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    if (this.password !== null) args.push('--requirepass', this.password);
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    await poll(`redis-server on port ${this.port} to answer${stderr ? ` (${stderr})` : ''}`, async () => {
      if (this.child !== child) throw new Error(`redis-server exited: ${stderr}`);
      return (await this.cli('PING')) === 'PONG';
    });
  }

  /** SIGKILL, as a crash would; resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await gone;
    this.child = null;
  }

  /** Freeze the server: connections stay open, nothing is answered. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  /** Run one command with redis-cli; the reply as text. */
  async cli(...command: string[]): Promise<string> {
    const auth = this.password === null ? [] : ['--no-auth-warning', '-a', this.password];
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...auth, ...command], { timeout: 5000 });
    return stdout.trim();
  }

  /** Keys matching a glob pattern (SCAN, not KEYS, like the code under test). */
  async keys(pattern: string): Promise<string[]> {
    const out = await this.cli('--scan', '--pattern', pattern);
    return out === '' ? [] : out.split('\n').sort();
  }
}
