// Pass 2 for one tenant and period, after a debounce: the period ranked from its
// stored UnrankedResults (rankStored), results saved (saveResults reports change by inputsHash:
// numbers, rank or rank awards), changed partners' write-back enqueued. Under a burst,
// rank-only changes wait for the period's rank sweep (score-period.ts rankStored). A period
// with no complete set of pass-1 rows (first change in a new period, a new plan
// version) is scored whole in one pass instead.
import { DelayedError, type Job } from 'bullmq';
import type { TenantId } from '../../store/ids.js';
import { closedPeriods } from '../../store/repos/pipeline-results.repo.js';
import { clearRankPending, rankAskedWithin } from '../../store/repos/rank-pending.repo.js';
import { countPartners } from '../../store/repos/records.repo.js';
import { countUnranked } from '../../store/repos/unranked.repo.js';
import type { Payload } from '../queues.js';
import { activePlan, isRepeat, type PipelineContext } from './context.js';
import { enqueueRankSweep, enqueueWriteback } from './enqueue.js';
import { rankStored, scorePeriod } from './score-period.js';

export async function processRerank(ctx: PipelineContext, job: Job<Payload<'rerank'>>, token?: string) {
  const { period } = job.data;
  const tenantId = job.data.tenantId as TenantId;
  const db = ctx.store.db;
  const active = await activePlan(db, tenantId);
  // A period nothing will rank owes no ranking: its mark goes (or the reconciler would re-add this job forever).
  if (!active) {
    await clearRankPending(db, tenantId, period);
    return { skipped: 'no active plan' };
  }
  if ((await closedPeriods(db, tenantId)).has(period)) {
    await clearRankPending(db, tenantId, period);
    return { skipped: `period ${period} is closed` };
  }
  // A sweep waits while pushes are still re-ranking the period (a ranking was asked for
  // within rankSweepSettleMs), but no longer than rankSweepMaxWaitMs after it was asked
  // for: after a burst the rank-only changes go out a few seconds after the last push,
  // under a steady stream at most once per rankSweepMaxWaitMs (each sweep rewrites most
  // of the period, holding its rank lock, and the pushes' own reranks wait behind it).
  if (
    job.data.sweep &&
    Date.now() - job.timestamp < ctx.timing.rankSweepMaxWaitMs &&
    (await rankAskedWithin(db, tenantId, period, ctx.timing.rankSweepSettleMs))
  ) {
    await job.moveToDelayed(Date.now() + ctx.timing.rankSweepSettleMs / 2, token);
    throw new DelayedError();
  }
  // Only whether the pass-1 set is complete: rankStored reads the rows under its lock.
  const ranked = await countUnranked(db, tenantId, period, active.version);
  const live = await countPartners(db, tenantId);
  let changed: string[];
  let deferred = 0;
  if (ranked < live) {
    changed = (await scorePeriod(ctx, tenantId, active, period)).changed;
  } else {
    ({ changed, deferred } = await rankStored(
      ctx,
      tenantId,
      active,
      period,
      job.data.sweep ? 'save' : 'defer-many',
    ));
  }
  if (changed.length > 0 || isRepeat(job)) await enqueueWriteback(ctx, tenantId);
  if (deferred > 0) await enqueueRankSweep(ctx, tenantId, period);
  return { ranked, changed: changed.length, deferred, ...(job.data.sweep ? { sweep: true } : {}) };
}
