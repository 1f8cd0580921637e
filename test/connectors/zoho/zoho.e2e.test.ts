// Connector-level end to end against the sandbox: install fields → full sync →
// write results → a deal set to Closed Won in the CRM → a real notification reaches
// our receiver → verified → the deal re-read → the partner's result fields change
// in the CRM. (The job layer that does this in production is wired up separately;
// here the test plays it, with a deliberately simple "score": won deals counted.)

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultFields } from '../../../connectors/contract.js';
import { toResultFields } from '../../../connectors/result-fields.js';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import type { Account, Deal, Partner } from '../../../src/core/index.js';
import { parsePlan, score } from '../../../src/core/index.js';
import { connectorFor, tenantFor } from './zoho.harness.js';

let sb: ZohoSandbox;
beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { seed: 5, partners: 200, deals: 5000 } });
});
afterAll(() => sb.close());

const fields = (won: number): ResultFields => ({
  tier: won >= 10 ? 'Gold' : 'Silver',
  score: won,
  payout: `${won * 100}.00`,
  period: '2027-Q1',
  rank: null,
  nextTier: won >= 10 ? null : 'Gold',
  nextTierGap: won >= 10 ? null : 10 - won,
  awards: '',
  updated: new Date().toISOString(),
  details: JSON.stringify({ won }),
  inputsHash: `won-${won}`,
});

