// GET /api/widget/partners/:partnerId?period= (docs/widget.md §3) from the store: the
// partner, the active plan, its stored result for the period, the picker (current period
// first, then the frozen ones newest first), the trend, and for the current period the open
// deals and the what-if slice. Nothing is scored here: the pipeline stored the results.
import {
  comparePeriods,
  type Deal,
  type PartnerResult,
  type Plan,
  parsePeriod,
  periodOfInstant,
} from '../core/index.js';
import type { TenantId } from '../store/ids.js';
import { getActivePlan } from '../store/repos/plans.repo.js';
import { dealsOfPartner } from '../store/repos/records.repo.js';
import { getSettings } from '../store/repos/settings.repo.js';
import {
  accountsByIds,
  livePartner,
  partnersByIds,
  resultsOfPartner,
  statementsOfPartner,
  wonDealsOnAccounts,
} from '../store/repos/widget.repo.js';
import type { Sql } from '../store/sql.js';
import { sliceInput } from './slice.js';

/** The payload; its authority is WidgetPayloadSchema in widgets/shared/payload.schema.ts. */
export interface PartnerPayload {
  partner: { id: string; name: string; level: string | null; region: string | null };
  period: string;
  periods: { key: string; status: 'current' | 'frozen' }[];
  computedAt: string | null;
  currency: string;
  plan: Plan;
  result: PartnerResult;
  history: { period: string; score: number; tier: string; payout: string }[];
  openDeals: {
    id: string;
    name: string;
    amount: string;
    currency: string;
    expectedClose: string | null;
    accountName: string | null;
  }[];
  input: Record<string, unknown> | null;
}

/** Why there is no payload; the route answers 404 with this message (no existence oracle across tenants). */
export class NoPayload extends Error {}

/** How many settled periods the picker offers, and how many points the trend shows. */
export const PICKER_FROZEN = 11;
export const HISTORY_POINTS = 6;

export function sortPeriods(plan: Plan, keys: Iterable<string>): string[] {
  const parsed = [...new Set(keys)].flatMap((k) => {
    const p = parsePeriod(plan.period, plan.timezone, k);
    return p.ok ? [p.period] : [];
  });
  return parsed.sort(comparePeriods).map((p) => p.key);
}

/** The tenant's active plan and the current period at `now`, or NoPayload. */
export async function activePlan(
  sql: Sql,
  tenantId: TenantId,
  now: Date,
): Promise<{ plan: Plan; current: string }> {
  const active = await getActivePlan(sql, tenantId);
  if (!active) throw new NoPayload('no results yet: the tenant has no active plan');
  const plan = active.plan as Plan;
  return { plan, current: periodOfInstant(plan.period, plan.timezone, now.getTime()).key };
}

/** Exchange rates for the what-if slice: `settings.rates` when the tenant keeps them, else none. */
async function ratesOf(sql: Sql, tenantId: TenantId): Promise<Record<string, string>> {
  const rates = (await getSettings(sql, tenantId)).rates;
  if (!rates || typeof rates !== 'object' || Array.isArray(rates)) return {};
  return Object.fromEntries(
    Object.entries(rates).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

function creditedTo(deal: Deal, partnerId: string): boolean {
  return deal.splits?.length
    ? deal.splits.some((s) => s.partnerId === partnerId)
    : deal.partnerId === partnerId;
}

export async function partnerPayload(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
  requested: string | undefined,
  now: Date,
): Promise<PartnerPayload> {
  const partner = await livePartner(sql, tenantId, partnerId);
  if (!partner) throw new NoPayload(`partner ${partnerId} not found`);
  const { plan, current } = await activePlan(sql, tenantId, now);
  const [results, statements] = await Promise.all([
    resultsOfPartner(sql, tenantId, partnerId),
    statementsOfPartner(sql, tenantId, partnerId),
  ]);
  const resultBy = new Map(results.map((r) => [r.period, r]));
  const statementBy = new Map(statements.map((s) => [s.period, s]));
  const frozen = sortPeriods(
    plan,
    statements.map((s) => s.period).filter((p) => p !== current),
  )
    .reverse()
    .slice(0, PICKER_FROZEN);
  const periods = [
    { key: current, status: 'current' as const },
    ...frozen.map((key) => ({ key, status: 'frozen' as const })),
  ];
  const shown = requested ?? current;
  if (!periods.some((p) => p.key === shown)) {
    throw new NoPayload(`period ${shown} is not offered (${periods.map((p) => p.key).join(', ')})`);
  }
  const isCurrent = shown === current;
  // A settled period shows its statement (what was paid); the current one its latest result.
  const row = isCurrent ? resultBy.get(shown) : (statementBy.get(shown) ?? resultBy.get(shown));
  if (!row) throw new NoPayload(`no results yet for partner ${partnerId} in ${shown}`);
  const result = row.result as PartnerResult;

  const upToShown = sortPeriods(plan, [...resultBy.keys(), ...statementBy.keys()]);
  const history = upToShown
    .slice(0, upToShown.indexOf(shown) + 1)
    .slice(-HISTORY_POINTS)
    .map((period) => {
      const r = (period === shown ? row : (resultBy.get(period) ?? statementBy.get(period)))!
        .result as PartnerResult;
      return { period, score: r.score, tier: r.tier, payout: r.payout.total };
    });

  let openDeals: PartnerPayload['openDeals'] = [];
  let input: Record<string, unknown> | null = null;
  if (isCurrent) {
    const credited = await dealsOfPartner(sql, tenantId, partnerId);
    const accountIds = [...new Set(credited.map((d) => d.accountId).filter((a): a is string => !!a))];
    const [wonOnAccounts, accounts, rates] = await Promise.all([
      wonDealsOnAccounts(sql, tenantId, accountIds),
      accountsByIds(sql, tenantId, accountIds),
      ratesOf(sql, tenantId),
    ]);
    const deals = new Map<string, Deal>();
    for (const d of [...credited, ...wonOnAccounts]) deals.set(d.id, d);
    const named = new Set<string>([partnerId]);
    for (const d of deals.values()) {
      if (d.partnerId) named.add(d.partnerId);
      for (const s of d.splits ?? []) named.add(s.partnerId);
    }
    const partners = await partnersByIds(sql, tenantId, [...named]);
    input = sliceInput(
      {
        partners,
        accounts,
        deals: [...deals.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
        rates,
        statements: statements.map((s) => ({ partnerId, period: s.period, payout: s.payout })),
      },
      partnerId,
    );
    const accountName = new Map(accounts.map((a) => [a.id, a.name || null]));
    openDeals = credited
      .filter((d) => d.status === 'open' && creditedTo(d, partnerId))
      .map((d) => ({
        id: d.id,
        name: d.name || d.id,
        amount: d.amount,
        currency: d.currency,
        expectedClose: d.closedAt ?? null,
        accountName: (d.accountId && accountName.get(d.accountId)) || null,
      }));
  }

  return {
    partner: {
      id: partnerId,
      name: partner.name || partnerId,
      level: partner.level,
      region: partner.region,
    },
    period: shown,
    periods,
    computedAt: row.at,
    currency: plan.currency,
    plan,
    result,
    history,
    openDeals,
    input,
  };
}
