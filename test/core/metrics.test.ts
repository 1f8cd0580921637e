// Metric actuals of every kind, target precedence, caps and renormalized weights.
// Every expected number below is derived by hand in the comment beside it.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/core/index.js';
import { account, input, makePlan, partner, resultOf, won } from './helpers.js';

const Q1 = { period: '2027-Q1' };

describe('wonAmount and wonCount', () => {
  const plan = makePlan({
    targets: { default: { revenue: 10000, deals: 2 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 1 },
      { key: 'deals', kind: 'wonCount', weight: 1 },
    ],
  });
  const data = input({
    partners: [partner('P1'), partner('P2')],
    deals: [
      // 1,000 USD × 7.10 = 7,100 CNY: P1 gets 60% = 4,260, P2 40% = 2,840.
      won('D1', 'P1', '1000.00', '2027-02-01', {
        currency: 'USD',
        splits: [
          { partnerId: 'P1', share: '0.6' },
          { partnerId: 'P2', share: '0.4' },
        ],
      }),
      won('D2', 'P1', '500.00', '2027-02-02'),
      { ...won('D3', 'P1', '9999.00', '2027-02-03'), status: 'lost' },
      { ...won('D4', 'P1', '9999.00', '2027-02-03'), status: 'open', closedAt: null },
      won('D5', 'P1', '9999.00', '2026-12-31'), // previous quarter
    ],
    rates: { USD: '7.10' },
  });
  const doc = score(plan, data, Q1);

  it('sums won amounts with split shares and conversion', () => {
    // P1: 4,260 + 500 = 4,760; P2: 2,840.
    expect(resultOf(doc, 'P1').metrics.revenue).toMatchObject({
      kind: 'wonAmount',
      actual: '4760.00',
      target: '10000',
      attainment: 0.476,
      dealIds: ['D1', 'D2'],
    });
    expect(resultOf(doc, 'P2').metrics.revenue).toMatchObject({ actual: '2840.00', dealIds: ['D1'] });
  });

  it('counts a split deal by its share', () => {
    // P1: 0.6 + 1 = 1.6 of target 2 → 0.8; P2: 0.4 → 0.2.
    expect(resultOf(doc, 'P1').metrics.deals).toMatchObject({ actual: '1.6', attainment: 0.8 });
    expect(resultOf(doc, 'P2').metrics.deals).toMatchObject({ actual: '0.4', attainment: 0.2 });
  });

  it('names the share and the original currency in the explain line', () => {
    const line = resultOf(doc, 'P1').explain.find((l) => l.startsWith('revenue'))!;
    expect(line).toContain('from won deals D1, D2');
    expect(line).toContain('D1 (×0.6, 1000.00 USD)');
  });
});

