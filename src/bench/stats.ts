// Small statistics for the benchmark: percentiles of latency samples, medians of repeated runs, and the comparison of
// two checkouts' latencies (npm run bench:ab).

/** The p-th percentile (0..100) of `xs` by nearest rank; NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))]!;
}

/** Median of the finite values; NaN when there are none. */
export function median(xs: readonly (number | null | undefined)[]): number {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return Number.NaN;
  const s = Float64Array.from(v).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export function latency(ms: readonly number[]): Latency {
  let sum = 0;
  let max = 0;
  for (const x of ms) {
    sum += x;
    if (x > max) max = x;
  }
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max, mean: ms.length ? sum / ms.length : Number.NaN };
}

/** A latency's spread as benchmark metrics, named as the tables read them: `name`P50Ms, `name`P99Ms, `name`MaxMs. */
export function spreadMetrics(name: string, l: Pick<Latency, 'p50' | 'p99' | 'max'>): Record<string, number> {
  return { [`${name}P50Ms`]: l.p50, [`${name}P99Ms`]: l.p99, [`${name}MaxMs`]: l.max };
}

export interface Comparison {
  readonly self: Latency;
  readonly other: Latency;
  /** self / other, per statistic: below 1, `self` is faster. */
  readonly ratio: Pick<Latency, 'p50' | 'p95' | 'p99' | 'mean'>;
}

/** Two sides' latencies over the per-question medians of their passes (`ms[question][pass]`), and their ratios
 * (npm run bench:ab, ab.ts). */
export function compare(self: readonly (readonly number[])[], other: readonly (readonly number[])[]): Comparison {
  const a = latency(self.map((xs) => median(xs)));
  const b = latency(other.map((xs) => median(xs)));
  return { self: a, other: b, ratio: { p50: a.p50 / b.p50, p95: a.p95 / b.p95, p99: a.p99 / b.p99, mean: a.mean / b.mean } };
}
