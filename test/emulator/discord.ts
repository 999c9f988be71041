// A small Discord, on 127.0.0.1, for the real discord.js client: the REST API the bot uses (over node:http)
// and the gateway (over ws) on one random port. It enforces the rules of Discord's that the bot must respect
// (the 3-second first response, one acknowledgement per interaction, message limits) and can misbehave on
// request (dropped gateway connections, 429s). It also serves the files users attach to command options, as
// Discord's CDN does. Every message the bot sends is recorded for the tests. With `shards` above 1 it is a
// Discord for a sharded bot: it recommends that many shards, takes one IDENTIFY per shard, and sends each
// guild's events (its interactions included) to the shard that owns the guild, (guild_id >> 22) % shard count.
//
// Facts about what the client needs are in ../shared/docs/discord-emulation.md.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { choiceProblems, messageProblems, type Problem } from './limits.ts';
import { capture, type Capture } from '../support/capture.ts';

type Json = Record<string, unknown>;

const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;
/** A snowflake as Discord makes them: milliseconds since 2015 shifted left 22 bits, plus a counter. */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return ((BigInt(Date.now()) - DISCORD_EPOCH) << 22n | increment).toString();
}

/** The shard a guild's events go to: Discord's `(guild_id >> 22) % num_shards`. */
export function shardOfGuild(guildId: string, shards: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shards));
}

/** A snowflake of a guild that shard `shard` of `shards` owns (its timestamp moved back by less than `shards` ms). */
export function snowflakeOnShard(shard: number, shards: number): string {
  increment = (increment + 1n) & 0xfffn;
  const ms = BigInt(Date.now()) - DISCORD_EPOCH;
  const count = BigInt(shards);
  const at = ms - (ms % count) + BigInt(shard) - (BigInt(shard) > ms % count ? count : 0n);
  return ((at << 22n) | increment).toString();
}

export const INTERACTION_DEADLINE_MS = 3000;
export const EPHEMERAL = 64;
const LOADING = 128;

export interface Actor {
  readonly id: string;
  readonly username: string;
}

export interface Invoker {
  readonly user?: Actor;
  /** Permission bits of the member as a decimal string; absent means a direct message. */
  readonly permissions?: string;
  readonly roles?: readonly string[];
  /** Send from a direct message instead of the guild. */
  readonly dm?: boolean;
  /** The id of the guild it is sent from (one of `guilds`); the first guild by default. */
  readonly guild?: string;
  /** Pretend the interaction was created this long ago (to test the 3-second deadline without waiting). */
  readonly backdateMs?: number;
}

/** One message body the bot sent, whatever the route, accepted or not. */
export interface SentMessage {
  readonly route: string;
  readonly interactionId: string;
  readonly body: Json;
  readonly status: number;
  readonly problems: readonly Problem[];
  readonly at: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly at: number;
  readonly injected: boolean;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: Json[];
  components: Json[];
  flags: number;
  [key: string]: unknown;
}

interface Callback {
  readonly type: number;
  readonly data: Json | undefined;
  readonly at: number;
}

export class EmulatedInteraction {
  readonly callbacks: Callback[] = [];
  /** When the gateway wrote it to the bot's connection (first time; a resume may replay it), or null if never. */
  deliveredAt: number | null = null;
  /** The response message (for buttons acknowledged with 6 or 7, the message the button is on). */
  original: StoredMessage | null = null;
  originalEdits = 0;
  readonly followups: StoredMessage[] = [];
  choices: Json[] | null = null;
  /** Requests refused because they broke a rule (late, twice acknowledged, over a limit). */
  readonly refusals: { route: string; code: number; message: string }[] = [];
  /** The shard whose gateway connection it was sent on. */
  shard = 0;

  constructor(
    readonly id: string,
    readonly token: string,
    readonly type: number,
    readonly payload: Json,
    readonly createdAt: number,
    private readonly emulator: DiscordEmulator,
  ) {}

  get acknowledged(): boolean {
    return this.callbacks.length > 0;
  }

  get firstResponseMs(): number | null {
    const first = this.callbacks[0];
    return first ? first.at - this.createdAt : null;
  }

