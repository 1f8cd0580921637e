// The per-tenant limiter keeps us inside Zoho's concurrency limits, so a burst of
// work produces no 429s at all (the sandbox enforces the limits and counts 429s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import { connectorFor, tenantFor } from './zoho.harness.js';

let sb: ZohoSandbox;
beforeAll(async () => {
  sb = await ZohoSandbox.start({
    edition: 'professional',
    latencyMs: 25,
    seed: { partners: 30, deals: 300 },
  });
});
afterAll(() => sb.close());

describe('zoho per-tenant limits', () => {
  it('40 concurrent COQL calls stay within the heavy sub-concurrency of 10: no 429', async () => {
    const c = connectorFor(
      tenantFor(sb, { tenantId: 'limits-heavy', settings: { edition: 'professional' } }),
    );
    const ids = sb.org.module('Deals')!.ids.slice(0, 5);
    await c.getDeals(ids); // token first
    sb.resetStats();
    await Promise.all(Array.from({ length: 40 }, () => c.getDeals(ids)));
    const s = sb.getStats();
    expect(s.rejected429).toBe(0);
    expect(s.maxInflight).toBeLessThanOrEqual(10);
    expect(s.calls).toBe(40);
  });

  it('light calls use the edition limit (professional: 15), never more', async () => {
    const c = connectorFor(
      tenantFor(sb, { tenantId: 'limits-light', settings: { edition: 'professional' } }),
    );
    await c.getDeals(['1']);
    sb.resetStats();
    await Promise.all(
      Array.from({ length: 40 }, () =>
        c.client.request({ method: 'GET', path: '/crm/v8/Deals/actions/count' }),
      ),
    );
    const s = sb.getStats();
    expect(s.rejected429).toBe(0);
    expect(s.maxInflight).toBeGreaterThan(10);
    expect(s.maxInflight).toBeLessThanOrEqual(15);
  });

  it('a tenant configured above its real edition meets 429s and recovers by backing off', async () => {
    // Pauses longer than the sandbox's 25 ms latency, so every retry finds slots free again.
    const c = connectorFor(
      tenantFor(sb, { tenantId: 'limits-wrong', settings: { edition: 'ultimate', maxRetries: 8 } }),
      {
        client: { rateLimitPauseMs: 60, backoff: { baseMs: 60, capMs: 500 } },
      },
    );
    await c.getDeals(['1']);
    sb.resetStats();
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        c.client.request({ method: 'GET', path: '/crm/v8/Deals/actions/count' }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(sb.getStats().rejected429).toBeGreaterThan(0);
  });

  it('rides out Zoho 5xx answers (sandbox fault injection) and reports them per call', async () => {
    const t = tenantFor(sb, { tenantId: 'limits-faults' });
    const c = connectorFor(t);
    await c.getDeals(['1']);
    await fetch(`${sb.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 500, code: 'INTERNAL_ERROR', count: 2, match: 'coql' }),
    });
    const ids = sb.org.module('Deals')!.ids.slice(0, 2);
    const page = await c.getDeals(ids);
    expect(page.items.length + page.quarantined.length).toBe(2);
    expect(t.calls.filter((x) => x.outcome === 'INTERNAL_ERROR')).toHaveLength(2);
  });
});
