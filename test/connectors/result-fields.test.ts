import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detailsJson, toResultFields, widgetDetails } from '../../connectors/result-fields.js';
import { parsePlan, score } from '../../src/core/index.js';

const plan = parsePlan(readFileSync(new URL('../../examples/plan.yaml', import.meta.url), 'utf8'));
if (!plan.ok) throw new Error('example plan invalid');
const input = JSON.parse(readFileSync(new URL('../../examples/data.json', import.meta.url), 'utf8'));
const doc = score(plan.plan, input, { period: '2027-Q1', computedAt: '2027-04-02T08:00:00.000Z' });
const p1 = doc.results.find((r) => r.partnerId === 'P1')!;

describe('toResultFields', () => {
  it('carries the headline numbers and the hash the writer compares', () => {
    const fields = toResultFields(doc, p1);
    expect(fields).toMatchObject({
      tier: 'Gold',
      score: 99.92,
      payout: '62720.00',
      period: '2027-Q1',
      rank: 1,
      nextTier: 'Platinum',
      nextTierGap: 10.08,
      awards: 'Gold Partner; Top 3 in region',
      updated: '2027-04-02T08:00:00.000Z',
      inputsHash: p1.inputsHash,
    });
  });

  it('puts what the widget renders into details, without explain lines or deal ids', () => {
    const details = JSON.parse(toResultFields(doc, p1).details);
    expect(details.v).toBe(1);
    expect(details.metrics.revenue).toEqual({
      actual: '1318000.00',
      target: '1200000',
      attainment: 1.0983,
      weight: 50,
      points: 54.92,
    });
    expect(details.nextTier.byMetric.revenue).toBe('241880.00');
    expect(details.feedback.improvements[0].message['zh-CN']).toContain('新客户');
    expect(JSON.stringify(details)).not.toContain('explain');
    expect(JSON.stringify(details)).not.toContain('dealIds');
  });

  it('drops feedback first when the details would not fit the CRM field', () => {
    const details = widgetDetails(doc, p1);
    const full = JSON.stringify(details).length;
    const lean = JSON.parse(detailsJson(details, full - 1));
    expect(lean.feedback).toBeNull();
    expect(lean.tier).toBe('Gold');
    expect(() => detailsJson(details, 100)).toThrow(/more than the field's 100/);
  });
});
