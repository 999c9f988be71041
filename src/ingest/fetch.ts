// Downloading one article over HTTP(S), guarded against server-side request forgery. The file-system-free
// network edge of /ingest: a URL in, bytes (or the reason they were refused) out.
//
// For every hop (the link, then each redirect) the guard:
//   1. accepts only http: and https: links without a user name or password;
//   2. resolves the host once (every address dns.lookup gives) and refuses the hop if any address is internal
//      (see address.ts), then anything but https on port 443; unless the host is on the allow-list
//      (INGEST_ALLOW_HOSTS), which lifts both;
//   3. connects only to the addresses it checked: the request's `lookup` hands the socket those, so a second
//      DNS answer (DNS rebinding) never reaches the connection;
// and for the whole download: at most `maxRedirects` redirects, each checked as above; the response's media
// type checked before its body is read; the body read only up to `maxBytes` (after decompression) and the
// connection dropped past it; everything, DNS included, within `timeoutMs`.
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { AllowedHost } from '../config.ts';
import { bareHost, classifyAddress, isAllowListed, portOf } from './address.ts';
import { messageOf } from '../log.ts';

export interface FetchPolicy {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly allowHosts: readonly AllowedHost[];
  /** Why a response of this media type (null when the server sent none) is refused, or null to read it. */
  readonly acceptType: (mediaType: string | null) => string | null;
}

export type FetchResult =
  | {
      readonly kind: 'fetched';
      /** Where the body finally came from, after redirects. */
      readonly url: string;
      readonly mediaType: string | null;
      readonly charset: string | null;
      readonly bytes: Buffer;
      readonly redirects: number;
    }
  | { readonly kind: 'refused'; readonly reason: string };

export const DEFAULT_MAX_REDIRECTS = 5;
const USER_AGENT = 'VerbatimBot/0.1 (+news article ingest; one page per moderator request)';
const ACCEPT = 'text/html, application/xhtml+xml;q=0.9, text/markdown;q=0.9, text/plain;q=0.8';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** "text/html; charset=UTF-8" -> media type and charset, lower-case. */
export function parseContentType(header: string | undefined): { mediaType: string | null; charset: string | null } {
  if (!header) return { mediaType: null, charset: null };
  const [type, ...params] = header.split(';');
  const mediaType = type!.trim().toLowerCase() || null;
  let charset: string | null = null;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq !== -1 && p.slice(0, eq).trim().toLowerCase() === 'charset') charset = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase() || null;
  }
  return { mediaType, charset };
}

/** 2097152 -> "2 MB", 65536 -> "64 KB", 10000 -> "9.8 KB". */
function sizeInWords(n: number): string {
  const [value, unit] = n >= 1024 * 1024 ? [n / 1024 / 1024, 'MB'] : [n / 1024, 'KB'];
  return `${value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
}

/** The refusal for a download over the cap; `size` when it is known (declared), in exact bytes. */
export function tooLarge(maxBytes: number, size?: number): string {
  return `it is larger than the ${sizeInWords(maxBytes)} limit${size !== undefined ? ` (${size.toLocaleString('en-US')} bytes)` : ''}`;
}

interface Resolved {
  readonly address: string;
  readonly family: 4 | 6;
}

type Target = { readonly ok: true; readonly addresses: readonly Resolved[] } | { readonly ok: false; readonly reason: string };

/** Steps 1 and 2 for one hop: may this URL be fetched, and at which address. */
async function checkTarget(url: URL, policy: FetchPolicy, deadline: Promise<never>): Promise<Target> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `only http and https links can be ingested (this one is ${url.protocol.replace(/:$/, '')})` };
  if (url.username || url.password) return { ok: false, reason: 'links with a user name or password in them are not accepted' };
  const host = bareHost(url);
  const listed = isAllowListed(url, policy.allowHosts);

  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await Promise.race([lookup(host, { all: true, verbatim: true }), deadline]);
    } catch (err) {
      if (err instanceof Deadline) throw err;
      return { ok: false, reason: `the host ${host} could not be found` };
    }
  }
  if (addresses.length === 0) return { ok: false, reason: `the host ${host} could not be found` };
  if (!listed) {
    for (const a of addresses) {
      const verdict = classifyAddress(a.address);
      if (verdict.kind === 'internal') {
        const shown = host === a.address ? host : `${host} (${a.address})`;
        return { ok: false, reason: `${shown} is an internal address: ${verdict.range}` };
      }
    }
  }
  // After the address check, so that a link to an internal service is reported as that.
  if (!listed && url.protocol !== 'https:') return { ok: false, reason: `only https links can be ingested (${url.host} is plain http)` };
  if (!listed && portOf(url) !== 443) return { ok: false, reason: `only the standard https port is allowed (${url.host} uses port ${portOf(url)})` };
  return { ok: true, addresses: addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })) };
}

/** Step 3: a lookup that answers with the addresses already checked, whatever it is asked. */
function pinnedLookup(addresses: readonly Resolved[]): LookupFunction {
  // Node asks with { all: true } when it may try several addresses in turn (autoSelectFamily, on by default
  // in Node 20): every address given was checked, so all may be tried. The parameter types are Node's
  // overloaded LookupFunction, spelled out loosely here.
  const first = addresses[0]!;
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, first.address, first.family);
  }) as unknown as LookupFunction;
}

class Deadline extends Error {
  override name = 'Deadline';
}

function request(url: URL, addresses: readonly Resolved[], signal: AbortSignal): Promise<http.IncomingMessage> {
  const host = bareHost(url);
  const secure = url.protocol === 'https:';
  const options: https.RequestOptions = {
    method: 'GET',
    hostname: host,
    port: portOf(url),
    path: `${url.pathname}${url.search}`,
    headers: { 'User-Agent': USER_AGENT, Accept: ACCEPT, 'Accept-Encoding': 'gzip, deflate, br' },
    lookup: pinnedLookup(addresses),
    agent: false,
    signal,
    // TLS checks the certificate against the name asked for, not the address connected to.
    ...(secure && isIP(host) === 0 ? { servername: host } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(options, resolve);
    req.on('error', reject);
    req.end();
  });
}

function decoded(res: http.IncomingMessage): Readable | null {
  const encoding = (res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return res;
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : null;
  if (!decoder) return null;
  res.on('error', (err) => decoder.destroy(err));
  return res.pipe(decoder);
}

/** Read at most `maxBytes`; null when the body goes past it (the stream is destroyed at that point). */
async function readCapped(stream: Readable, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > maxBytes) {
      stream.destroy();
      return null;
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ECONNREFUSED') return 'the server refused the connection';
  if (code === 'ECONNRESET') return 'the server closed the connection';
  if (code === 'Z_DATA_ERROR' || code === 'ERR__ERROR_FORMAT_PADDING_1') return 'the server sent a corrupt compressed body';
  if (typeof code === 'string' && /^(?:CERT_|ERR_TLS|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code)) return `the server's TLS certificate was not accepted (${code})`;
  return messageOf(err);
}

