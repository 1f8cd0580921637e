// One partner, one period: load only that partner's data (load-input.ts), run the
// core's pass 1 (scoreUnranked) and store the partner's UnrankedResult. When it
// changed, the period's ranking is re-evaluated after a debounce (rerank). Calls no CRM.
//
// Coalescing (docs/architecture.md): the job is a wake-up call for the partner-period's
// dirty mark (recalc-dirty.repo.ts). No mark: an earlier run already scored the change.
// While push rows received before the latest change are still unsynced, a burst is in
// progress and may touch this partner again: the job waits (bounded by recalcMaxWaitMs).
// The mark is cleared only if no change came after the version read, so a change that
// lands during the run keeps its mark, and its re-add (keepLastIfActive) runs again.
import { DelayedError, type Job } from 'bullmq';
import { scoreUnranked } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { closedPeriods } from '../../store/repos/pipeline-results.repo.js';
import { clearDirty, readDirty } from '../../store/repos/recalc-dirty.repo.js';
import { deleteUnranked, saveUnranked } from '../../store/repos/unranked.repo.js';
import type { Payload } from '../queues.js';
import { activePlan, isRepeat, type PipelineContext, sha256 } from './context.js';
import { enqueueRerank } from './enqueue.js';
import { partnerInput } from './load-input.js';

export async function processRecalc(ctx: PipelineContext, job: Job<Payload<'recalc'>>, token?: string) {
  const { partnerId, period } = job.data;
  const tenantId = job.data.tenantId as TenantId;
  const db = ctx.store.db;
  const mark = await readDirty(db, tenantId, partnerId, period, ctx.timing.recalcMaxWaitMs);
  if (!mark) return { skipped: 'no change since the last recalculation' };
  if (mark.syncBehind && !mark.overdue) {
    await job.moveToDelayed(Date.now() + ctx.timing.recalcRecheckMs, token);
    throw new DelayedError();
  }
  const outcome = await recalculate(ctx, job, tenantId, partnerId, period);
  await clearDirty(db, tenantId, partnerId, period, mark.version);
  return outcome;
}

async function recalculate(
  ctx: PipelineContext,
  job: Job<Payload<'recalc'>>,
  tenantId: TenantId,
  partnerId: string,
  period: string,
) {
  const db = ctx.store.db;
  const active = await activePlan(db, tenantId);
  if (!active) return { skipped: 'no active plan' };
  // Frozen numbers are never edited (changes to a closed period are recalculated in
  // the open one, where they become adjustments).
  if ((await closedPeriods(db, tenantId)).has(period)) return { skipped: `period ${period} is closed` };
  const input = await partnerInput(db, tenantId, partnerId, active.plan.currency);
  const doc = scoreUnranked(active.plan, input, { period, computedAt: ctx.now().toISOString(), sha256 });
  const mine = doc.partners.find((p) => p.result.partnerId === partnerId);
  let changed: boolean;
  if (mine) changed = (await saveUnranked(db, tenantId, period, active.version, [mine])).length > 0;
  else changed = (await deleteUnranked(db, tenantId, [partnerId])) > 0; // partner gone from the store
  // A waited job counts as a repeat (attemptsStarted > 1): at worst one more debounced rerank.
  if (changed || isRepeat(job)) await enqueueRerank(ctx, tenantId, period);
  return { changed };
}
