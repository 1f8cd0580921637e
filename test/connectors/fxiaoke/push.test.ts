// Push end to end against the sandbox: a stage change to 赢单 produces an encrypted callback
// that our verifier accepts, that names the record, and whose encrypted "success" reply the
// vendor side accepts; redeliveries keep the eventKey; wrong keys are rejected; the APL
// workflow webhook fires for a user's change but not for API writes with triggerWorkFlow false.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../connectors/contract.js';
import type { FxiaokeConnector } from '../../../connectors/fxiaoke/fxiaoke.connector.js';
import { createFxiaokeHarness, type FxiaokeHarness, TEST_AES_KEY } from './harness.js';

interface Received {
  status: number;
  events: ChangeEvent[];
  reason?: string;
}

let h: FxiaokeHarness;
let connector: FxiaokeConnector;
let server: Server;
let url = '';
const received: Received[] = [];
let failNext = 0;

beforeAll(async () => {
  h = await createFxiaokeHarness({ partners: 50, opportunities: 500 });
  connector = h.makeConnector();
  // Stands in for our webhook route: verify, answer with the connector's reply.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      const verdict = await connector.verifyWebhook({
        headers: req.headers,
        query: {},
        rawBody: Buffer.concat(chunks),
      });
      if (verdict.ok) {
        received.push({ status: verdict.reply?.status ?? 200, events: verdict.events });
        res.writeHead(verdict.reply?.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(verdict.reply?.body ?? { ok: true }));
      } else {
        received.push({ status: verdict.status, events: [], reason: verdict.reason });
        res.writeHead(verdict.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'unauthorized', message: verdict.reason } }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/fxiaoke/t1`;
});

afterAll(async () => {
  await h.close();
  await new Promise<void>((r) => server.close(() => r()));
});

function openDeals(): string[] {
  return h.sandbox.tables
    .get('NewOpportunityObj')!
    .rows.filter((r) => r.sales_status === '1')
    .map((r) => r._id as string);
}

describe('data-change callback', () => {
  it('a deal marked 赢单 in the sandbox reaches us verified, names the record, and re-reads as won', async () => {
    h.sandbox.push.callback = { url, aesKey: TEST_AES_KEY, enterpriseAccount: 'fssandbox' };
    received.length = 0;
    const id = openDeals()[0]!;
    // As a CRM user would, through the sandbox-only route.
    const res = await fetch(`${h.sandbox.url}/sandbox/opportunity/win`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id }),
    });
    expect(res.status).toBe(200);
    await h.sandbox.push.idle();

    const delivery = h.sandbox.push.deliveries.at(-1)!;
    expect(delivery).toMatchObject({ kind: 'callback', dataId: id, status: 'delivered', attempts: 1 });
    expect(received).toEqual([
      {
        status: 200,
        events: [{ eventKey: delivery.messageId, entity: 'deal', operation: 'upsert', ids: [id] }],
      },
    ]);
    // The event only names the record: re-read it.
    const page = await connector.getDeals(received[0]!.events[0]!.ids);
    expect(page.items[0]?.record).toMatchObject({ id, status: 'won' });
  });

  it('a redelivery after a failed attempt carries the same messageId → the same eventKey', async () => {
    received.length = 0;
    failNext = 1;
    const id = openDeals()[0]!;
    h.sandbox.winOpportunity(id);
    await h.sandbox.push.idle();
    const delivery = h.sandbox.push.deliveries.at(-1)!;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(received).toHaveLength(1);
    expect(received[0]!.events[0]!.eventKey).toBe(delivery.messageId);
  });

  it('a callback signed with another aesKey is rejected every time and produces no event', async () => {
    h.sandbox.push.callback = {
      url,
      aesKey: Buffer.alloc(32, 1).toString('base64'),
      enterpriseAccount: 'fssandbox',
    };
    received.length = 0;
    h.sandbox.winOpportunity(openDeals()[0]!);
    await h.sandbox.push.idle();
    expect(h.sandbox.push.deliveries.at(-1)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(received.every((r) => r.status === 401 && r.events.length === 0)).toBe(true);
    expect(received).toHaveLength(3);
    h.sandbox.push.callback = null;
  });

  it('our own write-back produces a partner callback (the change happened) that is harmless to re-read', async () => {
    h.sandbox.push.callback = { url, aesKey: TEST_AES_KEY, enterpriseAccount: 'fssandbox' };
    received.length = 0;
    const partnerId = h.sandbox.tables.get('PartnerObj')!.rows[0]!._id as string;
    await connector.writeResults([
      {
        partnerId,
        fields: {
          tier: '金牌',
          score: 91,
          payout: '1000.00',
          period: '2026-Q4',
          rank: 1,
          nextTier: null,
          nextTierGap: null,
          awards: '',
          updated: new Date().toISOString(),
          details: '{}',
          inputsHash: 'h',
        },
      },
    ]);
    await h.sandbox.push.idle();
    expect(received.flatMap((r) => r.events)).toEqual([
      expect.objectContaining({ entity: 'partner', ids: [partnerId] }),
    ]);
    h.sandbox.push.callback = null;
  });
});

describe('APL workflow webhook', () => {
  it('fires when a user marks a deal 赢单, authenticated with the tenant secret', async () => {
    h.sandbox.push.workflow = { url, secret: 'wf-secret-for-tests-0123456789' };
    received.length = 0;
    const id = openDeals()[0]!;
    const rec = h.sandbox.winOpportunity(id);
    await h.sandbox.push.idle();
    expect(received).toEqual([
      {
        status: 200,
        events: [
          {
            eventKey: `wf:NewOpportunityObj:${id}:${rec.last_modified_time}`,
            entity: 'deal',
            operation: 'upsert',
            ids: [id],
          },
        ],
      },
    ]);
  });

  it('does not fire for an API write with triggerWorkFlow false, fires for one without it', async () => {
    received.length = 0;
    const [a, b] = openDeals();
    const post = (id: string, trigger: boolean | undefined) =>
      connector.client.call('/cgi/crm/v2/data/update', {
        top: trigger === undefined ? {} : { triggerWorkFlow: trigger },
        data: { object_data: { _id: id, dataObjectApiName: 'NewOpportunityObj', sales_status: '2' } },
      });
    await post(a!, false);
    await h.sandbox.push.idle();
    expect(received).toEqual([]);
    await post(b!, undefined); // omitted → default true (§2.4)
    await h.sandbox.push.idle();
    expect(received.flatMap((r) => r.events.map((e) => e.ids[0]))).toEqual([b]);
  });

  it('a wrong secret is refused with 401', async () => {
    h.sandbox.push.workflow = { url, secret: 'not-the-secret-0123456789' };
    received.length = 0;
    h.sandbox.winOpportunity(openDeals()[0]!);
    await h.sandbox.push.idle();
    expect(received).toEqual([
      { status: 401, events: [], reason: expect.stringContaining('x-ci-webhook-secret') },
    ]);
    expect(h.sandbox.push.deliveries.at(-1)).toMatchObject({ kind: 'workflow', status: 'failed' });
    h.sandbox.push.workflow = null;
  });
});

describe('invalidation (作废)', () => {
  it('data/invalid hides the record, pushes a delete event, and listDeleted reports it', async () => {
    h.sandbox.push.callback = { url, aesKey: TEST_AES_KEY, enterpriseAccount: 'fssandbox' };
    received.length = 0;
    const since = new Date(h.sandbox.now() - 1);
    const id = openDeals()[1]!;
    await connector.client.call('/cgi/crm/v2/data/invalid', {
      data: { dataObjectApiName: 'NewOpportunityObj', object_data_id: id },
    });
    await h.sandbox.push.idle();
    expect(received.flatMap((r) => r.events)).toEqual([
      expect.objectContaining({ entity: 'deal', operation: 'delete', ids: [id] }),
    ]);
    expect((await connector.getDeals([id])).items).toEqual([]);
    const deleted = [];
    for await (const batch of connector.listDeleted(since)) deleted.push(...batch);
    expect(deleted).toEqual([expect.objectContaining({ entity: 'deal', id })]);
    h.sandbox.push.callback = null;
  });

  it('data/create answers a dataId and the new deal is listed incrementally', async () => {
    const since = new Date(h.sandbox.now() - 1);
    const partner = h.sandbox.tables.get('PartnerObj')!.rows[3]!;
    const r = (await connector.client.call('/cgi/crm/v2/data/create', {
      top: { triggerWorkFlow: false },
      data: {
        object_data: {
          dataObjectApiName: 'NewOpportunityObj',
          name: '新建测试商机',
          amount: '88000.00',
          close_date: Date.UTC(2026, 11, 15, 16),
          sales_status: '1',
          partner_id: partner._id,
        },
      },
    })) as { dataId: string };
    const found = [];
    for await (const p of connector.listDeals({ since })) found.push(...p.items.map((i) => i.record));
    expect(found).toContainEqual(
      expect.objectContaining({
        id: r.dataId,
        name: '新建测试商机',
        amount: '88000.00',
        partnerId: partner._id,
        status: 'open',
      }),
    );
  });
});
