// Pass 2 for one tenant and period, after a debounce: the period ranked from its
// stored UnrankedResults (rankStored), results saved (saveResults reports change by inputsHash:
// numbers, rank or rank awards), changed partners' write-back enqueued. A period
// with no complete set of pass-1 rows (first change in a new period, a new plan
// version) is scored whole in one pass instead.
import type { Job } from 'bullmq';
import type { TenantId } from '../../store/ids.js';
import { closedPeriods } from '../../store/repos/pipeline-results.repo.js';
import { countRecords } from '../../store/repos/records.repo.js';
import { countUnranked } from '../../store/repos/unranked.repo.js';
import type { Payload } from '../queues.js';
import { activePlan, isRepeat, type PipelineContext } from './context.js';
import { enqueueWriteback } from './enqueue.js';
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
  const live = (await countRecords(db, tenantId)).partner;
  let changed: string[];
  if (ranked < live) {
    changed = (await scorePeriod(ctx, tenantId, active, period)).changed;
  } else {
    changed = await rankStored(ctx, tenantId, active, period);
  }
  if (changed.length > 0 || isRepeat(job)) await enqueueWriteback(ctx, tenantId);
  return { ranked, changed: changed.length };
}
