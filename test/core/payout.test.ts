// Tiers (retroactive and marginal), gates, tier bonuses, conditional bonuses, the
// payout cap and clawback / true-up adjustments from frozen statements. Every
// expected amount is computed by hand in the comment beside it.
import { describe, expect, it } from 'vitest';
import { type PartnerResult, score } from '../../src/core/index.js';
import { Decimal } from '../../src/core/money.js';
import { basePlan, input, makePlan, partner, resultOf, won } from './helpers.js';

const Q1 = { period: '2027-Q1' };

/** base + tierBonus + Σ bonuses − capReduction + Σ adjustments, exactly. */
function reconcile(r: PartnerResult): string {
  const p = r.payout;
  let sum = new Decimal(p.base).plus(p.tierBonus).minus(p.capReduction);
  for (const b of p.bonuses) sum = sum.plus(b.amount);
  for (const a of p.adjustments) sum = sum.plus(a.amount);
  return sum.toFixed(2);
}

const one = (plan: ReturnType<typeof makePlan>, deals: Record<string, unknown>[], extra = {}) =>
  resultOf(score(plan, input({ partners: [partner('P1')], deals, ...extra }), Q1), 'P1');

describe('retroactive tiers (base plan: Silver ≥ 60 pays 2%, Gold ≥ 90 pays 4% + 10,000)', () => {
  const plan = makePlan();
  it.each([
    // [revenue, score, tier, base, tierBonus, total]
    ['0', 0, 'Registered', '0.00', '0.00', '0.00'],
    ['599949.99', 59.99, 'Registered', '0.00', '0.00', '0.00'],
    ['600000', 60, 'Silver', '12000.00', '0.00', '12000.00'], // 2% of 600,000
    ['850000', 85, 'Silver', '17000.00', '0.00', '17000.00'], // 2% of 850,000
    ['950000', 95, 'Gold', '38000.00', '10000.00', '48000.00'], // 4% of all 950,000 + 10,000
    ['2000000', 200, 'Gold', '80000.00', '10000.00', '90000.00'],
  ])('revenue %s → score %s, %s, base %s + bonus %s = %s', (amount, s, tier, base, bonus, total) => {
    const r = one(plan, amount === '0' ? [] : [won('D1', 'P1', amount, '2027-02-01')]);
    expect(r.score).toBe(s);
    expect(r.tier).toBe(tier);
    expect(r.payout).toMatchObject({ base, tierBonus: bonus, bonuses: [], capReduction: '0.00', total });
  });
});

describe('marginal tiers (basis: revenue attainment; bands at 0%, 50%, 100% of a 1,000,000 target)', () => {
  const raw = basePlan();
  const plan = makePlan({
    targets: { default: { revenue: 1000000, deals: 5 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 1, cap: 1.5 },
      { key: 'deals', kind: 'wonCount', weight: 1 },
    ],
    tiers: {
      ...raw.tiers,
      basis: { attainment: 'revenue' },
      mode: 'marginal',
      levels: [
        { name: 'L0', min: 0, rate: '0.01' },
        { name: 'L1', min: 50, rate: '0.02' },
        { name: 'L2', min: 100, rate: '0.05', bonus: '1000' },
      ],
    },
  });
  const deals = (amount: string, count = 2) =>
    Array.from({ length: count }, (_, i) => won(`D${i + 1}`, 'P1', i === 0 ? amount : '0', '2027-02-01'));

  it.each([
    // [revenue, tier, base]: hand-computed band by band
    ['300000', 'L0', '3000.00'], // 1% × 300,000
    ['500000', 'L1', '5000.00'], // 1% × 500,000 + 2% × 0
    ['750000', 'L1', '10000.00'], // 1% × 500,000 + 2% × 250,000 = 5,000 + 5,000
    ['1200000', 'L2', '25000.00'], // 5,000 + 2% × 500,000 + 5% × 200,000 = 5,000 + 10,000 + 10,000
    ['2000000', 'L2', '65000.00'], // attainment capped at 1.5 for the tier, but the base pays on all: 5,000 + 10,000 + 5% × 1,000,000
  ])('revenue %s → %s, base %s', (amount, tier, base) => {
    const r = one(plan, deals(amount));
    expect(r.tier).toBe(tier);
    expect(r.payout.base).toBe(base);
    expect(r.payout.tierBonus).toBe(tier === 'L2' ? '1000.00' : '0.00');
  });

  it('explains each band', () => {
    const r = one(plan, deals('1200000'));
    expect(r.explain).toContain(
      'payout base (marginal, on revenue): L0 band 1% × 500,000 + L1 band 2% × 500,000 + L2 band 5% × 200,000 → 25,000.00 CNY',
    );
  });

  it('pays the excess at the gated tier rate when a maxTier gate lowers the tier', () => {
    const gated = makePlan({ ...plan, gates: [{ metric: 'deals', min: 2, effect: { maxTier: 'L1' } }] });
    // One deal only → the gate holds the tier at L1: 1% × 500,000 + 2% × 700,000 = 5,000 + 14,000.
    const r = one(gated, deals('1200000', 1));
    expect(r.tier).toBe('L1');
    expect(r.payout).toMatchObject({ base: '19000.00', tierBonus: '0.00', total: '19000.00' });
    expect(r.gatesFailed).toHaveLength(1);
    // Two deals pass the gate: back to the full 25,000 + 1,000.
    expect(one(gated, deals('1200000', 2)).payout.total).toBe('26000.00');
  });
});

