// Bad records are reported in `errors` (sorted) and left out; the rest is scored.
// Duplicate ids drop every copy, whatever the input order.
import { describe, expect, it } from 'vitest';
import { InputError, score } from '../../src/core/index.js';
import { input, makePlan, partner, resultOf, won } from './helpers.js';

const plan = makePlan();
const Q1 = { period: '2027-Q1' };
const good = won('OK', 'P1', '100.00', '2027-02-01');

describe('bad deals', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'amount as a float',
      { ...won('X', 'P1', '0', '2027-02-01'), amount: 12.5 },
      'amount must be a decimal number written as a string, e.g. "1250.00"',
    ],
    [
      'amount with a thousands separator',
      won('X', 'P1', '1,000.00', '2027-02-01'),
      'amount must be a decimal number written as a string, e.g. "1250.00"',
    ],
    ['negative amount', won('X', 'P1', '-5.00', '2027-02-01'), 'amount must not be negative'],
    [
      'absurd amount',
      won('X', 'P1', '1000000000000000', '2027-02-01'),
      'amount 1000000000000000 is implausibly large',
    ],
    ['unknown partner', won('X', 'P404', '1.00', '2027-02-01'), 'unknown partner "P404"'],
    [
      'won without a partner',
      { ...won('X', 'P1', '1.00', '2027-02-01'), partnerId: null },
      'won deal has no partnerId',
    ],
    ['won without closedAt', won('X', 'P1', '1.00', null as unknown as string), 'won deal has no closedAt'],
    [
      'malformed closedAt',
      won('X', 'P1', '1.00', '31/03/2027'),
      'closedAt must be an ISO-8601 date (2027-03-31) or instant (2027-03-31T23:30:00+08:00)',
    ],
    [
      'impossible date',
      won('X', 'P1', '1.00', '2027-02-30'),
      'closedAt must be an ISO-8601 date (2027-03-31) or instant (2027-03-31T23:30:00+08:00)',
    ],
    [
      'unknown status',
      { ...won('X', 'P1', '1.00', '2027-02-01'), status: 'closed-won' },
      'status must be one of open, won, lost',
    ],
    [
      'shares not summing to 1',
      won('X', 'P1', '1.00', '2027-02-01', {
        splits: [
          { partnerId: 'P1', share: '0.6' },
          { partnerId: 'P2', share: '0.3' },
        ],
      }),
      'split shares sum to 0.9, not 1',
    ],
    [
      'a share above 1',
      won('X', 'P1', '1.00', '2027-02-01', {
        splits: [
          { partnerId: 'P1', share: '1.5' },
          { partnerId: 'P2', share: '-0.5' },
        ],
      }),
      'splits[0].share must be greater than 0 and at most 1',
    ],
    [
      'a split to an unknown partner',
      won('X', 'P1', '1.00', '2027-02-01', { splits: [{ partnerId: 'P9', share: '1' }] }),
      'splits[0]: unknown partner "P9"',
    ],
    [
      'a partner twice in the splits',
      won('X', 'P1', '1.00', '2027-02-01', {
        splits: [
          { partnerId: 'P1', share: '0.5' },
          { partnerId: 'P1', share: '0.5' },
        ],
      }),
      'splits[1]: partner "P1" appears twice',
    ],
    [
      'a share as a float',
      won('X', 'P1', '1.00', '2027-02-01', { splits: [{ partnerId: 'P1', share: 1 }] }),
      'splits[0].share must be a decimal string such as "0.4"',
    ],
    ['csat as text', won('X', 'P1', '1.00', '2027-02-01', { csat: 'good' }), 'csat must be a number'],
  ];

  it.each(cases)('reports %s and scores the rest', (_what, deal, reason) => {
    const doc = score(plan, input({ partners: [partner('P1'), partner('P2')], deals: [deal, good] }), Q1);
    expect(doc.errors).toEqual([{ type: 'deal', id: 'X', reason }]);
    expect(resultOf(doc, 'P1').metrics.revenue).toMatchObject({ actual: '100.00', dealIds: ['OK'] });
  });

  it('reports a record that is not an object, or has no id, by its position', () => {
    const doc = score(plan, { partners: [partner('P1')], deals: ['junk', { amount: '5' }, good] }, Q1);
    expect(doc.errors).toEqual([
      { type: 'deal', id: '#0', reason: 'must be an object' },
      { type: 'deal', id: '#1', reason: 'id must be a non-empty string' },
    ]);
    expect(resultOf(doc, 'P1').metrics.revenue!.actual).toBe('100.00');
  });
});

describe('duplicates and other records', () => {
  it('drops every copy of a duplicated id, whatever the order', () => {
    const data = input({
      partners: [partner('P1'), partner('P2', { region: 'A' }), partner('P2', { region: 'B' })],
      accounts: [{ id: 'A1' }, { id: 'A1', region: 'X' }],
      deals: [won('D1', 'P1', '5.00', '2027-02-01'), won('D1', 'P1', '7.00', '2027-02-02'), good],
    });
    const doc = score(plan, data, Q1);
    // Each duplicated id is reported (how many times is not the contract) and nothing else is.
    expect(new Set(doc.errors.map((e) => `${e.type} ${e.id}: ${e.reason}`))).toEqual(
      new Set(['account A1: duplicate id', 'deal D1: duplicate id', 'partner P2: duplicate id']),
    );
    expect(doc.results.map((r) => r.partnerId)).toEqual(['P1']);
    expect(resultOf(doc, 'P1').metrics.revenue).toMatchObject({ actual: '100.00', dealIds: ['OK'] });
  });

  it('reports bad partners and accounts, and deals of a dropped partner', () => {
    const data = input({
      partners: [partner('P1'), { id: 'P2', level: 3 }, { id: '' }, { id: 'P4', attributes: [] }],
      accounts: [{ id: 'A1', region: 5 }],
      deals: [good, won('D2', 'P2', '1.00', '2027-02-01')],
    });
    const doc = score(plan, data, Q1);
    expect(doc.errors).toEqual([
      { type: 'account', id: 'A1', reason: 'region must be a string' },
      { type: 'deal', id: 'D2', reason: 'unknown partner "P2"' },
      { type: 'partner', id: '#2', reason: 'id must be a non-empty string' },
      { type: 'partner', id: 'P2', reason: 'level must be a string' },
      { type: 'partner', id: 'P4', reason: 'attributes must be an object' },
    ]);
    expect(doc.results.map((r) => r.partnerId)).toEqual(['P1']);
  });

  it('sorts errors by type, id and reason', () => {
    const data = input({
      partners: [partner('P1')],
      deals: [
        won('Z', 'P9', '1', '2027-01-01'),
        won('B', 'P9', '1', '2027-01-01'),
        won('A', 'P1', '-1', '2027-01-01'),
      ],
      rates: { QQQ: '1' },
    });
    expect(score(plan, data, Q1).errors.map((e) => `${e.type}:${e.id}`)).toEqual([
      'deal:A',
      'deal:B',
      'deal:Z',
      'rate:QQQ',
    ]);
  });

  it('rejects a document that is not an input at all with an InputError', () => {
    expect(() => score(plan, [], Q1)).toThrow(InputError);
    expect(() => score(plan, { deals: {} }, Q1)).toThrow('input.deals must be a list');
    expect(() => score(plan, { rates: [] }, Q1)).toThrow(InputError);
  });

  it('scores an empty input to an empty document', () => {
    expect(score(plan, {}, Q1)).toEqual({
      planId: 'test-plan',
      planVersion: 1,
      period: '2027-Q1',
      currency: 'CNY',
      results: [],
      errors: [],
    });
  });
});
