// Full and incremental sync against the sandbox: 2,000 partners + 50,000 opportunities,
// offset paging to 10,000 then the _id cursor, resumable cursors, token expiry mid-sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../../connectors/contract.js';
import type { FxiaokeHarness } from './harness.js';
import { createFxiaokeHarness } from './harness.js';

let h: FxiaokeHarness;

beforeAll(async () => {
  h = await createFxiaokeHarness({ seed: 7, partners: 2_000, accounts: 8_000, opportunities: 50_000 });
});
afterAll(async () => {
  await h.close();
});

async function drain<T>(it: AsyncIterable<Page<T>>, stopAfter = Infinity) {
  const ids: string[] = [];
  let quarantined = 0;
  let cursor: string | null = null;
  let pages = 0;
  for await (const p of it) {
    pages++;
    for (const i of p.items) ids.push((i.record as { id: string }).id);
    quarantined += p.quarantined.length;
    cursor = p.cursor;
    if (pages >= stopAfter) break;
  }
  return { ids, quarantined, cursor, pages };
}

describe('full sync of 2,000 partners + 8,000 accounts + 50,000 opportunities', () => {
  it('returns every record exactly once and states the API calls per step', async () => {
    const { connector, calls } = h.make();
    h.sandbox.resetCalls();
    const t0 = performance.now();
    const partners = await drain(connector.listPartners({ full: true }));
    const afterPartners = h.sandbox.calls.total;
    const accounts = await drain(connector.listAccounts({ full: true }));
    const afterAccounts = h.sandbox.calls.total;
    const deals = await drain(connector.listDeals({ full: true }));
    const ms = Math.round(performance.now() - t0);
    const byPath = h.sandbox.calls.byPath;

    expect(partners.ids).toHaveLength(2_000);
    expect(new Set(partners.ids).size).toBe(2_000);
    expect(accounts.ids).toHaveLength(8_000);
    expect(deals.ids).toHaveLength(50_000);
    expect(new Set(deals.ids).size).toBe(50_000);
    expect(new Set(deals.ids)).toEqual(
      new Set(h.sandbox.tables.get('NewOpportunityObj')!.rows.map((r) => r._id as string)),
    );
    expect(deals.quarantined).toBe(0);
    // 1 token + 3 describes, then ceil(n/100)+1 query pages per object (the last full page is confirmed by an empty one).
    expect(byPath['/cgi/corpAccessToken/get/V2']).toBe(1);
    expect(byPath['/cgi/crm/v2/object/describe']).toBe(3);
    expect(byPath['/cgi/crm/v2/data/query']).toBe(21 + 81 + 501);
    expect(h.sandbox.calls.byCode[10013]).toBeUndefined(); // never asked past offset 10000
    expect(calls.every((c) => c.outcome === 'ok')).toBe(true);
    console.log(
      `[fxiaoke full sync] partners ${afterPartners} calls, accounts ${afterAccounts - afterPartners} calls, ` +
        `opportunities ${h.sandbox.calls.total - afterAccounts} calls; total ${h.sandbox.calls.total} API calls in ${ms} ms ` +
        `(at the 60 calls / 20 s production floor this is ≥ ${Math.ceil(((21 + 81 + 501) / 60) * 20)} s)`,
    );
  });

  it('maps seeded opportunities to normalized deals with CNY amounts and describe labels', async () => {
    const connector = h.makeConnector();
    for await (const page of connector.listDeals()) {
      const won = page.items.find((i) => i.record.status === 'won');
      expect(won).toBeDefined();
      expect(won!.record.currency).toBe('CNY');
      expect(won!.record.amount).toMatch(/^\d+\.\d{2}$/);
      expect(won!.record.closedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(won!.record.attributes.statusLabel).toBe('赢单');
      expect(page.items.some((i) => i.record.status === 'lost')).toBe(true);
      break;
    }
  });

  it('resumes from a cursor taken after the switch to _id paging', async () => {
    const connector = h.makeConnector();
    // Read 170 pages in one go, keeping the cursor after page 150 (15,000 records: past offset 10,000).
    const pages: string[][] = [];
    let cursorAt150: string | null = null;
    for await (const p of connector.listDeals()) {
      pages.push(p.items.map((i) => i.record.id));
      if (pages.length === 150) cursorAt150 = p.cursor;
      if (pages.length === 170) break;
    }
    expect(cursorAt150).not.toBeNull();
    // A new run from that cursor continues exactly where page 150 ended.
    const resumed: string[][] = [];
    for await (const p of connector.listDeals({ cursor: cursorAt150 })) {
      resumed.push(p.items.map((i) => i.record.id));
      if (resumed.length === 20) break;
    }
    expect(resumed).toEqual(pages.slice(150, 170));
    expect(new Set(pages.flat()).size).toBe(17_000);
  });

  it('incremental sync returns exactly the records modified since the cursor time', async () => {
    const connector = h.makeConnector();
    const rows = h.sandbox.tables.get('NewOpportunityObj')!.rows;
    const times = rows.map((r) => r.last_modified_time as number).sort((a, b) => a - b);
    const since = new Date(times[times.length - 1_234]!);
    const expected = rows.filter((r) => (r.last_modified_time as number) >= since.getTime()).length;
    h.sandbox.resetCalls();
    const r = await drain(connector.listDeals({ since }));
    expect(r.ids).toHaveLength(expected);
    expect(h.sandbox.calls.byPath['/cgi/crm/v2/data/query']).toBe(Math.ceil((expected + 1) / 100));
  });

  it('a token that expires mid-sync is refreshed once and the sync completes', async () => {
    const { connector, deps } = h.make();
    let pages = 0;
    let ids = 0;
    for await (const p of connector.listPartners()) {
      ids += p.items.length;
      if (++pages === 5) h.sandbox.expireTokens();
    }
    expect(ids).toBe(2_000);
    expect(h.sandbox.calls.byCode[20016]).toBeGreaterThanOrEqual(1);
    expect((await deps.credentials.read()).token?.accessToken).toBeDefined();
  });

  it('getDeals re-reads pushed ids in batches of 100 (ids not found are absent)', async () => {
    const connector = h.makeConnector();
    const rows = h.sandbox.tables.get('NewOpportunityObj')!.rows;
    const ids = rows.slice(0, 250).map((r) => r._id as string);
    h.sandbox.resetCalls();
    const page = await connector.getDeals([...ids, 'nope000000000000000000000']);
    expect(page.items.map((i) => i.record.id).sort()).toEqual([...ids].sort());
    expect(h.sandbox.calls.byPath['/cgi/crm/v2/data/query']).toBe(3);
  });
});