describe('gates', () => {
  const plan = makePlan({
    targets: { default: { revenue: 1000000, csat: 4.5 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 80 },
      { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 20, cap: 1 },
    ],
    gates: [{ metric: 'csat', min: 4, effect: 'noPayout' }],
    payout: {
      base: 'revenue',
      bonuses: [{ name: 'Gold kicker', when: { tierAtLeast: 'Gold' }, amount: '500' }],
    },
  });

  it('noPayout keeps the tier but zeroes base, tier bonus and bonuses', () => {
    // revenue 1.0 × 80 + csat 3.9 / 4.5 = 0.8667 × 20 → score 97.33 → Gold; csat 3.9 < 4 → no payout.
    const r = one(plan, [won('D1', 'P1', '1000000', '2027-02-01', { csat: 3.9 })]);
    expect(r.tier).toBe('Gold');
    expect(r.score).toBe(97.33);
    expect(r.payout).toEqual({
      base: '0.00',
      tierBonus: '0.00',
      bonuses: [],
      capReduction: '0.00',
      adjustments: [],
      total: '0.00',
    });
    expect(r.gatesFailed).toEqual([
      {
        metric: 'csat',
        min: 4,
        actual: '3.9',
        effect: 'noPayout',
        message: {
          en: 'Average csat is 3.9, below the required 4: no payout this period.',
          'zh-CN': '平均csat为 3.9，低于要求的 4：本期不发放奖励。',
        },
      },
    ]);
    expect(r.explain).toContain('gate csat ≥ 4: failed (3.9) → no payout');
    expect(r.explain).toContain('payout withheld by a gate: base, tier bonus and bonuses are 0');
  });

  it('passes at exactly the minimum', () => {
    // csat 4.0 / 4.5 = 0.8889 × 20 = 17.78 + 80 → 97.78, Gold: 4% × 1,000,000 + 10,000 + 500.
    const r = one(plan, [won('D1', 'P1', '1000000', '2027-02-01', { csat: 4 })]);
    expect(r.gatesFailed).toEqual([]);
    expect(r.payout.total).toBe('50500.00');
  });

  it('fails when the metric has no value', () => {
    const r = one(plan, [won('D1', 'P1', '1000000', '2027-02-01')]);
    expect(r.gatesFailed).toMatchObject([{ metric: 'csat', actual: null }]);
    expect(r.gatesFailed[0]!.message.en).toBe(
      'Average csat is not recorded, below the required 4: no payout this period.',
    );
    expect(r.gatesFailed[0]!.message['zh-CN']).toBe('平均csat暂无数据，低于要求的 4：本期不发放奖励。');
    expect(r.payout.total).toBe('0.00');
  });

  it('still applies adjustments of earlier periods when the payout is withheld', () => {
    // Q4 2026 recomputes to 0 (no deals) but 500 was paid → −500 even though Q1 pays nothing.
    const r = one(plan, [won('D1', 'P1', '1000000', '2027-02-01', { csat: 3 })], {
      statements: [{ partnerId: 'P1', period: '2026-Q4', payout: '500.00' }],
    });
    expect(r.payout.adjustments).toEqual([
      { period: '2026-Q4', frozen: '500.00', recomputed: '0.00', amount: '-500.00', kind: 'clawback' },
    ]);
    expect(r.payout.total).toBe('-500.00');
  });

  it('compares the actual value, not the attainment', () => {
    const actualGate = makePlan({ gates: [{ metric: 'revenue', min: 500000, effect: 'noPayout' }] });
    // 650,000 of 1,000,000: attainment 0.65 but actual 650,000 ≥ 500,000 → passes; Silver 2% = 13,000.
    expect(one(actualGate, [won('D1', 'P1', '650000', '2027-02-01')]).payout.total).toBe('13000.00');
    expect(one(actualGate, [won('D1', 'P1', '499999.99', '2027-02-01')]).gatesFailed).toHaveLength(0 + 1);
  });

  it('maxTier lowers the tier, and tier conditions see the lowered tier', () => {
    const capped = makePlan({
      ...plan,
      gates: [{ metric: 'csat', min: 4.2, effect: { maxTier: 'Silver' } }],
      awards: [{ type: 'title', name: 'Gold Partner', when: { tierAtLeast: 'Gold' } }],
    });
    // Score 97.78 would be Gold; csat 4.0 < 4.2 → Silver: 2% × 1,000,000, no tier bonus, no Gold kicker.
    const r = one(capped, [won('D1', 'P1', '1000000', '2027-02-01', { csat: 4 })]);
    expect(r.tier).toBe('Silver');
    expect(r.payout).toMatchObject({ base: '20000.00', tierBonus: '0.00', bonuses: [], total: '20000.00' });
    expect(r.awards).toEqual([]);
    expect(r.explain).toContain('tier after gates: Silver');
    // A partner already below the limit stays where it is.
    expect(one(capped, [won('D1', 'P1', '100000', '2027-02-01', { csat: 4 })]).tier).toBe('Registered');
  });
});

