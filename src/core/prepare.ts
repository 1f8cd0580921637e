// Validates the normalized input record by record and indexes it for scoring.
// A bad record is listed in `errors` and left out; the rest is scored. This runs
// over every deal, so the checks are written out by hand (a schema library per
// record would cost more than the scoring itself on a million deals).

import { closedAtReader } from './closed-at.js';
import { isKnownCurrency } from './currencies.js';
import { type FirstWon, FirstWonTracker } from './first-won.js';
import { attributesText } from './hash.js';
import type { Account, Deal, Partner } from './input.js';
import { Decimal, isDecimalText, ONE, ZERO } from './money.js';
import { type Period, parsePeriod } from './periods.js';
import type { Plan } from './plan.schema.js';
import { idOf, isObj, type Obj, recordsById } from './records-by-id.js';
import type { RecordError } from './results.js';
import { sortInPlace } from './small-sort.js';

export class InputError extends Error {
  override name = 'InputError';
}

/** One partner's credit from a won deal. */
export interface Credit {
  deal: Deal;
  /** Split share, or null for a deal credited whole. */
  share: Decimal | null;
  /** Plan-currency units per unit of the deal's currency; null when it is the plan currency. */
  rate: Decimal | null;
  closedMs: number;
  /**
   * The partner's credited amount in plan currency: amount × rate × share. Worked out
   * when the credit is made, while the deal record is at hand; reading a million-deal
   * input again later costs a cache miss per deal.
   */
  amount: Decimal;
  /** The deal's id, account, currency and csat, kept here for the same reason. */
  id: string;
  accountId: string | null | undefined;
  currency: string;
  csat: number | null | undefined;
  /** This credit's line of the facts behind inputsHash (see hashedFacts in score.ts). */
  facts: string;
  /** The deal's account record, when the input has it (accounts.get(accountId)). */
  account: Account | undefined;
  /** Its account's first won deal (ever, ties broken by deal id), when the plan tracks first wins. */
  first: FirstWon | undefined;
}

/** Everything a credit needs from its deal, read once while the record is at hand. */
function credit(
  deal: Deal,
  share: Decimal | null,
  rate: Decimal | null,
  closedMs: number,
  converted: Decimal,
  account: Account | undefined,
  first: FirstWon | undefined,
): Credit {
  // Joined, not a template literal: one flat string instead of a chain of fragments.
  // Every piece is a string or a number (join would write null as "").
  const facts = [
    deal.id,
    deal.amount,
    deal.currency,
    deal.closedAt as string,
    deal.accountId ?? '',
    deal.csat ?? '',
    share?.toString() ?? '',
    attributesText(deal.attributes),
  ].join('|');
  const amount = share ? converted.times(share) : converted;
  return {
    deal,
    share,
    rate,
    closedMs,
    amount,
    id: deal.id,
    accountId: deal.accountId,
    currency: deal.currency,
    csat: deal.csat,
    facts,
    account,
    first,
  };
}

/** The deal's amount in plan currency (decimal maths only where it is needed). */
function convertedAmount(deal: Deal, rate: Decimal | null): Decimal {
  const amount = new Decimal(deal.amount);
  return rate ? amount.times(rate) : amount;
}

export interface Prepared {
  partners: Map<string, Partner>;
  accounts: Map<string, Account>;
  /** Won deals credited to each partner, each with its close instant. */
  wonByPartner: Map<string, Credit[]>;
  rates: Map<string, Decimal>;
  /** Each rate as text, for the hashed facts of every partner (written once here). */
  rateTexts: Map<string, string>;
  /** Earlier periods' statements per partner, oldest first. */
  settled: Map<string, Settled[]>;
  errors: RecordError[];
}

export interface Settled {
  period: Period;
  /** What was already paid for that period's own earnings. */
  payout: Decimal;
}

const optionalText = (v: unknown) => v === undefined || v === null || typeof v === 'string';

