// Runs every worked example in test/core/golden/: the numbers in expected.json were
// derived by hand (see each folder's README.md), never copied from the core's output.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PartnerResult, parsePlan, score } from '../../src/core/index.js';
import { Decimal } from '../../src/core/money.js';

const root = join(import.meta.dirname, 'golden');
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface Expected {
  period: string;
  errors: unknown[];
  results: Record<string, Record<string, unknown>>;
}

function reconciles(r: PartnerResult, units: number): string {
  const p = r.payout;
  let sum = new Decimal(p.base).plus(p.tierBonus).minus(p.capReduction);
  for (const b of p.bonuses) sum = sum.plus(b.amount);
  for (const a of p.adjustments) sum = sum.plus(a.amount);
  return sum.toFixed(units);
}

describe('golden worked examples', () => {
  it('has at least the four required cases', () => {
    expect(cases).toEqual(
      expect.arrayContaining(['shipped-example', 'marginal-usd', 'multi-currency-jpy', 'clawback']),
    );
  });

  it('keeps the shipped example identical to its golden copy', () => {
    const read = (p: string) => readFileSync(p, 'utf8');
    expect(read(join(root, 'shipped-example/plan.yaml'))).toBe(read('examples/plan.yaml'));
    expect(read(join(root, 'shipped-example/input.json'))).toBe(read('examples/data.json'));
  });

  describe.each(cases)('%s', (name) => {
    const dir = join(root, name);
    const parsed = parsePlan(readFileSync(join(dir, 'plan.yaml'), 'utf8'));
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    const input: unknown = JSON.parse(readFileSync(join(dir, 'input.json'), 'utf8'));

    it('has a valid plan', () => {
      expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    });
    if (!parsed.ok) return;
    const doc = score(parsed.plan, input, { period: expected.period });

    it('reports exactly the expected record errors', () => {
      expect(doc.errors).toEqual(expected.errors);
    });

    it('scores exactly the expected partners', () => {
      expect(doc.results.map((r) => r.partnerId)).toEqual(Object.keys(expected.results).sort());
    });

    it.each(Object.keys(expected.results))('gives %s the hand-derived numbers', (id) => {
      const result = doc.results.find((r) => r.partnerId === id)!;
      expect(result).toMatchObject(expected.results[id]!);
      const units = result.payout.total.split('.')[1]?.length ?? 0;
      expect(reconciles(result, units)).toBe(result.payout.total);
    });
  });
});
