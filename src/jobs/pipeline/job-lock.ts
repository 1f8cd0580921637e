// Whether a job still holds its BullMQ lock. A worker whose lock lapsed (its event loop
// was blocked past JOB_LOCK_MS, or Redis lost the key) keeps running the processor
// while another worker has taken the job over as stalled: its side effects must stop
// — BullMQ refuses only its final moveToCompleted, not the CRM writes before it.
import type { Job } from 'bullmq';
import type { PipelineContext } from './context.js';

export class LostLockError extends Error {}

/** A check for long work to call before each side effect; always true for a job run without a token (tests). */
export function jobLockCheck(
  ctx: PipelineContext,
  job: Job,
  token: string | undefined,
): () => Promise<boolean> {
  if (!token) return async () => true;
  // extendLock answers 0 when the lock is not ours any more; when it is, renewing it is harmless.
  return async () => (await job.extendLock(token, ctx.queues.recovery.lockMs)) === 1;
}
