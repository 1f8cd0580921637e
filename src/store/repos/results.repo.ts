// Results (latest score per tenant + partner + period, with write-back state) and
// statements (frozen per period; later changes become adjustments, never edits).
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export type WritebackStatus = 'pending' | 'written' | 'failed' | 'skipped';

export interface StoredResult {
  partnerId: string;
  period: string;
  planVersion: number;
  inputsHash: string;
  result: unknown;
  computedAt: string;
  writebackStatus: WritebackStatus;
  writtenHash: string | null;
  writtenAt: string | null;
  writebackError: string | null;
}

/** A `results` row as the driver returns it (shared with pipeline-results.repo.ts). */
export interface ResultRow extends Record<string, unknown> {
  partner_id: string;
  period: string;
  plan_version: number;
  inputs_hash: string;
  result: unknown;
  computed_at: Date;
  writeback_status: WritebackStatus;
  written_hash: string | null;
  written_at: Date | null;
  writeback_error: string | null;
}

export const toResult = (r: ResultRow): StoredResult => ({
  partnerId: r.partner_id,
  period: r.period,
  planVersion: r.plan_version,
  inputsHash: r.inputs_hash,
  result: r.result,
  computedAt: r.computed_at.toISOString(),
  writebackStatus: r.writeback_status,
  writtenHash: r.written_hash,
  writtenAt: r.written_at ? r.written_at.toISOString() : null,
  writebackError: r.writeback_error,
});

export interface NewResult {
  partnerId: string;
  period: string;
  planVersion: number;
  inputsHash: string;
  result: unknown;
  /** The factsHash of the UnrankedResult it was completed from (the pipeline's results). */
  factsHash?: string;
}

/**
 * Stores a result. Returns true when it changed (new inputs hash or plan version),
 * in which case its write-back is pending again; an identical result changes nothing.
 */
export async function saveResult(sql: Sql, tenantId: TenantId, r: NewResult): Promise<boolean> {
  const rows = await sql.query(
    `insert into results (tenant_id, partner_id, period, plan_version, inputs_hash, result)
     values ($1, $2, $3, $4, $5, $6::jsonb)
     on conflict (tenant_id, partner_id, period) do update set plan_version = excluded.plan_version,
       inputs_hash = excluded.inputs_hash, result = excluded.result, computed_at = now(),
       writeback_status = case when results.written_hash = excluded.inputs_hash then 'written' else 'pending' end,
       writeback_error = null
     where results.inputs_hash <> excluded.inputs_hash or results.plan_version <> excluded.plan_version
     returning partner_id`,
    [tenantId, r.partnerId, r.period, r.planVersion, r.inputsHash, JSON.stringify(r.result)],
  );
  return rows.length === 1;
}

export async function getResult(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
  period: string,
): Promise<StoredResult | null> {
  const rows = await sql.query<ResultRow>(
    'select * from results where tenant_id = $1 and partner_id = $2 and period = $3',
    [tenantId, partnerId, period],
  );
  return rows[0] ? toResult(rows[0]) : null;
}

export async function listResults(sql: Sql, tenantId: TenantId, period?: string): Promise<StoredResult[]> {
  const rows = await sql.query<ResultRow>(
    `select * from results where tenant_id = $1 and ($2::text is null or period = $2)
     order by period, partner_id`,
    [tenantId, period ?? null],
  );
  return rows.map(toResult);
}

export async function pendingWriteback(sql: Sql, tenantId: TenantId, limit = 100): Promise<StoredResult[]> {
  const rows = await sql.query<ResultRow>(
    `select * from results where tenant_id = $1 and writeback_status in ('pending', 'failed')
     order by computed_at, partner_id limit $2`,
    [tenantId, limit],
  );
  return rows.map(toResult);
}

/** Records a successful write of exactly `inputsHash` (a newer result stays pending). */
export async function markWritten(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
  period: string,
  inputsHash: string,
): Promise<void> {
  await sql.query(
    `update results set written_hash = $4, written_at = now(), writeback_error = null,
       writeback_status = case when inputs_hash = $4 then 'written' else writeback_status end
     where tenant_id = $1 and partner_id = $2 and period = $3`,
    [tenantId, partnerId, period, inputsHash],
  );
}

export async function markWritebackFailed(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
  period: string,
  error: string,
): Promise<void> {
  await sql.query(
    `update results set writeback_status = 'failed', writeback_error = $4
     where tenant_id = $1 and partner_id = $2 and period = $3`,
    [tenantId, partnerId, period, error],
  );
}

export interface Statement {
  partnerId: string;
  period: string;
  planVersion: number;
  inputsHash: string;
  payout: string;
  currency: string;
  result: unknown;
  frozenAt: string;
}

/** Freezes a period's statement; an existing statement is never overwritten (returns false). */
export async function freezeStatement(
  sql: Sql,
  tenantId: TenantId,
  s: Omit<Statement, 'frozenAt'>,
): Promise<boolean> {
  const rows = await sql.query(
    `insert into statements (tenant_id, partner_id, period, plan_version, inputs_hash, payout, currency, result)
     values ($1, $2, $3, $4, $5, $6::numeric, $7, $8::jsonb)
     on conflict (tenant_id, partner_id, period) do nothing returning partner_id`,
    [
      tenantId,
      s.partnerId,
      s.period,
      s.planVersion,
      s.inputsHash,
      s.payout,
      s.currency,
      JSON.stringify(s.result),
    ],
  );
  return rows.length === 1;
}

export async function listStatements(sql: Sql, tenantId: TenantId, period?: string): Promise<Statement[]> {
  const rows = await sql.query<{
    partner_id: string;
    period: string;
    plan_version: number;
    inputs_hash: string;
    payout: string;
    currency: string;
    result: unknown;
    frozen_at: Date;
  }>(
    `select * from statements where tenant_id = $1 and ($2::text is null or period = $2)
     order by period, partner_id`,
    [tenantId, period ?? null],
  );
  return rows.map((r) => ({
    partnerId: r.partner_id,
    period: r.period,
    planVersion: r.plan_version,
    inputsHash: r.inputs_hash,
    payout: r.payout,
    currency: r.currency,
    result: r.result,
    frozenAt: r.frozen_at.toISOString(),
  }));
}
