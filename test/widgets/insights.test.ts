import { describe, expect, it } from 'vitest';
import {
  gapOptions,
  gapSentence,
  metricLabel,
  nearAwards,
  nearAwardText,
} from '../../widgets/shared/insights.js';
import { demo, payloadFor } from './helpers.js';

describe('gap to the next tier in plain words', () => {
  it('names every metric that alone reaches the next tier, in plan order (en)', () => {
    const p = payloadFor('P1');
    expect(p.result.nextTier?.byMetric).toEqual({
      revenue: '241880.00',
      newCustomers: '3',
      coverage: null,
      csat: null,
    });
    expect(gapSentence(p.plan, p.result, 'en', 'CNY')).toBe(
      '¥241,880 more revenue, or 3 more new customers, reaches Platinum.',
    );
  });

  it('writes the same in Simplified Chinese with the tier name translated', () => {
    const p = payloadFor('P1');
    expect(gapSentence(p.plan, p.result, 'zh-CN', 'CNY')).toBe(
      '再增加 ¥241,880 销售额，或再增加 3 个新客户，即可达到白金。',
    );
  });

  it('has no comma before "reaches" when a single metric gets there', () => {
    const p = payloadFor('P2');
    expect(gapSentence(p.plan, p.result, 'en', 'CNY')).toBe('¥799,750 more revenue reaches Platinum.');
  });

  it('falls back to the score gap when no single metric is enough', () => {
    const p = payloadFor('P2');
    const result = { ...p.result, nextTier: { name: 'Platinum', scoreGap: 16, byMetric: { revenue: null } } };
    expect(gapSentence(p.plan, result, 'en', 'CNY')).toBe(
      '16 more points to Platinum. No single metric gets there alone: improve several.',
    );
  });

  it('is null at the top tier', () => {
    const p = payloadFor('P1');
    expect(gapSentence(p.plan, { ...p.result, nextTier: null }, 'en', 'CNY')).toBeNull();
    expect(gapOptions(p.plan, { ...p.result, nextTier: null }, 'en', 'CNY')).toEqual([]);
  });

  it('keeps cents when the increase has them and phrases averages as a raise', () => {
    const p = payloadFor('P1');
    const result = {
      ...p.result,
      nextTier: { name: 'Platinum', scoreGap: 1, byMetric: { revenue: '1234.50', csat: '0.3' } },
    };
    expect(gapOptions(p.plan, result, 'en', 'CNY').map((o) => o.text)).toEqual([
      '¥1,234.50 more revenue',
      'Customer satisfaction up by 0.3',
    ]);
  });
});

describe('awards within reach', () => {
  it('lists an attainment award at ≥ 80% of its threshold and skips earned ones', () => {
    const p = payloadFor('P1'); // revenue attainment 1.0983 vs 1.2 needed; Gold Partner already earned
    const near = nearAwards(p.plan, p.result);
    expect(near.map((a) => a.name)).toEqual(['Advanced certification']);
    expect(nearAwardText(p.plan, near[0]!, p.result, 'en', 'CNY')).toBe(
      'Revenue at 120% of target (now 110%)',
    );
    expect(nearAwardText(p.plan, near[0]!, p.result, 'zh-CN', 'CNY')).toBe(
      '销售额完成目标的 120%（当前 110%）',
    );
  });

  it('lists a tier award when its tier is the next tier', () => {
    const p = payloadFor('P5'); // Registered, next tier Silver
    const plan = {
      ...demo.plan,
      awards: [
        ...demo.plan.awards,
        { type: 'title' as const, name: 'Silver Partner', when: { tierAtLeast: 'Silver' } },
      ],
    };
    expect(nearAwards(plan, p.result).find((a) => a.name === 'Silver Partner')?.condition).toEqual({
      kind: 'tier',
      tier: 'Silver',
    });
    expect(nearAwards(plan, p.result).some((a) => a.name === 'Gold Partner')).toBe(false);
  });

  it('lists a rank award at most two places away, not three', () => {
    const p = payloadFor('P1');
    const plan = {
      ...demo.plan,
      awards: [{ type: 'trophy' as const, name: 'Top 1', when: { rank: { top: 1 } } }],
    };
    expect(
      nearAwards(plan, { ...p.result, awards: [], rank: { ...p.result.rank, overall: 3 } }),
    ).toHaveLength(1);
    expect(
      nearAwards(plan, { ...p.result, awards: [], rank: { ...p.result.rank, overall: 4 } }),
    ).toHaveLength(0);
  });

  it('is empty without a plan', () => {
    expect(nearAwards(null, payloadFor('P1').result)).toEqual([]);
  });
});

describe('metric labels', () => {
  it('uses the plan label per locale and falls back to the key', () => {
    expect(metricLabel(demo.plan, 'coverage', 'en')).toBe('Market coverage');
    expect(metricLabel(demo.plan, 'coverage', 'zh-CN')).toBe('市场覆盖');
    expect(metricLabel(null, 'coverage', 'en')).toBe('Coverage');
  });
});

describe('coverage gaps', () => {
  it('phrases a distinct-accounts increase as "more for" the metric', () => {
    const p = payloadFor('P5');
    expect(gapSentence(p.plan, p.result, 'en', 'CNY')).toBe(
      '¥139,900 more revenue, or 2 more new customers, or 2 more for market coverage, reaches Silver.',
    );
    expect(gapSentence(p.plan, p.result, 'zh-CN', 'CNY')).toBe(
      '再增加 ¥139,900 销售额，或再增加 2 个新客户，或市场覆盖再增加 2，即可达到银牌。',
    );
  });
});
