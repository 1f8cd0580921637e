import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  finishRanked,
  parsePlan,
  rankedInputsHash,
  rankPeriod,
  rankResults,
  score,
  scoreUnranked,
} from '../../src/core/index.js';

const parsed = parsePlan(readFileSync(new URL('../../examples/plan.yaml', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error('example plan invalid');
const plan = parsed.plan;
const input = JSON.parse(readFileSync(new URL('../../examples/data.json', import.meta.url), 'utf8'));

describe('scoring in two passes (per partner, then per period)', () => {
  it('gives the same results as score() after a JSON round trip, as the pipeline stores them', () => {
    const whole = score(plan, input, { period: '2027-Q1', computedAt: 'T' });
    const unranked = scoreUnranked(plan, input, { period: '2027-Q1', computedAt: 'T' });
    const stored = JSON.parse(JSON.stringify(unranked.partners));
    expect(rankResults(plan, stored)).toEqual(whole.results);
    expect(unranked.errors).toEqual(whole.errors);
  });

  it('re-ranks one partner’s fresh pass-1 result against the others’ stored ones', () => {
    const before = scoreUnranked(plan, input, { period: '2027-Q1' }).partners;
    const changed = structuredClone(input);
    changed.deals.find((d: { id: string }) => d.id === 'D7').status = 'won';
    changed.deals.find((d: { id: string }) => d.id === 'D7').closedAt = '2027-03-01';
    const onlyP3 = scoreUnranked(plan, changed, { period: '2027-Q1' }).partners.find(
      (p) => p.result.partnerId === 'P3',
    )!;
    const mixed = before.map((p) => (p.result.partnerId === 'P3' ? onlyP3 : p));
    expect(rankResults(plan, mixed)).toEqual(score(plan, changed, { period: '2027-Q1' }).results);
  });

  it('evaluates only the partners asked for, each exactly as in a run over everyone', () => {
    const all = scoreUnranked(plan, input, { period: '2027-Q1' }).partners;
    const some = new Set(all.slice(0, 2).map((p) => p.result.partnerId));
    const only = scoreUnranked(plan, input, { period: '2027-Q1', partners: some }).partners;
    expect(only.map((p) => p.result.partnerId)).toEqual([...some].sort());
    expect(only).toEqual(all.filter((p) => some.has(p.result.partnerId)));
  });

  it('ranks from the ranking keys alone and finishes any one partner exactly as rankResults does', () => {
    const unranked = JSON.parse(JSON.stringify(scoreUnranked(plan, input, { period: '2027-Q1' }).partners));
    const whole = rankResults(plan, unranked);
    const ranks = rankPeriod(
      plan,
      unranked.map((p: { rankable: unknown }) => p.rankable),
    );
    expect(whole.length).toBeGreaterThan(1);
    for (const [i, p] of unranked.entries()) {
      const rank = ranks.get(p.result.partnerId)!;
      expect(rankedInputsHash(p.factsHash, rank)).toBe(whole[i]!.inputsHash);
      expect(finishRanked(plan, p, rank)).toEqual(whole[i]);
    }
  });
});
