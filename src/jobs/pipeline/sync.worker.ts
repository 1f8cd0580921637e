// The sync queue's worker. Three kinds of work:
// - `eventIds`: the inbox rows of pushes → re-read exactly those deals (partner and
//   account events: an incremental read since the cursor) → upsert → recalculations
//   of the affected partner-periods; the rows are marked done (rows already done are
//   skipped, so a repeated job costs nothing). One such pass per tenant at a time, and
//   it takes the tenant's other open rows along.
// - incremental (neither): everything modified since the last sync started, deletions
//   included; the safety net for missed pushes.
// - a run (`runId`; `full: true` without one starts a run): a full sync or a full
//   recalculation, resumable and observable through its sync_runs row (run.ts).
import type { Job } from 'bullmq';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { type CrmConnector, CrmError } from '../../../connectors/contract.js';
import type { TenantId } from '../../store/ids.js';
import { getInboxRows, type InboxRow, markInbox, openInbox } from '../../store/repos/inbox.repo.js';
import { finishRun, getRun, noteRunError } from '../../store/repos/runs.repo.js';
import { getSyncStates } from '../../store/repos/settings.repo.js';
import type { Payload } from '../queues.js';
import { applyDeals, deleteDeals, enqueueTouched, quarantine, Touched } from './apply-changes.js';
import { activePlan, type PipelineContext } from './context.js';
import { onCrmError, tenantGate } from './gate.js';
import { syncEntitySince } from './incremental.js';
import { jobLockCheck, LostLockError } from './job-lock.js';
import { executeRun } from './run.js';
import { requestRun } from './runs.service.js';

const FETCH_BATCH = 100;
/** Open inbox rows one push-driven sync takes along (a bounded batch: 5 getDeals calls). */
const BURST_ROWS = 500;

/** Runs (full or incremental sync, recalculation) this process carries out at once (see processSync). */
const RUNS_PER_PROCESS = 2;
const RUN_RETRY_MS = 2000;
let runsActive = 0;

async function hasDealWatermark(ctx: PipelineContext, tenantId: TenantId): Promise<boolean> {
  const states = await getSyncStates(ctx.store.db, tenantId);
  return states.some((s) => s.entity === 'deal' && s.cursor !== null);
}

export async function processSync(ctx: PipelineContext, job: Job<Payload<'sync'>>, token?: string) {
  const tenantId = job.data.tenantId as TenantId;
  const { tenant, connector } = await ctx.connectors.forTenant(tenantId);
  const runId = job.data.runId;
  try {
    await tenantGate(ctx, job, token, tenant);
    if (job.data.eventIds?.length) return await syncEvents(ctx, tenantId, connector, job.data.eventIds);
    if (!runId) {
      // Recorded on the job, so a retry continues the same run.
      // A tenant that never finished a full sync has no watermark: an incremental read would
      // read everything and recalculate every partner-period one by one. Run (or join) the
      // full sync instead, which scores each period in one pass.
      let full = job.data.full === true;
      if (!full && !(await hasDealWatermark(ctx, tenantId))) {
        // Nothing to score yet either: the admin's first `sync --full` (or the first
        // scheduled sync after a plan is active) does the one full read.
        if (!(await activePlan(ctx.store.db, tenantId)))
          return { skipped: 'no full sync yet and no active plan' };
        full = true;
      }
      // Carried out by the run's own job (runJobId), as a run asked for by an admin is:
      // one job per run, which the upkeep can revive when it is lost or failed.
      // Only a full sync asked for as such makes an open full run read the CRM again.
      const run = await requestRun(
        ctx.store.db,
        ctx.queues,
        tenantId,
        full ? 'full' : 'incremental',
        {},
        { resync: job.data.full === true },
      );
      return { runId: run.runId, handedOver: true };
    }
    const run = await getRun(ctx.store.db, tenantId, runId);
    if (!run) throw new Error(`run ${runId} of tenant ${tenantId} does not exist`);
    if (run.status === 'done' || run.status === 'failed') return { runId, status: run.status };
    // The sync queue runs many jobs at once so pushes are not queued behind each other,
    // but only a few runs: each may hold a tenant's whole data. A run over the limit
    // waits as a delayed job, not in a worker slot.
    if (runsActive >= RUNS_PER_PROCESS) {
      await job.moveToDelayed(Date.now() + RUN_RETRY_MS, token);
      throw new DelayedError();
    }
    runsActive++;
    try {
      return await executeRun(ctx, run, connector, { jobLockHeld: jobLockCheck(ctx, job, token) });
    } finally {
      runsActive--;
    }
  } catch (err) {
    if (err instanceof DelayedError) throw err;
    // Another worker carries the run now: leave its row alone.
    if (err instanceof LostLockError) {
      ctx.logger.warn({ tenantId, runId, jobId: job.id, reason: err.message }, 'run stopped: job lock lost');
      throw err;
    }
    try {
      await onCrmError(ctx, job, token, tenantId, err);
    } catch (final) {
      if (runId && !(final instanceof DelayedError)) {
        const message = (final as Error).message;
        // A permanent CRM refusal (bad request, missing permission) will not pass by retrying.
        const permanent = final instanceof CrmError && final.classification.kind === 'permanent';
        const last = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (last) await finishRun(ctx.store.db, tenantId, runId, { status: 'failed', error: message });
        else await noteRunError(ctx.store.db, tenantId, runId, message);
        if (permanent) throw new UnrecoverableError(message);
      }
      throw final;
    }
    throw err;
  }
}

