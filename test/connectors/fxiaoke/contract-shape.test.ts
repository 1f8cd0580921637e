// The connector through the CRM-neutral surface only (CrmConnector + harness ops), the way the
// shared contract suite will drive it: no Fxiaoke types below the harness line.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmConnector, WebhookVerdict } from '../../../connectors/contract.js';
import { createFxiaokeHarness, type FxiaokeHarness } from './harness.js';

let h: FxiaokeHarness;
let connector: CrmConnector;
let server: Server;
const verdicts: WebhookVerdict[] = [];

beforeAll(async () => {
  h = await createFxiaokeHarness({ partners: 120, accounts: 300, opportunities: 1_500 });
  connector = h.makeConnector();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const request = { headers: req.headers, query: {}, rawBody: Buffer.concat(chunks) };
      const v = await connector.verifyWebhook(request);
      verdicts.push(v);
      const status = v.ok ? (v.reply?.status ?? 200) : v.status;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify(v.ok ? v.reply?.body : { error: v.reason }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  h.ops.registerPush(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
});
afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('CrmConnector contract shape (fxiaoke)', () => {
  it('kind and limits', () => {
    expect(connector.kind).toBe('fxiaoke');
    expect(connector.limits.readPageSize).toBeLessThanOrEqual(100);
    expect(connector.limits.writeBatchSize).toBeGreaterThanOrEqual(1);
    expect(connector.limits.rate).toEqual({ calls: expect.any(Number), perMs: expect.any(Number) });
  });

  it('lists every partner, account and deal once, with ISO modifiedAt', async () => {
    for (const [entity, list] of [
      ['partner', connector.listPartners()],
      ['account', connector.listAccounts()],
      ['deal', connector.listDeals()],
    ] as const) {
      const ids: string[] = [];
      for await (const page of list) {
        for (const i of page.items) {
          ids.push(i.record.id);
          expect(new Date(i.modifiedAt).toISOString()).toBe(i.modifiedAt);
        }
      }
      expect(ids.sort()).toEqual([...h.ops.ids(entity)].sort());
    }
  });

  it('writes results and reports one outcome per row, in order', async () => {
    const ids = h.ops.ids('partner').slice(0, 3);
    const out = await connector.writeResults(
      ids.map((partnerId, i) => ({
        partnerId,
        fields: {
          tier: 'Gold',
          score: 90 + i,
          payout: '100.00',
          period: '2026-Q4',
          rank: i + 1,
          nextTier: null,
          nextTierGap: null,
          awards: '',
          updated: '2026-11-27T00:00:00.000Z',
          details: '{}',
          inputsHash: `h${i}`,
        },
      })),
    );
    expect(out).toEqual(ids.map((partnerId) => ({ partnerId, ok: true })));
  });

  it('a won deal pushes a verifiable event naming it; getDeals re-reads it as won', async () => {
    verdicts.length = 0;
    const open = (await connector.getDeals(h.ops.ids('deal').slice(0, 100))).items.find(
      (d) => d.record.status === 'open',
    )!;
    await h.ops.winDeal(open.record.id);
    const event = verdicts.flatMap((v) => (v.ok ? v.events : [])).find((e) => e.entity === 'deal');
    expect(event?.ids).toEqual([open.record.id]);
    expect((await connector.getDeals([open.record.id])).items[0]?.record.status).toBe('won');
  });

  it('rejects an unauthenticated push with 401 and classifies errors', async () => {
    const v = await connector.verifyWebhook({
      headers: {},
      query: {},
      rawBody: Buffer.from('{"dataId":"x"}'),
    });
    expect(v).toMatchObject({ ok: false, status: 401 });
    expect(connector.classify(new Error('boom')).kind).toBe('permanent');
  });
});
