// The core against an independent reference model: for one-metric plans the
// payout can be written out in a few lines with decimal.js (a different decimal
// implementation from the core's own fixed-point one). Generated plans and deals must
// give the same revenue, score, tier and payout, to the minor unit.
import { Decimal as RefDecimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlan, score } from '../../src/core/index.js';

const D = RefDecimal.clone({ precision: 80, rounding: RefDecimal.ROUND_HALF_UP });
const UNITS: Record<string, number> = { CNY: 2, JPY: 0, KWD: 3 };

const caseArb = fc.record({
  currency: fc.constantFrom('CNY', 'JPY', 'KWD'),
  target: fc.constantFrom('1000000', '333333.33', '250000', '777'),
  cap: fc.option(fc.constantFrom(1, 1.25, 1.5), { nil: undefined }),
  steps: fc.array(fc.integer({ min: 5, max: 40 }), { minLength: 1, maxLength: 3 }),
  rates: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 4, maxLength: 4 }),
  bonuses: fc.array(fc.integer({ min: 0, max: 99999 }), { minLength: 4, maxLength: 4 }),
  payoutCap: fc.option(fc.constantFrom('5000', '123456.789'), { nil: undefined }),
  usdRate: fc.constantFrom('7.1234', '150.25', '0.3071', '1'),
  tiering: fc.constantFrom('score', 'attainment', 'marginal'),
  deals: fc.array(
    fc.record({
      whole: fc.integer({ min: 0, max: 400000 }),
      cents: fc.integer({ min: 0, max: 99 }),
      usd: fc.boolean(),
      share: fc.constantFrom(null, '0.25', '0.5', '0.6'),
      day: fc.integer({ min: -20, max: 110 }), // days after 1 January 2027 (Q1 is days 0–89)
      status: fc.constantFrom('won', 'won', 'won', 'lost', 'open'),
    }),
    { maxLength: 8 },
  ),
});

describe('reference model', () => {
  it('one-metric plans (retroactive on score or attainment, marginal) pay what a few lines of decimal.js say', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const mins = [0];
        for (const step of c.steps) mins.push(mins[mins.length - 1]! + step);
        if (c.cap !== undefined) while (mins[mins.length - 1]! > c.cap * 100) mins.pop();
        const levels = mins.map((min, i) => ({
          name: `L${i}`,
          min,
          rate: new D(c.rates[i]!).div(10000).toString(),
          bonus: String(c.bonuses[i]!),
        }));
        const parsed = parsePlan({
          id: 'ref',
          name: 'Reference',
          version: 1,
          currency: c.currency,
          timezone: 'Asia/Shanghai',
          period: { type: 'quarter' },
          targets: { default: { revenue: c.target } },
          metrics: [{ key: 'revenue', kind: 'wonAmount', weight: 1, ...(c.cap ? { cap: c.cap } : {}) }],
          tiers: {
            levels,
            basis: c.tiering === 'score' ? 'score' : { attainment: 'revenue' },
            mode: c.tiering === 'marginal' ? 'marginal' : 'retroactive',
          },
          payout: { base: 'revenue', ...(c.payoutCap ? { cap: c.payoutCap } : {}) },
        });
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));

        const deals = c.deals.map((d, i) => {
          const date = new Date(Date.UTC(2027, 0, 1 + d.day)).toISOString().slice(0, 10);
          return {
            id: `D${i}`,
            partnerId: 'P1',
            amount: `${d.whole}.${String(d.cents).padStart(2, '0')}`,
            currency: d.usd ? 'USD' : c.currency,
            status: d.status,
            closedAt: d.status === 'open' ? null : date,
            ...(d.share
              ? {
                  splits: [
                    { partnerId: 'P1', share: d.share },
                    { partnerId: 'P2', share: new D(1).minus(d.share).toString() },
                  ],
                }
              : {}),
          };
        });
        const doc = score(
          parsed.plan,
          { partners: [{ id: 'P1' }, { id: 'P2' }], deals, rates: { USD: c.usdRate } },
          { period: '2027-Q1' },
        );
        const r = doc.results.find((x) => x.partnerId === 'P1')!;

        // The reference: written from the contract, not from the core.
        const units = UNITS[c.currency]!;
        let revenue = new D(0);
        c.deals.forEach((d, i) => {
          if (d.status !== 'won' || d.day < 0 || d.day >= 90) return;
          const amount = new D(deals[i]!.amount);
          const converted = d.usd ? amount.times(c.usdRate) : amount;
          revenue = revenue.plus(d.share ? converted.times(d.share) : converted);
        });
        let attainment = revenue.div(c.target);
        if (c.cap !== undefined && attainment.gt(c.cap)) attainment = new D(c.cap);
        const scoreValue = attainment.times(100).toDecimalPlaces(2, D.ROUND_HALF_UP);
        // Tiers compare the rounded score, or the (unrounded) attainment × 100 of the basis metric.
        const basisValue = c.tiering === 'score' ? scoreValue : attainment.times(100);
        let tier = 0;
        levels.forEach((l, i) => {
          if (basisValue.gte(l.min)) tier = i;
        });
        const round = (x: RefDecimal) => x.toDecimalPlaces(units, D.ROUND_HALF_UP);
        let base = revenue.times(levels[tier]!.rate);
        if (c.tiering === 'marginal') {
          // Band i pays its rate on the part of revenue between its min and the next level's
          // min (as attainment of the target); the partner's own tier is the open top band.
          base = new D(0);
          for (let i = 0; i <= tier; i++) {
            const lower = new D(c.target).times(levels[i]!.min).div(100);
            const upper = i < tier ? new D(c.target).times(levels[i + 1]!.min).div(100) : revenue;
            const part = D.max(D.min(revenue, upper).minus(lower), 0);
            base = base.plus(part.times(levels[i]!.rate));
          }
        }
        const subtotal = round(base).plus(round(new D(levels[tier]!.bonus)));
        const cap = c.payoutCap ? round(new D(c.payoutCap)) : null;
        const total = cap && subtotal.gt(cap) ? cap : subtotal;

        expect(r.metrics.revenue!.actual).toBe(revenue.toFixed(units, D.ROUND_HALF_UP));
        expect(r.score).toBe(scoreValue.toNumber());
        expect(r.tier).toBe(levels[tier]!.name);
        expect(r.payout.total).toBe(total.toFixed(units));
      }),
      { numRuns: 300 },
    );
  });
});
