// The gap to the next tier: the score gap and, per metric alone, the smallest
// increase that reaches it — rounded up (money to the minor unit, counts to whole
// units) and aware that the score rounds half-up at 2 places. Derivations inline.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/core/index.js';
import { basePlan, input, makePlan, partner, resultOf, won } from './helpers.js';

const Q1 = { period: '2027-Q1' };

function twoMetricPlan(revenueCap?: number, dealsCap?: number) {
  return makePlan({
    targets: { default: { revenue: 1000000, deals: 10 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 60, ...(revenueCap ? { cap: revenueCap } : {}) },
      { key: 'deals', kind: 'wonCount', weight: 40, ...(dealsCap ? { cap: dealsCap } : {}) },
    ],
  });
}

/** `count` deals whose amounts add up to `revenue` (one carries it all). */
const deals = (revenue: string, count: number, prefix = 'D') =>
  Array.from({ length: count }, (_, i) => won(`${prefix}${i}`, 'P1', i === 0 ? revenue : '0', '2027-02-01'));

const resultFor = (plan: ReturnType<typeof makePlan>, dealList: Record<string, unknown>[]) =>
  resultOf(score(plan, input({ partners: [partner('P1')], deals: dealList }), Q1), 'P1');

describe('next tier on a score basis', () => {
  it('derives the per-metric increase from the other metrics held fixed', () => {
    // revenue 0.5 × 60 + deals 0.5 × 40 = 50. Silver at 60 is reached once the exact score is ≥ 59.995:
    //   revenue alone: 60a + 20 ≥ 59.995 → a ≥ 0.666583… → 666,583.33… − 500,000 → 166,583.34 (rounded up)
    //   deals alone:   40b + 30 ≥ 59.995 → b ≥ 0.749875 → 7.49875 − 5 = 2.49875 → 3 whole deals
    const r = resultFor(twoMetricPlan(), deals('500000', 5));
    expect(r.score).toBe(50);
    expect(r.nextTier).toEqual({
      name: 'Silver',
      scoreGap: 10,
      byMetric: { revenue: '166583.34', deals: '3' },
    });
  });

  it('is exactly enough: the stated increase reaches the tier and one cent less does not', () => {
    const plan = twoMetricPlan();
    // 500,000 + 166,583.34 with the deal count unchanged, and 3 more deals with revenue unchanged.
    expect(resultFor(plan, deals('666583.34', 5))).toMatchObject({ score: 60, tier: 'Silver' });
    expect(resultFor(plan, deals('666583.33', 5))).toMatchObject({ score: 59.99, tier: 'Registered' });
    expect(resultFor(plan, deals('500000', 8)).tier).toBe('Silver');
    expect(resultFor(plan, deals('500000', 7)).tier).toBe('Registered');
  });

  it('respects caps: a metric whose cap stops short of the tier gets null', () => {
    // revenue 0.9 × 60 + deals 0.5 × 40 = 74 (Silver). Gold at 90 → exact 89.995:
    //   revenue alone needs a ≥ (89.995 − 20) / 60 = 1.16658…: within a cap of 1.2 → 1,166,583.34 − 900,000 = 266,583.34
    //   deals alone needs b ≥ (89.995 − 54) / 40 = 0.899875 → 8.99875 − 5 → 4
    expect(resultFor(twoMetricPlan(1.2, 1), deals('900000', 5)).nextTier).toEqual({
      name: 'Gold',
      scoreGap: 16,
      byMetric: { revenue: '266583.34', deals: '4' },
    });
    //   with revenue capped at 1.1 (and deals at 0.8) neither alone can reach 89.995.
    expect(resultFor(twoMetricPlan(1.1, 0.8), deals('900000', 5)).nextTier!.byMetric).toEqual({
      revenue: null,
      deals: null,
    });
  });

  it('reaches min − 0.005 exactly: a zero partner needs 599,950.00 of a 1,000,000 target for 60', () => {
    const r = resultFor(makePlan(), []);
    expect(r.nextTier).toEqual({ name: 'Silver', scoreGap: 60, byMetric: { revenue: '599950.00' } });
    expect(resultFor(makePlan(), deals('599950.00', 1)).tier).toBe('Silver');
  });

  it('rounds a money increase up to the minor unit of the plan currency (JPY: whole yen)', () => {
    // target 1,000,001 JPY; 60 needs 0.59995 × 1,000,001 = 599,950.59995 → 599,951 yen.
    const plan = makePlan({ currency: 'JPY', targets: { default: { revenue: 1000001 } } });
    expect(resultFor(plan, []).nextTier!.byMetric.revenue).toBe('599951');
    expect(resultFor(plan, [won('D1', 'P1', '599951', '2027-02-01', { currency: 'JPY' })]).tier).toBe(
      'Silver',
    );
    expect(resultFor(plan, [won('D1', 'P1', '599950', '2027-02-01', { currency: 'JPY' })]).tier).toBe(
      'Registered',
    );
  });

  it('gives null for a metric left out of the score and no next tier at the top', () => {
    const plan = makePlan({
      targets: { default: { revenue: 1000000, csat: 4.5 } },
      metrics: [
        { key: 'revenue', kind: 'wonAmount', weight: 1 },
        { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 1 },
      ],
    });
    expect(resultFor(plan, deals('100000', 1)).nextTier!.byMetric).toEqual({
      revenue: '499950.00',
      csat: null,
    });
    expect(resultFor(makePlan(), deals('950000', 1)).nextTier).toBeNull();
  });
});

