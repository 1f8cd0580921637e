// Which partner-periods a change to one deal can move. Pure: the job layer turns the
// answer into recalculation jobs and, for accounts, into a store lookup of the other
// partners whose "new customer" count may change with it.
import type { Deal, Plan } from '../core/index.js';
import { closedAtReader, periodOfInstant } from '../core/index.js';

export interface PartnerPeriod {
  partnerId: string;
  period: string;
}

export interface Affected {
  /** Partner-periods whose numbers can change, deduplicated, in a stable order. */
  partnerPeriods: PartnerPeriod[];
  /**
   * Accounts whose first won deal may have moved: every partner with a won deal on
   * one of them, from the earliest period named here on, may gain or lose a new
   * customer. Empty when the plan does not count new customers.
   */
  accounts: { accountId: string; fromPeriod: string }[];
}

function credited(deal: Deal): string[] {
  if (deal.splits?.length) return deal.splits.map((s) => s.partnerId);
  return deal.partnerId ? [deal.partnerId] : [];
}

/** The period a won deal counts in, or null when it counts nowhere. */
function wonPeriod(plan: Plan, deal: Deal | null, read: (text: string) => number | undefined): string | null {
  if (deal?.status !== 'won' || !deal.closedAt) return null;
  const ms = read(deal.closedAt);
  return ms === undefined ? null : periodOfInstant(plan.period, plan.timezone, ms).key;
}

/**
 * What a deal's change from `before` to `after` (null: created or deleted) affects.
 * Only won deals feed numbers, so both sides are looked at as won deals: a deal that
 * moves partner or close date touches the old and the new partner-period.
 */
export function affectedByDealChange(plan: Plan, before: Deal | null, after: Deal | null): Affected {
  const read = closedAtReader(plan.timezone);
  const seen = new Map<string, PartnerPeriod>();
  const accounts = new Map<string, string>();
  const countsCustomers = plan.metrics.some((m) => m.kind === 'newCustomers');

  for (const deal of [before, after]) {
    const period = wonPeriod(plan, deal, read);
    if (!deal || period === null) continue;
    for (const partnerId of credited(deal)) seen.set(`${partnerId}\u0000${period}`, { partnerId, period });
    if (countsCustomers && deal.accountId) {
      const earliest = accounts.get(deal.accountId);
      if (earliest === undefined || period < earliest) accounts.set(deal.accountId, period);
    }
  }
  // A change that leaves every number-bearing field alone affects nothing.
  if (before && after && sameNumbers(before, after)) return { partnerPeriods: [], accounts: [] };

  const partnerPeriods = [...seen.values()].sort((a, b) =>
    a.partnerId === b.partnerId ? (a.period < b.period ? -1 : 1) : a.partnerId < b.partnerId ? -1 : 1,
  );
  return {
    partnerPeriods,
    accounts: [...accounts]
      .map(([accountId, fromPeriod]) => ({ accountId, fromPeriod }))
      .sort((a, b) => (a.accountId < b.accountId ? -1 : 1)),
  };
}

/** Fields the core reads from a deal; a change to anything else (name, owner) moves no number. */
function sameNumbers(a: Deal, b: Deal): boolean {
  return (
    a.status === b.status &&
    a.amount === b.amount &&
    a.currency === b.currency &&
    a.closedAt === b.closedAt &&
    a.partnerId === b.partnerId &&
    a.accountId === b.accountId &&
    a.csat === b.csat &&
    JSON.stringify(a.splits ?? null) === JSON.stringify(b.splits ?? null) &&
    JSON.stringify(a.attributes ?? {}) === JSON.stringify(b.attributes ?? {})
  );
}
