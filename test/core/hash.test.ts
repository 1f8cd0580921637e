// inputsHash: changes when anything a partner's result depends on changes, and only then,
// so the writer can skip results the CRM already shows.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/core/index.js';
import { nodeSha256 } from '../../src/lib/sha256.js';
import { input, makePlan, partner, won } from './helpers.js';

const plan = makePlan();
const base = () =>
  input({
    partners: [partner('P1'), partner('P2')],
    deals: [
      won('D1', 'P1', '800000', '2027-02-01', { currency: 'USD' }),
      won('D2', 'P2', '100000', '2027-02-01'),
      won('D3', 'P1', '1000', '2027-02-02', {
        splits: [
          { partnerId: 'P1', share: '0.7' },
          { partnerId: 'P2', share: '0.3' },
        ],
      }),
    ],
    rates: { USD: '7.10', EUR: '7.8' },
  });
const hashes = (data: ReturnType<typeof base>, p = plan, computedAt?: string) =>
  Object.fromEntries(
    score(p, data, { period: '2027-Q1', ...(computedAt ? { computedAt } : {}) }).results.map((r) => [
      r.partnerId,
      r.inputsHash,
    ]),
  );

describe('inputsHash', () => {
  const before = hashes(base());

  it('does not depend on computedAt or on the order of split entries', () => {
    expect(hashes(base(), plan, '2030-01-01T00:00:00Z')).toEqual(before);
    const reordered = base();
    reordered.deals[2]!.splits = [
      { partnerId: 'P2', share: '0.3' },
      { partnerId: 'P1', share: '0.7' },
    ];
    expect(hashes(reordered)).toEqual(before);
  });

  it('is the same with node:crypto as with the pure-JS sha256', () => {
    const node = score(plan, base(), { period: '2027-Q1', sha256: nodeSha256 }).results.map(
      (r) => r.inputsHash,
    );
    expect(node).toEqual([before.P1, before.P2]);
  });

  it('changes for the partner whose deal changed, not for another whose rank is unchanged', () => {
    const changed = base();
    changed.deals[0]!.amount = '800001';
    const after = hashes(changed);
    expect(after.P1).not.toBe(before.P1);
    expect(after.P2).toBe(before.P2);
  });

  it('changes with a rate the partner uses, not with one it does not', () => {
    const usd = base();
    usd.rates.USD = '7.11';
    expect(hashes(usd).P1).not.toBe(before.P1);
    const eur = base();
    eur.rates.EUR = '9';
    expect(hashes(eur)).toEqual(before);
  });

  it('changes with the partner record, a statement, and the plan', () => {
    const renamed = base();
    renamed.partners[0]!.name = 'Renamed';
    expect(hashes(renamed).P1).not.toBe(before.P1);
    const settled = { ...base(), statements: [{ partnerId: 'P1', period: '2026-Q4', payout: '10.00' }] };
    expect(hashes(settled).P1).not.toBe(before.P1);
    expect(hashes(settled).P2).toBe(before.P2);
    const v2 = makePlan({ version: 2 });
    const planChanged = hashes(base(), v2);
    expect(planChanged.P1).not.toBe(before.P1);
    expect(planChanged.P2).not.toBe(before.P2);
  });
});
