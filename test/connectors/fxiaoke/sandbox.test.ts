// The sandbox behaves as the fact sheet documents (so tests against it mean something).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FxiaokeClient } from '../../../connectors/fxiaoke/fxiaoke.client.js';
import { EndpointLimiter } from '../../../connectors/fxiaoke/fxiaoke.limiter.js';
import { seedTenant } from '../../../connectors/fxiaoke/sandbox/sandbox.seed.js';
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { createFxiaokeHarness } from './harness.js';

type J = Record<string, unknown>;
let s: FxiaokeSandbox;
let clock = Date.UTC(2026, 10, 26, 4, 0, 0); // 12:00 in Shanghai

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<J> {
  const r = await fetch(`${s.url}${path}?thirdTraceId=00000000-0000-4000-8000-000000000000`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  expect(r.status).toBe(200); // errors are HTTP 200 bodies
  return (await r.json()) as J;
}

async function legacyAuth(): Promise<J> {
  const t = await post('/cgi/corpAccessToken/get/V2', SANDBOX_APP);
  return {
    corpAccessToken: t.corpAccessToken,
    corpId: t.corpId,
    currentOpenUserId: SANDBOX_TENANT.admin.openUserId,
  };
}

const query = (auth: J, sqi: J, api = 'NewOpportunityObj', path = '/cgi/crm/v2/data/query') =>
  post(path, { ...auth, data: { dataObjectApiName: api, search_query_info: sqi } });

beforeAll(async () => {
  s = await startFxiaokeSandbox({
    seed: 3,
    partners: 50,
    accounts: 100,
    opportunities: 300,
    dailyQuota: 1_000_000,
    tokenRateLimit: { calls: 1_000, perMs: 60_000 },
    rateLimit: { calls: 1_000_000, perMs: 20_000 },
    now: () => clock,
  });
});
afterAll(async () => {
  await s.close();
});

describe('seeding', () => {
  it('is deterministic per seed, with Chinese data across provinces and CNY amount strings', () => {
    const o = { seed: 11, partners: 30, accounts: 60, opportunities: 200, partnerLookupField: 'partner_id' };
    const a = seedTenant(o);
    expect(JSON.stringify(seedTenant(o))).toBe(JSON.stringify(a));
    expect(JSON.stringify(seedTenant({ ...o, seed: 12 }))).not.toBe(JSON.stringify(a));
    expect(new Set(a.AccountObj.map((r) => r.province__r)).size).toBeGreaterThan(8);
    expect(a.PartnerObj[0]!.name).toMatch(/有限公司/);
    expect(a.NewOpportunityObj.every((r) => /^\d+\.\d{2}$/.test(r.amount as string))).toBe(true);
  });

  it('seeds 2,000 partners and 50,000 opportunities in memory (time printed, not asserted)', () => {
    const t0 = performance.now();
    const big = seedTenant({
      seed: 1,
      partners: 2_000,
      accounts: 8_000,
      opportunities: 50_000,
      partnerLookupField: 'partner_id',
    });
    console.log(`[fxiaoke sandbox] seeded 60,000 records in ${Math.round(performance.now() - t0)} ms`);
    expect(big.NewOpportunityObj).toHaveLength(50_000);
  });
});

describe('tokens', () => {
  it('legacy: the same token for 6600 s, then a new one; each lives 7200 s', async () => {
    const a = await post('/cgi/corpAccessToken/get/V2', SANDBOX_APP);
    expect(a).toMatchObject({ errorCode: 0, corpId: SANDBOX_TENANT.corpId, expiresIn: 7200 });
    clock += 6_000_000;
    const b = await post('/cgi/corpAccessToken/get/V2', SANDBOX_APP);
    expect(b.corpAccessToken).toBe(a.corpAccessToken);
    expect(b.expiresIn).toBe(1200);
    clock += 700_000; // 6700 s after issue
    const c = await post('/cgi/corpAccessToken/get/V2', SANDBOX_APP);
    expect(c.corpAccessToken).not.toBe(a.corpAccessToken);
    const auth = {
      corpAccessToken: a.corpAccessToken,
      corpId: a.corpId,
      currentOpenUserId: SANDBOX_TENANT.admin.openUserId,
    };
    expect((await query(auth, { limit: 1, offset: 0 })).errorCode).toBe(0); // old one still valid
    clock += 600_000; // 7300 s
    expect((await query(auth, { limit: 1, offset: 0 })).errorCode).toBe(20016);
  });

  it('oauth2: /oauth2.0/token with grantType, then Bearer + x-fs-ea + x-fs-userid', async () => {
    const t = await post('/oauth2.0/token', { ...SANDBOX_APP, grantType: 'app_secret' });
    expect(t).toMatchObject({ errorCode: 0, ea: SANDBOX_TENANT.ea, appId: SANDBOX_APP.appId });
    const headers = {
      authorization: `Bearer ${t.accessToken}`,
      'x-fs-ea': SANDBOX_TENANT.ea,
      'x-fs-userid': '1000',
    };
    const r = await post(
      '/cgi/crm/v2/data/query',
      { data: { dataObjectApiName: 'PartnerObj', search_query_info: { limit: 2, offset: 0 } } },
      headers,
    );
    expect(r.errorCode).toBe(0);
    const bad = await post(
      '/cgi/crm/v2/data/query',
      { data: {} },
      { ...headers, authorization: 'Bearer nope' },
    );
    expect(bad).toMatchObject({
      errorCode: 20016,
      errorMessage: 'the cropId,cropAccessToken or authorization is error',
    });
  });

  it('credential and auth errors are the probed codes', async () => {
    expect((await post('/cgi/corpAccessToken/get/V2', { ...SANDBOX_APP, appSecret: 'x' })).errorCode).toBe(
      10006,
    );
    expect(
      (await post('/cgi/corpAccessToken/get/V2', { ...SANDBOX_APP, permanentCode: 'x' })).errorCode,
    ).toBe(20015);
    expect(await query({}, { limit: 1, offset: 0 })).toMatchObject({
      errorCode: 20017,
      errorMessage: 'corpAccessToken为必填项，不能为空',
    });
  });

  it('getByMobile resolves the admin openUserId', async () => {
    const t = await post('/cgi/corpAccessToken/get/V2', SANDBOX_APP);
    const r = await post('/cgi/user/getByMobile', {
      corpId: t.corpId,
      corpAccessToken: t.corpAccessToken,
      mobile: SANDBOX_TENANT.admin.mobile,
    });
    expect((r.empList as J[])[0]?.openUserId).toBe(SANDBOX_TENANT.admin.openUserId);
  });
});

describe('query rules', () => {
  it('offset beyond 10000 is errorCode 10013; limit max 100; offset a multiple of limit', async () => {
    const auth = await legacyAuth();
    expect(await query(auth, { limit: 100, offset: 10_100 })).toMatchObject({
      errorCode: 10013,
      errorMessage: 'offset out of range 10000',
      errorDescription: 'offset 不能超过10000',
    });
    expect((await query(auth, { limit: 100, offset: 10_000 })).errorCode).toBe(0);
    expect((await query(auth, { limit: 101, offset: 0 })).errorCode).not.toBe(0);
    expect((await query(auth, { limit: 30, offset: 45 })).errorCode).not.toBe(0);
  });

  it('a custom object answers on the custom paths: query, get, update', async () => {
    const auth = await legacyAuth();
    const q = await query(auth, { limit: 10, offset: 0 }, 'object_Rb7x2__c', '/cgi/crm/custom/v2/data/query');
    const list = (q.data as J).dataList as J[];
    expect(list).toHaveLength(10);
    const id = list[0]!._id;
    const g = await post('/cgi/crm/custom/v2/data/get', {
      ...auth,
      data: { dataObjectApiName: 'object_Rb7x2__c', objectDataId: id },
    });
    expect((g.data as J).field_Am5r2__c).toMatch(/^\d+\.00$/);
    const u = await post('/cgi/crm/custom/v2/data/update', {
      ...auth,
      triggerWorkFlow: false,
      data: { object_data: { _id: id, dataObjectApiName: 'object_Rb7x2__c', field_Am5r2__c: '1234.50' } },
    });
    expect(u.errorCode).toBe(0);
    expect(s.record('object_Rb7x2__c', id as string)?.field_Am5r2__c).toBe('1234.50');
  });

  it('custom-object paths only for __c objects, and vice versa', async () => {
    const auth = await legacyAuth();
    expect(
      (await query(auth, { limit: 1, offset: 0 }, 'PartnerObj', '/cgi/crm/custom/v2/data/query')).errorCode,
    ).toBe(15002);
    expect((await query(auth, { limit: 1, offset: 0 }, 'object_50HJ8__c')).errorCode).toBe(15002);
  });

  it('operators: EQ, N (matches empty), IN, BETWEEN, LIKE, IS, GT on ms time; fieldProjection', async () => {
    const auth = await legacyAuth();
    const rows = s.tables.get('NewOpportunityObj')!.rows;
    const count = async (filters: J[]) => {
      const r = await query(auth, { limit: 100, offset: 0, filters });
      return ((r.data as J).dataList as J[]).length;
    };
    const expectCount = (pred: (r: J) => boolean) => Math.min(100, rows.filter(pred).length);
    expect(await count([{ field_name: 'sales_status', operator: 'EQ', field_values: ['2'] }])).toBe(
      expectCount((r) => r.sales_status === '2'),
    );
    expect(await count([{ field_name: 'field_Cs4t8__c', operator: 'IS', field_values: [] }])).toBe(
      expectCount((r) => r.field_Cs4t8__c === undefined),
    );
    expect(await count([{ field_name: 'sales_status', operator: 'IN', field_values: ['3', '4'] }])).toBe(
      expectCount((r) => r.sales_status === '3' || r.sales_status === '4'),
    );
    expect(await count([{ field_name: 'partner_id', operator: 'N', field_values: ['zzz'] }])).toBe(
      expectCount(() => true),
    );
    expect(
      await count([{ field_name: 'amount', operator: 'BETWEEN', field_values: ['100000', '200000'] }]),
    ).toBe(expectCount((r) => Number(r.amount) >= 100_000 && Number(r.amount) <= 200_000));
    expect(await count([{ field_name: 'name', operator: 'LIKE', field_values: ['项目'] }])).toBe(100);
    const t = String(rows[10]!.last_modified_time);
    expect(await count([{ field_name: 'last_modified_time', operator: 'GT', field_values: [t] }])).toBe(
      expectCount((r) => (r.last_modified_time as number) > Number(t)),
    );
    const p = await query(auth, { limit: 1, offset: 0, fieldProjection: ['name', 'account_id'] });
    const rec = ((p.data as J).dataList as J[])[0]!;
    expect(Object.keys(rec).sort()).toEqual(['_id', 'account_id', 'account_id__r', 'name']);
  });
});

describe('update, describe, object list', () => {
  it('update validates field existence, types and option codes; data.data gives the NPE', async () => {
    const auth = await legacyAuth();
    const id = s.tables.get('PartnerObj')!.rows[0]!._id;
    const up = (od: J) =>
      post('/cgi/crm/v2/data/update', {
        ...auth,
        triggerWorkFlow: false,
        data: { object_data: { _id: id, dataObjectApiName: 'PartnerObj', ...od } },
      });
    expect((await up({ field_Lv8p2__c: 'lv_2xW7k' })).errorCode).toBe(0);
    expect((await up({ field_Lv8p2__c: '金牌' })).errorDescription).toMatch(/not an option value/);
    expect((await up({ no_such__c: 'x' })).errorDescription).toMatch(/does not exist/);
    expect((await up({ field_Ag2e5__c: '2027-01-01' })).errorDescription).toMatch(/ms timestamp/);
    expect((await up({ owner: ['1000'] })).errorDescription).toMatch(/cannot be changed/);
    const npe = await post('/cgi/crm/v2/data/update', { ...auth, data: { data: { _id: id } } });
    expect(npe.errorDescription).toBe('java.lang.NullPointerException');
  });

  it('describe carries types, option codes and lookup targets; object list shows active objects', async () => {
    const auth = await legacyAuth();
    const d = await post('/cgi/crm/v2/object/describe', {
      ...auth,
      data: { apiName: 'NewOpportunityObj', includeDetail: true },
    });
    const fields = ((d.data as J).describe as J).fields as Record<string, J>;
    expect(fields.amount).toMatchObject({ type: 'currency', decimal_places: 2 });
    expect(fields.close_date).toMatchObject({ type: 'date', time_zone: 'GMT+8' });
    expect(fields.partner_id).toMatchObject({ type: 'object_reference', target_api_name: 'PartnerObj' });
    expect(fields.sales_status!.options).toContainEqual({ label: '赢单', value: '2' });
    const l = await post('/cgi/crm/v2/object/list', { ...auth, data: { includeNull: false } });
    expect((l.data as J).objects).toContainEqual(
      expect.objectContaining({ describeApiName: 'OpportunityObj', isActive: false }),
    );
  });
});

describe('limits', () => {
  it('per-endpoint limit answers 14001; the daily quota answers 30002 and resets at China midnight', async () => {
    const q = await startFxiaokeSandbox({
      partners: 5,
      opportunities: 5,
      rateLimit: { calls: 3, perMs: 20_000 },
      dailyQuota: 5,
      now: () => clock,
    });
    try {
      const t = (await (
        await fetch(`${q.url}/cgi/corpAccessToken/get/V2`, {
          method: 'POST',
          body: JSON.stringify(SANDBOX_APP),
        })
      ).json()) as J;
      const auth = {
        corpAccessToken: t.corpAccessToken,
        corpId: t.corpId,
        currentOpenUserId: SANDBOX_TENANT.admin.openUserId,
      };
      const call = async (path: string) =>
        (
          (await (
            await fetch(`${q.url}${path}`, {
              method: 'POST',
              body: JSON.stringify({
                ...auth,
                data: {
                  dataObjectApiName: 'PartnerObj',
                  apiName: 'PartnerObj',
                  search_query_info: { limit: 1, offset: 0 },
                },
              }),
            })
          ).json()) as J
        ).errorCode;
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push(await call('/cgi/crm/v2/data/query'));
      expect(codes).toEqual([0, 0, 0, 14001]);
      // Another endpoint has its own window, but the day's quota (5) runs out.
      expect([
        await call('/cgi/crm/v2/object/describe'),
        await call('/cgi/crm/v2/object/describe'),
        await call('/cgi/crm/v2/object/describe'),
      ]).toEqual([0, 0, 30002]);
      const midnight = Math.floor((clock + 8 * 3600_000) / 86_400_000 + 1) * 86_400_000 - 8 * 3600_000;
      q.advanceClock(midnight - clock + 1);
      q.expireTokens();
      expect(await call('/cgi/crm/v2/object/describe')).toBe(20016); // quota reset, token gone
    } finally {
      await q.close();
    }
  });

  it('an optional per-second burst limit answers 30004 (秒频次超限), and the connector backs off through it', async () => {
    let t = clock;
    const h = await createFxiaokeHarness({
      partners: 300,
      opportunities: 10,
      burstPerSecond: 2,
      now: () => t,
    });
    try {
      // The sandbox clock moves only when the client waits, so bursts are deterministic.
      const c = h.make({ retry: { attempts: 6, baseMs: 1_000, maxMs: 2_000 } });
      const client = new FxiaokeClient(c.deps, c.connector.settings, {
        sleep: async (ms) => {
          t += ms;
        },
      });
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = (await client.call('/cgi/crm/v2/object/describe', { data: { apiName: 'PartnerObj' } })) as {
          errorCode: number;
        };
        codes.push(r.errorCode);
      }
      expect(codes).toEqual([0, 0, 0, 0]);
      expect(h.sandbox.calls.byCode[30004]).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  });

  it('the connector paced below the sandbox limit never sees 14001', async () => {
    const h = await createFxiaokeHarness({
      partners: 700,
      opportunities: 10,
      rateLimit: { calls: 6, perMs: 400 },
    });
    try {
      const c = h.makeConnector({ rateLimit: { calls: 3, perMs: 400 } });
      let n = 0;
      for await (const p of c.listPartners()) n += p.items.length;
      expect(n).toBe(700);
      expect(h.sandbox.calls.byCode[14001]).toBeUndefined();
    } finally {
      await h.close();
    }
  });

  it('EndpointLimiter: at most `calls` per window per key, keys independent', async () => {
    let now = 0;
    const waits: number[] = [];
    const l = new EndpointLimiter(
      () => ({ calls: 2, perMs: 1_000 }),
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    await l.acquire('a');
    await l.acquire('a');
    await l.acquire('b');
    expect(waits).toEqual([]);
    await l.acquire('a');
    expect(waits).toEqual([1_000]);
    expect(l.inWindow('a')).toBe(1);
  });
});
