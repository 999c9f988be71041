// How often people may ask: a token bucket per user and one per server. A bucket holds up to `burst` tokens
// and gains `perMinute` a minute; a question takes one. The user's bucket is checked first and a question it
// refuses takes nothing from the server's, so one member flooding spends only their own tokens and the
// server's stay for everyone else. Pure apart from the clock, which is injected.
import type { BucketLimit, RateLimits } from '../config.ts';
import { counted } from '../plural.ts';

export type RateScope = 'user' | 'server';

export type RateDecision =
  | { readonly kind: 'allowed' }
  | {
      readonly kind: 'limited';
      readonly scope: RateScope;
      /** When a question would next be allowed, from now. */
      readonly retryAfterMs: number;
      /** True for the first refusal since this user (or server) was last allowed: log that one only. */
      readonly first: boolean;
    };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms, the injected clock). */
  at: number;
  /** Refused since it was last allowed. */
  limited: boolean;
}

/** Buckets are forgotten once full again; a sweep for those runs after this many new ones. */
const SWEEP_EVERY = 1000;

class Buckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private created = 0;

  constructor(private readonly limit: BucketLimit) {
    this.perMs = limit.perMinute / 60_000;
  }

  get enabled(): boolean {
    return this.limit.perMinute > 0;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** The bucket for `key`, refilled up to `now`. */
  private current(key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.limit.burst, at: now, limited: false };
      this.buckets.set(key, b);
      if (++this.created % SWEEP_EVERY === 0) this.sweep(now);
      return b;
    }
    // A clock that steps back (NTP) must not take tokens away.
    const elapsed = Math.max(0, now - b.at);
    b.tokens = Math.min(this.limit.burst, b.tokens + elapsed * this.perMs);
    b.at = now;
    return b;
  }

  /** How long until `key` has a whole token, or 0 when it has one now. */
  wait(key: string, now: number): number {
    const b = this.current(key, now);
    return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / this.perMs);
  }

  take(key: string, now: number): void {
    const b = this.current(key, now);
    b.tokens -= 1;
    b.limited = false;
  }

  /** Mark `key` refused; true when it was not already. */
  refuse(key: string, now: number): boolean {
    const b = this.current(key, now);
    const first = !b.limited;
    b.limited = true;
    return first;
  }

  /** Forget buckets that have refilled: a full bucket is what a new one would be. */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + Math.max(0, now - b.at) * this.perMs >= this.limit.burst) this.buckets.delete(key);
    }
  }
}

export class QuestionLimiter {
  private readonly users: Buckets;
  private readonly servers: Buckets;

  constructor(
    limits: RateLimits,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.users = new Buckets(limits.user);
    this.servers = new Buckets(limits.server);
  }

  /** Buckets held in memory (for tests: they do not grow without bound). */
  get tracked(): number {
    return this.users.size + this.servers.size;
  }

  /**
   * Take a token for one question from `userId` in `guildId` (null in direct messages, which have only the
   * user's limit), or say how long to wait. A refused question takes nothing from either bucket.
   */
  take(userId: string, guildId: string | null): RateDecision {
    const now = this.now();
    if (this.users.enabled) {
      const wait = this.users.wait(userId, now);
      if (wait > 0) return { kind: 'limited', scope: 'user', retryAfterMs: wait, first: this.users.refuse(userId, now) };
    }
    if (guildId !== null && this.servers.enabled) {
      const wait = this.servers.wait(guildId, now);
      if (wait > 0) return { kind: 'limited', scope: 'server', retryAfterMs: wait, first: this.servers.refuse(guildId, now) };
    }
    if (this.users.enabled) this.users.take(userId, now);
    if (guildId !== null && this.servers.enabled) this.servers.take(guildId, now);
    return { kind: 'allowed' };
  }
}

/** The reply to a refused question: why, and when to try again, in whole seconds. */
export function slowDown(decision: Extract<RateDecision, { kind: 'limited' }>): string {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  const when = counted(seconds, 'second');
  return decision.scope === 'user'
    ? `You're asking faster than I can keep up with. Please slow down and try again in ${when}.`
    : `This server is asking more questions than I can answer at once. Please try again in ${when}.`;
}
