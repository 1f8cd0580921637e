// Rank (overall and within partner fields, total order) and awards of every type
// by tier, attainment, actual and rank.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/core/index.js';
import { input, makePlan, partner, resultOf, won } from './helpers.js';

/** `count` won deals worth `total` in all (the first carries the remainder). */
function dealsOf(partnerId: string, total: number, count: number) {
  return Array.from({ length: count }, (_, i) =>
    won(`${partnerId}-D${i}`, partnerId, String(i === 0 ? total - (count - 1) * 10000 : 10000), '2027-02-01'),
  );
}

const plan = makePlan({
  targets: { default: { revenue: 1000000, deals: 10 } },
  metrics: [
    { key: 'revenue', kind: 'wonAmount', weight: 1 },
    { key: 'deals', kind: 'wonCount', weight: 1 },
  ],
  awards: [
    { type: 'title', name: 'Silver Partner', when: { tierAtLeast: 'Silver' } },
    { type: 'trophy', name: 'Partner of the quarter', when: { rank: { top: 1 } } },
    { type: 'trophy', name: 'Best in region', when: { rank: { top: 1, within: 'region' } } },
    { type: 'trophy', name: 'Best in segment', when: { rank: { top: 1, within: 'segment' } } },
    { type: 'training', name: 'Sales bootcamp seat', when: { metric: 'deals', attainmentAtLeast: 0.6 } },
    {
      type: 'custom',
      name: 'Half-million club',
      description: 'Dinner with the channel chief',
      when: { metric: 'revenue', actualAtLeast: 500000 },
    },
  ],
});

const data = input({
  partners: [
    partner('P1', { region: 'East', attributes: { segment: 'SMB' } }),
    partner('P2', { region: 'East', attributes: { segment: 'SMB' } }),
    partner('P3', { region: 'West', level: 'Gold', attributes: { segment: 'ENT' } }),
    partner('P4', { region: 'West', level: 'Gold' }),
    partner('P5', { region: '' }),
  ],
  deals: [
    // P1: 500,000 / 1M = 0.5, 5 / 10 = 0.5 → score 50.
    ...dealsOf('P1', 500000, 5),
    // P2: 400,000 → 0.4, 6 deals → 0.6 → score 50, but a smaller base than P1.
    ...dealsOf('P2', 400000, 6),
    // P3: same as P1 → ties on score and base; the id decides (P1 before P3).
    ...dealsOf('P3', 500000, 5),
    // P4: 800,000 → 0.8, 8 → 0.8 → score 80 (Silver).
    ...dealsOf('P4', 800000, 8),
  ],
});
const doc = score(plan, data, { period: '2027-Q1' });

describe('rank', () => {
  it('orders by score, then base actual descending, then partner id', () => {
    const order = [...doc.results]
      .sort((a, b) => a.rank.overall - b.rank.overall)
      .map((r) => [r.partnerId, r.score]);
    expect(order).toEqual([
      ['P4', 80],
      ['P1', 50],
      ['P3', 50],
      ['P2', 50],
      ['P5', 0],
    ]);
  });

  it('ranks within region, level and every field an award ranks within', () => {
    expect(resultOf(doc, 'P1').rank).toEqual({
      overall: 2,
      within: { region: 1, level: null, segment: 1 },
      of: { overall: 5, within: { region: 2, level: null, segment: 2 } },
    });
    expect(resultOf(doc, 'P2').rank.within).toEqual({ region: 2, level: null, segment: 2 });
    expect(resultOf(doc, 'P3').rank).toEqual({
      overall: 3,
      within: { region: 2, level: 2, segment: 1 },
      of: { overall: 5, within: { region: 2, level: 2, segment: 1 } },
    });
    expect(resultOf(doc, 'P4').rank.within).toEqual({ region: 1, level: 1, segment: null });
    // An empty region counts as none.
    expect(resultOf(doc, 'P5').rank.within.region).toBeNull();
  });

  it('writes results in partner id order whatever the input order', () => {
    const reversed = score(plan, { ...data, partners: [...data.partners].reverse() }, { period: '2027-Q1' });
    expect(reversed.results.map((r) => r.partnerId)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    const ids = score(makePlan(), input({ partners: ['P10', 'P9', 'P2', 'P1'].map((id) => partner(id)) }), {
      period: '2027-Q1',
    }).results.map((r) => r.partnerId);
    expect(ids).toEqual(['P1', 'P10', 'P2', 'P9']);
  });

  it('explains the rank', () => {
    expect(resultOf(doc, 'P1').explain).toContain('rank 2 of 5 overall; 1 of 2 by region; 1 of 2 by segment');
  });
});

describe('awards', () => {
  const awards = (id: string) => resultOf(doc, id).awards.map((a) => a.name);

  it('gives a title by tier', () => {
    expect(awards('P4')).toContain('Silver Partner');
    expect(awards('P1')).not.toContain('Silver Partner');
  });

  it('gives trophies by rank overall and within a field', () => {
    expect(
      doc.results
        .filter((r) => r.awards.some((a) => a.name === 'Partner of the quarter'))
        .map((r) => r.partnerId),
    ).toEqual(['P4']);
    expect(
      doc.results.filter((r) => r.awards.some((a) => a.name === 'Best in region')).map((r) => r.partnerId),
    ).toEqual(['P1', 'P4']);
    // P4 has no segment: it cannot be best in one.
    expect(
      doc.results.filter((r) => r.awards.some((a) => a.name === 'Best in segment')).map((r) => r.partnerId),
    ).toEqual(['P1', 'P3']);
  });

  it('gives training by attainment and a custom award by actual, with its description', () => {
    expect(
      doc.results.filter((r) => awards(r.partnerId).includes('Sales bootcamp seat')).map((r) => r.partnerId),
    ).toEqual(['P2', 'P4']);
    expect(resultOf(doc, 'P3').awards).toContainEqual({
      type: 'custom',
      name: 'Half-million club',
      description: 'Dinner with the channel chief',
    });
    expect(awards('P2')).not.toContain('Half-million club');
  });

  it('lists every award of a partner in plan order with the reason in explain', () => {
    expect(resultOf(doc, 'P4').awards).toEqual([
      { type: 'title', name: 'Silver Partner' },
      { type: 'trophy', name: 'Partner of the quarter' },
      { type: 'trophy', name: 'Best in region' },
      { type: 'training', name: 'Sales bootcamp seat' },
      { type: 'custom', name: 'Half-million club', description: 'Dinner with the channel chief' },
    ]);
    const explain = resultOf(doc, 'P4').explain;
    expect(explain).toContain('award title "Silver Partner": tier Silver ≥ Silver');
    expect(explain).toContain('award trophy "Best in region": rank 1 by region ≤ 1');
    expect(explain).toContain('award training "Sales bootcamp seat": deals attainment 0.8 ≥ 0.6');
  });

  it('gives no award to a partner meeting none of the conditions', () => {
    expect(resultOf(doc, 'P5').awards).toEqual([]);
  });
});