describe('newCustomers: accounts whose first won deal ever is in this period and credited to the partner', () => {
  const plan = makePlan({
    targets: { default: { revenue: 1000, logos: 4 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 1 },
      { key: 'logos', kind: 'newCustomers', weight: 1 },
    ],
  });
  const data = input({
    partners: [partner('P1'), partner('P2')],
    accounts: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'].map((id) => account(id)),
    deals: [
      // A1: first won by P2 last quarter, so not new for P1 this quarter.
      won('D10', 'P2', '1', '2026-11-01', { accountId: 'A1' }),
      won('D11', 'P1', '1', '2027-01-05', { accountId: 'A1' }),
      // A2: first won by P1 in January; P2's March deal is not its first.
      won('D12', 'P1', '1', '2027-01-10', { accountId: 'A2' }),
      won('D13', 'P2', '1', '2027-03-10', { accountId: 'A2' }),
      // A3: first won in a split deal: new for both partners.
      won('D14', 'P1', '1', '2027-02-01', {
        accountId: 'A3',
        splits: [
          { partnerId: 'P1', share: '0.5' },
          { partnerId: 'P2', share: '0.5' },
        ],
      }),
      // A4: a lost deal is not a win; P1's first win is this quarter.
      { ...won('D15', 'P1', '1', '2026-10-01', { accountId: 'A4' }), status: 'lost' },
      won('D16', 'P1', '1', '2027-02-15', { accountId: 'A4' }),
      // A5: won twice by P1 this quarter: one new customer, through the first deal.
      won('D17', 'P1', '1', '2027-01-20', { accountId: 'A5' }),
      won('D18', 'P1', '1', '2027-02-20', { accountId: 'A5' }),
      // A6: won at the same instant by both: the lower deal id (D19, P2's) is first.
      won('D19', 'P2', '1', '2027-03-01T10:00:00+08:00', { accountId: 'A6' }),
      won('D20', 'P1', '1', '2027-03-01T10:00:00+08:00', { accountId: 'A6' }),
    ],
  });

  it('counts for P1: A2, A3, A4, A5 — not A1 (first won by P2) nor A6 (first won in D19)', () => {
    expect(resultOf(score(plan, data, Q1), 'P1').metrics.logos).toMatchObject({
      actual: '4',
      attainment: 1,
      dealIds: ['D12', 'D14', 'D16', 'D17'],
    });
  });

  it('counts for P2: A3 (split) and A6 — not A2, first won by P1', () => {
    expect(resultOf(score(plan, data, Q1), 'P2').metrics.logos).toMatchObject({
      actual: '2',
      dealIds: ['D14', 'D19'],
    });
  });

  it('credits A1 to P2 in the quarter of its first win', () => {
    expect(resultOf(score(plan, data, { period: '2026-Q4' }), 'P2').metrics.logos).toMatchObject({
      actual: '1',
      dealIds: ['D10'],
    });
  });

  it('names the accounts and their first deals in the explain line', () => {
    const line = resultOf(score(plan, data, Q1), 'P1').explain.find((l) => l.startsWith('logos'))!;
    expect(line).toContain('accounts A2, A3, A4, A5, first won in deals D12, D14, D16, D17');
  });
});

describe('distinctAccounts by region, industry and an account attribute', () => {
  const plan = makePlan({
    targets: { default: { revenue: 1000, regions: 2, industries: 4, segments: 2 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 1 },
      { key: 'regions', kind: 'distinctAccounts', by: 'region', weight: 1 },
      { key: 'industries', kind: 'distinctAccounts', by: 'industry', weight: 1 },
      { key: 'segments', kind: 'distinctAccounts', by: 'segment', weight: 1 },
    ],
  });
  const data = input({
    partners: [partner('P1')],
    accounts: [
      account('A1', { region: 'East', industry: 'Retail', attributes: { segment: 'SMB' } }),
      account('A2', { region: 'East', industry: 'Finance', attributes: { segment: 'ENT' } }),
      account('A3', { region: 'West', industry: 'Retail', attributes: {} }),
      account('A4', { region: null, industry: 'Energy', attributes: { segment: 'SMB' } }),
    ],
    deals: [
      won('D1', 'P1', '1', '2027-01-05', { accountId: 'A1' }),
      won('D2', 'P1', '1', '2027-01-06', { accountId: 'A2' }),
      won('D3', 'P1', '1', '2027-01-07', { accountId: 'A3' }),
      won('D4', 'P1', '1', '2027-01-08', { accountId: 'A4' }),
      won('D5', 'P1', '1', '2027-01-09'), // no account: no key
      won('D6', 'P1', '1', '2027-01-10', { accountId: 'A404' }), // account not in the input
    ],
  });
  const r = resultOf(score(plan, data, Q1), 'P1');

  it('counts distinct regions among accounts of won deals (accounts without one are skipped)', () => {
    expect(r.metrics.regions).toMatchObject({ actual: '2', attainment: 1, dealIds: ['D1', 'D2', 'D3'] });
  });

  it('counts distinct industries', () => {
    expect(r.metrics.industries).toMatchObject({
      actual: '3',
      attainment: 0.75,
      dealIds: ['D1', 'D2', 'D3', 'D4'],
    });
  });

  it('counts distinct values of an account attribute', () => {
    expect(r.metrics.segments).toMatchObject({ actual: '2', attainment: 1, dealIds: ['D1', 'D2', 'D4'] });
  });

  it('lists the values in the explain line', () => {
    expect(r.explain.find((l) => l.startsWith('regions'))).toContain(
      '(region: East, West; deals D1, D2, D3)',
    );
  });
});

