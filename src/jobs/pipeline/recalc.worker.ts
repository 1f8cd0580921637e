// One partner, one period: load only that partner's data (load-input.ts), run the
// core's pass 1 (scoreUnranked) and store the partner's UnrankedResult. When it
// changed, the period's ranking is re-evaluated after a debounce (rerank). Calls no CRM.
import type { Job } from 'bullmq';
import { scoreUnranked } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { closedPeriods } from '../../store/repos/pipeline-results.repo.js';
import { deleteUnranked, saveUnranked } from '../../store/repos/unranked.repo.js';
import type { Payload } from '../queues.js';
import { activePlan, isRepeat, type PipelineContext, sha256 } from './context.js';
import { enqueueRerank } from './enqueue.js';
import { partnerInput } from './load-input.js';

export async function processRecalc(ctx: PipelineContext, job: Job<Payload<'recalc'>>) {
  const { partnerId, period } = job.data;
  const tenantId = job.data.tenantId as TenantId;
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
  if (changed || isRepeat(job)) await enqueueRerank(ctx, tenantId, period);
  return { changed };
}
