import { describe, expect, it } from 'vitest';
import { whatIf } from '../../src/core/index.js';
import { trendGeometry } from '../../widgets/shared/trend.js';
import { ladderPosition } from '../../widgets/shared/view.js';
import { normalizeAmount, runWhatIf } from '../../widgets/shared/whatif.js';
import { demo, payloadFor } from './helpers.js';

describe('what-if in the widget', () => {
  it('moves Acme from Gold to Platinum when both open CNY deals are ticked, exactly as the core says', () => {
    const p = payloadFor('P1');
    const outcome = runWhatIf(p, ['OD1', 'OD2'], null)!;
    const core = whatIf(demo.plan, demo.input, { period: '2027-Q1', partnerId: 'P1', close: ['OD1', 'OD2'] });
    expect(outcome.baseline).toEqual({ score: 99.92, tier: 'Gold', payout: '62720.00' });
    expect(outcome.tier).toBe('Platinum');
    expect(outcome.tierChanged).toBe(true);
    expect(outcome.payout).toBe(core.results[0]!.payout.total);
    expect(outcome.deltaPayout).toBe(core.whatIf.delta.payout);
  });

  it('keeps the tier when one deal is not enough', () => {
    const outcome = runWhatIf(payloadFor('P1'), ['OD2'], null)!;
    expect(outcome.tier).toBe('Gold');
    expect(outcome.tierChanged).toBe(false);
  });

  it('treats a typed amount as one more won deal: the next-tier gap is exactly the boundary', () => {
    const p = payloadFor('P1');
    const gap = p.result.nextTier!.byMetric.revenue!; // 241880.00
    expect(runWhatIf(p, [], gap)!.tier).toBe('Platinum');
    expect(runWhatIf(p, [], '241870.00')!.tier).toBe('Gold');
  });

  it('offers nothing without a selection or for a settled period', () => {
    expect(runWhatIf(payloadFor('P1'), [], null)).toBeNull();
    const frozen = payloadFor('P1', '2026-Q4');
    expect(frozen.input).toBeNull();
    expect(runWhatIf(frozen, ['OD1'], null)).toBeNull();
  });

  it('accepts typed amounts people write and rejects the rest', () => {
    expect(normalizeAmount('241,880')).toBe('241880');
    expect(normalizeAmount(' 1 000.5 ')).toBe('1000.5');
    expect(normalizeAmount('12，000')).toBe('12000');
    expect(normalizeAmount('0')).toBeNull();
    expect(normalizeAmount('-5')).toBeNull();
    expect(normalizeAmount('1e6')).toBeNull();
    expect(normalizeAmount('1.234')).toBeNull();
  });
});

describe('chart and ladder geometry', () => {
  it('scales payout bars to the largest payout and clamps negative payouts to zero', () => {
    const g = trendGeometry([
      { period: 'a', score: 50, tier: 'x', payout: '100' },
      { period: 'b', score: 100, tier: 'x', payout: '-66000' },
      { period: 'c', score: 120, tier: 'x', payout: '200' },
    ]);
    expect(g.bars[1]!.height).toBe(0);
    expect(g.bars[2]!.height).toBeCloseTo(g.bars[0]!.height * 2);
    expect(g.points[2]!.y).toBeLessThan(g.points[1]!.y);
  });

  it('places a score inside its tier segment', () => {
    const levels = [{ min: 0 }, { min: 60 }, { min: 90 }, { min: 110 }];
    expect(ladderPosition(levels, 0)).toBe(0);
    expect(ladderPosition(levels, 75)).toBeCloseTo(0.375);
    expect(ladderPosition(levels, 110)).toBeCloseTo(0.75);
    expect(ladderPosition(levels, 500)).toBe(1);
  });
});
