import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toResultFields } from '../../connectors/result-fields.js';
import { parsePlan, score } from '../../src/core/index.js';

const parsed = parsePlan(readFileSync(new URL('../../examples/plan.yaml', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error('example plan invalid');
const input = JSON.parse(readFileSync(new URL('../../examples/data.json', import.meta.url), 'utf8'));
const doc = score(parsed.plan, input, { period: '2027-Q1', computedAt: '2027-04-01T00:00:00Z' });

describe('result fields (CRM-neutral)', () => {
  it('maps a scored partner to the write-back values, details as compact JSON for the widget', () => {
    const r = doc.results[0]!;
    const f = toResultFields(r, doc, { maxDetailsChars: 32000 });
    expect(f).toMatchObject({
      tier: r.tier,
      score: r.score,
      payout: r.payout.total,
      period: '2027-Q1',
      rank: r.rank.overall,
      inputsHash: r.inputsHash,
      updated: '2027-04-01T00:00:00Z',
    });
    const details = JSON.parse(f.details);
    expect(details).toMatchObject({ v: 1, tier: r.tier, inputsHash: r.inputsHash, currency: doc.currency });
    expect(f.details).not.toContain('\n');
    expect(JSON.stringify(details)).not.toContain('dealIds');
  });

  it('shrinks details to fit a small field, keeping the headline', () => {
    const r = doc.results[0]!;
    const f = toResultFields(r, doc, { maxDetailsChars: 300 });
    expect(f.details.length).toBeLessThanOrEqual(300);
    expect(JSON.parse(f.details)).toMatchObject({ tier: r.tier, truncated: true });
  });
});