describe('averageDeal and partnerAttribute', () => {
  const plan = makePlan({
    targets: { default: { revenue: 1000, csat: 4.5, nps: 10, certs: 4 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 40 },
      { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 20, cap: 1 },
      { key: 'nps', kind: 'averageDeal', field: 'nps', weight: 20 },
      { key: 'certs', kind: 'partnerAttribute', field: 'Certifications', weight: 20 },
    ],
  });

  it('averages the field over won deals that have it; deals without it are left out of the mean', () => {
    const data = input({
      partners: [partner('P1', { attributes: { Certifications: 3 } })],
      deals: [
        won('D1', 'P1', '500', '2027-01-05', { csat: 4.0, attributes: { nps: '8.5' } }),
        won('D2', 'P1', '500', '2027-01-06', { csat: 5.0, attributes: { nps: 9 } }),
        won('D3', 'P1', '500', '2027-01-07', { csat: null, attributes: { nps: 'n/a' } }),
        won('D4', 'P1', '500', '2027-01-08'),
      ],
    });
    const r = resultOf(score(plan, data, Q1), 'P1');
    // csat (4 + 5) / 2 = 4.5 of 4.5 → 1; nps (8.5 + 9) / 2 = 8.75 of 10 → 0.875.
    expect(r.metrics.csat).toMatchObject({ actual: '4.5', attainment: 1, dealIds: ['D1', 'D2'] });
    expect(r.metrics.nps).toMatchObject({ actual: '8.75', attainment: 0.875, dealIds: ['D1', 'D2'] });
    // Certifications 3 of 4 → 0.75. Revenue 2,000 of 1,000 → 2 (no cap).
    expect(r.metrics.certs).toMatchObject({ actual: '3', attainment: 0.75, dealIds: [] });
    // Score = (40×2 + 20×1 + 20×0.875 + 20×0.75) / 100 × 100 = 80 + 20 + 17.5 + 15 = 132.5.
    expect(r.score).toBe(132.5);
  });

  it('leaves a metric without any value out of the score and renormalizes the weights', () => {
    const data = input({
      partners: [partner('P1')],
      deals: [won('D1', 'P1', '600', '2027-01-05')],
    });
    const r = resultOf(score(plan, data, Q1), 'P1');
    expect(r.metrics.csat).toMatchObject({
      actual: null,
      attainment: null,
      points: null,
      excluded: 'no value',
    });
    expect(r.metrics.nps).toMatchObject({ actual: null, excluded: 'no value' });
    expect(r.metrics.certs).toMatchObject({ actual: null, excluded: 'no value' });
    // Only revenue is left: 600 / 1,000 = 0.6 with weight 40 of 40 → score 60, all 60 points its own.
    expect(r.metrics.revenue).toMatchObject({ attainment: 0.6, points: 60 });
    expect(r.score).toBe(60);
    expect(r.tier).toBe('Silver');
  });
});

