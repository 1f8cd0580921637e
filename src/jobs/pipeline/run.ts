// Runs: a full sync, an incremental sync or a full recalculation of one tenant, with
// progress in its sync_runs row. A full sync pages through partners, accounts and
// deals with the connector's resume cursors kept in sync_state (`full:<entity>`),
// so a crashed or retried run continues where it stopped; then it scores the
// tenant's period(s) in one pass (not one recalculation per partner) and writes the
// changed results back before the run is done — `sync --full --wait` returns then.
// A full sync asked for while one has begun reading joins it and makes it read the CRM
// again before it may finish (askResync), so the asker's changes are in it.
import type { CrmConnector } from '../../../connectors/contract.js';
import type { TenantId } from '../../store/ids.js';
import { closedPeriods, resultPeriods } from '../../store/repos/pipeline-results.repo.js';
import { putRates } from '../../store/repos/rates.repo.js';
import {
  analyzeRecordTables,
  upsertAccounts,
  upsertDeals,
  upsertPartners,
} from '../../store/repos/records.repo.js';
import {
  finishRun,
  getRun,
  type Run,
  restartRun,
  runProgress,
  startRun,
} from '../../store/repos/runs.repo.js';
import { getSyncStates, putSyncState } from '../../store/repos/settings.repo.js';
import { enqueueTouched, quarantine, Touched } from './apply-changes.js';
import { type ActivePlan, activePlan, currentPeriod, type PipelineContext } from './context.js';
import { enqueueWriteback } from './enqueue.js';
import { CLOCK_SKEW_MS, syncDeletions, syncEntitySince } from './incremental.js';
import { scorePeriod } from './score-period.js';
import { writePending } from './write-pending.js';

export class RunRefused extends Error {}

const ENTITIES = ['partner', 'account', 'deal'] as const;
type Entity = (typeof ENTITIES)[number];

export interface RunExecution {
  /** Whether the job carrying the run still holds its lock (job-lock.ts); the write-back checks it. */
  jobLockHeld?: () => Promise<boolean>;
}

export async function executeRun(
  ctx: PipelineContext,
  run: Run,
  connector: CrmConnector,
  exec: RunExecution = {},
): Promise<{ runId: string; status: 'done' | 'failed'; error?: string }> {
  // A full sync asked for again after this run began reading the CRM (askResync):
  // start over rather than finish without the changes made since.
  if (run.progress.resync !== undefined) {
    const again = await restartRun(ctx.store.db, run.tenantId, run.runId);
    if (again) {
      ctx.logger.info(
        { tenantId: run.tenantId, runId: run.runId },
        'full run asked for again: reading the CRM again',
      );
      run = again;
    }
  }
  const out = await executeOnce(ctx, run, connector, exec);
  if (out !== 'resync') return out;
  const fresh = await getRun(ctx.store.db, run.tenantId, run.runId);
  if (!fresh) throw new Error(`run ${run.runId} of tenant ${run.tenantId} does not exist`);
  return executeRun(ctx, fresh, connector, exec);
}

/** Finishes the run done, or answers 'resync' when a re-read was asked for meanwhile. */
async function finishDone(ctx: PipelineContext, run: Run) {
  const finished = await finishRun(ctx.store.db, run.tenantId, run.runId, { status: 'done' });
  return finished ? { runId: run.runId, status: 'done' as const } : ('resync' as const);
}

async function executeOnce(ctx: PipelineContext, run: Run, connector: CrmConnector, exec: RunExecution) {
  const db = ctx.store.db;
  const tenantId = run.tenantId;
  await startRun(db, tenantId, run.runId);
  const progress = (p: Record<string, number | string>) => runProgress(db, tenantId, run.runId, p);
  if (run.kind === 'incremental') {
    const touched = new Touched();
    const states = await getSyncStates(db, tenantId);
    const marks = ENTITIES.map((e) => states.find((s) => s.entity === e)?.cursor).filter(
      (c): c is string => !!c,
    );
    const since = marks.length === ENTITIES.length ? new Date(marks.sort()[0]!) : null;
    for (const entity of ENTITIES) {
      const n = await syncEntitySince(ctx, tenantId, connector, entity, touched);
      await progress({ [`${entity}s`]: n });
    }
    const deleted = since ? await syncDeletions(ctx, tenantId, connector, since, touched) : 0;
    const recalcs = await enqueueTouched(ctx, tenantId, await activePlan(db, tenantId), touched);
    await progress({ stage: 'done', deleted, recalcs });
    return finishDone(ctx, run);
  }

  const active = await activePlan(db, tenantId);
  if (run.kind === 'full') {
    await fullSync(ctx, run, connector, progress);
    if (active) {
      const rates = await connector.readRates?.(active.plan.currency);
      if (rates) await putRates(db, tenantId, active.plan.currency, rates);
    }
  }
  if (!active) {
    await progress({ stage: 'done', note: 'no active plan: nothing scored' });
    return finishDone(ctx, run);
  }
  try {
    await progress({ stage: 'scoring' });
    const periods = await periodsToScore(ctx, tenantId, active, run);
    let changed = 0;
    let scored = 0;
    for (const period of periods) {
      const out = await scorePeriod(ctx, tenantId, active, period);
      changed += out.changed.length;
      scored += out.partners;
    }
    await progress({ stage: 'writeback', periods: periods.join(','), scored, changed });
    const w = await writePending(ctx, tenantId, connector, {
      jobLockHeld: exec.jobLockHeld,
      onProgress: (r) => progress({ written: r.written, unchanged: r.unchanged, writeFailed: r.failed }),
    });
    await progress({
      stage: 'done',
      written: w.written,
      unchanged: w.unchanged,
      writeFailed: w.failed,
      writeCalls: w.calls,
      writeRetryLeft: w.retryLeft,
    });
    // Records still failing for a passing reason keep being retried by the write-back queue.
    if (w.retryLeft > 0) await enqueueWriteback(ctx, tenantId);
    if (w.failed + w.retryLeft > 0) {
      throw new RunRefused(
        `write-back incomplete: ${w.failed} record(s) failed, ${w.retryLeft} still failing after retries (${w.lastError})`,
      );
    }
  } catch (err) {
    if (!(err instanceof RunRefused)) throw err;
    // A refusal is final: retrying the run would not change it.
    await finishRun(db, tenantId, run.runId, { status: 'failed', error: err.message });
    return { runId: run.runId, status: 'failed' as const, error: err.message };
  }
  return finishDone(ctx, run);
}