describe('next tier on an attainment basis', () => {
  it('names only the basis metric, with the gap to the next level min', () => {
    const plan = makePlan({
      targets: { default: { revenue: 1000000, deals: 4 } },
      metrics: [
        { key: 'revenue', kind: 'wonAmount', weight: 1 },
        { key: 'deals', kind: 'wonCount', weight: 1 },
      ],
      tiers: {
        ...basePlan().tiers,
        basis: { attainment: 'revenue' },
        mode: 'marginal',
      },
    });
    // revenue 750,000 = 75% → Silver (60); Gold at 90% → 900,000 − 750,000 = 150,000; basis gap 15.
    const r = resultFor(plan, deals('750000', 2));
    expect(r.tier).toBe('Silver');
    expect(r.nextTier).toEqual({
      name: 'Gold',
      scoreGap: 15,
      byMetric: { revenue: '150000.00', deals: null },
    });
  });
});

describe('next tier from exact fractions', () => {
  it('asks for exactly the amount when it falls on a whole cent (others at 1/4.5)', () => {
    const plan = makePlan({
      targets: { default: { revenue: 1200000, csat: 4.5 } },
      metrics: [
        { key: 'revenue', kind: 'wonAmount', weight: 40 },
        { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 48 },
      ],
      tiers: {
        basis: 'score',
        mode: 'retroactive',
        levels: [
          { name: 'Registered', min: 0, rate: '0' },
          { name: 'Silver', min: 32, rate: '0.01' },
        ],
      },
    });
    // csat 1 of 4.5 → 48/4.5 = 10.666…; Silver needs (40a + 10.666…)/88 ≥ 0.31995
    // → 40a ≥ 28.1556 − 10.666… = 17.48893… → a ≥ 0.437223… → × 1,200,000 = 524,668.00 exactly.
    const at = (extra: string | null) =>
      resultOf(
        score(
          plan,
          input({
            partners: [partner('P1')],
            deals: [
              won('D1', 'P1', '0', '2027-02-01', { csat: 1 }),
              ...(extra ? [won('D2', 'P1', extra, '2027-02-02')] : []),
            ],
          }),
          Q1,
        ),
        'P1',
      );
    expect(at(null).nextTier!.byMetric.revenue).toBe('524668.00');
    expect(at('524668.00').tier).toBe('Silver');
    expect(at('524667.99').tier).toBe('Registered');
  });
});

describe('score rounding ties', () => {
  it('rounds an exact x.xx5 up even when an attainment repeats (1 of 3 new customers)', () => {
    const plan = makePlan({
      targets: { default: { revenue: 700000, logos: 3 } },
      metrics: [
        { key: 'revenue', kind: 'wonAmount', weight: 70 },
        { key: 'logos', kind: 'newCustomers', weight: 30 },
      ],
    });
    const withRevenue = (amount: string) =>
      resultOf(
        score(
          plan,
          input({
            partners: [partner('P1')],
            accounts: [{ id: 'A1' }],
            deals: [won('D1', 'P1', amount, '2027-02-01', { accountId: 'A1' })],
          }),
          Q1,
        ),
        'P1',
      );
    // 100,000 → 70 × 1/7 + 30 × 1/3 = 20. Silver needs exact ≥ 59.995: 70r + 10 ≥ 59.995 → r ≥ 0.714214…
    // → 499,950 → 399,950.00 more.
    const now = withRevenue('100000');
    expect(now.nextTier!.byMetric.revenue).toBe('399950.00');
    // 70 × 499,950/700,000 + 30 × 1/3 = 49.995 + 10 = 59.995 exactly → 60.00 → Silver.
    expect(withRevenue('499950')).toMatchObject({ score: 60, tier: 'Silver' });
    expect(withRevenue('499949.99')).toMatchObject({ score: 59.99, tier: 'Registered' });
  });

  it('rounds an exact tie up through an average of three deals', () => {
    // csat (4 + 4 + 5) / 3 = 4.333… (held to 18 places, a hair short) of a target of 1, × weight 3 = 13;
    // revenue 799.80 / 1,000 = 0.7998 × weight 1. Score = 100 × (13 + 0.7998) / 4 = 344.995 exactly
    // → 345.00 → Silver (min 345).
    const plan = makePlan({
      targets: { default: { revenue: 1000, csat: 1 } },
      metrics: [
        { key: 'revenue', kind: 'wonAmount', weight: 1 },
        { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 3 },
      ],
      tiers: {
        basis: 'score',
        mode: 'retroactive',
        levels: [
          { name: 'Registered', min: 0, rate: '0' },
          { name: 'Silver', min: 345, rate: '0.02' },
        ],
      },
    });
    const deals = (amount: string) => [
      won('D1', 'P1', amount, '2027-02-01', { csat: 4 }),
      won('D2', 'P1', '0', '2027-02-02', { csat: 4 }),
      won('D3', 'P1', '0', '2027-02-03', { csat: 5 }),
    ];
    const at = (amount: string) =>
      resultOf(score(plan, input({ partners: [partner('P1')], deals: deals(amount) }), Q1), 'P1');
    expect(at('799.80')).toMatchObject({ score: 345, tier: 'Silver' });
    expect(at('799.79')).toMatchObject({ score: 344.99, tier: 'Registered' });
  });
});
