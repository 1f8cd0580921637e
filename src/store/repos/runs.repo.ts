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

export async function createRun(
  sql: Sql,
  tenantId: TenantId,
  kind: RunKind,
  options: RunOptions = {},
): Promise<Run> {
  const rows = await sql.query<Row>(
    `insert into sync_runs (tenant_id, run_id, kind, options) values ($1, $2, $3, $4::jsonb) returning *`,
    [tenantId, `r_${randomId(12)}`, kind, JSON.stringify(options)],
  );
  return toRun(rows[0]!);
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
): Promise<void> {
  await sql.query(
    `update sync_runs set status = $3, error = $4, finished_at = now(), updated_at = now()
     where tenant_id = $1 and run_id = $2`,
    [tenantId, runId, outcome.status, outcome.status === 'failed' ? outcome.error : null],
  );
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
