import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Deal, parsePlan } from '../../src/core/index.js';
import { affectedByDealChange } from '../../src/pipeline/affected.js';

const parsed = parsePlan(readFileSync(new URL('../../examples/plan.yaml', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error('example plan invalid');
const plan = parsed.plan;

const deal = (over: Partial<Deal>): Deal => ({
  id: 'D1',
  name: 'Deal',
  partnerId: 'P1',
  accountId: 'A1',
  amount: '1000.00',
  currency: 'CNY',
  status: 'open',
  closedAt: null,
  csat: null,
  attributes: {},
  ...over,
});

describe('affectedByDealChange', () => {
  it('a deal won on 31 March 23:30 in Shanghai touches Q1 of its partner, and its account from Q1', () => {
    const before = deal({});
    const after = deal({ status: 'won', closedAt: '2027-03-31T23:30:00+08:00' });
    expect(affectedByDealChange(plan, before, after)).toEqual({
      partnerPeriods: [{ partnerId: 'P1', period: '2027-Q1' }],
      accounts: [{ accountId: 'A1', fromPeriod: '2027-Q1' }],
    });
  });

  it('moving a won deal to another partner and quarter touches both partner-periods', () => {
    const before = deal({ status: 'won', closedAt: '2027-03-31' });
    const after = deal({ status: 'won', closedAt: '2027-04-01', partnerId: 'P2' });
    expect(affectedByDealChange(plan, before, after).partnerPeriods).toEqual([
      { partnerId: 'P1', period: '2027-Q1' },
      { partnerId: 'P2', period: '2027-Q2' },
    ]);
  });

  it('a won deal turned lost (a clawback) touches the period it had counted in', () => {
    const before = deal({ status: 'won', closedAt: '2026-12-12' });
    const after = deal({ status: 'lost', closedAt: '2026-12-12' });
    expect(affectedByDealChange(plan, before, after).partnerPeriods).toEqual([
      { partnerId: 'P1', period: '2026-Q4' },
    ]);
  });

  it('every partner of a split is touched; deletion counts like a change to nothing', () => {
    const won = deal({
      status: 'won',
      closedAt: '2027-02-14',
      splits: [
        { partnerId: 'P1', share: '0.6' },
        { partnerId: 'P2', share: '0.4' },
      ],
    });
    expect(affectedByDealChange(plan, won, null).partnerPeriods).toEqual([
      { partnerId: 'P1', period: '2027-Q1' },
      { partnerId: 'P2', period: '2027-Q1' },
    ]);
  });

  it('open deals and changes to fields the core does not read affect nothing', () => {
    expect(affectedByDealChange(plan, deal({}), deal({ amount: '5.00' })).partnerPeriods).toEqual([]);
    const won = deal({ status: 'won', closedAt: '2027-02-14' });
    expect(affectedByDealChange(plan, won, { ...won, name: 'Renamed' })).toEqual({
      partnerPeriods: [],
      accounts: [],
    });
  });
});
