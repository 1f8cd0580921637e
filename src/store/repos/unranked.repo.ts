// Pass 1 of scoring, stored per tenant + period + partner: the core's UnrankedResult
// (JSON) with its factsHash. A recalculation replaces one partner's row; the rank
// job reads every row's ranking key (listRankKeys) and the whole rows only of the
// partners whose result moved (getUnranked).
import type { Rankable, UnrankedResult } from '../../core/index.js';
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface StoredUnranked {
  partnerId: string;
  planVersion: number;
  factsHash: string;
  unranked: UnrankedResult;
}

/**
 * Upserts many rows in one statement. Returns the partners whose row changed
 * (new facts or plan version); an identical row is left alone.
 */
export async function saveUnranked(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  planVersion: number,
  items: UnrankedResult[],
  /**
   * A whole-period scoring's input was read at this (database) time: a row a
   * recalculation saved after it holds newer facts and is kept.
   */
  inputReadAt?: Date,
): Promise<string[]> {
  if (items.length === 0) return [];
  const rows = items.map((u) => ({ p: u.result.partnerId, h: u.factsHash, u }));
  const out = await sql.query<{ partner_id: string }>(
    `insert into unranked_results (tenant_id, partner_id, period, plan_version, facts_hash, unranked, rankable)
     select $1, x.p, $2, $3, x.h, x.u, x.u->'rankable' from jsonb_to_recordset($4::jsonb) as x(p text, h text, u jsonb)
     on conflict (tenant_id, period, partner_id) do update set plan_version = excluded.plan_version,
       facts_hash = excluded.facts_hash, unranked = excluded.unranked, rankable = excluded.rankable,
       computed_at = now()
     where (unranked_results.facts_hash <> excluded.facts_hash
        or unranked_results.plan_version <> excluded.plan_version)
       and ($5::timestamptz is null or unranked_results.computed_at < $5::timestamptz
        or unranked_results.plan_version <> excluded.plan_version)
     returning partner_id`,
    [tenantId, period, planVersion, JSON.stringify(rows), inputReadAt ?? null],
  );
  return out.map((r) => r.partner_id);
}

/** What ranking a partner needs from its row: the rest stays in the database. */
export interface RankKey {
  partnerId: string;
  factsHash: string;
  rankable: Rankable;
}

/**
 * The ranking keys of the period's rows scored with `planVersion`, for partners still
 * live in the store, from their own column: a period's whole rows are megabytes of
 * explain lines and metrics, and a rerank after one push needs them for a few partners only.
 */
export async function listRankKeys(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  planVersion: number,
): Promise<RankKey[]> {
  const rows = await sql.query<{ partner_id: string; facts_hash: string; rankable: Rankable }>(
    // The key's own column (migration 009): not extracted from the whole stored row.
    `select u.partner_id, u.facts_hash, u.rankable from unranked_results u
     join partners p on p.tenant_id = u.tenant_id and p.partner_id = u.partner_id and p.deleted_at is null
     where u.tenant_id = $1 and u.period = $2 and u.plan_version = $3
     order by u.partner_id`,
    [tenantId, period, planVersion],
  );
  return rows.map((r) => ({ partnerId: r.partner_id, factsHash: r.facts_hash, rankable: r.rankable }));
}

/**
 * These partners' whole rows, each only while its factsHash is still the one given (a
 * row a recalculation replaced since its key was read is left out: that recalculation
 * asks for another ranking).
 */
export async function getUnranked(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  planVersion: number,
  keys: { partnerId: string; factsHash: string }[],
): Promise<StoredUnranked[]> {
  if (keys.length === 0) return [];
  const rows = await sql.query<{ partner_id: string; facts_hash: string; unranked: UnrankedResult }>(
    `select u.partner_id, u.facts_hash, u.unranked from unranked_results u
     join jsonb_to_recordset($4::jsonb) as x(p text, h text) on x.p = u.partner_id and x.h = u.facts_hash
     where u.tenant_id = $1 and u.period = $2 and u.plan_version = $3
     order by u.partner_id`,
    [tenantId, period, planVersion, JSON.stringify(keys.map((k) => ({ p: k.partnerId, h: k.factsHash })))],
  );
  return rows.map((r) => ({
    partnerId: r.partner_id,
    planVersion,
    factsHash: r.facts_hash,
    unranked: r.unranked,
  }));
}

/** How many keys listRankKeys would return (whether the period's pass-1 set is complete), without reading them. */
export async function countUnranked(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  planVersion: number,
): Promise<number> {
  const [row] = await sql.query<{ n: string }>(
    `select count(*)::text as n from unranked_results u
     join partners p on p.tenant_id = u.tenant_id and p.partner_id = u.partner_id and p.deleted_at is null
     where u.tenant_id = $1 and u.period = $2 and u.plan_version = $3`,
    [tenantId, period, planVersion],
  );
  return Number(row?.n ?? 0);
}

export async function deleteUnranked(sql: Sql, tenantId: TenantId, partnerIds: string[]): Promise<number> {
  if (partnerIds.length === 0) return 0;
  const rows = await sql.query(
    'delete from unranked_results where tenant_id = $1 and partner_id = any($2::text[]) returning partner_id',
    [tenantId, partnerIds],
  );
  return rows.length;
}
