// Feedback (strengths and improvements in en and zh-CN) and explain lines that
// follow a result from the deals to the payout.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/core/index.js';
import { account, input, makePlan, partner, resultOf, won } from './helpers.js';

const plan = makePlan({
  targets: { default: { revenue: 1000000, logos: 4, csat: 4.5 } },
  metrics: [
    { key: 'revenue', kind: 'wonAmount', weight: 50, cap: 1.2, label: { en: 'Revenue', 'zh-CN': '销售额' } },
    { key: 'logos', kind: 'newCustomers', weight: 25 },
    { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 25, label: 'CSAT' },
  ],
});
const data = input({
  partners: [partner('P1')],
  accounts: [account('A1')],
  deals: [
    won('D1', 'P1', '1000000', '2027-01-10', { accountId: 'A1', csat: 4.1 }),
    won('D2', 'P1', '250000', '2027-03-10', { csat: 4.0 }),
  ],
});
// revenue 1,250,000 / 1,000,000 = 1.25 (capped 1.2 × 50 = 60 points); logos 1 / 4 = 0.25 (6.25 points);
// csat (4.1 + 4.0) / 2 = 4.05 / 4.5 = 0.9 (22.5 points). Score 88.75 → Silver → 2% × 1,250,000 = 25,000.
const r = resultOf(score(plan, data, { period: '2027-Q1' }), 'P1');

describe('feedback', () => {
  it('lists strengths (attainment ≥ 1, uncapped) in English and Chinese', () => {
    expect(r.feedback.strengths).toEqual([
      {
        metric: 'revenue',
        attainment: 1.25,
        message: {
          en: 'Revenue: 125% of target (1,250,000.00 CNY of 1,000,000.00 CNY).',
          'zh-CN': '销售额：完成目标的 125%（1,250,000.00 CNY / 1,000,000.00 CNY）。',
        },
      },
    ]);
  });

  it('lists improvements weakest first with the remaining gap', () => {
    expect(r.feedback.improvements).toEqual([
      {
        metric: 'logos',
        attainment: 0.25,
        gap: '3',
        message: {
          en: 'New customers: 25% of target (1 of 4); 3 more reaches the target.',
          'zh-CN': '新客户：完成目标的 25%（1 / 4），再增加 3 即可达标。',
        },
      },
      {
        metric: 'csat',
        attainment: 0.9,
        gap: '0.45',
        message: {
          en: 'CSAT: 90% of target (4.05 of 4.5); 0.45 more reaches the target.',
          'zh-CN': 'CSAT：完成目标的 90%（4.05 / 4.5），再增加 0.45 即可达标。',
        },
      },
    ]);
  });

  it('orders strengths strongest first and leaves metrics without attainment out', () => {
    const three = makePlan({
      targets: { default: { revenue: 100, deals: 1, csat: 4 } },
      metrics: [
        { key: 'revenue', kind: 'wonAmount', weight: 1 },
        { key: 'deals', kind: 'wonCount', weight: 1 },
        { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 1 },
      ],
    });
    const out = resultOf(
      score(
        three,
        input({
          partners: [partner('P1')],
          deals: [won('D1', 'P1', '150', '2027-01-01'), won('D2', 'P1', '0', '2027-01-01')],
        }),
        {
          period: '2027-Q1',
        },
      ),
      'P1',
    );
    // revenue 1.5, deals 2; csat has no value.
    expect(out.feedback.strengths.map((s) => [s.metric, s.attainment])).toEqual([
      ['deals', 2],
      ['revenue', 1.5],
    ]);
    expect(out.feedback.improvements).toEqual([]);
    expect(out.feedback.strengths[0]!.message.en).toBe('Won deals: 200% of target (2 of 1).');
    expect(out.feedback.strengths[0]!.message['zh-CN']).toBe('赢单数：完成目标的 200%（2 / 1）。');
  });
});

describe('explain', () => {
  it('writes one line per step, naming the deals behind each number', () => {
    expect(r.explain).toEqual([
      'period 2027-Q1: 2027-01-01 to 2027-04-01 (exclusive) in Asia/Shanghai',
      'revenue (wonAmount) = 1,250,000.00 CNY from won deals D1, D2; target 1,000,000.00 CNY (default); attainment 1.25, capped at 1.2 × weight 50 → 60 points',
      'logos (newCustomers) = 1 (accounts A1, first won in deals D1); target 4 (default); attainment 0.25 × weight 25 → 6.25 points',
      'csat (averageDeal) = 4.05 (mean of csat over deals D1, D2); target 4.5 (default); attainment 0.9 × weight 25 → 22.5 points',
      'score = 100 × Σ(weight × attainment) ÷ 100 = 88.75',
      'tier Silver: score 88.75 ≥ 60',
      'payout base (retroactive, on revenue): 2% × 1,250,000 → 25,000.00 CNY',
      'payout total = 25,000.00 CNY',
      'rank 1 of 1 overall',
    ]);
  });

  it('lists the same deals in metrics[].dealIds', () => {
    expect(r.metrics.revenue!.dealIds).toEqual(['D1', 'D2']);
    expect(r.metrics.logos!.dealIds).toEqual(['D1']);
    expect(r.metrics.csat!.dealIds).toEqual(['D1', 'D2']);
  });

  it('says why a metric is left out and when nothing can be scored', () => {
    const empty = resultOf(score(plan, input({ partners: [partner('P1')] }), { period: '2027-Q1' }), 'P1');
    expect(empty.explain).toContain(
      'csat (averageDeal) = no value; target 4.5 (default); left out of the score (no value)',
    );
    expect(empty.explain).toContain(
      'revenue (wonAmount) = 0.00 CNY (no won deals); target 1,000,000.00 CNY (default); attainment 0 × weight 50 → 0 points',
    );
    const noTargets = makePlan({ targets: {} });
    const none = resultOf(
      score(noTargets, input({ partners: [partner('P1')] }), { period: '2027-Q1' }),
      'P1',
    );
    expect(none.explain).toContain('score = 0 (no metric has both a target and a value)');
    expect(none.metrics.revenue!.excluded).toBe('no target');
  });
});
