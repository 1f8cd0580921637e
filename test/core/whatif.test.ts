// What-if: score a partner as if some of its open deals were won inside the period
// (at its last instant); refuse deals that are unknown, not open or not the partner's.
import { describe, expect, it } from 'vitest';
import { score, UsageError, whatIf } from '../../src/core/index.js';
import { input, makePlan, open, partner, resultOf, won } from './helpers.js';

const plan = makePlan();
const data = input({
  partners: [partner('P1'), partner('P2')],
  deals: [
    won('D1', 'P1', '500000', '2027-02-01'), // score 50, Registered
    open('D2', 'P1', '150000'),
    open('D3', 'P1', '300000'),
    open('D4', 'P2', '100000'),
    open('D5', 'P2', '100000', {
      splits: [
        { partnerId: 'P1', share: '0.5' },
        { partnerId: 'P2', share: '0.5' },
      ],
    }),
    { ...won('D6', 'P1', '1', '2027-01-01'), status: 'lost' },
    won('D7', 'P2', '200000', '2027-01-05'),
  ],
});
const options = { period: '2027-Q1', partnerId: 'P1', computedAt: '2027-03-01T00:00:00Z' };

describe('what-if', () => {
  it('reports the tier and payout change of closing open deals', () => {
    // 500,000 + 150,000 = 650,000 → 65 → Silver: 2% = 13,000 (baseline 0, Registered).
    const doc = whatIf(plan, data, { ...options, close: ['D2'] });
    expect(doc.results).toHaveLength(1);
    expect(doc.results[0]).toMatchObject({
      partnerId: 'P1',
      score: 65,
      tier: 'Silver',
      payout: { total: '13000.00' },
    });
    expect(doc.whatIf).toEqual({
      partnerId: 'P1',
      closed: ['D2'],
      baseline: { score: 50, tier: 'Registered', payout: '0.00' },
      delta: { score: 15, payout: '13000.00', tierChanged: true },
    });
    expect(doc.computedAt).toBe('2027-03-01T00:00:00Z');
  });

  it('closes several deals, including a split one by its share', () => {
    // 500,000 + 150,000 + 300,000 + 50% × 100,000 = 1,000,000 → 100 → Gold: 40,000 + 10,000.
    const doc = whatIf(plan, data, { ...options, close: ['D2', 'D3', 'D5'] });
    expect(doc.results[0]).toMatchObject({ score: 100, tier: 'Gold', payout: { total: '50000.00' } });
    expect(doc.results[0]!.metrics.revenue!.dealIds).toEqual(['D1', 'D2', 'D3', 'D5']);
    expect(doc.whatIf.delta).toEqual({ score: 50, payout: '50000.00', tierChanged: true });
  });

  it('reports no tier change when the deals are not enough', () => {
    const small = input({ partners: [partner('P1')], deals: [open('D1', 'P1', '1000')] });
    expect(whatIf(plan, small, { ...options, close: ['D1'] }).whatIf.delta).toEqual({
      score: 0.1,
      payout: '0.00',
      tierChanged: false,
    });
  });

  it('counts the closed deal inside the period whatever close date it carried, leaving the data untouched', () => {
    const later = { ...data, deals: [...data.deals, open('D8', 'P1', '10', { closedAt: '2027-09-30' })] };
    const doc = whatIf(plan, later, { ...options, close: ['D2', 'D8'] });
    expect(doc.results[0]!.explain.some((l) => l.includes('from won deals D1, D2, D8'))).toBe(true);
    // The real data is untouched: scoring it still shows D2 open.
    expect(resultOf(score(plan, data, { period: '2027-Q1' }), 'P1').metrics.revenue!.dealIds).toEqual(['D1']);
  });

  it.each([
    [['D404'], 'deal "D404" is not in the input'],
    [['D1'], 'deal "D1" is won, not open'],
    [['D6'], 'deal "D6" is lost, not open'],
    [['D4'], 'deal "D4" is not credited to partner "P1"'],
    [['D2', 'D7'], 'deal "D7" is won, not open'],
  ])('refuses to close %j', (close, message) => {
    expect(() => whatIf(plan, data, { ...options, close })).toThrow(UsageError);
    expect(() => whatIf(plan, data, { ...options, close })).toThrow(message);
  });

  it('refuses a duplicated or invalid open deal', () => {
    const dup = { ...data, deals: [...data.deals, open('D2', 'P1', '1')] };
    expect(() => whatIf(plan, dup, { ...options, close: ['D2'] })).toThrow(
      'deal "D2" appears 2 times in the input',
    );
    const bad = { ...data, deals: [...data.deals, open('D9', 'P1', '-5')] };
    expect(() => whatIf(plan, bad, { ...options, close: ['D9'] })).toThrow(
      'deal "D9" is invalid: amount must not be negative',
    );
  });

  it('refuses an unknown partner and a period key of the wrong type', () => {
    expect(() => whatIf(plan, data, { ...options, partnerId: 'P9', close: ['D2'] })).toThrow(
      'partner "P9" is not in the input (or was left out as invalid)',
    );
    expect(() => whatIf(plan, data, { ...options, period: '2027-03', close: ['D2'] })).toThrow(UsageError);
  });
});
