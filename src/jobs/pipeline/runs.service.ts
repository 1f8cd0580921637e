// Starting and watching runs, shared by the CLI and the admin API: a run row is
// created, then a sync job that carries it out is enqueued (the row exists first,
// so a lost enqueue leaves a visible `queued` run rather than nothing).
import type { TenantId } from '../../store/ids.js';
import { createRun, getRun, type Run, type RunKind, type RunOptions } from '../../store/repos/runs.repo.js';
import type { Sql } from '../../store/sql.js';
import type { Queues } from '../queue-factory.js';

export async function requestRun(
  sql: Sql,
  queues: Queues,
  tenantId: TenantId,
  kind: RunKind,
  options: RunOptions = {},
): Promise<Run> {
  // An open run of the same kind is joined (its job re-added: a lost job is revived,
  // an existing one is left alone — same job id).
  const run = await createRun(sql, tenantId, kind, options);
  const jobId = `run.${tenantId}.${run.runId}`;
  await queues.add(
    'sync',
    { tenantId, runId: run.runId, ...(kind === 'full' ? { full: true } : {}) },
    { jobId },
  );
  // A job that failed without finishing its run (it lost its worker more than
  // JOB_MAX_STALLS times) keeps its id, so adding it again is a no-op: retry it instead.
  if (run.joined) {
    const job = await queues.queue('sync').getJob(jobId);
    if (job && (await job.isFailed())) await job.retry('failed');
  }
  return run;
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
