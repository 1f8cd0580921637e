// Per-tenant flow control for jobs that call the CRM. A paused tenant (until a time)
// or one that needs re-authorization is not called: the job moves itself back to
// delayed until the pause ends (or, parked, looks again later) — no retry storm,
// and other tenants' jobs keep running. A CRM answer that says "slow down" or "out
// of quota" pauses only this tenant, the same way.
import { DelayedError, type Job } from 'bullmq';
import { CrmError } from '../../../connectors/contract.js';
import type { TenantId } from '../../store/ids.js';
import { LockTimeoutError } from '../../store/locks.js';
import { audit } from '../../store/repos/audit.repo.js';
import { setTenantStatus, type Tenant } from '../../store/repos/tenants.repo.js';
import type { PipelineContext } from './context.js';

/** Puts the job back to delayed until `at` (a little jitter spreads a paused tenant's jobs). */
async function delayUntil(job: Job, token: string | undefined, at: number): Promise<never> {
  await job.moveToDelayed(Math.round(at + Math.random() * 1000), token);
  throw new DelayedError();
}

/** Returns when the tenant may be called now; otherwise delays the job (throws DelayedError). */
export async function tenantGate(ctx: PipelineContext, job: Job, token: string | undefined, tenant: Tenant) {
  const now = Date.now();
  if (tenant.status === 'needs_reauth') {
    ctx.logger.info(
      { tenantId: tenant.id, queue: job.queueName },
      'tenant needs re-authorization: job parked',
    );
    return delayUntil(job, token, now + ctx.timing.parkMs);
  }
  if (tenant.status === 'paused') {
    const until = tenant.pausedUntil ? Date.parse(tenant.pausedUntil) : now + ctx.timing.parkMs;
    if (until > now) return delayUntil(job, token, until);
    // The pause has run out: the tenant is active again.
    await setTenantStatus(ctx.store.db, tenant.id, 'active', null, null);
  }
}

/** A job that found the tenant's write-back lock busy for WRITE_LOCK_WAIT_MS tries again after this. */
const LOCK_BUSY_DELAY_MS = 5_000;

/**
 * Turns a tenant-wide CRM refusal into a pause of that tenant and a delayed job, and a
 * write-back lock held too long by another job into a delayed job (no attempt spent);
 * rethrows anything else.
 */
export async function onCrmError(
  ctx: PipelineContext,
  job: Job,
  token: string | undefined,
  tenantId: TenantId,
  err: unknown,
): Promise<never> {
  if (err instanceof LockTimeoutError) {
    ctx.logger.warn(
      { tenantId, queue: job.queueName, jobId: job.id, reason: err.message },
      'write-back lock busy: job delayed',
    );
    return delayUntil(job, token, Date.now() + LOCK_BUSY_DELAY_MS);
  }
  if (!(err instanceof CrmError)) throw err;
  const c = err.classification;
  const now = Date.now();
  if (c.kind === 'rateLimited' || c.kind === 'quotaExhausted') {
    const until = c.kind === 'rateLimited' ? new Date(now + Math.max(1000, c.retryAfterMs)) : c.resumeAt;
    await ctx.store.db.transaction(async (tx) => {
      await setTenantStatus(tx, tenantId, 'paused', c.reason, until);
      await audit(tx, tenantId, 'pipeline', 'tenant.paused', {
        reason: c.reason,
        until: until.toISOString(),
      });
    });
    ctx.logger.warn({ tenantId, until: until.toISOString(), reason: c.reason }, 'CRM limit: tenant paused');
    return delayUntil(job, token, until.getTime());
  }
  if (c.kind === 'needsReauth') {
    await ctx.store.db.transaction(async (tx) => {
      await setTenantStatus(tx, tenantId, 'needs_reauth', c.reason, null);
      await audit(tx, tenantId, 'pipeline', 'tenant.needs_reauth', { reason: c.reason });
    });
    return delayUntil(job, token, now + ctx.timing.parkMs);
  }
  throw err;
}
