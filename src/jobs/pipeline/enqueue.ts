// Enqueueing the pipeline's follow-up jobs, coalesced with BullMQ deduplication:
// while a job for the same key waits out its delay, further adds are dropped; while
// it runs, the last add is kept and runs after it (keepLastIfActive) — so a burst
// gives one run, and a change that lands mid-run is never lost. The database holds
// the state (unranked rows, pending results), so a coalesced job reads the latest.
import type { TenantId } from '../../store/ids.js';
import { markRankPending } from '../../store/repos/rank-pending.repo.js';
import type { PipelineContext } from './context.js';

export async function enqueueRecalc(
  ctx: Pick<PipelineContext, 'queues' | 'timing'>,
  tenantId: TenantId,
  period: string,
  /** 1 (first) for the current period, which the CRM shows; higher for the rest. */
  priority = 1,
): Promise<void> {
  // One job per tenant-period: it scores every partner marked dirty in it when it runs.
  await ctx.queues.add(
    'recalc',
    { tenantId, period },
    {
      delay: ctx.timing.recalcDelayMs,
      priority,
      deduplication: { id: `recalc.${tenantId}.${period}`, keepLastIfActive: true },
    },
  );
}

export async function enqueueRerank(ctx: PipelineContext, tenantId: TenantId, period: string): Promise<void> {
  // Owed until a ranking saves every moved result (rank-pending.repo.ts): a job lost
  // with the queue is added again by the reconciler.
  await markRankPending(ctx.store.db, tenantId, period);
  await ctx.queues.add(
    'rerank',
    { tenantId, period },
    {
      delay: ctx.timing.rerankDelayMs,
      deduplication: { id: `rerank.${tenantId}.${period}`, keepLastIfActive: true },
    },
  );
}

/**
 * The period's rank sweep: one rerank that saves every rank-only change too, once per
 * rankSweepDelayMs (adds while it waits are dropped; one while it runs is kept).
 */
export async function enqueueRankSweep(
  ctx: Pick<PipelineContext, 'queues' | 'timing'>,
  tenantId: TenantId,
  period: string,
  /** The reconciler's re-add of a sweep lost with the queue is overdue: 0. */
  delayMs = ctx.timing.rankSweepDelayMs,
): Promise<void> {
  // No mark of its own: the rerank that deferred changes to it kept the period's mark.
  await ctx.queues.add(
    'rerank',
    { tenantId, period, sweep: true },
    {
      delay: delayMs,
      deduplication: { id: `ranks.${tenantId}.${period}`, keepLastIfActive: true },
    },
  );
}

export async function enqueueWriteback(ctx: PipelineContext, tenantId: TenantId): Promise<void> {
  await ctx.queues.add(
    'writeback',
    { tenantId },
    {
      delay: ctx.timing.writebackDelayMs,
      deduplication: { id: `writeback.${tenantId}`, keepLastIfActive: true },
    },
  );
}