/** Push-driven sync of the inbox rows named. */
export async function syncEvents(
  ctx: PipelineContext,
  tenantId: TenantId,
  connector: CrmConnector,
  eventIds: string[],
) {
  const open = (await getInboxRows(ctx.store.db, tenantId, eventIds)).filter((r) => r.status !== 'done');
  if (open.length === 0) return { events: 0, recalcs: 0 };
  const { leader, result } = await joinPass(ctx, tenantId, connector, eventIds);
  // The pass's figures once, from the job that started it (the others were carried along).
  const out = await result;
  return leader ? out : { events: 0, recalcs: 0, joined: true };
}

type PassResult = Awaited<ReturnType<typeof syncPass>> | { events: 0; recalcs: 0 };

/**
 * Per tenant, in this process: the pass running, and the one queued to start after it,
 * which every push arriving meanwhile joins (its rows are named in that pass). Jobs
 * used to wait for the tenant's lock one by one, each then reading its rows to find
 * them synced by the pass before: with a pass taking a few hundred ms at 50 pushes/s,
 * the waiting jobs filled every worker slot and pushes queued for seconds. Now a push
 * waits for at most the pass under way and its own.
 */
type TenantPasses = Map<string, { running: Promise<PassResult> | null; next: NextPass | null }>;
/** Per pipeline context (a process may run several, each on its own store). */
const passesOf = new WeakMap<PipelineContext, TenantPasses>();
interface NextPass {
  ids: Set<string>;
  result: Promise<PassResult>;
}

function joinPass(ctx: PipelineContext, tenantId: TenantId, connector: CrmConnector, eventIds: string[]) {
  let tenantPasses = passesOf.get(ctx);
  if (!tenantPasses) {
    tenantPasses = new Map();
    passesOf.set(ctx, tenantPasses);
  }
  const passes = tenantPasses;
  let t = passes.get(tenantId);
  if (!t) {
    t = { running: null, next: null };
    passes.set(tenantId, t);
  }
  const state = t;
  if (state.next) {
    for (const id of eventIds) state.next.ids.add(id);
    return { leader: false, result: state.next.result };
  }
  const ids = new Set(eventIds);
  const before = state.running ?? Promise.resolve();
  const result: Promise<PassResult> = before
    .catch(() => undefined) // the pass before failed: its own jobs retry; this one still runs
    .then(async () => {
      state.next = null; // later pushes queue behind this pass
      state.running = result;
      try {
        return await lockedPass(ctx, tenantId, connector, [...ids]);
      } finally {
        if (state.running === result) state.running = null;
        if (!state.running && !state.next) passes.delete(tenantId);
      }
    });
  state.next = { ids, result };
  return { leader: true, result };
}

/**
 * One pass per tenant at a time, across processes too (a pass takes every open row
 * along, so two at once would read the same deals twice); the rows named that are
 * still open, plus the tenant's other open rows.
 */
function lockedPass(
  ctx: PipelineContext,
  tenantId: TenantId,
  connector: CrmConnector,
  eventIds: string[],
): Promise<PassResult> {
  return ctx.locks.withLock(
    `sync-events.${tenantId}`,
    async () => {
      const own = (await getInboxRows(ctx.store.db, tenantId, eventIds)).filter((r) => r.status !== 'done');
      if (own.length === 0) return { events: 0 as const, recalcs: 0 as const };
      return syncPass(ctx, tenantId, connector, own);
    },
    // Longer than a pass of BURST_ROWS; past it the job fails and retries (its rows stay open).
    { timeoutMs: 60_000 },
  );
}

/** One pass: the rows named plus the tenant's other open rows → upsert → recalculations → rows done. */
async function syncPass(ctx: PipelineContext, tenantId: TenantId, connector: CrmConnector, own: InboxRow[]) {
  const db = ctx.store.db;
  // A burst of pushes is one job per push: take the tenant's other open rows along, so
  // the first job of a burst does the work of many (the later ones find their rows done
  // and cost nothing) and a partner is marked for recalculation once per pass, not per push.
  const seen = new Set(own.map((r) => r.id));
  const rows = [...own, ...(await openInbox(db, tenantId, BURST_ROWS)).filter((r) => !seen.has(r.id))];
  const plan = await activePlan(db, tenantId);
  const touched = new Touched();
  const upserted = new Set<string>();
  const deleted = new Set<string>();
  const incremental = new Set<'partner' | 'account'>();
  for (const r of rows) {
    if (r.entity === 'deal')
      for (const id of r.recordIds) (r.operation === 'delete' ? deleted : upserted).add(id);
    else if (r.entity === 'partner' || r.entity === 'account') incremental.add(r.entity);
  }
  const ids = [...upserted].filter((id) => !deleted.has(id));
  for (let i = 0; i < ids.length; i += FETCH_BATCH) {
    const page = await connector.getDeals(ids.slice(i, i + FETCH_BATCH));
    await quarantine(ctx, tenantId, page);
    await applyDeals(ctx, tenantId, plan, page.items, touched);
  }
  await deleteDeals(ctx, tenantId, plan, [...deleted], new Date(), touched);
  for (const entity of incremental) await syncEntitySince(ctx, tenantId, connector, entity, touched);
  // Recalculations first: if enqueueing fails, the rows stay open and the job (or the
  // inbox reconciler) does it all again; the other way round the change could be lost.
  const recalcs = await enqueueTouched(ctx, tenantId, plan, touched);
  await markInbox(
    db,
    tenantId,
    rows.map((r) => r.id),
    'done',
  );
  return { events: rows.length, deals: ids.length, deleted: deleted.size, recalcs };
}
