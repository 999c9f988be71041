// A small web server on 127.0.0.1 for the ingest tests: pages, redirects, oversized and stalled responses,
// each at a path the test sets, and a record of every request it received (so a test can show that a
// refused link was never fetched).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface Hit {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

export class WebServer {
  readonly hits: Hit[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly server: Server;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.hits.push({ method: req.method ?? 'GET', path, headers: req.headers });
      const route = this.routes.get(path.split('?')[0]!);
      if (route) route(req, res);
      else res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** host:port, as an allow-list names it. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  url(path: string): string {
    return `http://${this.host}${path}`;
  }

  /** Requests for `path` so far. */
  hitsOn(path: string): Hit[] {
    return this.hits.filter((h) => h.path.split('?')[0] === path);
  }

  on(path: string, route: Route): this {
    this.routes.set(path, route);
    return this;
  }

  /** Serve `body` at `path` with this media type (none when null) and any extra headers. */
  page(path: string, body: string | Buffer, contentType: string | null = 'text/html; charset=utf-8', headers: Record<string, string> = {}): this {
    return this.on(path, (_req, res) => {
      res.writeHead(200, { ...(contentType ? { 'Content-Type': contentType } : {}), ...headers }).end(body);
    });
  }

  redirect(path: string, location: string, status = 302): this {
    return this.on(path, (_req, res) => {
      res.writeHead(status, { Location: location }).end();
    });
  }
}
