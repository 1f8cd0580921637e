// Metric actuals for one partner and one period (docs/incentive-model.md §3).
import type { Partner } from './input.js';
import { Decimal, isDecimalText, ONE, ZERO } from './money.js';
import type { Metric } from './plan.schema.js';
import type { Credit } from './prepare.js';
import { sortedStrings } from './small-sort.js';

export interface Actual {
  /** null: the metric has no value this period (and is left out of the score). */
  value: Decimal | null;
  /** Deals behind the value, in id order. */
  dealIds: string[];
  /** Per-deal notes for explain lines (shares, conversions). */
  notes: string[];
  /** averageDeal: the mean as sum ÷ count, exactly (value is rounded at the 18th place). */
  mean?: { sum: Decimal; count: number };
}

/**
 * Decimals of the numbers met so far. A field such as csat takes a few values (4.5,
 * 3.8) on hundreds of thousands of deals, and writing each number as text to read it
 * is the costly step. Decimals are immutable, so sharing one is safe; the size bound
 * keeps a field of all-different numbers from growing it without end.
 */
const numberDecimals = new Map<number, Decimal>();

/** A numeric value from a record field: a finite number or a decimal string. */
export function numericValue(value: unknown): Decimal | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    let decimal = numberDecimals.get(value);
    if (decimal === undefined) {
      decimal = new Decimal(String(value));
      if (numberDecimals.size < 4096) numberDecimals.set(value, decimal);
    }
    return decimal;
  }
  if (isDecimalText(value)) return new Decimal(value);
  return null;
}

function accountKey(credit: Credit, by: string): string | null {
  if (!credit.accountId) return null;
  const account = credit.account; // prepared.accounts.get(accountId), looked up in prepare
  if (!account) return null;
  const value =
    by === 'region' ? account.region : by === 'industry' ? account.industry : account.attributes[by];
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

function creditNote(credit: Credit, planCurrency: string): string | null {
  const parts: string[] = [];
  if (credit.share) parts.push(`×${credit.share.toString()}`);
  if (credit.currency !== planCurrency) parts.push(`${credit.deal.amount} ${credit.currency}`);
  return parts.length ? `${credit.id} (${parts.join(', ')})` : null;
}

export function computeActual(
  metric: Metric,
  partner: Partner,
  credits: Credit[],
  planCurrency: string,
): Actual {
  switch (metric.kind) {
    case 'wonAmount': {
      // Summed as raw units: one Decimal for the total instead of one per deal.
      let units = 0n;
      const notes: string[] = [];
      const dealIds: string[] = new Array(credits.length);
      for (let i = 0; i < credits.length; i++) {
        const c = credits[i]!;
        units += c.amount.units;
        dealIds[i] = c.id;
        if (c.share || c.currency !== planCurrency) notes.push(creditNote(c, planCurrency)!);
      }
      return { value: Decimal.fromUnits(units), dealIds, notes };
    }
    case 'wonCount': {
      let sum = ZERO;
      for (const c of credits) sum = sum.plus(c.share ?? ONE);
      return { value: sum, dealIds: credits.map((c) => c.id), notes: [] };
    }
    case 'newCustomers': {
      // An account is new for the partner when its first won deal ever is this one.
      const accounts = new Set<string>();
      const dealIds: string[] = [];
      for (const c of credits) {
        const accountId = c.accountId;
        // c.first is its account's first won deal, linked in prepare.
        if (accountId && c.first?.dealId === c.id && !accounts.has(accountId)) {
          accounts.add(accountId);
          dealIds.push(c.id);
        }
      }
      return { value: new Decimal(accounts.size), dealIds, notes: sortedStrings(accounts) };
    }
    case 'distinctAccounts': {
      const values = new Set<string>();
      const dealIds: string[] = [];
      for (const c of credits) {
        const key = accountKey(c, metric.by);
        if (key !== null) {
          values.add(key);
          dealIds.push(c.id);
        }
      }
      return { value: new Decimal(values.size), dealIds, notes: sortedStrings(values) };
    }
    case 'averageDeal': {
      // Summed in raw units, as wonAmount: no intermediate Decimal per deal.
      let units = 0n;
      let count = 0;
      const dealIds: string[] = [];
      for (const c of credits) {
        // csat comes from the credit (read in prepare), not from the deal record.
        const raw = metric.field === 'csat' ? c.csat : c.deal.attributes?.[metric.field];
        const value = numericValue(raw);
        if (value === null) continue;
        units += value.units;
        count++;
        dealIds.push(c.id);
      }
      if (count === 0) return { value: null, dealIds, notes: [] };
      const sum = Decimal.fromUnits(units);
      return { value: sum.div(count), dealIds, notes: [], mean: { sum, count } };
    }
    case 'partnerAttribute':
      return { value: numericValue(partner.attributes[metric.field]), dealIds: [], notes: [] };
  }
}
