// One tenant, one period: every partner marked dirty in it (recalc-dirty.repo.ts) when
// the job runs, as one batch: their data loaded in one set of queries (load-input.ts),
// the core's pass 1 (scoreUnranked), their UnrankedResults stored in one statement.
// When any changed, the period's ranking is re-evaluated once for the batch after a
// debounce (rerank), and the write-back after it. Calls no CRM.
//
// Coalescing (docs/pipeline.md): the job is a wake-up call for the period's dirty marks.
// No mark: an earlier run already scored the change. A partner whose latest change came
// after push rows that are still unsynced is held (a burst in progress may touch it
// again; bounded by recalcMaxWaitMs): the batch takes the partners not held, and waits
// when all are. Each mark is cleared only if no change came after the version read, so
// a change that lands during the run keeps its mark, and the re-add (keepLastIfActive)
// runs again and takes it.
import { DelayedError, type Job } from 'bullmq';
import { scoreUnranked } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { closedPeriods } from '../../store/repos/pipeline-results.repo.js';
import { clearDirty, readDirtyPeriod } from '../../store/repos/recalc-dirty.repo.js';
import { deleteUnranked, saveUnranked } from '../../store/repos/unranked.repo.js';
import type { Payload } from '../queues.js';
import { activePlan, isRepeat, type PipelineContext, sha256 } from './context.js';
import { enqueueRecalc, enqueueRerank } from './enqueue.js';
import { partnersInput } from './load-input.js';

export async function processRecalc(ctx: PipelineContext, job: Job<Payload<'recalc'>>, token?: string) {
  const { period } = job.data;
  const tenantId = job.data.tenantId as TenantId;
  const db = ctx.store.db;
  const marks = await readDirtyPeriod(db, tenantId, period, {
    maxWaitMs: ctx.timing.recalcMaxWaitMs,
    settleMs: ctx.timing.recalcSettleMs,
  });
  if (marks.length === 0) return { skipped: 'no change since the last recalculation' };
  const ready = marks.filter((m) => m.ready);
  if (ready.length === 0) {
    await job.moveToDelayed(Date.now() + ctx.timing.recalcRecheckMs, token);
    throw new DelayedError();
  }
  const outcome = await recalculate(
    ctx,
    job,
    tenantId,
    ready.map((m) => m.partnerId),
    period,
  );
  const cleared = await clearDirty(db, tenantId, period, ready);
  // Partners still held by the burst: their sync's add may have been absorbed by this
  // job while it waited, so ask for a later run (kept by keepLastIfActive).
  const held = marks.length - ready.length;
  if (held > 0) await enqueueRecalc(ctx, tenantId, period, job.opts.priority);
  return { ...outcome, cleared, held };
}

async function recalculate(
  ctx: PipelineContext,
  job: Job<Payload<'recalc'>>,
  tenantId: TenantId,
  partnerIds: string[],
  period: string,
) {
  const db = ctx.store.db;
  const active = await activePlan(db, tenantId);
  if (!active) return { skipped: 'no active plan' };
  // Frozen numbers are never edited (changes to a closed period are recalculated in
  // the open one, where they become adjustments).
  if ((await closedPeriods(db, tenantId)).has(period)) return { skipped: `period ${period} is closed` };
  const input = await partnersInput(db, tenantId, partnerIds, active.plan, period);
  // The input also holds partners credited on the same accounts, only for their facts
  // (first won deals): they are not scored (a partial input; and scoring them cost most
  // of the job, hundreds of partners for a batch of tens).
  const wanted = new Set(partnerIds);
  const doc = scoreUnranked(active.plan, input, {
    period,
    computedAt: ctx.now().toISOString(),
    sha256,
    partners: wanted,
  });
  const mine = doc.partners;
  const scored = new Set(mine.map((p) => p.result.partnerId));
  const gone = partnerIds.filter((p) => !scored.has(p)); // partners gone from the store
  const changed =
    (mine.length > 0 ? (await saveUnranked(db, tenantId, period, active.version, mine)).length : 0) +
    (gone.length > 0 ? await deleteUnranked(db, tenantId, gone) : 0);
  // A waited job counts as a repeat (attemptsStarted > 1): at worst one more debounced rerank.
  if (changed > 0 || isRepeat(job)) await enqueueRerank(ctx, tenantId, period);
  return { partners: partnerIds, changed };
}