  /** Resolves once Discord has the first response (or rejects after `timeoutMs`). */
  async response(timeoutMs = 10_000): Promise<Callback> {
    await this.emulator.waitFor(() => this.acknowledged, `a response to interaction ${this.id}`, timeoutMs);
    return this.callbacks[0]!;
  }

  /**
   * The message the user ends up seeing: the reply, or a deferred reply once it has been edited (or a
   * follow-up sent), or for a button the message it updated.
   */
  async settled(timeoutMs = 10_000): Promise<StoredMessage> {
    await this.emulator.waitFor(
      () => {
        const first = this.callbacks[0];
        if (!first) return false;
        if (first.type === 4 || first.type === 7) return true;
        return this.originalEdits > 0 || this.followups.length > 0;
      },
      `the final message of interaction ${this.id}`,
      timeoutMs,
    );
    const first = this.callbacks[0]!;
    if ((first.type === 5 || first.type === 6) && this.originalEdits === 0) return this.followups[0]!;
    return this.original!;
  }
}

/** A file a user attached to a command option; the emulator serves its bytes the way Discord's CDN does. */
export interface EmulatedAttachment {
  readonly id: string;
  readonly filename: string;
  /** What Discord tells the bot the size is (the bytes' length unless a test says otherwise). */
  readonly size: number;
  readonly url: string;
  readonly proxy_url: string;
  readonly content_type?: string;
  readonly bytes: Buffer;
  /** How many times the file was downloaded. */
  downloads: number;
}

/** A guild the bot is in, with its one text channel. */
export interface EmulatedGuild {
  readonly id: string;
  readonly name: string;
  readonly channelId: string;
}

interface Session {
  readonly id: string;
  /** The shard it identified as: [id, count]. */
  readonly shard: readonly [number, number];
  seq: number;
  readonly log: Json[];
  socket: WebSocket | null;
}

export interface EmulatorOptions {
  readonly token: string;
  readonly heartbeatIntervalMs?: number;
  /** The shard count GET /gateway/bot recommends, and the least a bot may identify with (default 1). */
  readonly shards?: number;
  /** session_start_limit.max_concurrency: shards that may identify per 5 seconds (default 1). */
  readonly maxConcurrency?: number;
}

interface Injection {
  readonly method: string | null;
  readonly path: RegExp;
  readonly status: number;
  readonly retryAfter: number;
  remaining: number;
}

export class DiscordEmulator {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly botUser = { id: this.applicationId, username: 'verbatim', discriminator: '0', global_name: 'Verbatim', avatar: null, bot: true };
  /** The guilds the bot is in: the first one (`guild`, owned by shard 0) and any added with `addGuild`. */
  readonly guilds: EmulatedGuild[];
  readonly guild: EmulatedGuild;
  /** A role every guild has besides @everyone, for tests of role-based permissions. */
  readonly moderatorRoleId = snowflake();
  /** The first guild's text channel. */
  readonly channelId: string;
  readonly dmChannelId = snowflake();
  readonly shards: number;

