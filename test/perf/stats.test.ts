// The benchmark's small statistics: nearest-rank percentiles, how a latency's spread is named in its tables, and the
// comparison of two checkouts.
import { describe, expect, it } from 'vitest';
import { DATA_OPTIONS, defaultBenchData, readDataOption } from '../../src/bench/corpus.ts';
import { compare, latency, median, percentile, spreadMetrics } from '../../src/bench/stats.ts';

describe('bench statistics', () => {
  const samples = [5, 1, 4, 2, 3, 100, 6, 8, 7, 9];

  it('takes percentiles by nearest rank and medians of the finite values', () => {
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
    expect(median([3, null, 1, Number.NaN, 2, undefined])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('names a spread as the tables read it', () => {
    expect(spreadMetrics('fullLoop', latency(samples))).toEqual({ fullLoopP50Ms: 5, fullLoopP99Ms: 100, fullLoopMaxMs: 100 });
  });

  it('compares two checkouts by the median of each question\'s passes, so one slow pass does not count', () => {
    // Question 1 took 9 ms in one pass of three on this side: its median, 2 ms, is what counts.
    const c = compare([[1, 9, 2], [3, 3, 3]], [[4, 4, 4], [6, 5, 7]]);
    expect(c.self.p50).toBe(2);
    expect(c.other.p50).toBe(4);
    expect(c.ratio.p50).toBe(0.5);
    expect(c.self.mean).toBe(2.5);
    expect(c.ratio.mean).toBe(0.5);
    expect(c.ratio.p99).toBe(3 / 6);
  });
});

describe('bench data options', () => {
  it('start from ../shared/data and move one path per option, leaving other options to the caller', () => {
    const data = defaultBenchData();
    expect(data.squad).toBe('../shared/data/squad-dev-v1.1.json');
    expect(data.bbc).toBe('../shared/data/news/bbc');
    expect(readDataOption(data, '--squad', () => '/data/squad.json')).toBe(true);
    expect(readDataOption(data, '--cache', () => '/tmp/c')).toBe(true);
    expect(data).toEqual({ ...defaultBenchData(), squad: '/data/squad.json', cache: '/tmp/c' });
    let asked = false;
    expect(readDataOption(data, '--passes', () => ((asked = true), '3'))).toBe(false);
    expect(asked).toBe(false); // an option that is not a data path keeps its value for the caller
    for (const option of ['--bbc', '--reuters', '--squad', '--cache']) expect(DATA_OPTIONS).toContain(option);
  });
});
