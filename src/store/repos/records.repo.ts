// Synced CRM records: partners, accounts, deals. Normalized columns for queries,
// the normalized record (jsonb) for scoring, the CRM's raw record for audit and
// re-mapping, the CRM modified time (delta-sync cursor) and a soft delete.
// A live row is never replaced by a version the CRM modified earlier: a full sync's
// pages (Zoho's Bulk Read is a snapshot taken when its job starts) can arrive after a
// push already stored a newer version of the same record, and would otherwise leave
// the stale one until the next incremental sync. Equal times still replace (Zoho's
// modified time has whole seconds; the read that comes later is the likelier newer).
import type { Account, Deal, Partner } from '../../core/index.js';
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface SyncedRecord<T> {
  record: T;
  raw: unknown;
  /** ISO-8601. */
  modifiedAt: string;
}

export type Entity = 'partner' | 'account' | 'deal';

const TABLE: Record<Entity, { table: string; key: string }> = {
  partner: { table: 'partners', key: 'partner_id' },
  account: { table: 'accounts', key: 'account_id' },
  deal: { table: 'deals', key: 'deal_id' },
};

/** Upserts in one statement; returns how many rows were written. */
export async function upsertPartners(sql: Sql, tenantId: TenantId, items: SyncedRecord<Partner>[]) {
  if (items.length === 0) return 0;
  const rows = items.map(({ record, raw, modifiedAt }) => ({
    id: record.id,
    name: record.name ?? '',
    level: record.level ?? null,
    region: record.region ?? null,
    record,
    raw: raw ?? null,
    modified: modifiedAt,
  }));
  const out = await sql.query(
    `insert into partners (tenant_id, partner_id, name, level, region, record, raw, crm_modified_at, deleted_at, synced_at)
     select $1, x.id, x.name, x.level, x.region, x.record, x.raw, x.modified, null, now()
     from jsonb_to_recordset($2::jsonb) as x(id text, name text, level text, region text, record jsonb, raw jsonb, modified timestamptz)
     on conflict (tenant_id, partner_id) do update set name = excluded.name, level = excluded.level,
       region = excluded.region, record = excluded.record, raw = excluded.raw,
       crm_modified_at = excluded.crm_modified_at, deleted_at = null, synced_at = now()
     where partners.deleted_at is not null or partners.crm_modified_at is null or excluded.crm_modified_at is null
        or excluded.crm_modified_at >= partners.crm_modified_at
     returning partner_id`,
    [tenantId, JSON.stringify(rows)],
  );
  return out.length;
}

export async function upsertAccounts(sql: Sql, tenantId: TenantId, items: SyncedRecord<Account>[]) {
  if (items.length === 0) return 0;
  const rows = items.map(({ record, raw, modifiedAt }) => ({
    id: record.id,
    partner: record.partnerId ?? null,
    name: record.name ?? '',
    record,
    raw: raw ?? null,
    modified: modifiedAt,
  }));
  const out = await sql.query(
    `insert into accounts (tenant_id, account_id, partner_id, name, record, raw, crm_modified_at, deleted_at, synced_at)
     select $1, x.id, x.partner, x.name, x.record, x.raw, x.modified, null, now()
     from jsonb_to_recordset($2::jsonb) as x(id text, partner text, name text, record jsonb, raw jsonb, modified timestamptz)
     on conflict (tenant_id, account_id) do update set partner_id = excluded.partner_id, name = excluded.name,
       record = excluded.record, raw = excluded.raw, crm_modified_at = excluded.crm_modified_at,
       deleted_at = null, synced_at = now()
     where accounts.deleted_at is not null or accounts.crm_modified_at is null or excluded.crm_modified_at is null
        or excluded.crm_modified_at >= accounts.crm_modified_at
     returning account_id`,
    [tenantId, JSON.stringify(rows)],
  );
  return out.length;
}

export interface DealChange {
  dealId: string;
  /** Partner before the write (null when new or unassigned). */
  oldPartnerId: string | null;
  oldClosedAt: string | null;
  newPartnerId: string | null;
  newClosedAt: string | null;
}

/**
 * Upserts deals and reports, per deal, the partner and close date before and after,
 * so the caller can recalculate both the old and the new partner/period.
 */
export async function upsertDeals(
  sql: Sql,
  tenantId: TenantId,
  items: SyncedRecord<Deal>[],
): Promise<DealChange[]> {
  if (items.length === 0) return [];
  const rows = items.map(({ record, raw, modifiedAt }) => ({
    id: record.id,
    partner: record.partnerId ?? null,
    account: record.accountId ?? null,
    name: record.name ?? '',
    status: record.status,
    amount: record.amount,
    currency: record.currency,
    closed: record.closedAt ?? null,
    record,
    raw: raw ?? null,
    modified: modifiedAt,
  }));
  return sql.transaction(async (tx) => {
    const before = await tx.query<{ deal_id: string; partner_id: string | null; closed_at: string | null }>(
      `select deal_id, partner_id, closed_at from deals
       where tenant_id = $1 and deal_id = any($2::text[]) and deleted_at is null for update`,
      [tenantId, rows.map((r) => r.id)],
    );
    const old = new Map(before.map((r) => [r.deal_id, r]));
    const written = await tx.query<{ deal_id: string }>(
      `insert into deals (tenant_id, deal_id, partner_id, account_id, name, status, amount, currency, closed_at,
                          record, raw, crm_modified_at, deleted_at, synced_at)
       select $1, x.id, x.partner, x.account, x.name, x.status, x.amount::numeric, x.currency, x.closed,
              x.record, x.raw, x.modified, null, now()
       from jsonb_to_recordset($2::jsonb) as x(id text, partner text, account text, name text, status text,
            amount text, currency text, closed text, record jsonb, raw jsonb, modified timestamptz)
       on conflict (tenant_id, deal_id) do update set partner_id = excluded.partner_id,
         account_id = excluded.account_id, name = excluded.name, status = excluded.status,
         amount = excluded.amount, currency = excluded.currency, closed_at = excluded.closed_at,
         record = excluded.record, raw = excluded.raw, crm_modified_at = excluded.crm_modified_at,
         deleted_at = null, synced_at = now()
       where deals.deleted_at is not null or deals.crm_modified_at is null or excluded.crm_modified_at is null
          or excluded.crm_modified_at >= deals.crm_modified_at
       returning deal_id`,
      [tenantId, JSON.stringify(rows)],
    );
    const applied = new Set(written.map((w) => w.deal_id));
    return rows
      .filter((r) => applied.has(r.id))
      .map((r) => ({
        dealId: r.id,
        oldPartnerId: old.get(r.id)?.partner_id ?? null,
        oldClosedAt: old.get(r.id)?.closed_at ?? null,
        newPartnerId: r.partner,
        newClosedAt: r.closed,
      }));
  });
}

