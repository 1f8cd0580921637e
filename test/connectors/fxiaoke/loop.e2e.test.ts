// The Fxiaoke loop at connector level, with the real scoring core and the sandbox as the CRM:
// full sync (2,000 partners, 8,000 customers, 50,000 opportunities) → score → write back;
// then a deal marked 赢单 in the sandbox → encrypted callback → verify → re-read → rescore →
// write back, and the partner's result fields in the sandbox change. The store, queues and
// coalescing of the live pipeline (issue 6) are not part of this test; it states the timings
// and API calls of the Fxiaoke side of each step.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent, Page, ResultWrite } from '../../../connectors/contract.js';
import type { FxiaokeConnector } from '../../../connectors/fxiaoke/fxiaoke.connector.js';
import { SANDBOX_FIELD_MAPPING } from '../../../connectors/fxiaoke/sandbox/sandbox.describe.js';
import { toResultFields } from '../../../connectors/result-fields.js';
import { type Account, type Deal, type Partner, parsePlan, score } from '../../../src/core/index.js';
import { createFxiaokeHarness, type FxiaokeHarness, TEST_AES_KEY } from './harness.js';

const PLAN = {
  id: 'fx-channel-2026',
  name: '2026 渠道激励',
  version: 1,
  currency: 'CNY',
  timezone: 'Asia/Shanghai',
  period: { type: 'quarter', fiscalYearStartMonth: 1 },
  targets: {
    default: { revenue: 3_000_000, newCustomers: 3, coverage: 2, csat: 4.5 },
    byLevel: { 金牌: { revenue: 6_000_000 }, 白金: { revenue: 9_000_000 } },
  },
  metrics: [
    { key: 'revenue', kind: 'wonAmount', weight: 50, cap: 1.5 },
    { key: 'newCustomers', kind: 'newCustomers', weight: 20, cap: 1.5 },
    { key: 'coverage', kind: 'distinctAccounts', by: 'region', weight: 15, cap: 1.2 },
    { key: 'csat', kind: 'averageDeal', field: 'csat', weight: 15, cap: 1.0 },
  ],
  tiers: {
    basis: 'score',
    mode: 'retroactive',
    levels: [
      { name: '注册', min: 0, rate: '0' },
      { name: '银牌', min: 40, rate: '0.02' },
      { name: '金牌', min: 70, rate: '0.04', bonus: '10000' },
      { name: '白金', min: 100, rate: '0.06', bonus: '30000' },
    ],
  },
  payout: { base: 'revenue' },
};
const PERIOD = '2026-Q4';
// The sandbox clock: 2026-11-20 10:00 in Shanghai, running at wall-clock speed.
const START = Date.now();
const sandboxNow = () => Date.UTC(2026, 10, 20, 2, 0, 0) + (Date.now() - START);

let h: FxiaokeHarness;
let connector: FxiaokeConnector;
let server: Server;
let hookUrl = '';
const inbox = new Map<string, ChangeEvent>();
let onEvent: (() => void) | null = null;

async function collect<T>(it: AsyncIterable<Page<T>>): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for await (const p of it) for (const i of p.items) out.set((i.record as { id: string }).id, i.record);
  return out;
}

