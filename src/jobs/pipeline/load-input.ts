// The core's input for some partners and for a whole tenant (docs/pipeline.md,
// "Input for one partner"). A partner's input must give the same UnrankedResult
// as a whole-tenant run, so besides the partner's own won deals it carries every
// won deal on the accounts those deals touch (the core decides "first won deal
// ever" per account from them) and the partners those deals credit.
import { closedAtReader, type Input, type Partner, type Plan } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { statementsInput } from '../../store/repos/pipeline-results.repo.js';
import { getRates } from '../../store/repos/rates.repo.js';
import { loadTenantRecords } from '../../store/repos/records.repo.js';
import type { Sql } from '../../store/sql.js';
import { lastDateOf, periodWindows, spanOf } from './close-dates.js';

/** The input for these partners (a recalculation batch); each one's result equals a whole-tenant run's. */
export async function partnersInput(
  sql: Sql,
  tenantId: TenantId,
  partnerIds: string[],
  plan: Plan,
  period: string,
): Promise<Input> {
  // Won deals credited to the partners (directly or through a split), then the won
  // deals on the accounts they touch that can decide those accounts' first won deal.
  // The union of several partners' inputs is still right for each: the extra deals
  // are on other accounts or credited to other partners, which a partner's result
  // does not read.
  const statements = await statementsInput(sql, tenantId, partnerIds);
  const windows = periodWindows(plan, [period, ...new Set(statements.map((s) => s.period))]);
  const dates = spanOf(windows);
  const own = await sql.query<{ record: Input['deals'][number]; account_id: string | null }>(
    // Two index reads (deals_by_partner, deals_with_splits), not a scan of every deal;
    // only deals closed within the scored and settled periods: a partner's won deals
    // outside them credit it nothing, and those on the accounts it has credits on still
    // come with the accounts (below). Without the bound a batch read every won deal its
    // partners ever had. (An index on partner and date did not make the bench faster.)
    `select record, account_id from deals d where tenant_id = $1 and deleted_at is null and status = 'won'
       and partner_id = any($2::text[]) and ${IN_SPAN}
     union all
     select record, account_id from deals d where tenant_id = $1 and deleted_at is null and status = 'won'
       and record ? 'splits' and (partner_id is null or not partner_id = any($2::text[]))
       and exists (select 1 from jsonb_array_elements(coalesce(record->'splits', '[]'::jsonb)) s
                   where s->>'partnerId' = any($2::text[])) and ${IN_SPAN}`,
    [tenantId, partnerIds, dates.from, dates.to],
  );
  const cutoff = firstWonCutoffs(
    own.map((r) => r.record),
    plan,
    windows,
  );
  const accountIds = [...cutoff.keys()];
  const readClosedAt = closedAtReader(plan.timezone);
  const onAccounts =
    accountIds.length === 0
      ? []
      : (
          await sql.query<{ record: Input['deals'][number] }>(
            // Each account's deals up to its cutoff's date (close-dates.ts): the later
            // ones cannot be its first won deal. One index read per account (lateral,
            // kept apart by `offset 0`): joined plainly, a planner without statistics on
            // deals (a table just filled by a first sync, before autovacuum analyzed it)
            // took the unnest for one row and rescanned it for every won deal of the
            // tenant — 6 s per batch of 800 accounts instead of 0.4 s.
            `select d.record from unnest($2::text[], $3::text[]) a(id, last)
             cross join lateral (
               select record from deals d
               where d.tenant_id = $1 and d.account_id = a.id and d.deleted_at is null
                 and d.status = 'won' and left(d.closed_at, 10) <= a.last
               offset 0) d`,
            [tenantId, accountIds, accountIds.map((id) => lastDateOf(cutoff.get(id)!))],
          )
        ).filter(({ record: d }) => {
          const ms = typeof d.closedAt === 'string' ? readClosedAt(d.closedAt) : undefined;
          // A deal the core cannot place in time is kept (it reports it and skips it).
          return ms === undefined || d.accountId == null || ms <= (cutoff.get(d.accountId) ?? Infinity);
        });
  const deals = new Map(own.map((r) => [r.record.id, r.record]));
  for (const r of onAccounts) deals.set(r.record.id, r.record);

  const credited = new Set(partnerIds);
  for (const d of deals.values()) {
    if (d.partnerId) credited.add(d.partnerId);
    for (const s of d.splits ?? []) credited.add(s.partnerId);
  }
  const [partners, accounts, rates] = await Promise.all([
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
    getRates(sql, tenantId, plan.currency),
  ]);
  return {
    partners: partners.map((r) => r.record),
    accounts: accounts.map((r) => r.record),
    deals: [...deals.values()],
    rates,
    statements,
  };
}

/** A deal's calendar date within the span ($3, $4: close-dates.ts spanOf). */
const IN_SPAN = 'left(d.closed_at, 10) between $3::text and $4::text';

/**
 * The accounts whose facts the partners' results read, each with the latest close
 * (epoch ms) that can matter there. A result reads accounts only through its credits
 * in the scored and settled periods (their records, and whether a credit is its
 * account's first won deal ever); whether credit c is first depends only on the
 * won deals closed no later than c. So an account is needed only when one of the
 * partners' own won deals on it closed in those periods, and of its other deals only
 * those closed up to the latest such one — not the account's whole history (shared
 * customers made a batch of tens of partners load most of the tenant's deals).
 * A period key the plan cannot read keeps every account, unbounded (the core reports it).
 */
function firstWonCutoffs(
  own: Input['deals'],
  plan: Plan,
  windows: { startMs: number; endMs: number }[] | null,
): Map<string, number> {
  const readClosedAt = closedAtReader(plan.timezone);
  const out = new Map<string, number>();
  for (const d of own) {
    if (!d.accountId) continue;
    const ms = typeof d.closedAt === 'string' ? readClosedAt(d.closedAt) : undefined;
    // Not placeable in time: no credit (the core reports the deal), nothing to decide.
    if (ms === undefined) continue;
    if (windows && !windows.some((w) => ms >= w.startMs && ms < w.endMs)) continue;
    const cut = windows ? ms : Number.POSITIVE_INFINITY;
    out.set(d.accountId, Math.max(out.get(d.accountId) ?? Number.NEGATIVE_INFINITY, cut));
  }
  return out;
}

export async function tenantInput(sql: Sql, tenantId: TenantId, currency: string): Promise<Input> {
  const [records, statements, rates] = await Promise.all([
    loadTenantRecords(sql, tenantId),
    statementsInput(sql, tenantId),
    getRates(sql, tenantId, currency),
  ]);
  return { ...records, rates, statements };
}