describe('targets: fromAttribute > byLevel > default', () => {
  const plan = makePlan({
    targets: {
      default: { revenue: 1000000 },
      byLevel: { Gold: { revenue: 2500000 } },
      fromAttribute: { revenue: 'Quarterly_Target' },
    },
  });
  const cases: [string, Record<string, unknown>, string, string][] = [
    [
      'attribute over level',
      { level: 'Gold', attributes: { Quarterly_Target: 1200000 } },
      '1200000',
      'attribute Quarterly_Target',
    ],
    [
      'attribute as a decimal string',
      { attributes: { Quarterly_Target: '800000.50' } },
      '800000.5',
      'attribute Quarterly_Target',
    ],
    ['level when the attribute is missing', { level: 'Gold', attributes: {} }, '2500000', 'level Gold'],
    [
      'level when the attribute is not a number',
      { level: 'Gold', attributes: { Quarterly_Target: 'tbd' } },
      '2500000',
      'level Gold',
    ],
    ['default for a level without override', { level: 'Silver' }, '1000000', 'default'],
    ['default without level or attribute', {}, '1000000', 'default'],
  ];
  it.each(cases)('takes the %s', (_what, fields, target, source) => {
    const doc = score(plan, input({ partners: [partner('P1', fields)] }), Q1);
    expect(resultOf(doc, 'P1').metrics.revenue).toMatchObject({ target, targetSource: source });
  });

  it('leaves a metric without a positive target out of the score', () => {
    const twoMetrics = makePlan({
      targets: { default: { revenue: 1000, deals: 0 }, fromAttribute: { revenue: 'T' } },
      metrics: [
        { key: 'revenue', kind: 'wonAmount', weight: 1 },
        { key: 'deals', kind: 'wonCount', weight: 3 },
        { key: 'logos', kind: 'newCustomers', weight: 5 },
      ],
    });
    const data = input({
      partners: [partner('P1', { attributes: { T: -5 } }), partner('P2')],
      deals: [won('D1', 'P1', '700', '2027-01-05'), won('D2', 'P2', '700', '2027-01-05')],
    });
    const doc = score(twoMetrics, data, Q1);
    // P1: revenue target -5 (attribute, not positive), deals 0, logos none → nothing scored.
    expect(resultOf(doc, 'P1').metrics.revenue).toMatchObject({ target: '-5', excluded: 'no target' });
    expect(resultOf(doc, 'P1').metrics.deals).toMatchObject({ target: '0', excluded: 'no target' });
    expect(resultOf(doc, 'P1').metrics.logos).toMatchObject({
      target: null,
      targetSource: null,
      excluded: 'no target',
    });
    expect(resultOf(doc, 'P1').score).toBe(0);
    // P2: revenue 700 / 1,000 alone → 70.
    expect(resultOf(doc, 'P2').score).toBe(70);
  });
});

describe('caps and weights', () => {
  const plan = makePlan({
    targets: { default: { revenue: 1000000, deals: 10, csat: 4.5 } },
    metrics: [
      { key: 'revenue', kind: 'wonAmount', weight: 50, cap: 1.5 },
      { key: 'deals', kind: 'wonCount', weight: 30, cap: 1 },
      { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 20 },
    ],
  });

  it('caps attainment and renormalizes over the scored metrics', () => {
    // 12 deals worth 2,000,000 in all, none with csat.
    const deals = Array.from({ length: 12 }, (_, i) =>
      won(`D${i + 10}`, 'P1', i === 0 ? '900000' : '100000', '2027-02-01'),
    );
    const r = resultOf(score(plan, input({ partners: [partner('P1')], deals }), Q1), 'P1');
    // revenue 2.0 → capped 1.5; deals 1.2 → capped 1; csat left out (weights 50 + 30 = 80).
    expect(r.metrics.revenue).toMatchObject({ actual: '2000000.00', attainment: 1.5, points: 93.75 });
    expect(r.metrics.deals).toMatchObject({ actual: '12', attainment: 1, points: 37.5 });
    // Score = 100 × (50×1.5 + 30×1) / 80 = 131.25.
    expect(r.score).toBe(131.25);
    expect(r.explain.find((l) => l.startsWith('revenue'))).toContain(
      'attainment 2, capped at 1.5 × weight 50 → 93.75 points',
    );
  });

  it('rounds the score half-up to 2 places and compares tiers with the rounded score', () => {
    // revenue 599,950 / 1,000,000 = 0.59995 with weight 1 of 1 → 59.995 → 60.00 → Silver.
    const onlyRevenue = makePlan();
    const up = resultOf(
      score(
        onlyRevenue,
        input({ partners: [partner('P1')], deals: [won('D1', 'P1', '599950', '2027-01-01')] }),
        Q1,
      ),
      'P1',
    );
    expect(up).toMatchObject({ score: 60, tier: 'Silver' });
    const down = resultOf(
      score(
        onlyRevenue,
        input({ partners: [partner('P1')], deals: [won('D1', 'P1', '599949.99', '2027-01-01')] }),
        Q1,
      ),
      'P1',
    );
    expect(down).toMatchObject({ score: 59.99, tier: 'Registered' });
  });
});
