// Set-based companions of results.repo.ts for the pipeline: a whole period's
// results saved in one statement, the write-back queue read and marked in bulk,
// and statements as the core's input. Same rules as saveResult/markWritten there.
import type { Statement as CoreStatement } from '../../core/index.js';
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';
import {
  type NewResult,
  type ResultRow,
  type StoredResult,
  toResult,
  type WritebackStatus,
} from './results.repo.js';

/**
 * Saves many results; returns the partners whose result changed (new inputs hash or
 * plan version) — their write-back is pending again unless the CRM already shows it.
 */
export async function saveResults(sql: Sql, tenantId: TenantId, items: NewResult[]): Promise<string[]> {
  if (items.length === 0) return [];
  const rows = items.map((r) => ({
    p: r.partnerId,
    per: r.period,
    v: r.planVersion,
    h: r.inputsHash,
    f: r.factsHash ?? null,
    r: r.result,
  }));
  const out = await sql.query<{ partner_id: string; period: string }>(
    `insert into results (tenant_id, partner_id, period, plan_version, inputs_hash, facts_hash, result)
     select $1, x.p, x.per, x.v, x.h, x.f, x.r
     from jsonb_to_recordset($2::jsonb) as x(p text, per text, v int, h text, f text, r jsonb)
     on conflict (tenant_id, partner_id, period) do update set plan_version = excluded.plan_version,
       inputs_hash = excluded.inputs_hash, facts_hash = excluded.facts_hash, result = excluded.result,
       computed_at = now(),
       writeback_status = case when results.written_hash = excluded.inputs_hash then 'written' else 'pending' end,
       writeback_error = null,
       -- New facts (numbers), or only a new rank (and the rank's awards and explain
       -- lines)? Results without a facts hash count as new numbers. A pending result
       -- keeps its new numbers until written: a later rank-only change does not make it
       -- less urgent.
       numbers_changed = (results.writeback_status = 'pending' and results.numbers_changed)
         or excluded.facts_hash is null or results.facts_hash is distinct from excluded.facts_hash
     where results.inputs_hash <> excluded.inputs_hash or results.plan_version <> excluded.plan_version
       -- A result saved before facts hashes were kept gets its own once (or every rerank
       -- would count it as new facts and read its whole row again).
       or (results.facts_hash is null and excluded.facts_hash is not null)
     returning partner_id, period`,
    [tenantId, JSON.stringify(rows)],
  );
  return out.map((r) => r.partner_id);
}

/** The period's stored results' hashes and plan versions, by partner (what saveResults compares). */
export async function storedHashes(
  sql: Sql,
  tenantId: TenantId,
  period: string,
): Promise<Map<string, { inputsHash: string; planVersion: number; factsHash: string | null }>> {
  const rows = await sql.query<{
    partner_id: string;
    inputs_hash: string;
    plan_version: number;
    facts_hash: string | null;
  }>(
    'select partner_id, inputs_hash, plan_version, facts_hash from results where tenant_id = $1 and period = $2',
    [tenantId, period],
  );
  return new Map(
    rows.map((r) => [
      r.partner_id,
      { inputsHash: r.inputs_hash, planVersion: r.plan_version, factsHash: r.facts_hash },
    ]),
  );
}

/**
 * Results waiting for write-back (not those failed for good): those with new numbers
 * first (a rank-only change can wait), then oldest first.
 */
export async function pendingResults(
  sql: Sql,
  tenantId: TenantId,
  opts: { limit: number; partnerIds?: string[]; period?: string },
): Promise<StoredResult[]> {
  const rows = await sql.query<ResultRow>(
    `select * from results where tenant_id = $1 and writeback_status = 'pending'
       and ($3::text[] is null or partner_id = any($3::text[]))
       and ($4::text is null or period = $4)
     order by numbers_changed desc, computed_at, partner_id, period limit $2`,
    [tenantId, opts.limit, opts.partnerIds ?? null, opts.period ?? null],
  );
  return rows.map(toResult);
}