beforeAll(async () => {
  h = await createFxiaokeHarness({
    seed: 2026,
    partners: 2_000,
    accounts: 8_000,
    opportunities: 50_000,
    resultFields: 'apiNames',
    now: sandboxNow,
  });
  connector = h.makeConnector({
    writeMode: 'apl',
    ...SANDBOX_FIELD_MAPPING,
  });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const v = await connector.verifyWebhook({
        headers: req.headers,
        query: {},
        rawBody: Buffer.concat(chunks),
      });
      if (!v.ok) {
        res.writeHead(v.status).end();
        return;
      }
      // The inbox: unique per eventKey; acknowledged before any work happens.
      for (const e of v.events) if (!inbox.has(e.eventKey)) inbox.set(e.eventKey, e);
      res
        .writeHead(v.reply?.status ?? 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(v.reply?.body));
      onEvent?.();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/fxiaoke/tenant-e2e`;
});

afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('Fxiaoke loop with the real core', () => {
  it('full sync → score → write back; a deal won in the sandbox changes the partner fields by callback', async () => {
    const parsed = parsePlan(PLAN);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const plan = parsed.plan;
    const calls = () => h.sandbox.calls.total;

    // 1. Full sync.
    let t = performance.now();
    h.sandbox.resetCalls();
    const partners = await collect<Partner>(connector.listPartners({ full: true }));
    const accounts = await collect<Account>(connector.listAccounts({ full: true }));
    const deals = await collect<Deal>(connector.listDeals({ full: true }));
    const syncMs = performance.now() - t;
    const syncCalls = calls();
    expect([partners.size, accounts.size, deals.size]).toEqual([2_000, 8_000, 50_000]);

    // 2. Score the quarter with the core.
    t = performance.now();
    const input = () => ({
      partners: [...partners.values()],
      accounts: [...accounts.values()],
      deals: [...deals.values()],
    });
    const computedAt = new Date(sandboxNow()).toISOString();
    const first = score(plan, input(), { period: PERIOD, computedAt });
    const scoreMs = performance.now() - t;
    expect(first.results).toHaveLength(2_000);

    // 3. Write every result back (APL batches of 100).
    t = performance.now();
    h.sandbox.resetCalls();
    const writes: ResultWrite[] = first.results.map((r) => ({
      partnerId: r.partnerId,
      fields: toResultFields(first, r),
    }));
    const outcomes = await connector.writeResults(writes);
    const writeMs = performance.now() - t;
    const writeCalls = calls();
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(h.sandbox.calls.byPath['/cgi/crm/v2/special/function']).toBe(20);

    // 4. Pick a partner with an open deal and little revenue; a user marks the deal 赢单.
    const byPartner = new Map(first.results.map((r) => [r.partnerId, r]));
    const candidate = [...deals.values()]
      .filter((d) => d.status === 'open' && d.partnerId && Number(d.amount) > 500_000)
      .sort(
        (a, b) => (byPartner.get(a.partnerId!)?.score ?? 0) - (byPartner.get(b.partnerId!)?.score ?? 0),
      )[0]!;
    const partnerId = candidate.partnerId!;
    const before = { ...h.sandbox.record('PartnerObj', partnerId)! };
    h.sandbox.push.callback = { url: hookUrl, aesKey: TEST_AES_KEY, enterpriseAccount: 'fssandbox' };
    // Our own write-back also changes partner records; only the deal event matters here.
    await h.sandbox.push.idle();
    inbox.clear();
    h.sandbox.resetCalls();
    const arrived = new Promise<void>((r) => {
      onEvent = () => [...inbox.values()].some((e) => e.entity === 'deal') && r();
    });
    t = performance.now();
    await fetch(`${h.sandbox.url}/sandbox/opportunity/win`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: candidate.id }),
    });
    await arrived;
    const ackMs = performance.now() - t;

    // 5. The event names the record: re-read, rescore, write only what changed.
    const event = [...inbox.values()].find((e) => e.entity === 'deal')!;
    expect(event.ids).toEqual([candidate.id]);
    const page = await connector.getDeals(event.ids);
    for (const d of page.items) deals.set(d.record.id, d.record);
    expect(deals.get(candidate.id)?.status).toBe('won');
    const at2 = new Date(sandboxNow()).toISOString();
    const second = score(plan, input(), { period: PERIOD, computedAt: at2 });
    const changed = second.results.filter((r) => {
      const old = byPartner.get(r.partnerId)!;
      return old.inputsHash !== r.inputsHash || old.rank.overall !== r.rank.overall;
    });
    expect(changed.map((r) => r.partnerId)).toContain(partnerId);
    const out2 = await connector.writeResults(
      changed.map((r) => ({ partnerId: r.partnerId, fields: toResultFields(second, r) })),
    );
    const pushMs = performance.now() - t;
    expect(out2.every((o) => o.ok)).toBe(true);
    const pushCalls = h.sandbox.calls.byPath;

    const after = h.sandbox.record('PartnerObj', partnerId)!;
    const newResult = second.results.find((r) => r.partnerId === partnerId)!;
    expect(after.ci_inputs_hash__c).toBe(newResult.inputsHash);
    expect(after.ci_inputs_hash__c).not.toBe(before.ci_inputs_hash__c);
    expect(after.ci_payout__c).toBe(newResult.payout.total);
    expect(Number(after.ci_score__c)).toBeGreaterThan(Number(before.ci_score__c));

    console.log(
      [
        '[fxiaoke loop]',
        `full sync ${Math.round(syncMs)} ms / ${syncCalls} API calls;`,
        `score 2,000 partners × 50,000 deals ${Math.round(scoreMs)} ms;`,
        `write-back 2,000 results ${Math.round(writeMs)} ms / ${writeCalls} calls (APL, 100 per call);`,
        `win → callback acknowledged ${Math.round(ackMs)} ms;`,
        `win → fields changed ${Math.round(pushMs)} ms / ${Object.values(pushCalls).reduce((a, b) => a + b, 0)} calls`,
        JSON.stringify(pushCalls),
        `(${changed.length} partners rewritten: score ${before.ci_score__c} → ${after.ci_score__c}, tier ${before.ci_tier__c} → ${after.ci_tier__c})`,
      ].join(' '),
    );
  }, 60_000);
});
