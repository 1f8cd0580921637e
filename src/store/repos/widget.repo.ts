// Reads behind the widget API: one partner's results, statements and the records its
// what-if slice needs, each query narrowed to the tenant and the partner (never a full load).
import type { Account, Deal, Partner } from '../../core/index.js';
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface PartnerRow {
  record: Partner;
  name: string;
  level: string | null;
  region: string | null;
}

export async function livePartner(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
): Promise<PartnerRow | null> {
  const rows = await sql.query<{
    record: Partner;
    name: string;
    level: string | null;
    region: string | null;
  }>(
    'select record, name, level, region from partners where tenant_id = $1 and partner_id = $2 and deleted_at is null',
    [tenantId, partnerId],
  );
  return rows[0] ?? null;
}

export interface PeriodRow {
  period: string;
  result: unknown;
  /** results: computed_at; statements: frozen_at. */
  at: string;
}

export async function resultsOfPartner(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
): Promise<PeriodRow[]> {
  const rows = await sql.query<{ period: string; result: unknown; computed_at: Date }>(
    'select period, result, computed_at from results where tenant_id = $1 and partner_id = $2',
    [tenantId, partnerId],
  );
  return rows.map((r) => ({ period: r.period, result: r.result, at: r.computed_at.toISOString() }));
}

export interface StatementRow extends PeriodRow {
  payout: string;
}

export async function statementsOfPartner(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
): Promise<StatementRow[]> {
  const rows = await sql.query<{ period: string; result: unknown; payout: string; frozen_at: Date }>(
    'select period, result, payout::text as payout, frozen_at from statements where tenant_id = $1 and partner_id = $2 order by period',
    [tenantId, partnerId],
  );
  return rows.map((r) => ({
    period: r.period,
    result: r.result,
    payout: r.payout,
    at: r.frozen_at.toISOString(),
  }));
}

/** Live won deals on these accounts, whoever they are credited to (new-customer facts). */
export async function wonDealsOnAccounts(
  sql: Sql,
  tenantId: TenantId,
  accountIds: string[],
): Promise<Deal[]> {
  if (accountIds.length === 0) return [];
  const rows = await sql.query<{ record: Deal }>(
    `select record from deals where tenant_id = $1 and deleted_at is null and status = 'won'
       and account_id = any($2::text[]) order by deal_id`,
    [tenantId, accountIds],
  );
  return rows.map((r) => r.record);
}

export async function partnersByIds(sql: Sql, tenantId: TenantId, ids: string[]): Promise<Partner[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{ record: Partner }>(
    `select record from partners where tenant_id = $1 and deleted_at is null and partner_id = any($2::text[])
     order by partner_id`,
    [tenantId, ids],
  );
  return rows.map((r) => r.record);
}

export async function accountsByIds(sql: Sql, tenantId: TenantId, ids: string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<{ record: Account }>(
    `select record from accounts where tenant_id = $1 and deleted_at is null and account_id = any($2::text[])
     order by account_id`,
    [tenantId, ids],
  );
  return rows.map((r) => r.record);
}

/** Partners (live) with their result for one period: the overview's rows. */
export async function resultsForPeriod(
  sql: Sql,
  tenantId: TenantId,
  period: string,
): Promise<
  {
    partnerId: string;
    name: string;
    level: string | null;
    region: string | null;
    result: unknown;
    at: string;
  }[]
> {
  const rows = await sql.query<{
    partner_id: string;
    name: string;
    level: string | null;
    region: string | null;
    result: unknown;
    computed_at: Date;
  }>(
    `select r.partner_id, p.name, p.level, p.region, r.result, r.computed_at
     from results r join partners p on p.tenant_id = r.tenant_id and p.partner_id = r.partner_id
     where r.tenant_id = $1 and r.period = $2 and p.deleted_at is null
     order by r.partner_id`,
    [tenantId, period],
  );
  return rows.map((r) => ({
    partnerId: r.partner_id,
    name: r.name,
    level: r.level,
    region: r.region,
    result: r.result,
    at: r.computed_at.toISOString(),
  }));
}

/** Periods that have results (the overview's picker). */
export async function periodsWithResults(sql: Sql, tenantId: TenantId): Promise<string[]> {
  const rows = await sql.query<{ period: string }>(
    'select distinct period from results where tenant_id = $1',
    [tenantId],
  );
  return rows.map((r) => r.period);
}
