// The trivial job: proves a job travels producer → backend → worker → result.
import { randomBytes } from 'node:crypto';
import type { Job } from 'bullmq';
import type { Queues } from './queue-factory.js';
import type { Payload, QueueName } from './queues.js';

export async function pingProcessor(job: Job<Payload<'ping'>>): Promise<{ pong: string }> {
  return { pong: job.data.nonce };
}

export function startPingWorker(queues: Queues) {
  return queues.worker('ping', pingProcessor, { concurrency: 4 });
}

/** Enqueues a ping and waits for its result (polling: works on every backend). */
export async function roundTrip(queues: Queues, timeoutMs = 15_000): Promise<{ ms: number }> {
  const started = Date.now();
  const nonce = randomBytes(6).toString('hex');
  const name: QueueName = 'ping';
  const id = await queues.add(name, { nonce }, { removeOnComplete: false });
  const q = queues.queue(name);
  for (;;) {
    const state = await q.getJobState(id);
    const job = state === 'completed' || state === 'failed' ? await q.getJob(id) : null;
    if (state === 'completed') {
      if ((job!.returnvalue as { pong?: string })?.pong !== nonce)
        throw new Error('ping returned the wrong value');
      await job!.remove().catch(() => undefined);
      return { ms: Date.now() - started };
    }
    if (state === 'failed') throw new Error(`ping job failed: ${job!.failedReason}`);
    if (Date.now() - started > timeoutMs)
      throw new Error(`ping job not done within ${timeoutMs} ms (state ${state})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
