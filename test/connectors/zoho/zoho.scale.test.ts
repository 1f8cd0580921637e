// Full sync at the scale against the sandbox — 2,000 partners and 50,000
// deals — counting the API calls and credits of each step (printed). Asserts the
// call/credit goals, never wall-clock time (timings belong in benchmarks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../../connectors/contract.js';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import type { ZohoConnector } from '../../../connectors/zoho/zoho.connector.js';
import { connectorFor, tenantFor } from './zoho.harness.js';

const PARTNERS = 2000;
const DEALS = 50_000;
let sb: ZohoSandbox;
let c: ZohoConnector;
const report: { step: string; records: number; calls: number; credits: number; ms: number }[] = [];

async function step<T>(name: string, fn: () => Promise<{ records: number; value: T }>): Promise<T> {
  sb.resetStats();
  const t0 = performance.now();
  const { records, value } = await fn();
  const s = sb.getStats();
  report.push({
    step: name,
    records,
    calls: s.calls,
    credits: s.credits,
    ms: Math.round(performance.now() - t0),
  });
  return value;
}

async function drain<T>(it: AsyncIterable<Page<T>>) {
  let items = 0;
  let quarantined = 0;
  for await (const p of it) {
    items += p.items.length;
    quarantined += p.quarantined.length;
  }
  return { items, quarantined };
}

beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { seed: 2027, partners: PARTNERS, deals: DEALS } });
  c = connectorFor(tenantFor(sb, { tenantId: 'scale' }));
}, 60_000);

afterAll(async () => {
  console.log(
    `\nZoho sandbox, ${PARTNERS} partners / ${DEALS} deals — API calls and credits per step\n` +
      report
        .map(
          (r) =>
            `  ${r.step.padEnd(44)} records ${String(r.records).padStart(6)}  calls ${String(r.calls).padStart(3)}  credits ${String(r.credits).padStart(4)}  (${r.ms} ms)`,
        )
        .join('\n'),
  );
  await sb.close();
});

describe('zoho full sync at scale (2,000 partners, 50,000 deals)', () => {
  it('installs fields, syncs everything, syncs a delta, writes back, and follows a push', async () => {
    await step('install result fields + discovery', async () => {
      const r = await c.installFields();
      expect(r.created).toHaveLength(10);
      return { records: r.created.length, value: r };
    });

    const partners = await step('full sync: partners (COQL)', async () => {
      const r = await drain(c.listPartners());
      return { records: r.items + r.quarantined, value: r };
    });
    expect(partners.items).toBe(PARTNERS);
    expect(report.at(-1)!.calls).toBe(Math.ceil(PARTNERS / 2000));

    const accounts = await step('full sync: customer accounts (COQL)', async () => {
      const r = await drain(c.listAccounts());
      return { records: r.items + r.quarantined, value: r };
    });
    expect(accounts.items).toBe(sb.seedSummary.customers);

    // 50,000 deals: COQL would cost 25 calls × 3 = 75 credits; Bulk Read costs 50 + status + download.
    const deals = await step('full sync: deals (count, then Bulk Read)', async () => {
      const r = await drain(c.listDeals({ full: true }));
      return { records: r.items + r.quarantined, value: r };
    });
    expect(deals.items + deals.quarantined).toBe(DEALS);
    expect(deals.quarantined).toBe(sb.seedSummary.dealsWithoutAmount);
    expect(report.at(-1)!.credits).toBeLessThan(Math.ceil(DEALS / 2000) * 3);
    expect(sb.getStats().byEndpoint['POST /crm/bulk/v8/read']).toEqual({ calls: 1, credits: 50 });

    // A Bulk Read interrupted after its first page resumes in a new connector from the cursor.
    const first: Page<unknown>[] = [];
    for await (const p of c.listDeals({ full: true })) {
      first.push(p);
      break;
    }
    const resumed = await drain(
      connectorFor(tenantFor(sb, { tenantId: 'scale-resume' })).listDeals({ cursor: first[0]!.cursor }),
    );
    expect(first[0]!.items.length + first[0]!.quarantined.length + resumed.items + resumed.quarantined).toBe(
      DEALS,
    );

    // The same full sync through COQL (as a resumed delta from the beginning of time would run).
    const viaCoql = await step('full sync: deals (COQL, keyset on id)', async () => {
      const r = await drain(c.listDeals({ since: new Date(0) }));
      return { records: r.items + r.quarantined, value: r };
    });
    expect(viaCoql.items + viaCoql.quarantined).toBe(DEALS);
    expect(report.at(-1)!.calls).toBe(Math.ceil(DEALS / 2000));
    expect(report.at(-1)!.credits).toBe(Math.ceil(DEALS / 2000) * 3);

    // A CRM user changes 2,345 deals; the delta costs ceil(2345 / 2000) = 2 COQL calls.
    const since = new Date(Date.now() - 1000);
    const ids = sb.org.module('Deals')!.ids;
    const changed = Array.from({ length: 2345 }, (_, i) => ids[(i * 21) % ids.length]!);
    for (const id of changed) sb.userUpdate('Deals', id, { Amount: 1234.5 });
    const delta = await step('delta sync: 2,345 changed deals', async () => {
      const r = await drain(c.listDeals({ since }));
      return { records: r.items + r.quarantined, value: r };
    });
    expect(delta.items).toBe(new Set(changed).size);
    expect(report.at(-1)!.calls).toBeLessThanOrEqual(Math.ceil(changed.length / 2000));

    const rows = sb.seedSummary.partnerIds.map((partnerId, i) => ({
      partnerId,
      fields: {
        tier: ['Bronze', 'Silver', 'Gold', 'Platinum'][i % 4]!,
        score: 50 + (i % 50),
        payout: `${(i * 37) % 10000}.50`,
        period: '2027-Q1',
        rank: i + 1,
        nextTier: 'Platinum',
        nextTierGap: 10,
        awards: '',
        updated: '2027-02-01T00:00:00Z',
        details: JSON.stringify({ tier: i % 4 }),
        inputsHash: `h${i}`,
      },
    }));
    const outcomes = await step('write-back: 2,000 partners', async () => {
      const r = await c.writeResults(rows);
      return { records: r.length, value: r };
    });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(report.at(-1)!.calls).toBe(Math.ceil(PARTNERS / 100));
    expect(report.at(-1)!.credits).toBe(PARTNERS / 10);

    const some = rows.slice(0, 137);
    await step('write-back: 137 changed partners', async () => {
      const r = await c.writeResults(some);
      return { records: r.length, value: r };
    });
    expect(report.at(-1)!.calls).toBe(Math.ceil(137 / 100));
    expect(report.at(-1)!.credits).toBe(Math.ceil(137 / 10));

    // A deal set to Closed Won: the push names it, one COQL call re-reads it.
    const pushed = await step('push follow-up: re-read 1 deal by id', async () => {
      const id = ids[123]!;
      sb.setDealStage(id, 'Closed Won');
      const page = await c.getDeals([id]);
      return { records: page.items.length, value: page };
    });
    expect(pushed.items[0]!.record.status).toBe('won');
    expect(report.at(-1)!.credits).toBe(1);
  }, 120_000);
});
