// The write-back queue's worker: a tenant's pending results to its CRM
// (write-pending.ts). Records still failing for a passing reason stay pending and
// the job fails, so BullMQ retries it with backoff — and the retry sends only them.
import type { Job } from 'bullmq';
import type { TenantId } from '../../store/ids.js';
import type { Payload } from '../queues.js';
import type { PipelineContext } from './context.js';
import { onCrmError, tenantGate } from './gate.js';
import { jobLockCheck } from './job-lock.js';
import { writePending } from './write-pending.js';

export class WriteRetryError extends Error {}

export async function processWriteback(ctx: PipelineContext, job: Job<Payload<'writeback'>>, token?: string) {
  const tenantId = job.data.tenantId as TenantId;
  const { tenant, connector } = await ctx.connectors.forTenant(tenantId);
  await tenantGate(ctx, job, token, tenant);
  let report: Awaited<ReturnType<typeof writePending>>;
  try {
    report = await writePending(ctx, tenantId, connector, { jobLockHeld: jobLockCheck(ctx, job, token) });
  } catch (err) {
    return onCrmError(ctx, job, token, tenantId, err);
  }
  if (report.retryLeft > 0) {
    throw new WriteRetryError(`${report.retryLeft} record(s) still failing: ${report.lastError}`);
  }
  return report;
}