/**
 * Records confirmed writes of exactly these hashes. A newer result stays pending, and
 * one already recorded as written goes back to pending when an older hash reached the
 * CRM after it (the CRM shows stale values again).
 */
export async function markManyWritten(
  sql: Sql,
  tenantId: TenantId,
  items: { partnerId: string; period: string; inputsHash: string }[],
): Promise<void> {
  if (items.length === 0) return;
  await sql.query(
    `update results r set written_hash = x.h, written_at = now(), writeback_error = null,
       writeback_status = case when r.inputs_hash = x.h then 'written'
         when r.writeback_status = 'written' then 'pending' else r.writeback_status end
     from jsonb_to_recordset($2::jsonb) as x(p text, per text, h text)
     where r.tenant_id = $1 and r.partner_id = x.p and r.period = x.per`,
    [tenantId, JSON.stringify(items.map((i) => ({ p: i.partnerId, per: i.period, h: i.inputsHash })))],
  );
}

/** A failed attempt: `failed` for good (permanent), or still `pending` with the reason (retried). */
export async function markWriteError(
  sql: Sql,
  tenantId: TenantId,
  items: { partnerId: string; period: string; inputsHash: string; error: string }[],
  status: 'failed' | 'pending',
): Promise<void> {
  if (items.length === 0) return;
  await sql.query(
    `update results r set writeback_status = $3, writeback_error = x.e
     from jsonb_to_recordset($2::jsonb) as x(p text, per text, h text, e text)
     where r.tenant_id = $1 and r.partner_id = x.p and r.period = x.per and r.inputs_hash = x.h`,
    [
      tenantId,
      JSON.stringify(items.map((i) => ({ p: i.partnerId, per: i.period, h: i.inputsHash, e: i.error }))),
      status,
    ],
  );
}

export async function countWriteback(sql: Sql, tenantId: TenantId): Promise<Record<WritebackStatus, number>> {
  const rows = await sql.query<{ writeback_status: WritebackStatus; n: string }>(
    'select writeback_status, count(*) as n from results where tenant_id = $1 group by writeback_status',
    [tenantId],
  );
  const out: Record<WritebackStatus, number> = { pending: 0, written: 0, failed: 0, skipped: 0 };
  for (const r of rows) out[r.writeback_status] = Number(r.n);
  return out;
}

/** Frozen statements as the core's input (all partners, or one). */
export async function statementsInput(
  sql: Sql,
  tenantId: TenantId,
  /** Only these partners' statements (all when omitted). */
  partnerIds?: string[],
): Promise<CoreStatement[]> {
  const rows = await sql.query<{ partner_id: string; period: string; payout: string }>(
    `select partner_id, period, payout::text as payout from statements
     where tenant_id = $1 and ($2::text[] is null or partner_id = any($2::text[])) order by partner_id, period`,
    [tenantId, partnerIds ?? null],
  );
  return rows.map((r) => ({ partnerId: r.partner_id, period: r.period, payout: r.payout }));
}

/** Periods with frozen statements (closed: later changes become adjustments in the open period). */
export async function closedPeriods(sql: Sql, tenantId: TenantId): Promise<Set<string>> {
  const rows = await sql.query<{ period: string }>(
    'select distinct period from statements where tenant_id = $1',
    [tenantId],
  );
  return new Set(rows.map((r) => r.period));
}

/**
 * A partner's CRM record shows one period: the current one. Pending results of other
 * periods are kept (the widget API reads them) but not written: marked `skipped`.
 */
export async function skipOtherPeriods(sql: Sql, tenantId: TenantId, current: string): Promise<number> {
  const rows = await sql.query(
    `update results set writeback_status = 'skipped'
     where tenant_id = $1 and writeback_status = 'pending' and period <> $2 returning partner_id`,
    [tenantId, current],
  );
  return rows.length;
}

/** Periods the tenant has results for. */
export async function resultPeriods(sql: Sql, tenantId: TenantId): Promise<string[]> {
  const rows = await sql.query<{ period: string }>(
    'select distinct period from results where tenant_id = $1 order by period',
    [tenantId],
  );
  return rows.map((r) => r.period);
}
