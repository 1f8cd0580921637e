// Where a run's time went, from the jobs BullMQ keeps after completion (the last
// 1,000 per queue): per pipeline queue, how many jobs ran since `since`, how long they
// waited past their delay, and how long they ran. Printed with --diagnose.
import type { Queues } from '../../src/jobs/queue-factory.js';
import { spread } from './stats.js';

const QUEUES = ['sync', 'recalc', 'rerank', 'writeback'] as const;

export async function queueTiming(queues: Queues, since: number): Promise<string[]> {
  const lines: string[] = [];
  for (const name of QUEUES) {
    const jobs = (await queues.queue(name).getJobs(['completed', 'failed'], 0, 999)).filter(
      (j) => j.timestamp >= since && j.processedOn && j.finishedOn,
    );
    if (jobs.length === 0) continue;
    const waited = spread(jobs.map((j) => j.processedOn! - j.timestamp - (j.opts.delay ?? 0)));
    const ran = spread(jobs.map((j) => j.finishedOn! - j.processedOn!));
    lines.push(
      `${name.padEnd(9)} ${String(jobs.length).padStart(5)} jobs; waited past delay p50 ${waited.p50} / max ${waited.max} ms; ran p50 ${ran.p50} / p95 ${ran.p95} / max ${ran.max} ms`,
    );
  }
  return lines;
}