describe('tier bonus, conditional bonuses and the payout cap', () => {
  const plan = makePlan({
    targets: { default: { revenue: 1000000, logos: 2 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 3, cap: 1.5 },
      { key: 'logos', kind: 'newCustomers', weight: 1, cap: 1.2 },
    ],
    payout: {
      base: 'revenue',
      bonuses: [
        { name: 'New logo bonus', when: { metric: 'logos', attainmentAtLeast: 1.2 }, amount: '20000' },
        { name: 'Big quarter', when: { metric: 'revenue', actualAtLeast: 1500000 }, amount: '5000.005' },
        { name: 'Gold club', when: { tierAtLeast: 'Gold' }, amount: '3000' },
      ],
      cap: '70000',
    },
  });
  const deals = (amount: string, logos: number) => [
    won('D1', 'P1', amount, '2027-02-01', { accountId: 'A1' }),
    ...Array.from({ length: logos - 1 }, (_, i) =>
      won(`D${i + 2}`, 'P1', '0', '2027-02-02', { accountId: `A${i + 2}` }),
    ),
  ];

  it('pays each bonus whose condition holds (attainment conditions use the capped attainment)', () => {
    // revenue 1.2 × 3 + logos 3/2 = 1.5 → capped 1.2 × 1 → score (3.6 + 1.2) / 4 = 120 → Gold.
    // 4% × 1,200,000 = 48,000 + tier bonus 10,000 + logos 20,000 + Gold club 3,000 = 81,000 → cap 70,000.
    const r = one(plan, deals('1200000', 3));
    expect(r.metrics.logos!.attainment).toBe(1.2);
    expect(r.payout).toEqual({
      base: '48000.00',
      tierBonus: '10000.00',
      bonuses: [
        { name: 'New logo bonus', amount: '20000.00' },
        { name: 'Gold club', amount: '3000.00' },
      ],
      capReduction: '11000.00',
      adjustments: [],
      total: '70000.00',
    });
    expect(reconcile(r)).toBe(r.payout.total);
    expect(r.explain).toContain('bonus "New logo bonus": logos attainment 1.2 ≥ 1.2 → 20,000.00 CNY');
    expect(r.explain).toContain('payout cap 70000: reduces the payout by 11,000.00 CNY');
  });

  it('rounds a bonus amount to the minor unit once', () => {
    // revenue 1,500,000 → 1.5 × 3 + logos 1/2 = 0.5 → (4.5 + 0.5) / 4 = 125 → Gold.
    // 60,000 + 10,000 + Big quarter 5,000.005 → 5,000.01 + Gold club 3,000 = 78,000.01 → cap 70,000, reduction 8,000.01.
    const r = one(plan, deals('1500000', 1));
    expect(r.payout.bonuses).toEqual([
      { name: 'Big quarter', amount: '5000.01' },
      { name: 'Gold club', amount: '3000.00' },
    ]);
    expect(r.payout.capReduction).toBe('8000.01');
    expect(r.payout.total).toBe('70000.00');
    expect(reconcile(r)).toBe(r.payout.total);
  });

  it('pays no conditional bonus whose condition fails, and no cap reduction under the cap', () => {
    // revenue 0.7 × 3 + logos 0.5 → (2.1 + 0.5) / 4 = 65 → Silver: 2% × 700,000 = 14,000.
    const r = one(plan, deals('700000', 1));
    expect(r.tier).toBe('Silver');
    expect(r.payout).toMatchObject({
      base: '14000.00',
      tierBonus: '0.00',
      bonuses: [],
      capReduction: '0.00',
      total: '14000.00',
    });
  });
});

