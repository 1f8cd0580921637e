// The core's input for some partners and for a whole tenant (docs/pipeline.md,
// "Input for one partner"). A partner's input must give the same UnrankedResult
// as a whole-tenant run, so besides the partner's own won deals it carries every
// won deal on the accounts those deals touch (the core decides "first won deal
// ever" per account from them) and the partners those deals credit.
import type { Input, Partner } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { statementsInput } from '../../store/repos/pipeline-results.repo.js';
import { getRates } from '../../store/repos/rates.repo.js';
import { loadTenantRecords } from '../../store/repos/records.repo.js';
import type { Sql } from '../../store/sql.js';

/** The input for these partners (a recalculation batch); each one's result equals a whole-tenant run's. */
export async function partnersInput(
  sql: Sql,
  tenantId: TenantId,
  partnerIds: string[],
  currency: string,
): Promise<Input> {
  // Won deals credited to the partners (directly or through a split), then every won
  // deal on the accounts they touch (first-won facts), in two set queries. The union of
  // several partners' inputs is still right for each: the extra deals are on other
  // accounts or credited to other partners, which a partner's result does not read.
  const own = await sql.query<{ record: Input['deals'][number]; account_id: string | null }>(
    `select record, account_id from deals where tenant_id = $1 and deleted_at is null and status = 'won'
       and (partner_id = any($2::text[]) or exists (
         select 1 from jsonb_array_elements(coalesce(record->'splits', '[]'::jsonb)) s
         where s->>'partnerId' = any($2::text[])))`,
    [tenantId, partnerIds],
  );
  const accountIds = [...new Set(own.map((r) => r.account_id).filter((a): a is string => !!a))];
  const onAccounts =
    accountIds.length === 0
      ? []
      : await sql.query<{ record: Input['deals'][number] }>(
          `select record from deals where tenant_id = $1 and deleted_at is null and status = 'won'
             and account_id = any($2::text[])`,
          [tenantId, accountIds],
        );
  const deals = new Map(own.map((r) => [r.record.id, r.record]));
  for (const r of onAccounts) deals.set(r.record.id, r.record);

  const credited = new Set(partnerIds);
  for (const d of deals.values()) {
    if (d.partnerId) credited.add(d.partnerId);
    for (const s of d.splits ?? []) credited.add(s.partnerId);
  }
  const [partners, accounts, statements, rates] = await Promise.all([
    sql.query<{ record: Partner }>(
      `select record from partners where tenant_id = $1 and partner_id = any($2::text[]) and deleted_at is null`,
      [tenantId, [...credited]],
    ),
    accountIds.length === 0
      ? Promise.resolve([])
      : sql.query<{ record: Input['accounts'][number] }>(
          `select record from accounts where tenant_id = $1 and account_id = any($2::text[]) and deleted_at is null`,
          [tenantId, accountIds],
        ),
    statementsInput(sql, tenantId, partnerIds),
    getRates(sql, tenantId, currency),
  ]);
  return {
    partners: partners.map((r) => r.record),
    accounts: accounts.map((r) => r.record),
    deals: [...deals.values()],
    rates,
    statements,
  };
}

export async function tenantInput(sql: Sql, tenantId: TenantId, currency: string): Promise<Input> {
  const [records, statements, rates] = await Promise.all([
    loadTenantRecords(sql, tenantId),
    statementsInput(sql, tenantId),
    getRates(sql, tenantId, currency),
  ]);
  return { ...records, rates, statements };
}