function list(doc: Obj, key: string): unknown[] {
  const value = doc[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(`input.${key} must be a list`);
  return value;
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
  // Written out, not a loop over key names: a keyed read is slower, and this runs per account.
  if (!optionalText(raw.name)) return 'name must be a string';
  if (!optionalText(raw.partnerId)) return 'partnerId must be a string';
  if (!optionalText(raw.region)) return 'region must be a string';
  if (!optionalText(raw.industry)) return 'industry must be a string';
  if (raw.attributes !== undefined && raw.attributes !== null && !isObj(raw.attributes))
    return 'attributes must be an object';
  return null;
}

function makePartner(r: Obj, id: string): Partner {
  return {
    id,
    name: (r.name as string | undefined) ?? '',
    level: (r.level as string | null | undefined) ?? null,
    region: (r.region as string | null | undefined) ?? null,
    agreementEnd: (r.agreementEnd as string | null | undefined) ?? null,
    attributes: (r.attributes as Obj | undefined) ?? {},
  };
}

function makeAccount(r: Obj, id: string): Account {
  return {
    id,
    name: (r.name as string | undefined) ?? '',
    partnerId: (r.partnerId as string | null | undefined) ?? null,
    region: (r.region as string | null | undefined) ?? null,
    industry: (r.industry as string | null | undefined) ?? null,
    attributes: (r.attributes as Obj | undefined) ?? {},
  };
}

/** Rates: plan-currency units per unit of the keyed currency (bad ones reported and left out). */
function ratesOf(doc: Obj, errors: RecordError[]): Map<string, Decimal> {
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
  return rates;
}

/**
 * Whether prepare counts a won deal towards its account's first won deal, given the
 * partners and rates of `doc`: the checks of prepare's deal loop for a won deal, in
 * one function. For a loader that hands the core only some of an account's won deals
 * (a recalculation batch reads each account's earliest few): it must know which of
 * them prepare would skip, to be sure the earliest one prepare counts is among them.
 */
export function firstWonChecker(
  plan: Plan,
  doc: { partners?: unknown; rates?: unknown },
): (deal: unknown) => boolean {
  const ignored: RecordError[] = [];
  const rates = ratesOf(doc as Obj, ignored);
  const partners = recordsById(list(doc as Obj, 'partners'), 'partner', checkPartner, makePartner, ignored);
  const readClosedAt = closedAtReader(plan.timezone);
  return (raw) => {
    if (!isObj(raw) || raw.status !== 'won' || typeof raw.id !== 'string' || raw.id === '') return false;
    if (typeof raw.closedAt !== 'string' || readClosedAt(raw.closedAt) === undefined) return false;
    if (dealFieldsProblem(raw, true, rates, plan.currency) !== null) return false;
    return typeof creditsOf(raw as unknown as Deal, partners) !== 'string';
  };
}

export function prepare(plan: Plan, doc: unknown, period: Period): Prepared {
  if (!isObj(doc)) throw new InputError('input must be a JSON object with partners, accounts and deals');
  const errors: RecordError[] = [];
  const rates = ratesOf(doc, errors);
  const partners = recordsById(list(doc, 'partners'), 'partner', checkPartner, makePartner, errors);
  const accounts = recordsById(list(doc, 'accounts'), 'account', checkAccount, makeAccount, errors);

  // Statements of periods before the one scored are settled against (clawbacks, true-ups).
  const settled = new Map<string, Settled[]>();
  const seenStatements = new Set<string>();
  for (const [i, raw] of list(doc, 'statements').entries()) {
    const id =
      isObj(raw) && typeof raw.partnerId === 'string' ? `${raw.partnerId}/${String(raw.period)}` : `#${i}`;
    const parsed =
      isObj(raw) && typeof raw.period === 'string'
        ? parsePeriod(plan.period, plan.timezone, raw.period)
        : null;
    const reason = !isObj(raw)
      ? 'must be an object'
      : typeof raw.partnerId !== 'string' || !partners.has(raw.partnerId)
        ? `unknown partner ${JSON.stringify(raw.partnerId ?? null)}`
        : !parsed
          ? 'period must be a string such as "2026-Q4"'
          : !parsed.ok
            ? parsed.message
            : !isDecimalText(raw.payout)
              ? 'payout must be a decimal string'
              : seenStatements.has(id)
                ? 'more than one statement for this period'
                : null;
    if (reason !== null) {
      errors.push({ type: 'statement', id, reason });
      continue;
    }
    seenStatements.add(id);
    const statement = parsed!.ok ? parsed!.period : period;
    // Only earlier periods are settled; a statement of this or a later period changes nothing here.
    if (statement.startMs >= period.startMs) continue;
    const { partnerId, payout } = raw as { partnerId: string; payout: string };
    const own = settled.get(partnerId) ?? [];
    own.push({ period: statement, payout: new Decimal(payout) });
    settled.set(partnerId, own);
  }
  for (const list of settled.values()) list.sort((a, b) => a.period.startMs - b.period.startMs);
  // Credits are kept only for the periods scored or settled: the rest of history
  // matters only through each account's first won deal.
  const windows = [
    period,
    ...new Map([...settled.values()].flat().map((s) => [s.period.key, s.period])).values(),
  ];

  const readClosedAt = closedAtReader(plan.timezone);
  const dealList = list(doc, 'deals');
  const needsFirstWon = plan.metrics.some((m) => m.kind === 'newCustomers');
  const firstWins = needsFirstWon ? new FirstWonTracker(accounts) : null;
  // Credits of the scored and settled periods, side by side with the partner each
  // one goes to. Flat lists: a one-element list per deal would be 150,000 more
  // objects for the collector to copy on a million-deal input.
  const inWindow: Credit[] = [];
  const inWindowPartners: string[] = [];
  const windowIds = new Set<string>();
  const twice = new Set<string>();

  // Won deals closed after the last period that matters feed no number at all.
  const horizon = Math.max(...windows.map((w) => w.endMs));
  for (let i = 0; i < dealList.length; i++) {
    const raw = dealList[i];
    // Only won deals closed before the horizon feed numbers. Everything else is checked
    // just far enough to know what it is; what-if checks the open deals it closes.
    const won = isObj(raw) && raw.status === 'won' && typeof raw.id === 'string' && raw.id !== '';
    if (!won) {
      const problem = checkDeal(raw, rates, plan.currency, true);
      if (typeof problem === 'string') errors.push({ type: 'deal', id: idOf(raw, i), reason: problem });
      continue;
    }
    const closedMs = typeof raw.closedAt === 'string' ? readClosedAt(raw.closedAt) : undefined;
    if (closedMs !== undefined && closedMs >= horizon) continue;
    // Id and status were just read: only the other fields are left to check.
    const problem = dealFieldsProblem(raw, true, rates, plan.currency);
    if (problem !== null) {
      errors.push({ type: 'deal', id: idOf(raw, i), reason: problem });
      continue;
    }
    const deal = raw as unknown as Deal;
    if (closedMs === undefined) {
      errors.push({ type: 'deal', id: deal.id, reason: CLOSED_AT_FORMAT });
      continue;
    }
    const checked = creditsOf(deal, partners);
    if (typeof checked === 'string') {
      errors.push({ type: 'deal', id: deal.id, reason: checked });
      continue;
    }
    const accountId = deal.accountId;
    const slot = firstWins && accountId ? firstWins.see(accountId, deal.id, closedMs) : -1;
    let relevant = false;
    for (const w of windows) {
      if (closedMs >= w.startMs && closedMs < w.endMs) relevant = true;
    }
    if (!relevant) continue;
    // Two records with one id would credit the same sale twice: every copy is left out.
    if (windowIds.has(deal.id)) twice.add(deal.id);
    windowIds.add(deal.id);
    const rate = deal.currency === plan.currency ? null : rates.get(deal.currency)!;
    // Looked up now, while the account id was just hashed, rather than once per metric
    // later; the first-won slot already holds it when the plan tracks first wins.
    const account = slot >= 0 ? firstWins!.account(slot) : accountId ? accounts.get(accountId) : undefined;
    const first = slot >= 0 ? firstWins!.entry(slot) : undefined;
    if (checked === WHOLE) {
      inWindow.push(credit(deal, null, rate, closedMs, convertedAmount(deal, rate), account, first));
      inWindowPartners.push(deal.partnerId as string);
    } else {
      // No closure here: an arrow function capturing the loop's constants would make V8
      // allocate a context object on every one of the million iterations.
      const converted = convertedAmount(deal, rate);
      for (const { partnerId, share } of checked) {
        inWindow.push(credit(deal, share, rate, closedMs, converted, account, first));
        inWindowPartners.push(partnerId);
      }
    }
  }

  // Every deal is seen: the entries credits link to get their final values.
  firstWins?.finish();

  const wonByPartner = new Map<string, Credit[]>();
  const anyTwice = twice.size > 0;
  for (let i = 0; i < inWindow.length; i++) {
    const c = inWindow[i]!;
    if (anyTwice && twice.has(c.id)) continue;
    const partnerId = inWindowPartners[i]!;
    const own = wonByPartner.get(partnerId);
    if (own) own.push(c);
    else wonByPartner.set(partnerId, [c]);
  }
  for (const id of twice) errors.push({ type: 'deal', id, reason: 'duplicate id' });

  // Canonical order, so shuffled input gives byte-identical output.
  errors.sort((a, b) => cmp(a.type, b.type) || cmp(a.id, b.id) || cmp(a.reason, b.reason));
  for (const credits of wonByPartner.values()) sortInPlace(credits, (a, b) => cmp(a.id, b.id));
  const rateTexts = new Map<string, string>();
  for (const [code, rate] of rates) rateTexts.set(code, rate.toString());
  return { partners, accounts, wonByPartner, rates, rateTexts, settled, errors };
}

const CLOSED_AT_FORMAT =
  'closedAt must be an ISO-8601 date (2027-03-31) or instant (2027-03-31T23:30:00+08:00)';

type Shares = { partnerId: string; share: Decimal | null }[];
/** The common case, a deal credited whole to its partnerId (no allocation per deal). */
export const WHOLE = Symbol('whole');
export const LOST = Symbol('lost');

/**
 * Checks a deal's own fields (no lookups in other records): the reason it is left
 * out, LOST for a lost deal (it feeds no number, so nothing else is checked), or
 * null. Only won deals need a close date, a partner and a rate.
 */
export function checkDeal(
  raw: unknown,
  rates: Map<string, Decimal>,
  planCurrency: string,
  /** Stop after id and status (for deals that feed no number). */
  identityOnly = false,
): typeof LOST | string | null {
  if (!isObj(raw)) return 'must be an object';
  if (typeof raw.id !== 'string' || raw.id === '') return 'id must be a non-empty string';
  const status = raw.status;
  if (status !== 'won' && status !== 'open' && status !== 'lost')
    return 'status must be one of open, won, lost';
  if (status === 'lost') return LOST;
  if (identityOnly) return null;
  return dealFieldsProblem(raw, status === 'won', rates, planCurrency);
}

/**
 * checkDeal past id and status, for a deal that is open or won. Prepare calls it
 * directly for each won deal, whose id and status it has just read.
 */
function dealFieldsProblem(
  raw: Obj,
  won: boolean,
  rates: Map<string, Decimal>,
  planCurrency: string,
): string | null {
  const amountIssue = amountProblem(raw.amount);
  if (amountIssue !== null) return amountIssue;
  const currency = raw.currency;
  if (typeof currency !== 'string' || !isKnownCurrency(currency))
    return `unknown currency ${JSON.stringify(currency ?? null)}`;
  const partnerId = raw.partnerId;
  if (!optionalText(partnerId) || !optionalText(raw.accountId) || !optionalText(raw.name))
    return 'partnerId, accountId and name must be strings';
  const csat = raw.csat;
  if (csat !== undefined && csat !== null && (typeof csat !== 'number' || !Number.isFinite(csat)))
    return 'csat must be a number';
  const attributes = raw.attributes;
  if (attributes !== undefined && attributes !== null && !isObj(attributes))
    return 'attributes must be an object';
  const closedAt = raw.closedAt;
  if (!optionalText(closedAt)) return CLOSED_AT_FORMAT;
  const splits = raw.splits;
  if (splits !== undefined && splits !== null && !Array.isArray(splits))
    return 'splits must be a non-empty list';
  if (won) {
    if (!splits && (typeof partnerId !== 'string' || partnerId === '')) return 'won deal has no partnerId';
    if (typeof closedAt !== 'string') return 'won deal has no closedAt';
    if (currency !== planCurrency && !rates.has(currency)) return `no exchange rate for ${currency}`;
  }
  return null;
}

const AMOUNT_TEXT = 'amount must be a decimal number written as a string, e.g. "1250.00"';

/**
 * Why an amount is left out, or null: not decimal text (what /^[+-]?(\d+(\.\d*)?|\.\d+)$/
 * accepts), negative, or more than 15 integer digits (no real deal: a unit or parsing
 * error upstream). One pass over the characters, no regex: this runs for every won
 * deal of the input.
 */
function amountProblem(amount: unknown): string | null {
  if (typeof amount !== 'string') return AMOUNT_TEXT;
  const length = amount.length;
  const first = amount.charCodeAt(0);
  let i = first === 43 || first === 45 ? 1 : 0;
  const start = i;
  while (i < length && amount.charCodeAt(i) === 48) i++;
  const significant = i; // leading zeros do not count as digits
  for (; i < length; i++) {
    const c = amount.charCodeAt(i);
    if (c < 48 || c > 57) break;
  }
  const integerEnd = i;
  let fraction = 0;
  if (i < length && amount.charCodeAt(i) === 46) {
    for (i++; i < length; i++, fraction++) {
      const c = amount.charCodeAt(i);
      if (c < 48 || c > 57) break;
    }
  }
  if (i !== length || (integerEnd === start && fraction === 0)) return AMOUNT_TEXT;
  if (first === 45 && !new Decimal(amount).isZero()) return 'amount must not be negative';
  if (integerEnd - significant > 15) return `amount ${amount} is implausibly large`;
  return null;
}

/** Who a deal credits: WHOLE (its partnerId), the split shares, or why it cannot be credited. */
export function creditsOf(deal: Deal, partners: Map<string, Partner>): Shares | typeof WHOLE | string {
  if (deal.splits) return parseSplits(deal.splits, partners);
  if (typeof deal.partnerId !== 'string' || deal.partnerId === '') return [];
  return partners.has(deal.partnerId) ? WHOLE : `unknown partner "${deal.partnerId}"`;
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
  // Plain loops and constant bounds: this runs for every split deal of the input.
  for (let i = 0; i < raw.length; i++) {
    const s: unknown = raw[i];
    if (!isObj(s) || typeof s.partnerId !== 'string') return `splits[${i}].partnerId must be a string`;
    if (!partners.has(s.partnerId)) return `splits[${i}]: unknown partner "${s.partnerId}"`;
    if (!isDecimalText(s.share)) return `splits[${i}].share must be a decimal string such as "0.4"`;
    const share = new Decimal(s.share);
    if (share.lte(ZERO) || share.gt(ONE)) return `splits[${i}].share must be greater than 0 and at most 1`;
    for (const o of out) {
      if (o.partnerId === s.partnerId) return `splits[${i}]: partner "${s.partnerId}" appears twice`;
    }
    sum = sum.plus(share);
    out.push({ partnerId: s.partnerId, share });
  }
  if (!sum.eq(ONE)) return `split shares sum to ${sum.toString()}, not 1`;
  return out;
}
