// Validates the normalized input record by record and indexes it for scoring.
// A bad record is listed in `errors` and left out; the rest is scored. This runs
// over every deal, so the checks are written out by hand (a schema library per
// record would cost more than the scoring itself on a million deals).

import { closedAtReader } from './closed-at.js';
import { isKnownCurrency } from './currencies.js';
import type { Account, Deal, Partner, Statement } from './input.js';
import { Decimal, isDecimalText, ONE, ZERO } from './money.js';
import type { Plan } from './plan.schema.js';
import type { RecordError } from './results.js';

export class InputError extends Error {
  override name = 'InputError';
}

/** One partner's credit from a won deal. */
export interface Credit {
  deal: Deal;
  /** Split share, or null for a deal credited whole. */
  share: Decimal | null;
  /** The deal's amount in plan currency (before the share). */
  amount: Decimal;
  closedMs: number;
}

export interface FirstWon {
  dealId: string;
  closedMs: number;
}

export interface Prepared {
  partners: Map<string, Partner>;
  accounts: Map<string, Account>;
  /** Valid deals by id (all statuses), for what-if and explain. */
  deals: Map<string, Deal>;
  /** Won deals credited to each partner, each with its close instant. */
  wonByPartner: Map<string, Credit[]>;
  /** The first won deal of each account, ever (ties broken by deal id). */
  firstWon: Map<string, FirstWon>;
  rates: Map<string, Decimal>;
  statements: Map<string, Statement[]>;
  errors: RecordError[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalText = (v: unknown) => v === undefined || v === null || typeof v === 'string';
/** More than 15 integer digits is no real deal: a unit or parsing error upstream. */
const MAX_AMOUNT = new Decimal('1e15');

function idOf(raw: unknown, index: number): string {
  return isObj(raw) && typeof raw.id === 'string' && raw.id !== '' ? raw.id : `#${index}`;
}

function list(doc: Obj, key: string): unknown[] {
  const value = doc[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(`input.${key} must be a list`);
  return value;
}

/** Ids that occur more than once: every copy is left out, whatever the input order. */
function duplicates(records: unknown[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const r of records) {
    if (isObj(r) && typeof r.id === 'string') {
      if (seen.has(r.id)) twice.add(r.id);
      else seen.add(r.id);
    }
  }
  return twice;
}

function checkPartner(raw: unknown): string | null {
  if (!isObj(raw)) return 'must be an object';
  if (typeof raw.id !== 'string' || raw.id === '') return 'id must be a non-empty string';
  if (!optionalText(raw.name)) return 'name must be a string';
  if (!optionalText(raw.level)) return 'level must be a string';
  if (!optionalText(raw.region)) return 'region must be a string';
  if (raw.attributes !== undefined && raw.attributes !== null && !isObj(raw.attributes))
    return 'attributes must be an object';
  return null;
}

function checkAccount(raw: unknown): string | null {
  if (!isObj(raw)) return 'must be an object';
  if (typeof raw.id !== 'string' || raw.id === '') return 'id must be a non-empty string';
  for (const key of ['name', 'partnerId', 'region', 'industry'] as const) {
    if (!optionalText(raw[key])) return `${key} must be a string`;
  }
  if (raw.attributes !== undefined && raw.attributes !== null && !isObj(raw.attributes))
    return 'attributes must be an object';
  return null;
}

export function prepare(plan: Plan, doc: unknown): Prepared {
  if (!isObj(doc)) throw new InputError('input must be a JSON object with partners, accounts and deals');
  const errors: RecordError[] = [];

  // Rates: plan-currency units per unit of the keyed currency.
  const rates = new Map<string, Decimal>();
  const rawRates = doc.rates ?? {};
  if (!isObj(rawRates)) throw new InputError('input.rates must be an object such as { "USD": "7.10" }');
  for (const [code, value] of Object.entries(rawRates)) {
    if (!isKnownCurrency(code)) errors.push({ type: 'rate', id: code, reason: `unknown currency "${code}"` });
    else if (!isDecimalText(value) || !new Decimal(value).gt(0))
      errors.push({
        type: 'rate',
        id: code,
        reason: 'rate must be a positive decimal string such as "7.10"',
      });
    else rates.set(code, new Decimal(value));
  }

  const partnerList = list(doc, 'partners');
  const partners = new Map<string, Partner>();
  const twicePartner = duplicates(partnerList);
  partnerList.forEach((raw, i) => {
    const reason = checkPartner(raw);
    const id = idOf(raw, i);
    if (reason) errors.push({ type: 'partner', id, reason });
    else if (twicePartner.has(id)) errors.push({ type: 'partner', id, reason: 'duplicate id' });
    else {
      const r = raw as Obj;
      partners.set(id, {
        id,
        name: (r.name as string | undefined) ?? '',
        level: (r.level as string | null | undefined) ?? null,
        region: (r.region as string | null | undefined) ?? null,
        agreementEnd: (r.agreementEnd as string | null | undefined) ?? null,
        attributes: (r.attributes as Obj | undefined) ?? {},
      });
    }
  });

  const accountList = list(doc, 'accounts');
  const accounts = new Map<string, Account>();
  const twiceAccount = duplicates(accountList);
  accountList.forEach((raw, i) => {
    const reason = checkAccount(raw);
    const id = idOf(raw, i);
    if (reason) errors.push({ type: 'account', id, reason });
    else if (twiceAccount.has(id)) errors.push({ type: 'account', id, reason: 'duplicate id' });
    else {
      const r = raw as Obj;
      accounts.set(id, {
        id,
        name: (r.name as string | undefined) ?? '',
        partnerId: (r.partnerId as string | null | undefined) ?? null,
        region: (r.region as string | null | undefined) ?? null,
        industry: (r.industry as string | null | undefined) ?? null,
        attributes: (r.attributes as Obj | undefined) ?? {},
      });
    }
  });

  const readClosedAt = closedAtReader(plan.timezone);
  const dealList = list(doc, 'deals');
  const twiceDeal = duplicates(dealList);
  const deals = new Map<string, Deal>();
  const wonByPartner = new Map<string, Credit[]>();
  const firstWon = new Map<string, FirstWon>();

  for (let i = 0; i < dealList.length; i++) {
    const raw = dealList[i];
    const id = idOf(raw, i);
    const fail = (reason: string) => errors.push({ type: 'deal', id, reason });
    if (!isObj(raw)) {
      fail('must be an object');
      continue;
    }
    if (typeof raw.id !== 'string' || raw.id === '') {
      fail('id must be a non-empty string');
      continue;
    }
    if (twiceDeal.has(id)) {
      fail('duplicate id');
      continue;
    }
    const status = raw.status;
    if (status !== 'won' && status !== 'open' && status !== 'lost') {
      fail('status must be one of open, won, lost');
      continue;
    }
    if (!isDecimalText(raw.amount)) {
      fail('amount must be a decimal number written as a string, e.g. "1250.00"');
      continue;
    }
    const currency = raw.currency;
    if (typeof currency !== 'string' || !isKnownCurrency(currency)) {
      fail(`unknown currency ${JSON.stringify(currency ?? null)}`);
      continue;
    }
    if (!optionalText(raw.partnerId) || !optionalText(raw.accountId) || !optionalText(raw.name)) {
      fail('partnerId, accountId and name must be strings');
      continue;
    }
    if (
      raw.csat !== undefined &&
      raw.csat !== null &&
      (typeof raw.csat !== 'number' || !Number.isFinite(raw.csat))
    ) {
      fail('csat must be a number');
      continue;
    }
    if (raw.attributes !== undefined && raw.attributes !== null && !isObj(raw.attributes)) {
      fail('attributes must be an object');
      continue;
    }
    const amount = new Decimal(raw.amount as string);
    if (amount.isNegative()) {
      fail('amount must not be negative');
      continue;
    }
    if (amount.gte(MAX_AMOUNT)) {
      fail(`amount ${raw.amount} is implausibly large`);
      continue;
    }

    // Credits: the splits, or the whole deal to partnerId.
    let shares: { partnerId: string; share: Decimal | null }[];
    if (raw.splits !== undefined && raw.splits !== null) {
      const parsed = parseSplits(raw.splits, partners);
      if (typeof parsed === 'string') {
        fail(parsed);
        continue;
      }
      shares = parsed;
    } else {
      const partnerId = raw.partnerId;
      if (typeof partnerId !== 'string' || partnerId === '') {
        if (status === 'won') {
          fail('won deal has no partnerId');
          continue;
        }
        shares = [];
      } else if (!partners.has(partnerId)) {
        fail(`unknown partner "${partnerId}"`);
        continue;
      } else shares = [{ partnerId, share: null }];
    }

    let closedMs: number | undefined;
    if (raw.closedAt !== undefined && raw.closedAt !== null) {
      closedMs = typeof raw.closedAt === 'string' ? readClosedAt(raw.closedAt) : undefined;
      if (closedMs === undefined) {
        fail('closedAt must be an ISO-8601 date (2027-03-31) or instant (2027-03-31T23:30:00+08:00)');
        continue;
      }
    }

    let planAmount = amount;
    if (status === 'won') {
      if (closedMs === undefined) {
        fail('won deal has no closedAt');
        continue;
      }
      if (currency !== plan.currency) {
        const rate = rates.get(currency);
        if (!rate) {
          fail(`no exchange rate for ${currency}`);
          continue;
        }
        planAmount = amount.times(rate);
      }
    }

    const deal: Deal = {
      id,
      name: (raw.name as string | undefined) ?? '',
      partnerId: (raw.partnerId as string | null | undefined) ?? null,
      accountId: (raw.accountId as string | null | undefined) ?? null,
      amount: raw.amount as string,
      currency,
      status,
      closedAt: (raw.closedAt as string | null | undefined) ?? null,
      csat: (raw.csat as number | null | undefined) ?? null,
      attributes: (raw.attributes as Obj | undefined) ?? {},
      // Splits in partner order: the deal feeds inputsHash, which must not depend on input order.
      ...(raw.splits ? { splits: sortSplits(raw.splits as NonNullable<Deal['splits']>) } : {}),
    };
    deals.set(id, deal);
    if (status !== 'won' || closedMs === undefined) continue;

    for (const { partnerId, share } of shares) {
      const credit = { deal, share, amount: planAmount, closedMs };
      const credits = wonByPartner.get(partnerId);
      if (credits) credits.push(credit);
      else wonByPartner.set(partnerId, [credit]);
    }
    const accountId = deal.accountId;
    if (accountId) {
      const first = firstWon.get(accountId);
      if (!first || closedMs < first.closedMs || (closedMs === first.closedMs && id < first.dealId)) {
        firstWon.set(accountId, { dealId: id, closedMs });
      }
    }
  }

  const statements = new Map<string, Statement[]>();
  for (const [i, raw] of list(doc, 'statements').entries()) {
    const id =
      isObj(raw) && typeof raw.partnerId === 'string' ? `${raw.partnerId}/${String(raw.period)}` : `#${i}`;
    const fail = (reason: string) => errors.push({ type: 'statement', id, reason });
    const reason = !isObj(raw)
      ? 'must be an object'
      : typeof raw.partnerId !== 'string' || !partners.has(raw.partnerId)
        ? `unknown partner ${JSON.stringify(raw.partnerId ?? null)}`
        : typeof raw.period !== 'string'
          ? 'period must be a string such as "2026-Q4"'
          : !isDecimalText(raw.payout)
            ? 'payout must be a decimal string'
            : statements.get(raw.partnerId)?.some((s) => s.period === raw.period)
              ? 'more than one statement for this period'
              : null;
    if (reason !== null) {
      fail(reason);
      continue;
    }
    const r = raw as { partnerId: string; period: string; payout: string };
    const own = statements.get(r.partnerId) ?? [];
    own.push({ partnerId: r.partnerId, period: r.period, payout: r.payout });
    statements.set(r.partnerId, own);
  }

  // Canonical order, so shuffled input gives byte-identical output.
  errors.sort((a, b) => cmp(a.type, b.type) || cmp(a.id, b.id) || cmp(a.reason, b.reason));
  for (const credits of wonByPartner.values()) credits.sort((a, b) => cmp(a.deal.id, b.deal.id));
  return { partners, accounts, deals, wonByPartner, firstWon, rates, statements, errors };
}

function sortSplits(splits: NonNullable<Deal['splits']>): NonNullable<Deal['splits']> {
  return [...splits].sort((a, b) => cmp(a.partnerId, b.partnerId));
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseSplits(
  raw: unknown,
  partners: Map<string, Partner>,
): { partnerId: string; share: Decimal }[] | string {
  if (!Array.isArray(raw) || raw.length === 0) return 'splits must be a non-empty list';
  const out: { partnerId: string; share: Decimal }[] = [];
  let sum = ZERO;
  for (const [i, s] of raw.entries()) {
    if (!isObj(s) || typeof s.partnerId !== 'string') return `splits[${i}].partnerId must be a string`;
    if (!partners.has(s.partnerId)) return `splits[${i}]: unknown partner "${s.partnerId}"`;
    if (!isDecimalText(s.share)) return `splits[${i}].share must be a decimal string such as "0.4"`;
    const share = new Decimal(s.share);
    if (share.lte(0) || share.gt(1)) return `splits[${i}].share must be greater than 0 and at most 1`;
    if (out.some((o) => o.partnerId === s.partnerId))
      return `splits[${i}]: partner "${s.partnerId}" appears twice`;
    sum = sum.plus(share);
    out.push({ partnerId: s.partnerId, share });
  }
  if (!sum.eq(ONE)) return `split shares sum to ${sum.toString()}, not 1`;
  return out;
}
