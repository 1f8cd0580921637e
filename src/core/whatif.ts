// What-if: score as if some open deals of a partner were won inside the period, at
// its last instant. The widget runs this in the browser with the same code the
// server uses, so the answer it shows is the answer the server will write.
import type { Deal } from './input.js';
import { Decimal, moneyText } from './money.js';
import type { Plan } from './plan.schema.js';
import { checkDeal, creditsOf, LOST, type Prepared, prepare, WHOLE } from './prepare.js';
import type { PartnerResult, ResultsDocument } from './results.js';
import { resolvePeriod, scorePrepared, UsageError } from './score.js';

export interface WhatIfOptions {
  period: string;
  partnerId: string;
  /** Ids of open deals to treat as won. */
  close: string[];
  computedAt?: string;
  sha256?: (text: string) => string;
}

export interface WhatIfDocument extends ResultsDocument {
  whatIf: {
    partnerId: string;
    closed: string[];
    /** The partner's result on the data as it is. */
    baseline: Pick<PartnerResult, 'score' | 'tier'> & { payout: string };
    delta: { score: number; payout: string; tierChanged: boolean };
  };
}

export function whatIf(plan: Plan, input: unknown, options: WhatIfOptions): WhatIfDocument {
  const period = resolvePeriod(plan, options.period);
  const actual = prepare(plan, input, period);
  if (!actual.partners.has(options.partnerId)) {
    throw new UsageError(`partner "${options.partnerId}" is not in the input (or was left out as invalid)`);
  }
  const closeAt = new Date(period.endMs - 1).toISOString();
  const doc = input as Record<string, unknown>;
  const rawDeals = Array.isArray(doc.deals) ? (doc.deals as unknown[]) : [];
  const overrides = new Map<string, Deal>();
  for (const id of options.close) {
    const copies = rawDeals.filter((d) => (d as { id?: unknown } | null)?.id === id);
    if (copies.length === 0) throw new UsageError(`deal "${id}" is not in the input`);
    if (copies.length > 1) throw new UsageError(`deal "${id}" appears ${copies.length} times in the input`);
    const problem = checkDeal(copies[0], actual.rates, plan.currency);
    if (typeof problem === 'string') throw new UsageError(`deal "${id}" is invalid: ${problem}`);
    const deal = copies[0] as Deal;
    if (problem === LOST || deal.status !== 'open')
      throw new UsageError(`deal "${id}" is ${deal.status}, not open`);
    const checked = creditsOf(deal, actual.partners);
    if (typeof checked === 'string') throw new UsageError(`deal "${id}" is invalid: ${checked}`);
    const credited =
      checked === WHOLE
        ? deal.partnerId === options.partnerId
        : checked.some((s) => s.partnerId === options.partnerId);
    if (!credited) throw new UsageError(`deal "${id}" is not credited to partner "${options.partnerId}"`);
    overrides.set(id, { ...deal, status: 'won', closedAt: closeAt });
  }
  const deals = rawDeals.map((d) => {
    const id = (d as { id?: unknown } | null)?.id;
    return typeof id === 'string' && overrides.has(id) ? overrides.get(id) : d;
  });
  const supposed: Prepared = prepare(plan, { ...doc, deals }, period);

  const before = scorePrepared(plan, actual, period, options).results.find(
    (r) => r.partnerId === options.partnerId,
  )!;
  const after = scorePrepared(plan, supposed, period, options);
  const mine = after.results.find((r) => r.partnerId === options.partnerId)!;
  return {
    ...after,
    results: [mine],
    whatIf: {
      partnerId: options.partnerId,
      closed: [...options.close],
      baseline: { score: before.score, tier: before.tier, payout: before.payout.total },
      delta: {
        score: new Decimal(mine.score).minus(before.score).toNumber(),
        payout: moneyText(new Decimal(mine.payout.total).minus(before.payout.total), plan.currency),
        tierChanged: mine.tier !== before.tier,
      },
    },
  };
}
