// Applying synced records to the store and working out which partner-periods the
// changes can move (both old and new partner and period of a deal), then asking for
// their recalculation. A change to a deal in a period with frozen statements is
// recalculated in the OPEN period: the core turns it into a clawback or true-up
// adjustment there, and the frozen numbers stay as they were.
import type { Page, Quarantined, Synced } from '../../../connectors/contract.js';
import { type Account, closedAtReader, type Deal, type Partner } from '../../core/index.js';
import { affectedByDealChange } from '../../pipeline/affected.js';
import type { TenantId } from '../../store/ids.js';
import { closedPeriods } from '../../store/repos/pipeline-results.repo.js';
import { addQuarantine } from '../../store/repos/quarantine.repo.js';
import { markDirty } from '../../store/repos/recalc-dirty.repo.js';
import { softDelete, upsertAccounts, upsertDeals, upsertPartners } from '../../store/repos/records.repo.js';
import type { Sql } from '../../store/sql.js';
import { periodWindows, spanOf } from './close-dates.js';
import { type ActivePlan, activePlan, currentPeriod, type PipelineContext } from './context.js';
import { enqueueRecalc } from './enqueue.js';

/** Partner-periods to recalculate, collected over a sync and enqueued at the end. */
export class Touched {
  readonly pairs = new Map<string, { partnerId: string; period: string }>();
  /** Partners whose current period may move (partner fields, accounts, first-won facts). */
  readonly partnersNow = new Set<string>();

  add(partnerId: string, period: string) {
    this.pairs.set(`${partnerId}\u0000${period}`, { partnerId, period });
  }
  get size() {
    return this.pairs.size + this.partnersNow.size;
  }
}

async function liveDeals(sql: Sql, tenantId: TenantId, ids: string[]): Promise<Map<string, Deal>> {
  if (ids.length === 0) return new Map();
  const rows = await sql.query<{ record: Deal }>(
    'select record from deals where tenant_id = $1 and deal_id = any($2::text[]) and deleted_at is null',
    [tenantId, ids],
  );
  return new Map(rows.map((r) => [r.record.id, r.record]));
}

/**
 * Partners whose current-period result reads one of these accounts (its record, its
 * first won deal): those with a won deal on it closed in the current period or in a
 * closed period (whose statements the current result settles against). A result reads
 * an account only through its credits in those periods (core: hashedFacts), so partners
 * whose deals on it closed in other periods are not touched — with customers shared by
 * many partners, every partner that ever won a deal there made a push recalculate
 * about ten partners instead of one or two. A close the plan cannot read within the
 * windows' dates counts as in (the core skips such a deal; one without a date is not read).
 * Without an active plan: every partner with a won deal on them.
 */
async function partnersOnAccounts(
  ctx: PipelineContext,
  tenantId: TenantId,
  plan: ActivePlan | null,
  accountIds: string[],
): Promise<string[]> {
  if (accountIds.length === 0) return [];
  const db = ctx.store.db;
  let inWindow: (closedAt: string | null) => boolean = () => true;
  // Calendar dates around the windows (close-dates.ts): the database skips the accounts'
  // deals of other periods. Every date when there is no plan or a key it cannot read.
  let span = spanOf(null);
  if (plan) {
    const keys = [currentPeriod(plan.plan, ctx.now()), ...(await closedPeriods(db, tenantId))];
    // A stored period key the plan cannot read (null): every partner, as without a plan.
    const windows = periodWindows(plan.plan, keys);
    if (windows) {
      const read = closedAtReader(plan.plan.timezone);
      inWindow = (closedAt) => {
        const ms = closedAt === null ? undefined : read(closedAt);
        return ms === undefined || windows.some((w) => ms >= w.startMs && ms < w.endMs);
      };
      span = spanOf(windows);
    }
  }
  const rows = await db.query<{ partner_id: string | null; closed_at: string | null }>(
    `select coalesce(s->>'partnerId', d.partner_id) as partner_id, d.closed_at
     from deals d left join lateral jsonb_array_elements(coalesce(d.record->'splits', '[]'::jsonb)) s on true
     where d.tenant_id = $1 and d.account_id = any($2::text[]) and d.status = 'won' and d.deleted_at is null
       and left(d.closed_at, 10) between $3 and $4`,
    [tenantId, accountIds, span.from, span.to],
  );
  const out = new Set<string>();
  for (const r of rows) if (r.partner_id && inWindow(r.closed_at)) out.add(r.partner_id);
  return [...out];
}

function noteDealChange(
  touched: Touched,
  plan: ActivePlan | null,
  before: Deal | null,
  after: Deal | null,
  accounts: Set<string>,
) {
  if (!plan) return;
  const a = affectedByDealChange(plan.plan, before, after);
  for (const pp of a.partnerPeriods) touched.add(pp.partnerId, pp.period);
  for (const acc of a.accounts) accounts.add(acc.accountId);
}

