// The core's input for some partners and for a whole tenant (docs/pipeline.md,
// "Input for one partner"). A partner's input must give the same UnrankedResult
// as a whole-tenant run, so besides the partner's own won deals it carries every
// won deal on the accounts those deals touch (the core decides "first won deal
// ever" per account from them) and the partners those deals credit.
import { closedAtReader, firstWonChecker, type Input, type Partner, type Plan } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { statementsInput } from '../../store/repos/pipeline-results.repo.js';
import { getRates } from '../../store/repos/rates.repo.js';
import { loadTenantRecords } from '../../store/repos/records.repo.js';
import type { Sql } from '../../store/sql.js';
import { datesApart, lastDateOf, periodWindows, spanOf } from './close-dates.js';

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
  const own = await sql.query<{ record: Input['deals'][number] }>(
    // Two index reads (deals_won_by_partner, deals_with_splits), not a scan of every
    // deal; only deals closed within the scored and settled periods: a partner's won
    // deals outside them credit it nothing, and those on the accounts it has credits on
    // still come with the accounts (below). Without the bound a batch read every won
    // deal its partners ever had.
    `select record from deals d where tenant_id = $1 and deleted_at is null and status = 'won'
       and partner_id = any($2::text[]) and ${IN_SPAN}
     union all
     select record from deals d where tenant_id = $1 and deleted_at is null and status = 'won'
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
  // A deal the core cannot place in time is kept (it reports it and skips it).
  const upToCutoff = ({ record: d }: { record: Input['deals'][number] }) => {
    const ms = typeof d.closedAt === 'string' ? readClosedAt(d.closedAt) : undefined;
    return ms === undefined || d.accountId == null || ms <= (cutoff.get(d.accountId) ?? Infinity);
  };
  const deals = new Map(own.map((r) => [r.record.id, r.record]));
  const addDeals = (rows: { record: Input['deals'][number] }[]) => {
    for (const r of rows) if (upToCutoff(r)) deals.set(r.record.id, r.record);
  };

  // Each account's earliest won deals (FIRST_WON_CANDIDATES of them by date), not its
  // whole history up to the cutoff: the first won deal is among them unless the earliest
  // are all deals the core skips, which the check below finds.
  const candidates = await wonDealsByAccount(sql, tenantId, accountIds, cutoff, FIRST_WON_CANDIDATES);
  for (const rows of candidates.values()) addDeals(rows);
  const [accounts, rates] = await Promise.all([
    accountIds.length === 0
      ? Promise.resolve([])
      : sql.query<{ record: Input['accounts'][number] }>(
          `select record from accounts where tenant_id = $1 and account_id = any($2::text[]) and deleted_at is null`,
          [tenantId, accountIds],
        ),
    getRates(sql, tenantId, plan.currency),
  ]);
  const partners = new Map<string, Partner>();
  /** The batch's partners and every partner the deals read so far credit (the core checks each deal's). */
  const loadPartners = async () => {
    const credited = new Set(partnerIds);
    for (const d of deals.values()) {
      if (d.partnerId) credited.add(d.partnerId);
      for (const s of d.splits ?? []) credited.add(s.partnerId);
    }
    const missing = [...credited].filter((id) => !partners.has(id));
    if (missing.length === 0) return;
    const rows = await sql.query<{ record: Partner }>(
      `select record from partners where tenant_id = $1 and partner_id = any($2::text[]) and deleted_at is null`,
      [tenantId, missing],
    );
    for (const r of rows) partners.set(r.record.id, r.record);
  };
  await loadPartners();
  const unsettled = unsettledAccounts(
    candidates,
    firstWonChecker(plan, { partners: [...partners.values()], rates }),
  );
  if (unsettled.length > 0) {
    // Rare: the earliest candidates are mostly deals the core skips. The whole history
    // up to the cutoff, as before the candidates, for these accounts only.
    for (const rows of (await wonDealsByAccount(sql, tenantId, unsettled, cutoff, null)).values())
      addDeals(rows);
    await loadPartners();
  }
  return {
    partners: [...partners.values()],
    accounts: accounts.map((r) => r.record),
    deals: [...deals.values()],
    rates,
    statements,
  };
}

/** Won deals read per account before the rest of its history is needed (see unsettledAccounts). */
const FIRST_WON_CANDIDATES = 4;

type DealRow = { record: Input['deals'][number]; day: string };

/**
 * Each account's won deals up to its cutoff's date, by date: the earliest `most` of each
 * (FIRST_WON_CANDIDATES), or all of them (null). One index read per account
 * (deals_won_by_account, lateral, kept apart by `offset 0`): joined plainly, a planner
 * without statistics on deals (a table just filled by a first sync, before autovacuum
 * analyzed it) took the account list for one row and rescanned it for every won deal of
 * the tenant — 6 s per batch of 800 accounts instead of 0.4 s.
 */
async function wonDealsByAccount(
  sql: Sql,
  tenantId: TenantId,
  accountIds: string[],
  cutoff: Map<string, number>,
  most: number | null,
): Promise<Map<string, DealRow[]>> {
  const out = new Map<string, DealRow[]>();
  if (accountIds.length === 0) return out;
  const rows = await sql.query<DealRow & { account: string }>(
    // `limit null` is no limit.
    `select a.id as account, d.record, d.day from unnest($2::text[], $3::text[]) a(id, last)
     cross join lateral (
       select record, left(d.closed_at, 10) as day from deals d
       where d.tenant_id = $1 and d.account_id = a.id and d.deleted_at is null
         and d.status = 'won' and left(d.closed_at, 10) <= a.last
       order by left(d.closed_at, 10) limit $4::int
       offset 0) d`,
    [tenantId, accountIds, accountIds.map((id) => lastDateOf(cutoff.get(id)!)), most],
  );
  for (const r of rows) {
    const list = out.get(r.account);
    if (list) list.push(r);
    else out.set(r.account, [r]);
  }
  // By date (unsettledAccounts reads the first and last): the outer query has no order of its own.
  for (const list of out.values()) list.sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : 0));
  return out;
}

/**
 * The accounts whose candidates may not hold their first won deal: a full set of
 * candidates (more may follow) where no deal the core counts is dated at least three
 * days before the last candidate. Three days: a deal's date is in its own offset or
 * the plan's zone (UTC−12 to UTC+14), so a deal dated three days after a counted one
 * closed after it whatever the offsets (close-dates.ts); every deal not read is dated
 * on or after the last candidate, so the earliest counted one is among those read.
 */
function unsettledAccounts(candidates: Map<string, DealRow[]>, counts: (deal: unknown) => boolean): string[] {
  const out: string[] = [];
  for (const [account, rows] of candidates) {
    if (rows.length < FIRST_WON_CANDIDATES) continue; // every won deal up to the cutoff
    const counted = rows.find((r) => counts(r.record));
    const last = rows[rows.length - 1]!.day;
    if (!counted || !datesApart(counted.day, last, 3)) out.push(account);
  }
  return out;
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

/**
 * The input for a whole tenant: its partners, accounts and won deals (scoring reads no
 * other deal; docs/pipeline.md, "Input for a whole tenant").
 */
export async function tenantInput(sql: Sql, tenantId: TenantId, currency: string): Promise<Input> {
  const [records, statements, rates] = await Promise.all([
    loadTenantRecords(sql, tenantId, { wonDealsOnly: true }),
    statementsInput(sql, tenantId),
    getRates(sql, tenantId, currency),
  ]);
  return { ...records, rates, statements };
}