/** Soft-deletes records; returns the ids that were live. */
export async function softDelete(
  sql: Sql,
  tenantId: TenantId,
  entity: Entity,
  ids: string[],
  at: Date,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const { table, key } = TABLE[entity];
  const rows = await sql.query<Record<string, string>>(
    `update ${table} set deleted_at = $3 where tenant_id = $1 and ${key} = any($2::text[]) and deleted_at is null
     returning ${key}`,
    [tenantId, ids, at],
  );
  return rows.map((r) => r[key]!);
}

export async function getPartner(sql: Sql, tenantId: TenantId, partnerId: string): Promise<Partner | null> {
  const rows = await sql.query<{ record: Partner }>(
    'select record from partners where tenant_id = $1 and partner_id = $2 and deleted_at is null',
    [tenantId, partnerId],
  );
  return rows[0]?.record ?? null;
}

/** Live deals credited to a partner (directly or through a split). */
export async function dealsOfPartner(sql: Sql, tenantId: TenantId, partnerId: string): Promise<Deal[]> {
  const rows = await sql.query<{ record: Deal }>(
    `select record from deals where tenant_id = $1 and deleted_at is null
       and (partner_id = $2 or record->'splits' @> jsonb_build_array(jsonb_build_object('partnerId', $2::text)))
     order by deal_id`,
    [tenantId, partnerId],
  );
  return rows.map((r) => r.record);
}

export async function accountsOfPartner(sql: Sql, tenantId: TenantId, partnerId: string): Promise<Account[]> {
  const rows = await sql.query<{ record: Account }>(
    'select record from accounts where tenant_id = $1 and partner_id = $2 and deleted_at is null order by account_id',
    [tenantId, partnerId],
  );
  return rows.map((r) => r.record);
}

/** Everything live for one tenant (full recalculation). */
export async function loadTenantRecords(
  sql: Sql,
  tenantId: TenantId,
  /**
   * Only won deals: what scoring reads (the core counts nothing else; open and lost deals
   * are checked only for an id and a status). Most of a CRM's deals are open or lost, and
   * a whole tenant's input is held in memory while its period is scored.
   */
  options: { wonDealsOnly?: boolean } = {},
): Promise<{ partners: Partner[]; accounts: Account[]; deals: Deal[] }> {
  const [partners, accounts, deals] = await Promise.all([
    sql.query<{ record: Partner }>(
      'select record from partners where tenant_id = $1 and deleted_at is null order by partner_id',
      [tenantId],
    ),
    sql.query<{ record: Account }>(
      'select record from accounts where tenant_id = $1 and deleted_at is null order by account_id',
      [tenantId],
    ),
    sql.query<{ record: Deal }>(
      `select record from deals where tenant_id = $1 and deleted_at is null${
        options.wonDealsOnly ? " and status = 'won'" : ''
      } order by deal_id`,
      [tenantId],
    ),
  ]);
  return {
    partners: partners.map((r) => r.record),
    accounts: accounts.map((r) => r.record),
    deals: deals.map((r) => r.record),
  };
}

/** The tenant's live partners (countRecords counts deals too: a scan of every deal). */
/**
 * Fresh planner statistics for the record tables, after a full sync has filled them.
 * Autovacuum analyzes a table a minute or more after a bulk load; until then the
 * planner takes it for nearly empty and can pick plans that rescan an array for every
 * row (see load-input.ts), which made the first recalculations after a first sync
 * several seconds slower.
 */
export async function analyzeRecordTables(sql: Sql): Promise<void> {
  await sql.query('analyze partners, accounts, deals');
}

export async function countPartners(sql: Sql, tenantId: TenantId): Promise<number> {
  const [r] = await sql.query<{ n: string }>(
    'select count(*)::text as n from partners where tenant_id = $1 and deleted_at is null',
    [tenantId],
  );
  return Number(r?.n ?? 0);
}

export async function countRecords(sql: Sql, tenantId: TenantId): Promise<Record<Entity, number>> {
  const rows = await sql.query<{ partners: string; accounts: string; deals: string }>(
    `select (select count(*) from partners where tenant_id = $1 and deleted_at is null) as partners,
            (select count(*) from accounts where tenant_id = $1 and deleted_at is null) as accounts,
            (select count(*) from deals where tenant_id = $1 and deleted_at is null) as deals`,
    [tenantId],
  );
  const r = rows[0]!;
  return { partner: Number(r.partners), account: Number(r.accounts), deal: Number(r.deals) };
}
