// Sync and recalculation runs: one row per full sync, incremental sync or full
// recalculation, with its progress counts, so a run can be watched (CLI --wait,
// GET /api/admin/tenants/:id/runs/:runId) and resumed after a crash.
import type { TenantId } from '../ids.js';
import { randomId } from '../ids.js';
import type { Sql } from '../sql.js';

export type RunKind = 'full' | 'incremental' | 'recalc';
export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface RunOptions {
  /** Recalc: the period to score (default: the active plan's current period). */
  period?: string;
  /** Recalc: allow re-scoring a closed period with another plan version. */
  rescoreClosed?: boolean;
}

export interface Run {
  runId: string;
  tenantId: TenantId;
  kind: RunKind;
  status: RunStatus;
  options: RunOptions;
  progress: Record<string, number | string>;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

interface Row extends Record<string, unknown> {
  run_id: string;
  tenant_id: string;
  kind: RunKind;
  status: RunStatus;
  options: RunOptions;
  progress: Record<string, number | string>;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

const toRun = (r: Row): Run => ({
  runId: r.run_id,
  tenantId: r.tenant_id as TenantId,
  kind: r.kind,
  status: r.status,
  options: r.options,
  progress: r.progress,
  error: r.error,
  createdAt: r.created_at.toISOString(),
  startedAt: r.started_at?.toISOString() ?? null,
  finishedAt: r.finished_at?.toISOString() ?? null,
  updatedAt: r.updated_at.toISOString(),
});

export const RUN_ID_PATTERN = /^r_[a-z0-9]{12}$/;

/** A run with no progress for this long is stale: a new request replaces it. */
export const STALE_RUN_MS = 15 * 60_000;

/**
 * Creates a run, or returns the tenant's open run of that kind and options
 * (`joined: true`) — one open run per tenant, kind and options (unique index). An open run without progress for
 * STALE_RUN_MS (its job lost) is failed and replaced.
 */
export async function createRun(
  sql: Sql,
  tenantId: TenantId,
  kind: RunKind,
  options: RunOptions = {},
): Promise<Run & { joined: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const rows = await sql.query<Row>(
      `insert into sync_runs (tenant_id, run_id, kind, options) values ($1, $2, $3, $4::jsonb)
       on conflict (tenant_id, kind, options) where status in ('queued', 'running') do nothing returning *`,
      [tenantId, `r_${randomId(12)}`, kind, JSON.stringify(options)],
    );
    if (rows[0]) return { ...toRun(rows[0]), joined: false };
    const stale = await sql.query<Row>(
      `update sync_runs set status = 'failed', error = 'no progress for ' || $3::text || ' minutes: replaced by a new run',
         finished_at = now(), updated_at = now()
       where tenant_id = $1 and kind = $2 and options = $4::jsonb and status in ('queued', 'running')
         and updated_at < now() - make_interval(mins => $3::int) returning *`,
      [tenantId, kind, STALE_RUN_MS / 60_000, JSON.stringify(options)],
    );
    if (stale.length > 0) continue;
    const open = await sql.query<Row>(
      `select * from sync_runs where tenant_id = $1 and kind = $2 and options = $3::jsonb
         and status in ('queued', 'running')`,
      [tenantId, kind, JSON.stringify(options)],
    );
    if (open[0]) return { ...toRun(open[0]), joined: true };
    if (attempt > 3) throw new Error(`could not create a ${kind} run for tenant ${tenantId}`);
  }
}

export async function getRun(sql: Sql, tenantId: TenantId, runId: string): Promise<Run | null> {
  const rows = await sql.query<Row>('select * from sync_runs where tenant_id = $1 and run_id = $2', [
    tenantId,
    runId,
  ]);
  return rows[0] ? toRun(rows[0]) : null;
}

export async function listRuns(sql: Sql, tenantId: TenantId, limit = 20): Promise<Run[]> {
  const rows = await sql.query<Row>(
    'select * from sync_runs where tenant_id = $1 order by created_at desc, run_id limit $2',
    [tenantId, limit],
  );
  return rows.map(toRun);
}

/** Marks the run running (again, after a retry) and merges `progress`. */
export async function startRun(sql: Sql, tenantId: TenantId, runId: string): Promise<void> {
  await sql.query(
    `update sync_runs set status = 'running', error = null, started_at = coalesce(started_at, now()), updated_at = now()
     where tenant_id = $1 and run_id = $2`,
    [tenantId, runId],
  );
}

export async function runProgress(
  sql: Sql,
  tenantId: TenantId,
  runId: string,
  progress: Record<string, number | string>,
): Promise<void> {
  await sql.query(
    `update sync_runs set progress = progress || $3::jsonb, updated_at = now() where tenant_id = $1 and run_id = $2`,
    [tenantId, runId, JSON.stringify(progress)],
  );
}

export async function finishRun(
  sql: Sql,
  tenantId: TenantId,
  runId: string,
  outcome: { status: 'done' } | { status: 'failed'; error: string },
): Promise<boolean> {
  // `done` only when nobody asked for a re-read meanwhile (askResync): in one statement,
  // so a request that joins at the last moment is never lost. Returns whether it finished.
  const rows = await sql.query(
    `update sync_runs set status = $3, error = $4, finished_at = now(), updated_at = now()
     where tenant_id = $1 and run_id = $2 and ($5 or not progress ? 'resync') returning run_id`,
    [
      tenantId,
      runId,
      outcome.status,
      outcome.status === 'failed' ? outcome.error : null,
      outcome.status === 'failed',
    ],
  );
  return rows.length > 0;
}

/**
 * A full sync asked for while the tenant's full run has already begun reading the CRM
 * joins that run but must not miss what changed since its pages were read: the run is
 * marked to read everything again before it may finish. False when the run is no
 * longer open (the caller creates a new one). A run still queued is joined as it is.
 */
export async function askResync(sql: Sql, tenantId: TenantId, runId: string): Promise<boolean> {
  const rows = await sql.query(
    `update sync_runs set progress = case when progress ? 'stage' then progress || '{"resync": 1}'::jsonb else progress end
     where tenant_id = $1 and run_id = $2 and status in ('queued', 'running') returning run_id`,
    [tenantId, runId],
  );
  return rows.length > 0;
}

/** Starts a run marked by askResync over from its first phase (counted in progress.resyncs). */
export async function restartRun(sql: Sql, tenantId: TenantId, runId: string): Promise<Run | null> {
  const rows = await sql.query<Row>(
    `update sync_runs set progress = jsonb_build_object('resyncs', coalesce((progress->>'resyncs')::int, 0) + 1),
       started_at = now(), updated_at = now()
     where tenant_id = $1 and run_id = $2 returning *`,
    [tenantId, runId],
  );
  return rows[0] ? toRun(rows[0]) : null;
}

/** Marks a failed attempt that will be retried (the run stays open). */
export async function noteRunError(
  sql: Sql,
  tenantId: TenantId,
  runId: string,
  error: string,
): Promise<void> {
  await sql.query(
    'update sync_runs set error = $3, updated_at = now() where tenant_id = $1 and run_id = $2',
    [tenantId, runId, error],
  );
}

/** Runs still queued or running whose row has not changed for `staleAfterMs` (every tenant). */
export async function staleOpenRuns(sql: Sql, staleAfterMs: number): Promise<Run[]> {
  const rows = await sql.query<Row>(
    `select * from sync_runs where status in ('queued', 'running')
       and updated_at < now() - make_interval(secs => $1::double precision) order by updated_at limit 100`,
    [staleAfterMs / 1000],
  );
  return rows.map(toRun);
}
