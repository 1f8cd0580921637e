// Two tenants in one process, concurrently: each connector talks only to its own
// org with its own token (the reason the official SDK, with its process-global
// current user, is not used at run time).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import { connectorFor, tenantFor } from './zoho.harness.js';

let a: ZohoSandbox;
let b: ZohoSandbox;
beforeAll(async () => {
  [a, b] = await Promise.all([
    ZohoSandbox.start({ seed: { seed: 1, partners: 20, deals: 3000 }, latencyMs: 3 }),
    ZohoSandbox.start({
      seed: { seed: 2, partners: 30, deals: 2500 },
      latencyMs: 3,
      clientId: '1000.OTHER',
      clientSecret: 'other',
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

describe('zoho connectors for several tenants in one process', () => {
  it('never mix orgs, tokens or data under concurrency', async () => {
    const ta = tenantFor(a, { tenantId: 'tenant-a' });
    const tb = tenantFor(b, { tenantId: 'tenant-b' });
    const ca = connectorFor(ta);
    const cb = connectorFor(tb);
    const ids = async (c: typeof ca) => {
      const out: string[] = [];
      for await (const p of c.listDeals())
        out.push(...p.items.map((i) => i.record.id), ...p.quarantined.map((q) => q.id));
      return out;
    };
    const [da, db, pa, pb] = await Promise.all([
      ids(ca),
      ids(cb),
      ca.getDeals(a.org.module('Deals')!.ids.slice(0, 30)),
      cb.getDeals(b.org.module('Deals')!.ids.slice(0, 30)),
    ]);
    expect(new Set(da)).toEqual(new Set(a.org.module('Deals')!.ids));
    expect(new Set(db)).toEqual(new Set(b.org.module('Deals')!.ids));
    expect(pa.items.every((i) => a.org.module('Deals')!.records.has(i.record.id))).toBe(true);
    expect(pb.items.every((i) => b.org.module('Deals')!.records.has(i.record.id))).toBe(true);
    expect(ta.vault.value.accessToken).not.toBe(tb.vault.value.accessToken);
    expect(a.getStats().tokenRequests).toBe(1);
    expect(b.getStats().tokenRequests).toBe(1);
    // Each sandbox only ever saw its own token: none of its calls was rejected as INVALID_TOKEN.
    expect(
      ta.calls.some((c) => c.outcome === 'INVALID_TOKEN') ||
        tb.calls.some((c) => c.outcome === 'INVALID_TOKEN'),
    ).toBe(false);
  });
});
