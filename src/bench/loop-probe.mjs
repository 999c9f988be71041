// Preloaded into the bot by the benchmark's Discord job (`node --import`, as the tests preload their fault
// injector): the event-loop delay of the real bot process's main thread, which nothing in the bot itself
// reports. Each SIGUSR2 prints the delay measured since the previous one as one line on stderr, then starts
// anew. Plain JavaScript: worker threads inherit the preload, without tsx's hooks; there it does nothing.
// Not part of the bot; it changes nothing else.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    const report = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), count: histogram.count };
    process.stderr.write(`loop-probe ${JSON.stringify(report)}\n`);
    histogram.reset();
  });
}
