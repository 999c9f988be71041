// The emulator's own rules, checked with plain HTTP and a plain WebSocket (no discord.js): if it did not
// enforce Discord's rules, the end-to-end tests that rely on it would prove nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DiscordEmulator, shardOfGuild } from './discord.ts';

const TOKEN = 'emulator-test-token-0123456789';
let emu: DiscordEmulator;
let ws: WebSocket;
const received: Record<string, unknown>[] = [];

async function until(condition: () => boolean, what: string): Promise<void> {
  await emu.waitFor(condition, what, 5000);
}

beforeAll(async () => {
  emu = await new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: 60_000 }).start();
});
afterAll(async () => {
  ws?.close();
  await emu.stop();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${emu.apiUrl}/v10${path}`, init);
const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

describe('gateway', () => {
  it('gives the gateway only to the right token', async () => {
    expect((await api('/gateway/bot')).status).toBe(401);
    const ok = await api('/gateway/bot', { headers: { Authorization: `Bot ${TOKEN}` } });
    expect(await ok.json()).toMatchObject({ url: emu.gatewayUrl, shards: 1 });
  });

  it('closes with 4004 on a bad token, and sends HELLO, READY and GUILD_CREATE on a good one', async () => {
    const bad = new WebSocket(emu.gatewayUrl);
    const closed = new Promise<number>((resolve) => bad.on('close', (code) => resolve(code)));
    bad.on('open', () => bad.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 1, properties: {} } })));
    expect(await closed).toBe(4004);

    ws = new WebSocket(emu.gatewayUrl);
    ws.on('message', (raw) => received.push(JSON.parse(String(raw)) as Record<string, unknown>));
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ op: 2, d: { token: TOKEN, intents: 1, properties: {}, shard: [0, 1] } }));
    await until(() => received.some((m) => m.t === 'GUILD_CREATE'), 'GUILD_CREATE');
    expect(received[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 60_000 } });
    expect(received.find((m) => m.t === 'READY')).toMatchObject({ s: 1, d: { application: { id: emu.applicationId }, resume_gateway_url: emu.gatewayUrl } });
    ws.send(JSON.stringify({ op: 1, d: 2 }));
    await until(() => received.some((m) => m.op === 11), 'a heartbeat ACK');
  });
});

describe('interactions', () => {
  it('accepts one acknowledgement, then refuses a second with 40060', async () => {
    const i = emu.command('help');
    await until(() => received.some((m) => m.t === 'INTERACTION_CREATE' && (m.d as { id: string }).id === i.id), 'the dispatch');
    const body = { type: 4, data: { content: 'hello', allowed_mentions: { parse: [] } } };
    expect((await post(`/interactions/${i.id}/${i.token}/callback`, body)).status).toBe(204);
    const second = await post(`/interactions/${i.id}/${i.token}/callback`, body);
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ code: 40060 });
  });

  it('refuses a first response after 3 seconds with 10062', async () => {
    const i = emu.command('help', {}, { backdateMs: 3001 });
    const late = await post(`/interactions/${i.id}/${i.token}/callback`, { type: 5 });
    expect(late.status).toBe(404);
    expect(await late.json()).toMatchObject({ code: 10062 });
    expect(i.acknowledged).toBe(false);
  });

  it('refuses messages over Discord\'s limits with 400 / 50035 and does not count them as a response', async () => {
    const i = emu.command('help');
    const long = await post(`/interactions/${i.id}/${i.token}/callback`, { type: 4, data: { content: 'x'.repeat(2001) } });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ code: 50035 });
    const fields = Array.from({ length: 26 }, (_, n) => ({ name: `f${n}`, value: 'v' }));
    const many = await post(`/interactions/${i.id}/${i.token}/callback`, { type: 4, data: { embeds: [{ description: 'd', fields }] } });
    expect(many.status).toBe(400);
    const empty = await post(`/interactions/${i.id}/${i.token}/callback`, { type: 4, data: { content: '' } });
    expect(await empty.json()).toMatchObject({ code: 50006 });
    expect(i.acknowledged).toBe(false);
    // A deferred reply is edited through the webhook, under the same limits.
    expect((await post(`/interactions/${i.id}/${i.token}/callback`, { type: 5 })).status).toBe(204);
    const edit = (content: string) =>
      api(`/webhooks/${emu.applicationId}/${i.token}/messages/%40original`, { method: 'PATCH', body: JSON.stringify({ content }), headers: { 'Content-Type': 'application/json' } });
    expect((await edit('y'.repeat(2001))).status).toBe(400);
    const ok = await edit('fine');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ content: 'fine', flags: 0 });
    expect(emu.sent.filter((s) => s.interactionId === i.id).map((s) => s.status)).toEqual([400, 400, 400, 400, 200]);
  });

  it('answers injected 429s with Retry-After, then serves the request normally', async () => {
    emu.inject(/\/gateway\/bot$/, { retryAfter: 1.5, count: 1 });
    const limited = await api('/gateway/bot', { headers: { Authorization: `Bot ${TOKEN}` } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1.5');
    expect((await api('/gateway/bot', { headers: { Authorization: `Bot ${TOKEN}` } })).status).toBe(200);
  });

  it('replays dispatches missed during a drop when the session resumes', async () => {
    const session = (received.find((m) => m.t === 'READY')!.d as { session_id: string }).session_id;
    const seq = Math.max(...received.map((m) => (typeof m.s === 'number' ? m.s : 0)));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    emu.drop(4000);
    expect(await closed).toBe(4000);
    const missed = emu.command('help');

    received.length = 0;
    ws = new WebSocket(emu.gatewayUrl);
    ws.on('message', (raw) => received.push(JSON.parse(String(raw)) as Record<string, unknown>));
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ op: 6, d: { token: TOKEN, session_id: session, seq } }));
    await until(() => received.some((m) => m.t === 'RESUMED'), 'RESUMED');
    const replayed = received.filter((m) => m.t === 'INTERACTION_CREATE');
    expect(replayed.map((m) => (m.d as { id: string }).id)).toEqual([missed.id]);
    expect(emu.gateway.resumes).toBe(1);
  });
});

describe('a sharded bot', () => {
  let sharded: DiscordEmulator;
  const sockets: WebSocket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.close();
    await sharded?.stop();
  });

  /** Connect and IDENTIFY as `shard`; the frames received, and how the connection closed (if it did). */
  async function identify(shard: [number, number]) {
    const frames: Record<string, unknown>[] = [];
    const socket = new WebSocket(sharded.gatewayUrl);
    sockets.push(socket);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', (raw) => frames.push(JSON.parse(String(raw)) as Record<string, unknown>));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ op: 2, d: { token: TOKEN, intents: 1, properties: {}, shard } }));
    return { frames, closed };
  }
  const ids = (frames: Record<string, unknown>[], t: string) => frames.filter((f) => f.t === t).map((f) => (f.d as { id: string }).id);

  it('recommends its shard count, refuses a wrong shard, and gives each shard the guilds it owns and their interactions', async () => {
    sharded = await new DiscordEmulator({ token: TOKEN, heartbeatIntervalMs: 60_000, shards: 2, maxConcurrency: 4 }).start();
    const second = sharded.addGuild('Second', 1);
    expect([shardOfGuild(sharded.guild.id, 2), shardOfGuild(second.id, 2)]).toEqual([0, 1]);
    const info = await fetch(`${sharded.apiUrl}/v10/gateway/bot`, { headers: { Authorization: `Bot ${TOKEN}` } });
    expect(await info.json()).toMatchObject({ shards: 2, session_start_limit: { max_concurrency: 4 } });

    // Fewer shards than Discord requires, and a shard id outside the count.
    expect(await (await identify([0, 1])).closed).toBe(4011);
    expect(await (await identify([2, 2])).closed).toBe(4010);

    const zero = await identify([0, 2]);
    const one = await identify([1, 2]);
    await until(() => ids(zero.frames, 'GUILD_CREATE').length === 1 && ids(one.frames, 'GUILD_CREATE').length === 1, 'a GUILD_CREATE on each shard');
    expect(zero.frames.find((f) => f.t === 'READY')).toMatchObject({ d: { shard: [0, 2], guilds: [{ id: sharded.guild.id }] } });
    expect(one.frames.find((f) => f.t === 'READY')).toMatchObject({ d: { shard: [1, 2], guilds: [{ id: second.id }] } });
    expect(sharded.gateway.identified).toEqual([
      [0, 2],
      [1, 2],
    ]);

    const inSecond = sharded.command('help', {}, { guild: second.id });
    const inFirst = sharded.command('help');
    const inDm = sharded.command('help', {}, { dm: true });
    await until(() => ids(one.frames, 'INTERACTION_CREATE').length === 1 && ids(zero.frames, 'INTERACTION_CREATE').length === 2, 'the interactions');
    expect(ids(one.frames, 'INTERACTION_CREATE')).toEqual([inSecond.id]);
    // Direct messages go to shard 0.
    expect(ids(zero.frames, 'INTERACTION_CREATE')).toEqual([inFirst.id, inDm.id]);
    expect([inSecond.shard, inFirst.shard, inDm.shard]).toEqual([1, 0, 0]);
  });
});
