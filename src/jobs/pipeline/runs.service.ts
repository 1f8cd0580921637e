// Starting and watching runs, shared by the CLI and the admin API: a run row is
// created, then a sync job that carries it out is enqueued (the row exists first,
// so a lost enqueue leaves a visible `queued` run rather than nothing).
import type { TenantId } from '../../store/ids.js';
import {
  askResync,
  createRun,
  getRun,
  type Run,
  type RunKind,
  type RunOptions,
  staleOpenRuns,
} from '../../store/repos/runs.repo.js';
import type { Sql } from '../../store/sql.js';
import type { Queues } from '../queue-factory.js';

export async function requestRun(
  sql: Sql,
  queues: Queues,
  tenantId: TenantId,
  kind: RunKind,
  options: RunOptions = {},
  /**
   * `resync: false`: join an open full run as it is. For the scheduled sync of a tenant
   * whose first full run is still reading: that run's watermark (the time it started)
   * makes the next incremental sync read whatever changes meanwhile, and a re-read of
   * the whole CRM would double the tenant's first sync.
   */
  join: { resync?: boolean } = {},
): Promise<Run> {
  // An open run of the same kind is joined (a lost or failed job of it is revived). A
  // full run that has begun reading the CRM is joined only after it is marked to read
  // it again (askResync): whoever waits for it then gets the CRM as it is now. When
  // the run closed meanwhile, a new one is created.
  for (let attempt = 0; ; attempt++) {
    const run = await createRun(sql, tenantId, kind, options);
    if (!run.joined) {
      await queues.add('sync', runPayload(run), { jobId: runJobId(tenantId, run.runId) });
      return run;
    }
    if (
      kind === 'full' &&
      join.resync !== false &&
      !(await askResync(sql, tenantId, run.runId)) &&
      attempt < 3
    )
      continue;
    await reviveRun(queues, run);
    return run;
  }
}

/** A run is carried out by exactly one job, whoever asked for it. */
export const runJobId = (tenantId: TenantId, runId: string) => `run.${tenantId}.${runId}`;

const runPayload = (run: Pick<Run, 'tenantId' | 'runId' | 'kind'>) => ({
  tenantId: run.tenantId,
  runId: run.runId,
  ...(run.kind === 'full' ? { full: true } : {}),
});

/**
 * Gives an open run a job again when it has none (a Redis that lost it), when its job
 * failed without finishing the run (it lost its worker more than JOB_MAX_STALLS times) —
 * a failed job keeps its id, so adding it again would be a no-op: it is retried — or
 * when its job completed while the run is still open (a run job never completes that
 * way, but a run must not hang on it). A job that waits, runs or is delayed is left
 * alone. Returns the job's state as found and whether the run was revived.
 */
export async function reviveRun(
  queues: Queues,
  run: Pick<Run, 'tenantId' | 'runId' | 'kind'>,
): Promise<{ revived: boolean; jobState: string; attemptsMade?: number; failedReason?: string }> {
  const jobId = runJobId(run.tenantId, run.runId);
  const job = await queues.queue('sync').getJob(jobId);
  if (!job) {
    await queues.add('sync', runPayload(run), { jobId });
    return { revived: true, jobState: 'missing' };
  }
  const jobState = await job.getState();
  const seen = { jobState, attemptsMade: job.attemptsMade, failedReason: job.failedReason };
  if (jobState === 'failed') {
    await job.retry('failed');
    return { revived: true, ...seen };
  }
  if (jobState === 'completed') {
    await job.remove();
    await queues.add('sync', runPayload(run), { jobId });
    return { revived: true, ...seen };
  }
  return { revived: false, ...seen };
}

export interface StaleRun {
  tenantId: TenantId;
  runId: string;
  stage: string | number | undefined;
  updatedAt: string;
  revived: boolean;
  jobState: string;
  attemptsMade?: number;
  failedReason?: string;
}

/**
 * Open runs without progress for `staleAfterMs` get a job again (reviveRun); the
 * upkeep's rounds call this and log every one found, revived or not, with its job's
 * state — a run left open names why it was not revived.
 */
export async function reviveStaleRuns(sql: Sql, queues: Queues, staleAfterMs: number): Promise<StaleRun[]> {
  const found: StaleRun[] = [];
  for (const run of await staleOpenRuns(sql, staleAfterMs)) {
    const r = await reviveRun(queues, run);
    found.push({
      tenantId: run.tenantId,
      runId: run.runId,
      stage: run.progress.stage,
      updatedAt: run.updatedAt,
      ...r,
    });
  }
  return found;
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
  /** Called when the run's status or progress changed. */
  onProgress?: (run: Run) => void;
}

/** Polls the run row until it is done or failed (works against any store, any process). */
export async function waitForRun(
  sql: Sql,
  tenantId: TenantId,
  runId: string,
  opts: WaitOptions = {},
): Promise<Run> {
  const deadline = Date.now() + (opts.timeoutMs ?? 6 * 3600_000);
  let last = '';
  for (;;) {
    const run = await getRun(sql, tenantId, runId);
    if (!run) throw new Error(`run ${runId} of tenant ${tenantId} does not exist`);
    const seen = `${run.status} ${JSON.stringify(run.progress)} ${run.error ?? ''}`;
    if (seen !== last) {
      last = seen;
      opts.onProgress?.(run);
    }
    if (run.status === 'done' || run.status === 'failed') return run;
    if (Date.now() > deadline)
      throw new Error(`run ${runId} not finished within ${opts.timeoutMs} ms (${run.status})`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}