describe('clawbacks and true-ups from frozen statements', () => {
  const plan = makePlan();
  const partners = [partner('P1')];
  // 2026-Q4: two deals, 950,000 in all → Gold: 4% × 950,000 + 10,000 = 48,000.
  const q4 = [won('D1', 'P1', '450000', '2026-11-01'), won('D2', 'P1', '500000', '2026-12-01')];
  const q1 = [won('D3', 'P1', '600000', '2027-02-01')]; // Silver: 12,000
  const run = (deals: Record<string, unknown>[], statements: Record<string, unknown>[]) =>
    score(plan, input({ partners, deals, statements }), Q1);

  it('pays no adjustment when the frozen payout still holds', () => {
    const r = resultOf(
      run([...q4, ...q1], [{ partnerId: 'P1', period: '2026-Q4', payout: '48000.00' }]),
      'P1',
    );
    expect(r.payout.adjustments).toEqual([]);
    expect(r.payout.total).toBe('12000.00');
  });

  it('claws back what a deal lost after the freeze had added', () => {
    // D1 lost: Q4 now 500,000 → score 50 → Registered → 0. Adjustment 0 − 48,000.
    const lost = [{ ...q4[0]!, status: 'lost' }, q4[1]!, ...q1];
    const r = resultOf(run(lost, [{ partnerId: 'P1', period: '2026-Q4', payout: '48000.00' }]), 'P1');
    expect(r.payout.adjustments).toEqual([
      { period: '2026-Q4', frozen: '48000.00', recomputed: '0.00', amount: '-48000.00', kind: 'clawback' },
    ]);
    expect(r.payout.total).toBe('-36000.00'); // 12,000 − 48,000
    expect(reconcile(r)).toBe('-36000.00');
    expect(r.explain).toContain(
      'clawback for 2026-Q4: recomputed 0.00 CNY − already paid 48,000.00 CNY = -48,000.00 CNY',
    );
  });

  it('trues up when a late deal raises an earlier period', () => {
    // Paid 20,000 for Q4; today's data gives 48,000 → +28,000.
    const r = resultOf(
      run([...q4, ...q1], [{ partnerId: 'P1', period: '2026-Q4', payout: '20000.00' }]),
      'P1',
    );
    expect(r.payout.adjustments).toEqual([
      { period: '2026-Q4', frozen: '20000.00', recomputed: '48000.00', amount: '28000.00', kind: 'true-up' },
    ]);
    expect(r.payout.total).toBe('40000.00');
  });

  it('settles several earlier periods in period order and ignores this and later periods', () => {
    const r = resultOf(
      run(
        [...q4, ...q1, won('D4', 'P1', '700000', '2026-08-01')], // 2026-Q3: Silver, 14,000
        [
          { partnerId: 'P1', period: '2026-Q4', payout: '48000.00' },
          { partnerId: 'P1', period: '2026-Q3', payout: '14000.50' },
          { partnerId: 'P1', period: '2027-Q1', payout: '1.00' },
          { partnerId: 'P1', period: '2027-Q2', payout: '1.00' },
          { partnerId: 'P1', period: '2025-Q4', payout: '100.00' },
        ],
      ),
      'P1',
    );
    expect(r.payout.adjustments.map((a) => [a.period, a.amount])).toEqual([
      ['2025-Q4', '-100.00'],
      ['2026-Q3', '-0.50'],
    ]);
    expect(r.payout.total).toBe('11899.50'); // 12,000 − 100 − 0.50
  });

  it('reports statements it cannot use and scores the rest', () => {
    const doc = run(q1, [
      { partnerId: 'P1', period: '2026-13', payout: '1.00' },
      { partnerId: 'P9', period: '2026-Q4', payout: '1.00' },
      { partnerId: 'P1', period: '2026-Q3', payout: 12 },
      { partnerId: 'P1', period: '2026-Q2', payout: '5.00' },
      { partnerId: 'P1', period: '2026-Q2', payout: '6.00' },
    ]);
    expect(doc.errors).toEqual([
      { type: 'statement', id: 'P1/2026-13', reason: expect.stringContaining('does not name a quarter') },
      { type: 'statement', id: 'P1/2026-Q2', reason: 'more than one statement for this period' },
      { type: 'statement', id: 'P1/2026-Q3', reason: 'payout must be a decimal string' },
      { type: 'statement', id: 'P9/2026-Q4', reason: 'unknown partner "P9"' },
    ]);
    // The first 2026-Q2 statement stands: 0 − 5.00.
    expect(resultOf(doc, 'P1').payout.adjustments).toMatchObject([{ period: '2026-Q2', amount: '-5.00' }]);
  });
});