/** Full sync: current period, plus every open period that already has results; recalc: the period asked. */
async function periodsToScore(ctx: PipelineContext, tenantId: TenantId, active: ActivePlan, run: Run) {
  const db = ctx.store.db;
  const current = currentPeriod(active.plan, ctx.now());
  const closed = await closedPeriods(db, tenantId);
  if (run.kind === 'recalc') {
    const period = run.options.period ?? current;
    if (closed.has(period) && !run.options.rescoreClosed) {
      throw new RunRefused(
        `period ${period} is closed (statements frozen); re-scoring it needs the explicit --rescore-closed flag`,
      );
    }
    return [period];
  }
  const stored = new Set(await resultPeriods(db, tenantId));
  return [current, ...[...stored].filter((p) => p !== current && !closed.has(p)).sort()];
}

async function fullSync(
  ctx: PipelineContext,
  run: Run,
  connector: CrmConnector,
  progress: (p: Record<string, number | string>) => Promise<void>,
) {
  const db = ctx.store.db;
  const tenantId = run.tenantId;
  const started = new Date(Date.parse(run.startedAt ?? new Date().toISOString()) - CLOCK_SKEW_MS);
  const resumeFrom = typeof run.progress.stage === 'string' ? run.progress.stage : null;
  const start =
    resumeFrom && (ENTITIES as readonly string[]).includes(resumeFrom)
      ? ENTITIES.indexOf(resumeFrom as Entity)
      : 0;
  if (resumeFrom === null) {
    for (const e of ENTITIES) await putSyncState(db, tenantId, `full:${e}`, { cursor: null });
  } else if (!(ENTITIES as readonly string[]).includes(resumeFrom)) {
    return; // the records were synced by an earlier attempt; scoring follows
  }
  const states = await getSyncStates(db, tenantId);
  let quarantined = Number(run.progress.quarantined ?? 0);
  for (const entity of ENTITIES.slice(start)) {
    await progress({ stage: entity });
    let cursor = states.find((s) => s.entity === `full:${entity}`)?.cursor ?? null;
    let n = Number(run.progress[`${entity}s`] ?? 0);
    const opts = () => ({ full: true, cursor });
    const pages =
      entity === 'partner'
        ? connector.listPartners(opts())
        : entity === 'account'
          ? connector.listAccounts(opts())
          : connector.listDeals(opts());
    for await (const page of pages) {
      if (entity === 'partner') await upsertPartners(db, tenantId, page.items as never);
      else if (entity === 'account') await upsertAccounts(db, tenantId, page.items as never);
      else await upsertDeals(db, tenantId, page.items as never);
      quarantined += await quarantine(ctx, tenantId, page);
      n += page.items.length;
      cursor = page.cursor;
      await putSyncState(db, tenantId, `full:${entity}`, { cursor });
      await progress({ [`${entity}s`]: n, quarantined });
    }
    // The incremental watermark: what changes after this run started is read next time.
    await putSyncState(db, tenantId, entity, { cursor: started.toISOString(), finishedAt: new Date() });
    await putSyncState(db, tenantId, `full:${entity}`, { cursor: null });
  }
  // Statistics are an optimization: a server that refuses ANALYZE still gets a correct run.
  await analyzeRecordTables(db).catch((err: Error) =>
    ctx.logger.warn({ tenantId, err: err.message }, 'analyze after full sync failed'),
  );
  await progress({ stage: 'synced' });
}
