// A recalculation batch's input (load-input.ts partnersInput: the partners' won deals
// of the scored period, and of their accounts what decides first won deals) gives each
// partner exactly the pass-1 result a whole-tenant input gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreUnranked } from '../../src/core/index.js';
import { sha256 } from '../../src/jobs/pipeline/context.js';
import { partnersInput, tenantInput } from '../../src/jobs/pipeline/load-input.js';
import type { TenantId } from '../../src/store/ids.js';
import { getRates } from '../../src/store/repos/rates.repo.js';
import { loadTenantRecords, upsertDeals } from '../../src/store/repos/records.repo.js';
import type { Sql } from '../../src/store/sql.js';
import { type PipelineHarness, pipelineHarness } from './pipeline.harness.js';

const PERIODS = ['2026-Q4', '2026-Q3', '2027-Q1'];

describe('the input of a recalculation batch', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await pipelineHarness();
    expect((await h.run('full')).status).toBe('done');
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it.each(PERIODS)('gives every partner of %s the result a whole-tenant input gives', async (period) => {
    await expectBatchesEqualWhole(h, period);
  });

  // A whole tenant's input is held in memory while its period is scored: it carries the
  // won deals only, which score exactly as every record of the tenant does.
  it('a whole-tenant input holds the won deals only and scores as all the records do', async () => {
    const plan = await h.plan();
    const db = h.store.db;
    const input = await tenantInput(db, h.tenantId, plan.currency);
    const all = await loadTenantRecords(db, h.tenantId);
    const won = all.deals.filter((d) => d.status === 'won');
    expect(won.length).toBeLessThan(all.deals.length);
    expect(input.deals.map((d) => d.id).sort()).toEqual(won.map((d) => d.id).sort());
    for (const period of PERIODS) {
      const full = scoreUnranked(plan, { ...input, ...all }, { period, sha256 });
      expect(scoreUnranked(plan, input, { period, sha256 }).partners).toEqual(full.partners);
    }
  });

  // The loader reads each account's earliest few won deals, not its whole history: when
  // those are deals the core skips, it must read on, or a batch would see a later deal
  // as the account's first won deal.
  it('reads on where the earliest won deals of an account are ones the core skips', async () => {
    const plan = await h.plan();
    const period = '2026-Q4';
    const db = h.store.db;
    const whole = scoreUnranked(plan, await tenantInput(db, h.tenantId, plan.currency), { period, sha256 });
    // Two accounts whose first won deal is a credit of this period (a new customer now).
    const newCustomerDeals = whole.partners.flatMap((p) => p.result.metrics.newCustomers?.dealIds ?? []);
    const accounts = await db.query<{ account_id: string; partner_id: string }>(
      `select distinct on (account_id) account_id, partner_id from deals
       where tenant_id = $1 and deal_id = any($2::text[]) order by account_id, deal_id limit 2`,
      [h.tenantId, newCustomerDeals],
    );
    expect(accounts).toHaveLength(2);
    const noRate = 'CHF';
    expect(await getRates(db, h.tenantId, plan.currency)).not.toHaveProperty(noRate);
    const [a, b] = accounts as [(typeof accounts)[0], (typeof accounts)[0]];
    await addWonDeals(db, h.tenantId, [
      // Account a: four skipped deals (no rate, an unknown partner) before a counted one.
      ...[1, 2, 3, 4].map((n) => ({
        id: `SKIP-A${n}`,
        account: a.account_id,
        partner: n % 2 ? a.partner_id : 'no-such-partner',
        currency: n % 2 ? noRate : 'CNY',
        closedAt: `2026-01-0${n}`,
      })),
      {
        id: 'FIRST-A',
        account: a.account_id,
        partner: b.partner_id,
        currency: 'CNY',
        closedAt: '2026-01-05',
      },
      // Account b: a counted deal among the earliest four, but dated as late as the fourth:
      // a deal not read (dated a day or two later) may have closed before it.
      ...[1, 2, 3].map((n) => ({
        id: `SKIP-B${n}`,
        account: b.account_id,
        partner: b.partner_id,
        currency: noRate,
        closedAt: `2026-02-0${n}`,
      })),
      {
        id: 'LATE-B',
        account: b.account_id,
        partner: a.partner_id,
        currency: 'CNY',
        closedAt: '2026-02-04T20:00:00+08:00',
      },
      {
        id: 'FIRST-B',
        account: b.account_id,
        partner: a.partner_id,
        currency: 'CNY',
        closedAt: '2026-02-05T01:00:00+14:00',
      },
    ]);
    // The whole-tenant results moved: both accounts have an earlier first won deal now.
    const after = scoreUnranked(plan, await tenantInput(db, h.tenantId, plan.currency), { period, sha256 });
    const newCount = (doc: typeof whole, partnerId: string) =>
      doc.partners.find((p) => p.result.partnerId === partnerId)?.result.metrics.newCustomers?.actual;
    expect(newCount(after, a.partner_id)).not.toEqual(newCount(whole, a.partner_id));
    await expectBatchesEqualWhole(h, period);
  });
});

type WonDeal = { id: string; account: string; partner: string; currency: string; closedAt: string };

async function addWonDeals(db: Sql, tenantId: TenantId, deals: WonDeal[]) {
  await upsertDeals(
    db,
    tenantId,
    deals.map((d) => ({
      record: {
        id: d.id,
        name: d.id,
        partnerId: d.partner,
        accountId: d.account,
        amount: '1000.00',
        currency: d.currency,
        status: 'won' as const,
        closedAt: d.closedAt,
        attributes: {},
      },
      raw: null,
      modifiedAt: '2026-11-01T00:00:00Z',
    })),
  );
}

async function expectBatchesEqualWhole(h: PipelineHarness, period: string) {
  const plan = await h.plan();
  const whole = scoreUnranked(plan, await tenantInput(h.store.db, h.tenantId, plan.currency), {
    period,
    sha256,
  }).partners;
  expect(whole.length).toBeGreaterThan(10);
  const ids = whole.map((p) => p.result.partnerId);
  for (let i = 0; i < ids.length; i += 7) {
    const batch = ids.slice(i, i + 7);
    const input = await partnersInput(h.store.db, h.tenantId, batch, plan, period);
    const mine = scoreUnranked(plan, input, { period, sha256, partners: new Set(batch) }).partners;
    expect(mine).toEqual(whole.filter((p) => batch.includes(p.result.partnerId)));
    // Fewer deals than the tenant's: the batch's own and those deciding first wins.
    expect(input.deals.length).toBeLessThan(h.sb.org.module('Deals')!.records.size);
  }
}