describe('zoho connector end to end (sandbox)', () => {
  it('synced records, with rates from the org currency table, score through the core', async () => {
    const c = connectorFor(tenantFor(sb, { tenantId: 'e2e-score' }));
    const partners: Partner[] = [];
    const accounts: Account[] = [];
    const deals: Deal[] = [];
    for await (const p of c.listPartners()) partners.push(...p.items.map((i) => i.record));
    for await (const p of c.listAccounts()) accounts.push(...p.items.map((i) => i.record));
    for await (const p of c.listDeals()) deals.push(...p.items.map((i) => i.record));
    const rates = await c.readRates!('CNY');
    expect(rates).toEqual({ USD: '7.1', EUR: '7.71739130435', JPY: '0.0473333333333' });
    const parsed = parsePlan(readFileSync(new URL('../../../examples/plan.yaml', import.meta.url), 'utf8'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const doc = score(
      parsed.plan,
      { partners, accounts, deals, rates, statements: [] },
      { period: '2026-Q4' },
    );
    expect(doc.results).toHaveLength(partners.length);
    expect(doc.errors.filter((e) => /rate|currency|amount|closedAt/i.test(JSON.stringify(e)))).toEqual([]);
    expect(doc.results.some((r) => Number(r.payout.total) > 0)).toBe(true);
    // Real results are writable: every partner's fields land in the CRM.
    const rows = doc.results.map((r) => ({
      partnerId: r.partnerId,
      fields: toResultFields({ ...doc, computedAt: '2027-01-05T00:00:00Z' }, r, { detailsLimit: 32000 }),
    }));
    await c.installFields();
    const outcomes = await c.writeResults(rows);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const first = doc.results[0]!;
    const rec = sb.org.module('Accounts')!.records.get(first.partnerId)!;
    expect(rec.Incentive_Tier).toBe(first.tier);
    expect(String(rec.Incentive_Payout)).toBe(String(Number(first.payout.total)));
    expect(JSON.parse(String(rec.Incentive_Details)).inputsHash).toBe(first.inputsHash);
  });

  it('a deal closed in the CRM reaches us by notification and changes the partner’s fields', async () => {
    const t = tenantFor(sb, { tenantId: 'e2e' });
    const c = connectorFor(t);
    await c.installFields();
    const won = new Map<string, number>();
    const dealPartner = new Map<string, string | null>();
    for await (const page of c.listDeals({ full: true })) {
      for (const { record } of page.items) {
        dealPartner.set(record.id, record.partnerId ?? null);
        if (record.status === 'won' && record.partnerId)
          won.set(record.partnerId, (won.get(record.partnerId) ?? 0) + 1);
      }
    }
    const first = await c.writeResults([...won].map(([partnerId, n]) => ({ partnerId, fields: fields(n) })));
    expect(first.every((o) => o.ok)).toBe(true);

    const pushes: { url: string; body: Buffer; headers: Record<string, string | string[] | undefined> }[] =
      [];
    let wake: () => void = () => {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        pushes.push({ url: req.url ?? '/', body: Buffer.concat(chunks), headers: req.headers });
        res.end('ok');
        wake();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/zoho/e2e`;
      await c.subscribe(url);
      const target = [...sb.org.module('Deals')!.records.values()].find(
        (d) => d.Stage !== 'Closed Won' && d.Amount != null && d.Channel_Partner,
      )!;
      const partnerId = (target.Channel_Partner as { id: string }).id;
      sb.resetStats();
      const t0 = performance.now();
      const arrived = new Promise<void>((r) => {
        wake = r;
      });
      sb.setDealStage(target.id, 'Closed Won');
      await arrived;
      const push = pushes.at(-1)!;
      const verdict = await c.verifyWebhook({
        headers: push.headers,
        query: Object.fromEntries(new URL(push.url, 'http://x').searchParams),
        rawBody: push.body,
      });
      expect(verdict.ok).toBe(true);
      if (!verdict.ok) return;
      const dealIds = verdict.events.flatMap((e) => e.ids);
      expect(dealIds).toEqual([target.id]);
      const page = await c.getDeals(dealIds);
      const deal = page.items[0]!.record;
      expect(deal.status).toBe('won');
      const n = (won.get(partnerId) ?? 0) + 1;
      const out = await c.writeResults([{ partnerId, fields: fields(n) }]);
      expect(out[0]!.ok).toBe(true);
      const ms = Math.round(performance.now() - t0);
      const rec = sb.org.module('Accounts')!.records.get(partnerId)!;
      expect(rec.Incentive_Score).toBe(n);
      expect(JSON.parse(String(rec.Incentive_Details))).toEqual({ won: n, inputsHash: `won-${n}` });
      const stats = sb.getStats();
      console.log(
        `push → re-read → write-back: ${ms} ms, ${stats.calls} API calls, ${stats.credits} credits, ${stats.notifications.sent} notification(s)`,
      );
      expect(stats.calls).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('zoho workflow-rule webhook (sandbox)', () => {
  it('a deal won fires the admin’s workflow webhook; the connector verifies it with the tenant secret', async () => {
    const t = tenantFor(sb, { tenantId: 'e2e-workflow' });
    const c = connectorFor(t);
    await c.subscribe('http://127.0.0.1:9/unused'); // creates the tenant's webhook secret
    const secret = String(t.vault.value.webhookSecret);
    const got: { body: Buffer; headers: Record<string, string | string[] | undefined>; url: string }[] = [];
    let wake: () => void = () => {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        got.push({ body: Buffer.concat(chunks), headers: req.headers, url: req.url ?? '/' });
        res.end('ok');
        wake();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      sb.watch.channels.clear(); // only the workflow path in this test
      const res = await fetch(`${sb.url}/__sandbox/workflow-webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          url: `http://127.0.0.1:${port}/webhooks/zoho/e2e-workflow`,
          value: 'Closed Won',
          params: { k: secret },
        }),
      });
      expect(res.status).toBe(201);
      const deal = [...sb.org.module('Deals')!.records.values()].find((d) => d.Stage !== 'Closed Won')!;
      const arrived = new Promise<void>((r) => {
        wake = r;
      });
      sb.setDealStage(deal.id, 'Closed Won');
      await arrived;
      const push = got[0]!;
      const verdict = await c.verifyWebhook({
        headers: push.headers,
        query: Object.fromEntries(new URL(push.url, 'http://x').searchParams),
        rawBody: push.body,
      });
      expect(verdict).toMatchObject({
        ok: true,
        events: [{ entity: 'deal', operation: 'upsert', ids: [deal.id] }],
      });
      const forged = await c.verifyWebhook({
        headers: push.headers,
        query: {},
        rawBody: Buffer.from(push.body.toString().replace(/k=[^&]+/, 'k=guess')),
      });
      expect(forged).toMatchObject({ ok: false, status: 401 });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