  readonly requests: RecordedRequest[] = [];
  readonly sent: SentMessage[] = [];
  readonly interactions = new Map<string, EmulatedInteraction>();
  readonly registered = { global: null as Json[] | null, guild: new Map<string, Json[]>() };
  /** `identified`: the shard of each IDENTIFY accepted, in order; `heartbeatAt`: when each heartbeat arrived. */
  readonly gateway = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0, heartbeatAt: [] as number[], closes: [] as number[], identified: [] as [number, number][] };

  private readonly heartbeatIntervalMs: number;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly byToken = new Map<string, EmulatedInteraction>();
  private readonly sessions = new Map<string, Session>();
  /** The live session of each shard. */
  private readonly current = new Map<number, Session>();
  private readonly maxConcurrency: number;
  private readonly injections: Injection[] = [];
  private readonly attachments = new Map<string, EmulatedAttachment>();
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private port = 0;
  /** Every message body and autocomplete result the bot sent, for the run's secret scan. */
  private readonly output: Capture;

  constructor(options: EmulatorOptions) {
    this.token = options.token;
    this.output = capture('the messages the bot sent to the Discord emulator', [options.token]);
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.shards = options.shards ?? 1;
    this.maxConcurrency = options.maxConcurrency ?? 1;
    this.guild = { id: snowflakeOnShard(0, this.shards), name: 'Emulated News Desk', channelId: snowflake() };
    this.guilds = [this.guild];
    this.channelId = this.guild.channelId;
    this.server = createServer((req, res) => {
      void this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.json(res, 500, { message: String(err), code: 0 });
      });
    });
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => this.connect(ws));
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** host:port of the emulator's HTTP server (for an allow-list). */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Poll until `condition` holds; reject naming `what` after `timeoutMs`. */
  async waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`emulator: timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Is a bot connected, identified and holding a live session (on shard 0, or the shard named)? */
  get connected(): boolean {
    return this.isConnected(0);
  }

  isConnected(shard: number): boolean {
    return this.current.get(shard)?.socket?.readyState === 1;
  }

  /** Add a guild owned by `shard`; a shard already connected gets its GUILD_CREATE at once. */
  addGuild(name: string, shard = 0): EmulatedGuild {
    if (shard < 0 || shard >= this.shards) throw new Error(`emulator: no shard ${shard} of ${this.shards}`);
    const guild = { id: snowflakeOnShard(shard, this.shards), name, channelId: snowflake() };
    this.guilds.push(guild);
    const session = this.current.get(shard);
    if (session) this.dispatch('GUILD_CREATE', this.guildCreate(guild), session);
    return guild;
  }

  /** The live session that owns a guild's events (direct messages go to shard 0, as Discord sends them). */
  private sessionFor(guildId: string | null): Session | null {
    const count = this.current.get(0)?.shard[1] ?? this.shards;
    return this.current.get(guildId === null ? 0 : shardOfGuild(guildId, count)) ?? null;
  }

  // ---- faults ----

  /** Answer the next `count` requests matching `method` and `path` with `status` (429 with Retry-After). */
  inject(path: RegExp, options: { method?: string; status?: number; retryAfter?: number; count?: number } = {}): void {
    this.injections.push({ method: options.method ?? null, path, status: options.status ?? 429, retryAfter: options.retryAfter ?? 0.25, remaining: options.count ?? 1 });
  }

  /** Close the bot's gateway connection with `code` (4000: unknown error, which the client resumes after). */
  drop(code = 4000, shard = 0): void {
    const socket = this.current.get(shard)?.socket;
    if (!socket) throw new Error('emulator: no gateway connection to drop');
    socket.close(code, 'emulated drop');
  }

  // ---- interactions ----

  private base(type: number, data: Json, invoker: Invoker, extra: Json = {}): EmulatedInteraction {
    const id = snowflake();
    const token = `emu_${randomBytes(24).toString('base64url')}`;
    const user = { discriminator: '0', global_name: null, avatar: null, ...(invoker.user ?? { id: '300000000000000001', username: 'reader' }) };
    const guild = invoker.guild === undefined ? this.guild : this.guilds.find((g) => g.id === invoker.guild);
    if (!guild) throw new Error(`emulator: the bot is in no guild ${invoker.guild}`);
    const where = invoker.dm
      ? { user, channel_id: this.dmChannelId, channel: { id: this.dmChannelId, type: 1, recipients: [user] }, context: 1 }
      : {
          guild_id: guild.id,
          guild: { id: guild.id, locale: 'en-US', features: [] },
          guild_locale: 'en-US',
          channel_id: guild.channelId,
          channel: { id: guild.channelId, type: 0, guild_id: guild.id, name: 'news', permissions: '2248473465835073' },
          member: {
            user,
            roles: [...(invoker.roles ?? [])],
            permissions: invoker.permissions ?? '0',
            joined_at: new Date(0).toISOString(),
            deaf: false,
            mute: false,
            flags: 0,
            pending: false,
            nick: null,
            avatar: null,
            premium_since: null,
            communication_disabled_until: null,
          },
          context: 0,
        };
    const payload: Json = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      data,
      ...where,
      app_permissions: '2248473465835073',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: invoker.dm ? { '1': user.id } : { '0': guild.id },
      attachment_size_limit: 8388608,
      ...extra,
    };
    const interaction = new EmulatedInteraction(id, token, type, payload, Date.now() - (invoker.backdateMs ?? 0), this);
    this.interactions.set(id, interaction);
    this.byToken.set(token, interaction);
    const session = this.sessionFor(invoker.dm ? null : guild.id);
    if (session) interaction.shard = session.shard[0];
    this.dispatch('INTERACTION_CREATE', payload, session);
    return interaction;
  }

  /**
   * Upload a file as a user would when filling in an attachment option: served at its `url` from this server
   * with `contentType` (none when omitted), and described to the bot with `size` (the real one by default).
   */
  attach(filename: string, bytes: Buffer | string, options: { contentType?: string; size?: number } = {}): EmulatedAttachment {
    const id = snowflake();
    const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    const path = `/attachments/${this.channelId}/${id}/${encodeURIComponent(filename)}`;
    const attachment: EmulatedAttachment = {
      id,
      filename,
      size: options.size ?? body.length,
      // Discord's CDN links carry signed query parameters; so do these, to show they are not recorded.
      url: `http://${this.host}${path}?ex=${Date.now().toString(16)}&hm=${randomBytes(8).toString('hex')}`,
      proxy_url: `http://${this.host}${path}`,
      ...(options.contentType !== undefined ? { content_type: options.contentType } : {}),
      bytes: body,
      downloads: 0,
    };
    this.attachments.set(id, attachment);
    return attachment;
  }

  /** A slash command, as if a user ran it: string options by name, and attachments from `attach`. */
  command(name: string, options: Record<string, string | EmulatedAttachment> = {}, invoker: Invoker = { permissions: '0' }): EmulatedInteraction {
    const files = Object.values(options).filter((v): v is EmulatedAttachment => typeof v !== 'string');
    const data: Json = {
      id: snowflake(),
      name,
      type: 1,
      options: Object.entries(options).map(([n, value]) => (typeof value === 'string' ? { name: n, type: 3, value } : { name: n, type: 11, value: value.id })),
    };
    if (files.length > 0) {
      const attachments: Json = {};
      for (const { bytes: _bytes, downloads: _downloads, ...described } of files) attachments[described.id] = { ...described, ephemeral: true };
      data.resolved = { attachments };
    }
    return this.base(2, data, invoker);
  }

  /** Autocomplete while typing `focused` of command `name`. */
  autocomplete(name: string, focused: string, typed: string, others: Record<string, string> = {}, invoker: Invoker = { permissions: '0' }): EmulatedInteraction {
    const options = [
      ...Object.entries(others).map(([n, value]) => ({ name: n, type: 3, value })),
      { name: focused, type: 3, value: typed, focused: true },
    ];
    return this.base(4, { id: snowflake(), name, type: 1, options }, invoker);
  }

  /** A press on the button `customId` of a message the bot sent. */
  press(message: StoredMessage, customId: string, invoker: Invoker = { permissions: '0' }): EmulatedInteraction {
    const found = message.components.flatMap((row) => (row.components as Json[]) ?? []).find((b) => b.custom_id === customId);
    if (!found) throw new Error(`emulator: message ${message.id} has no button ${customId}`);
    if (found.disabled === true) throw new Error(`emulator: button ${customId} is disabled; Discord would not send the press`);
    return this.base(3, { custom_id: customId, component_type: 2 }, invoker, { message: structuredClone(message) });
  }

  // ---- gateway ----

  private send(ws: WebSocket, payload: Json): void {
    if (ws.readyState !== 1) return;
    ws.send(JSON.stringify(payload));
    if (payload.t === 'INTERACTION_CREATE') {
      const interaction = this.interactions.get((payload.d as Json).id as string);
      if (interaction && interaction.deliveredAt === null) interaction.deliveredAt = Date.now();
    }
  }

  private dispatch(t: string, d: Json, session: Session | null): void {
    if (!session) throw new Error(`emulator: no session to dispatch ${t} on`);
    const entry = { op: 0, t, s: ++session.seq, d };
    session.log.push(entry);
    if (session.socket) this.send(session.socket, entry);
  }

  private connect(ws: WebSocket): void {
    this.gateway.connections++;
    let session: Session | null = null;
    this.send(ws, { op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null });
    ws.on('message', (raw) => {
      let msg: Json;
      try {
        msg = JSON.parse(String(raw)) as Json;
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      const d = (msg.d ?? {}) as Json;
      switch (msg.op) {
        case 1:
          this.gateway.heartbeats++;
          this.gateway.heartbeatAt.push(Date.now());
          this.send(ws, { op: 11 });
          return;
        case 2: {
          if (d.token !== this.token) {
            ws.close(4004, 'Authentication failed');
            return;
          }
          const [shard, count] = Array.isArray(d.shard) ? (d.shard as number[]) : [0, 1];
          if (!Number.isInteger(shard) || !Number.isInteger(count) || shard! < 0 || shard! >= count!) {
            ws.close(4010, 'Invalid shard');
            return;
          }
          if (count! < this.shards) {
            ws.close(4011, 'Sharding required');
            return;
          }
          this.gateway.identifies++;
          this.gateway.identified.push([shard!, count!]);
          session = { id: randomBytes(16).toString('hex'), shard: [shard!, count!], seq: 0, log: [], socket: ws };
          this.sessions.set(session.id, session);
          this.current.set(shard!, session);
          const owned = this.guilds.filter((g) => shardOfGuild(g.id, count!) === shard);
          this.dispatch(
            'READY',
            {
              v: 10,
              user: this.botUser,
              guilds: owned.map((g) => ({ id: g.id, unavailable: true })),
              session_id: session.id,
              resume_gateway_url: this.gatewayUrl,
              shard: [shard, count],
              application: { id: this.applicationId, flags: 0 },
            },
            session,
          );
          for (const g of owned) this.dispatch('GUILD_CREATE', this.guildCreate(g), session);
          return;
        }
        case 6: {
          const resumed = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
          if (!resumed || d.token !== this.token) {
            this.send(ws, { op: 9, d: false });
            return;
          }
          this.gateway.resumes++;
          session = resumed;
          resumed.socket = ws;
          this.current.set(resumed.shard[0], resumed);
          const after = typeof d.seq === 'number' ? d.seq : 0;
          for (const entry of resumed.log) if ((entry.s as number) > after) this.send(ws, entry);
          this.dispatch('RESUMED', {}, resumed);
          return;
        }
        default:
          return;
      }
    });
    ws.on('close', (code) => {
      this.gateway.closes.push(code);
      if (session && session.socket === ws) session.socket = null;
    });
  }

  private guildCreate(guild: EmulatedGuild): Json {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: '300000000000000999',
      roles: [
        { id: guild.id, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
        { id: this.moderatorRoleId, name: 'Moderators', permissions: '0', position: 1, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
      ],
      emojis: [],
      stickers: [],
      features: [],
      channels: [{ id: guild.channelId, type: 0, name: 'news', position: 0, guild_id: guild.id, permission_overwrites: [] }],
      threads: [],
      members: [],
      member_count: 2,
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      large: false,
      unavailable: false,
      joined_at: new Date().toISOString(),
      preferred_locale: 'en-US',
    };
  }

  // ---- REST ----

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (status === 204) {
      res.writeHead(204, headers).end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(text);
  }

  private async body(req: IncomingMessage): Promise<Json | Json[] | null> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (chunks.length === 0) return null;
    const text = Buffer.concat(chunks).toString('utf8');
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      // discord.js sends files as multipart; the bot sends none, but read payload_json if it ever does.
      const m = /name="payload_json"[\s\S]*?\r\n\r\n([\s\S]*?)\r\n--/.exec(text);
      return m ? (JSON.parse(m[1]!) as Json) : null;
    }
    return text.length ? (JSON.parse(text) as Json) : null;
  }

  private authorised(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bot ${this.token}`;
  }

  private storeMessage(body: Json, flags: number, interaction: EmulatedInteraction): StoredMessage {
    const message: StoredMessage = {
      id: snowflake(),
      channel_id: interaction.payload.channel_id as string,
      ...(interaction.payload.guild_id ? { guild_id: interaction.payload.guild_id } : {}),
      type: interaction.type === 2 ? 20 : 19,
      author: this.botUser,
      application_id: this.applicationId,
      webhook_id: this.applicationId,
      content: typeof body.content === 'string' ? body.content : '',
      embeds: (body.embeds as Json[] | undefined) ?? [],
      components: (body.components as Json[] | undefined) ?? [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags,
      interaction_metadata: {
        id: interaction.id,
        type: interaction.type,
        user: (interaction.payload.member as Json | undefined)?.user ?? interaction.payload.user,
        authorizing_integration_owners: interaction.payload.authorizing_integration_owners,
      },
    };
    this.messages.set(message.id, message);
    return message;
  }

  private editMessage(message: StoredMessage, body: Json): void {
    if (body.content !== undefined) message.content = typeof body.content === 'string' ? body.content : '';
    if (body.embeds !== undefined) message.embeds = (body.embeds as Json[]) ?? [];
    if (body.components !== undefined) message.components = (body.components as Json[]) ?? [];
    message.flags &= ~LOADING;
    message.edited_timestamp = new Date().toISOString();
  }

  private record(route: string, interaction: EmulatedInteraction, body: Json, status: number, problems: readonly Problem[]): void {
    this.sent.push({ route, interactionId: interaction.id, body, status, problems, at: Date.now() });
    this.output.write(`${JSON.stringify({ route, body })}\n`);
  }

  private refuse(res: ServerResponse, interaction: EmulatedInteraction | null, route: string, status: number, code: number, message: string, extra: Json = {}): void {
    interaction?.refusals.push({ route, code, message });
    this.json(res, status, { message, code, ...extra });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // discord.js percent-encodes "@original"; route on the decoded path.
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const at = Date.now();
    const body = await this.body(req);

    const injection = this.injections.find((i) => i.remaining > 0 && (i.method === null || i.method === method) && i.path.test(path));
    if (injection) {
      injection.remaining--;
      this.requests.push({ method, path, status: injection.status, at, injected: true });
      const headers: Record<string, string> =
        injection.status === 429
          ? {
              'Retry-After': String(injection.retryAfter),
              'X-RateLimit-Limit': '5',
              'X-RateLimit-Remaining': '0',
              'X-RateLimit-Reset-After': String(injection.retryAfter),
              'X-RateLimit-Scope': 'user',
            }
          : {};
      this.json(res, injection.status, { message: injection.status === 429 ? 'You are being rate limited.' : 'Injected failure', retry_after: injection.retryAfter, global: false, code: 0 }, headers);
      return;
    }
    const status = await this.handle(method, path, url, req, res, body);
    this.requests.push({ method, path, status, at, injected: false });
  }

  /** Answers the request; returns the status sent. */
  private async handle(method: string, path: string, url: URL, req: IncomingMessage, res: ServerResponse, body: Json | Json[] | null): Promise<number> {
    const send = (status: number, payload: unknown) => {
      this.json(res, status, payload);
      return status;
    };
    let m: RegExpExecArray | null;

    if (method === 'GET' && path === '/api/v10/gateway/bot') {
      if (!this.authorised(req)) return send(401, { message: '401: Unauthorized', code: 0 });
      return send(200, { url: this.gatewayUrl, shards: this.shards, session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: this.maxConcurrency } });
    }
    if (method === 'GET' && (path === '/api/v10/applications/@me' || path === '/api/v10/oauth2/applications/@me')) {
      if (!this.authorised(req)) return send(401, { message: '401: Unauthorized', code: 0 });
      return send(200, { id: this.applicationId, name: 'Verbatim', flags: 0, bot_public: true, bot_require_code_grant: false, description: '', verify_key: 'emulated' });
    }
    if (method === 'PUT' && (m = /^\/api\/v10\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(path))) {
      if (!this.authorised(req)) return send(401, { message: '401: Unauthorized', code: 0 });
      if (m[1] !== this.applicationId) return send(404, { message: 'Unknown Application', code: 10002 });
      if (!Array.isArray(body)) return send(400, { message: 'Invalid Form Body', code: 50035 });
      const problems = body.flatMap((c, i) => commandProblems(c, i, m![2] !== undefined));
      if (problems.length) return send(400, { message: 'Invalid Form Body', code: 50035, errors: problems });
      const saved = body.map((c) => ({ ...c, id: snowflake(), application_id: this.applicationId, version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) }));
      if (m[2]) this.registered.guild.set(m[2], saved);
      else this.registered.global = saved;
      return send(200, saved);
    }
    if (method === 'POST' && (m = /^\/api\/v10\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      return this.callback(m[1]!, m[2]!, url, res, (body ?? {}) as Json);
    }
    if ((m = /^\/api\/v10\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/.exec(path))) {
      return this.webhook(method, m[1]!, m[2]!, m[3] ?? null, url, res, (body ?? {}) as Json);
    }
    // On the path as sent: a file name may hold an encoded "/", as Discord's CDN links do.
    if (method === 'GET' && (m = /^\/attachments\/\d+\/(\d+)\/[^/]+$/.exec(url.pathname))) {
      const file = this.attachments.get(m[1]!);
      if (!file) return send(404, { message: 'Not Found', code: 0 });
      file.downloads++;
      res.writeHead(200, { 'Content-Length': String(file.bytes.length), ...(file.content_type ? { 'Content-Type': file.content_type } : {}) }).end(file.bytes);
      return 200;
    }
    return send(404, { message: `404: Not Found (${method} ${path})`, code: 0 });
  }

  private callback(id: string, token: string, url: URL, res: ServerResponse, body: Json): number {
    const route = 'callback';
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token) {
      this.refuse(res, null, route, 404, 10062, 'Unknown interaction');
      return 404;
    }
    if (interaction.acknowledged) {
      this.refuse(res, interaction, route, 400, 40060, 'Interaction has already been acknowledged.');
      return 400;
    }
    if (Date.now() - interaction.createdAt > INTERACTION_DEADLINE_MS) {
      this.refuse(res, interaction, route, 404, 10062, 'Unknown interaction');
      return 404;
    }
    const type = body.type;
    const data = (body.data ?? undefined) as Json | undefined;
    const allowed: Record<number, number[]> = { 2: [4, 5], 3: [4, 5, 6, 7], 4: [8] };
    if (typeof type !== 'number' || !(allowed[interaction.type] ?? []).includes(type)) {
      this.refuse(res, interaction, route, 400, 50035, `Interaction callback type ${String(type)} is not valid for interaction type ${interaction.type}`);
      return 400;
    }
    if (type === 4 || type === 7) {
      const problems = messageProblems(data ?? {}, type === 4);
      const status = problems.length ? 400 : 200;
      this.record(`callback:${type}`, interaction, data ?? {}, status, problems);
      if (problems.length) {
        this.refuse(res, interaction, route, 400, problems[0]!.code, 'Invalid Form Body', { errors: problems });
        return 400;
      }
    }
    if (type === 8) {
      const problems = choiceProblems(data ?? {});
      if (problems.length) {
        this.refuse(res, interaction, route, 400, 50035, 'Invalid Form Body', { errors: problems });
        return 400;
      }
      interaction.choices = (data?.choices as Json[]) ?? [];
      this.output.write(`${JSON.stringify({ route: 'callback:8', body: data ?? {} })}\n`);
    }
    interaction.callbacks.push({ type, data, at: Date.now() });
    const flags = typeof data?.flags === 'number' ? data.flags : 0;
    if (type === 4) interaction.original = this.storeMessage(data ?? {}, flags & EPHEMERAL, interaction);
    if (type === 5) interaction.original = this.storeMessage({}, (flags & EPHEMERAL) | LOADING, interaction);
    if (type === 6 || type === 7) {
      const on = this.messages.get(((interaction.payload.message ?? {}) as Json).id as string);
      if (!on) throw new Error('emulator: button interaction without its message');
      interaction.original = on;
      if (type === 7) {
        this.editMessage(on, data ?? {});
        interaction.originalEdits++;
      }
    }
    if (url.searchParams.get('with_response') === 'true') {
      this.json(res, 200, { interaction: { id, type: interaction.type, response_message_id: interaction.original?.id }, resource: { type, message: interaction.original } });
      return 200;
    }
    this.json(res, 204, null);
    return 204;
  }

  private webhook(method: string, applicationId: string, token: string, messageId: string | null, url: URL, res: ServerResponse, body: Json): number {
    const route = messageId === null ? 'followup' : 'edit';
    const interaction = this.byToken.get(token);
    if (!interaction || applicationId !== this.applicationId) {
      this.refuse(res, null, route, 404, 10015, 'Unknown Webhook');
      return 404;
    }
    if (Date.now() - interaction.createdAt > 15 * 60_000) {
      this.refuse(res, interaction, route, 401, 50027, 'Invalid Webhook Token');
      return 401;
    }
    if (!interaction.acknowledged) {
      this.refuse(res, interaction, route, 404, 10008, 'Unknown Message');
      return 404;
    }
    if (method === 'PATCH' && messageId !== null) {
      const target = messageId === '@original' ? interaction.original : interaction.followups.find((f) => f.id === messageId) ?? null;
      if (!target) {
        this.refuse(res, interaction, route, 404, 10008, 'Unknown Message');
        return 404;
      }
      const problems = messageProblems(body, false);
      // An edit must not leave the message empty either.
      const after = { content: body.content ?? target.content, embeds: body.embeds ?? target.embeds, components: body.components ?? target.components };
      if (!problems.length) problems.push(...messageProblems(after, true).filter((p) => p.code === 50006));
      this.record(`edit`, interaction, body, problems.length ? 400 : 200, problems);
      if (problems.length) {
        this.refuse(res, interaction, route, 400, problems[0]!.code, 'Invalid Form Body', { errors: problems });
        return 400;
      }
      this.editMessage(target, body);
      if (target === interaction.original) interaction.originalEdits++;
      this.json(res, 200, target);
      return 200;
    }
    if (method === 'POST' && messageId === null) {
      const problems = messageProblems(body, true);
      this.record('followup', interaction, body, problems.length ? 400 : 200, problems);
      if (problems.length) {
        this.refuse(res, interaction, route, 400, problems[0]!.code, 'Invalid Form Body', { errors: problems });
        return 400;
      }
      const flags = typeof body.flags === 'number' ? body.flags & EPHEMERAL : 0;
      const message = this.storeMessage(body, flags, interaction);
      interaction.followups.push(message);
      if (url.searchParams.get('wait') === 'true') this.json(res, 200, message);
      else this.json(res, 204, null);
      return url.searchParams.get('wait') === 'true' ? 200 : 204;
    }
    this.json(res, 405, { message: '405: Method Not Allowed', code: 0 });
    return 405;
  }
}

/** Checks Discord makes on command registration that matter for these commands. */
function commandProblems(c: Json, i: number, guild: boolean): Problem[] {
  const problems: Problem[] = [];
  const bad = (path: string, message: string) => problems.push({ code: 50035, path: `${i}.${path}`, message });
  if (typeof c.name !== 'string' || !/^[-_\p{Ll}\p{N}]{1,32}$/u.test(c.name)) bad('name', 'must be 1-32 lowercase characters');
  if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100) bad('description', 'must be 1-100 characters');
  if (guild && c.contexts !== undefined) bad('contexts', 'contexts are for global commands only');
  const options = Array.isArray(c.options) ? (c.options as Json[]) : [];
  if (options.length > 25) bad('options', 'must be 25 or fewer');
  let optional = false;
  options.forEach((o, j) => {
    if (typeof o.description !== 'string' || o.description.length < 1 || o.description.length > 100) bad(`options.${j}.description`, 'must be 1-100 characters');
    if (o.required === true && optional) bad(`options.${j}.required`, 'Required options must be placed before non-required options');
    if (o.required !== true) optional = true;
  });
  return problems;
}
