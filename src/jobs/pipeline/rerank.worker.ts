// Pass 2 for one tenant and period, after a debounce: the period ranked from its
// stored UnrankedResults (rankStored), results saved (saveResults reports change by inputsHash:
// numbers, rank or rank awards), changed partners' write-back enqueued. Under a burst,
// rank-only changes wait for the period's rank sweep (score-period.ts rankStored). A period
// with no complete set of pass-1 rows (first change in a new period, a new plan
// version) is scored whole in one pass instead.
import type { Job } from 'bullmq';
import type { TenantId } from '../../store/ids.js';
import { closedPeriods } from '../../store/repos/pipeline-results.repo.js';
import { countPartners } from '../../store/repos/records.repo.js';
import { countUnranked } from '../../store/repos/unranked.repo.js';
import type { Payload } from '../queues.js';
import { activePlan, isRepeat, type PipelineContext } from './context.js';
import { enqueueRankSweep, enqueueWriteback } from './enqueue.js';
import { rankStored, scorePeriod } from './score-period.js';

export async function processRerank(ctx: PipelineContext, job: Job<Payload<'rerank'>>) {
  const { period } = job.data;
  const tenantId = job.data.tenantId as TenantId;
  const db = ctx.store.db;
  const active = await activePlan(db, tenantId);
  if (!active) return { skipped: 'no active plan' };
  if ((await closedPeriods(db, tenantId)).has(period)) return { skipped: `period ${period} is closed` };
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
