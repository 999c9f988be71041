// A benchmark child process: run the one job given as JSON in argv[2] and print its metrics as the last line
// of stdout. Started by bench.ts with --expose-gc and tsx.
import { runJob, type Job } from './jobs.ts';

const job = JSON.parse(process.argv[2] ?? 'null') as Job | null;
if (job === null) {
  process.stderr.write('usage: child.ts JOB_JSON (started by npm run bench)\n');
  process.exit(2);
}
const metrics = await runJob(job);
process.stdout.write(`\n${JSON.stringify(metrics)}\n`);
// A refresh's worker or a library's timers must not keep the process alive once measured.
process.exit(0);