export async function applyDeals(
  ctx: PipelineContext,
  tenantId: TenantId,
  plan: ActivePlan | null,
  items: Synced<Deal>[],
  touched: Touched,
): Promise<void> {
  const db = ctx.store.db;
  const before = await liveDeals(
    db,
    tenantId,
    items.map((i) => i.record.id),
  );
  // A version older than the stored one is not applied (records.repo.ts): no change to note.
  const applied = new Set((await upsertDeals(db, tenantId, items)).map((c) => c.dealId));
  const accounts = new Set<string>();
  for (const i of items)
    if (applied.has(i.record.id))
      noteDealChange(touched, plan, before.get(i.record.id) ?? null, i.record, accounts);
  for (const p of await partnersOnAccounts(ctx, tenantId, plan, [...accounts])) touched.partnersNow.add(p);
}

export async function deleteDeals(
  ctx: PipelineContext,
  tenantId: TenantId,
  plan: ActivePlan | null,
  ids: string[],
  at: Date,
  touched: Touched,
): Promise<number> {
  const db = ctx.store.db;
  const before = await liveDeals(db, tenantId, ids);
  const gone = await softDelete(db, tenantId, 'deal', ids, at);
  const accounts = new Set<string>();
  for (const id of gone) noteDealChange(touched, plan, before.get(id) ?? null, null, accounts);
  for (const p of await partnersOnAccounts(ctx, tenantId, plan, [...accounts])) touched.partnersNow.add(p);
  return gone.length;
}

/**
 * Ids whose normalized record differs from the stored one (or is new). Writing result
 * fields onto a partner bumps its modified time in the CRM; the next incremental read
 * sees it again, and this keeps such echoes from recalculating anything.
 */
async function changedRecords<T extends { id: string }>(
  sql: Sql,
  tenantId: TenantId,
  table: 'partners' | 'accounts',
  items: Synced<T>[],
): Promise<string[]> {
  if (items.length === 0) return [];
  const key = table === 'partners' ? 'partner_id' : 'account_id';
  const rows = await sql.query<{ id: string; record: unknown }>(
    `select ${key} as id, record from ${table} where tenant_id = $1 and ${key} = any($2::text[]) and deleted_at is null`,
    [tenantId, items.map((i) => i.record.id)],
  );
  const stored = new Map(rows.map((r) => [r.id, canonical(r.record)]));
  return items.filter((i) => stored.get(i.record.id) !== canonical(i.record)).map((i) => i.record.id);
}

/** JSON with sorted keys (jsonb does not keep key order). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

export async function applyPartners(
  ctx: PipelineContext,
  tenantId: TenantId,
  items: Synced<Partner>[],
  touched: Touched,
): Promise<void> {
  const changed = await changedRecords(ctx.store.db, tenantId, 'partners', items);
  await upsertPartners(ctx.store.db, tenantId, items);
  for (const id of changed) touched.partnersNow.add(id);
}

export async function applyAccounts(
  ctx: PipelineContext,
  tenantId: TenantId,
  items: Synced<Account>[],
  touched: Touched,
): Promise<void> {
  const changed = await changedRecords(ctx.store.db, tenantId, 'accounts', items);
  await upsertAccounts(ctx.store.db, tenantId, items);
  const plan = changed.length > 0 ? await activePlan(ctx.store.db, tenantId) : null;
  for (const p of await partnersOnAccounts(ctx, tenantId, plan, changed)) touched.partnersNow.add(p);
}

export async function quarantine(
  ctx: PipelineContext,
  tenantId: TenantId,
  page: Pick<Page<unknown>, 'quarantined'>,
) {
  const items: Quarantined[] = page.quarantined;
  return addQuarantine(
    ctx.store.db,
    tenantId,
    items.map((q) => ({ entity: q.entity, recordId: q.id, reason: q.reason, raw: q.raw })),
  );
}

/**
 * Marks the touched partner-periods dirty and enqueues their recalculation (one job
 * per tenant-period); returns the number of partner-periods marked. A period with frozen
 * statements is never re-scored: its partners are recalculated in the open period,
 * where the core settles the difference as an adjustment.
 */
export async function enqueueTouched(
  ctx: PipelineContext,
  tenantId: TenantId,
  plan: ActivePlan | null,
  touched: Touched,
): Promise<number> {
  if (!plan || touched.size === 0) return 0;
  const current = currentPeriod(plan.plan, ctx.now());
  const closed = await closedPeriods(ctx.store.db, tenantId);
  const targets = new Map<string, { partnerId: string; period: string; own: boolean }>();
  // `own`: the partner's own deals changed (a pass of a burst when repeated); not for a
  // partner only touched through a shared account or its record (recalc-dirty.repo.ts).
  const put = (partnerId: string, period: string, own: boolean) => {
    const key = `${partnerId}\u0000${period}`;
    targets.set(key, { partnerId, period, own: own || targets.get(key)?.own === true });
  };
  for (const { partnerId, period } of touched.pairs.values())
    put(partnerId, closed.has(period) ? current : period, true);
  for (const partnerId of touched.partnersNow) put(partnerId, current, false);
  // Marked before enqueueing: a job that finds no mark has nothing to do (recalc.worker.ts).
  await markDirty(ctx.store.db, tenantId, [...targets.values()]);
  // One job per period, which takes all of its marked partners. The current period
  // first: it is what the partners' CRM records show. Other periods (a deal dated next
  // quarter, history) wait behind it, so a push is never stuck behind a backlog of
  // recalculations the CRM does not display.
  for (const period of new Set([...targets.values()].map((t) => t.period)))
    await enqueueRecalc(ctx, tenantId, period, period === current ? 1 : 10);
  return targets.size;
}