/** Download `link` under the policy. Never throws for anything the network or the server does. */
export async function fetchGuarded(link: string, policy: FetchPolicy): Promise<FetchResult> {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return { kind: 'refused', reason: 'that is not a valid link' };
  }
  const controller = new AbortController();
  let rejectDeadline: (err: Deadline) => void = () => {};
  const deadline = new Promise<never>((_resolve, reject) => {
    rejectDeadline = reject;
  });
  deadline.catch(() => {}); // observed where it matters; never an unhandled rejection
  const timer = setTimeout(() => {
    rejectDeadline(new Deadline('deadline'));
    controller.abort();
  }, policy.timeoutMs);
  const timedOut = () => ({ kind: 'refused', reason: `the download took longer than ${policy.timeoutMs / 1000} s` }) as const;
  try {
    for (let redirects = 0; ; redirects++) {
      const target = await checkTarget(url, policy, deadline);
      if (!target.ok) return { kind: 'refused', reason: redirects > 0 ? `it redirects to ${url.href}, which is refused: ${target.reason}` : target.reason };
      let res: http.IncomingMessage;
      try {
        res = await request(url, target.addresses, controller.signal);
      } catch (err) {
        if (controller.signal.aborted) return timedOut();
        return { kind: 'refused', reason: `the download failed: ${describeError(err)}` };
      }
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.destroy();
        const location = res.headers.location;
        if (!location) return { kind: 'refused', reason: `the server answered ${status} without saying where to` };
        if (redirects >= policy.maxRedirects) return { kind: 'refused', reason: `it redirects more than ${policy.maxRedirects} times` };
        try {
          url = new URL(location, url);
        } catch {
          return { kind: 'refused', reason: 'it redirects to an invalid link' };
        }
        continue;
      }
      if (status < 200 || status > 299) {
        res.destroy();
        return { kind: 'refused', reason: `the server answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}` };
      }
      const { mediaType, charset } = parseContentType(res.headers['content-type']);
      const typeProblem = policy.acceptType(mediaType);
      if (typeProblem) {
        res.destroy();
        return { kind: 'refused', reason: typeProblem };
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > policy.maxBytes) {
        res.destroy();
        return { kind: 'refused', reason: tooLarge(policy.maxBytes, declared) };
      }
      const body = decoded(res);
      if (!body) {
        res.destroy();
        return { kind: 'refused', reason: `the server sent an encoding that is not supported (${String(res.headers['content-encoding'])})` };
      }
      let bytes: Buffer | null;
      try {
        bytes = await readCapped(body, policy.maxBytes);
      } catch (err) {
        if (controller.signal.aborted) return timedOut();
        return { kind: 'refused', reason: `the download failed: ${describeError(err)}` };
      } finally {
        res.destroy();
      }
      if (bytes === null) return { kind: 'refused', reason: tooLarge(policy.maxBytes) };
      return { kind: 'fetched', url: url.href, mediaType, charset, bytes, redirects };
    }
  } catch (err) {
    if (err instanceof Deadline) return timedOut();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
