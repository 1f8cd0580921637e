// Client edge cases at the CRM boundary with nock (no sandbox): token refresh on 20016,
// back-off on 30004, 30002 pausing the tenant, HTTP-200 error bodies never read as success.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CrmError } from '../../../connectors/contract.js';
import { FxiaokeClient } from '../../../connectors/fxiaoke/fxiaoke.client.js';
import { parseFxiaokeSettings } from '../../../connectors/fxiaoke/fxiaoke.settings.js';
import { memoryDeps } from './harness.js';

const HOST = 'https://open.fxiaoke.com';
const APP = { appId: 'FSAID_test', appSecret: 'secret-1', permanentCode: 'PERM-1' };
const OPERATOR = 'FSUID_0642D2A6D0AC2FEDF2BF0930E9469F98';
const QUERY = '/cgi/crm/v2/data/query';
const LEGACY_TOKEN = '/cgi/corpAccessToken/get/V2';
const NOW = new Date('2027-03-31T15:30:00Z'); // 23:30 in Shanghai

function setup(extra: Record<string, unknown> = {}, now: () => Date = () => NOW) {
  const settings = parseFxiaokeSettings({
    operator: { openUserId: OPERATOR },
    retry: { attempts: 4, baseMs: 100, maxMs: 2_000 },
    ...extra,
  });
  const m = memoryDeps(settings, { ...APP }, { now });
  const waits: number[] = [];
  const client = new FxiaokeClient(m.deps, settings, {
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 1,
  });
  return { client, waits, ...m };
}

const tokenReply = (t: string, expiresIn = 7200) => ({
  errorCode: 0,
  errorMessage: 'success',
  corpAccessToken: t,
  corpId: 'FSCID_1',
  expiresIn,
});
const okPage = {
  errorCode: 0,
  errorMessage: 'OK',
  traceId: 'E-O.ok',
  data: { dataList: [{ _id: 'x1' }], offset: 0, limit: 100, total: 0 },
};
const queryData = {
  dataObjectApiName: 'PartnerObj',
  search_query_info: { limit: 100, offset: 0, filters: [] },
};

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe('legacy token flow', () => {
  it('puts corpAccessToken, corpId and currentOpenUserId in the body and a thirdTraceId on the URL', async () => {
    const { client } = setup();
    nock(HOST).post(LEGACY_TOKEN, APP).query(true).reply(200, tokenReply('T1'));
    const seen: unknown[] = [];
    nock(HOST)
      .post(QUERY, (b) => {
        seen.push(b);
        return true;
      })
      .query((q) => typeof q.thirdTraceId === 'string' && /^[0-9a-f-]{36}$/.test(q.thirdTraceId))
      .reply(200, okPage);
    const r = await client.call(QUERY, { data: queryData });
    expect(r).toMatchObject({ errorCode: 0 });
    expect(seen[0]).toMatchObject({
      corpAccessToken: 'T1',
      corpId: 'FSCID_1',
      currentOpenUserId: OPERATOR,
      data: queryData,
    });
  });

  it('20016 → refresh once → success', async () => {
    const { client, vault } = setup();
    nock(HOST).post(LEGACY_TOKEN).query(true).reply(200, tokenReply('T1'));
    nock(HOST)
      .post(QUERY, (b) => b.corpAccessToken === 'T1')
      .query(true)
      .reply(200, {
        errorCode: 20016,
        errorMessage: 'corpAccessToken不存在或者已经过期',
        traceId: 'E-O.exp',
      });
    nock(HOST).post(LEGACY_TOKEN).query(true).reply(200, tokenReply('T2'));
    nock(HOST)
      .post(QUERY, (b) => b.corpAccessToken === 'T2')
      .query(true)
      .reply(200, okPage);
    const r = await client.call(QUERY, { data: queryData });
    expect(r).toMatchObject({ errorCode: 0 });
    expect(client.auth.tokenFetches).toBe(2);
    expect(vault().token?.accessToken).toBe('T2');
    expect(nock.isDone()).toBe(true);
  });

  it('20016 again right after the refresh parks the tenant as needs_reauth', async () => {
    const { client, statuses } = setup();
    nock(HOST).post(LEGACY_TOKEN).query(true).times(2).reply(200, tokenReply('T1'));
    nock(HOST).post(QUERY).query(true).times(2).reply(200, { errorCode: 20016 });
    const err = await client.call(QUERY, { data: queryData }).catch((e) => e);
    expect(err).toBeInstanceOf(CrmError);
    expect((err as CrmError).classification.kind).toBe('needsReauth');
    expect(statuses).toEqual([expect.objectContaining({ status: 'needs_reauth' })]);
  });

  it('caches the token until the refresh margin, then fetches a new one', async () => {
    let now = NOW.getTime();
    const { client } = setup({ tokenRefreshMarginSec: 600 }, () => new Date(now));
    nock(HOST).post(LEGACY_TOKEN).query(true).reply(200, tokenReply('T1', 7200));
    nock(HOST).post(QUERY).query(true).times(3).reply(200, okPage);
    await client.call(QUERY, { data: queryData });
    now += 6_599_000;
    await client.call(QUERY, { data: queryData });
    expect(client.auth.tokenFetches).toBe(1);
    now += 2_000; // past 7200 - 600 s
    nock(HOST).post(LEGACY_TOKEN).query(true).reply(200, tokenReply('T2', 7200));
    await client.call(QUERY, { data: queryData });
    expect(client.auth.tokenFetches).toBe(2);
  });

  it('50 concurrent calls with no token cause exactly one token request (single-flight)', async () => {
    const { client, lockRuns } = setup();
    const token = nock(HOST).post(LEGACY_TOKEN).query(true).delay(30).reply(200, tokenReply('T1'));
    nock(HOST).post(QUERY).query(true).times(50).reply(200, okPage);
    await Promise.all(Array.from({ length: 50 }, () => client.call(QUERY, { data: queryData })));
    expect(token.isDone()).toBe(true);
    expect(client.auth.tokenFetches).toBe(1);
    expect(lockRuns()).toBe(1);
  });

  it('reuses a token another process stored in the vault instead of fetching one', async () => {
    const { client, deps } = setup();
    await deps.credentials.write({
      ...APP,
      token: {
        style: 'legacy',
        accessToken: 'FROM-VAULT',
        corpId: 'FSCID_1',
        refreshAt: NOW.getTime() + 60_000,
      },
    });
    nock(HOST)
      .post(QUERY, (b) => b.corpAccessToken === 'FROM-VAULT')
      .query(true)
      .reply(200, okPage);
    await client.call(QUERY, { data: queryData });
    expect(client.auth.tokenFetches).toBe(0);
  });

  it('resolves the operator from an admin mobile number once', async () => {
    const { client } = setup({ operator: { mobile: '13800138000' } });
    nock(HOST).post(LEGACY_TOKEN).query(true).reply(200, tokenReply('T1'));
    const byMobile = nock(HOST)
      .post('/cgi/user/getByMobile', { corpId: 'FSCID_1', corpAccessToken: 'T1', mobile: '13800138000' })
      .query(true)
      .reply(200, {
        errorCode: 0,
        errorMessage: 'success',
        empList: [{ openUserId: 'FSUID_ADMIN', name: '管理员' }],
      });
    nock(HOST)
      .post(QUERY, (b) => b.currentOpenUserId === 'FSUID_ADMIN')
      .query(true)
      .times(2)
      .reply(200, okPage);
    await client.call(QUERY, { data: queryData });
    await client.call(QUERY, { data: queryData });
    expect(byMobile.isDone()).toBe(true);
  });

  it('bad app credentials on the token endpoint park the tenant (10006)', async () => {
    const { client, statuses } = setup();
    nock(HOST).post(LEGACY_TOKEN).query(true).reply(200, {
      errorCode: 10006,
      errorMessage: 'the parameter appSecret is missing or illegal',
      traceId: 'E-O.t',
    });
    const err = await client.call(QUERY, { data: queryData }).catch((e) => e);
    expect((err as CrmError).classification.kind).toBe('needsReauth');
    expect(statuses[0]?.status).toBe('needs_reauth');
  });
});

describe('oauth2 header style', () => {
  it('gets /oauth2.0/token with grantType app_secret and sends Bearer + x-fs-ea + x-fs-userid', async () => {
    const { client } = setup({ authStyle: 'oauth2', operator: { employeeId: '1000' } });
    nock(HOST)
      .post('/oauth2.0/token', { ...APP, grantType: 'app_secret' })
      .query(true)
      .reply(200, {
        openUserId: 'FSCID_x',
        accessToken: 'BC1',
        expiresIn: 7084,
        appId: APP.appId,
        ea: 'fxxxx1',
        errorCode: 0,
        errorMessage: 'success',
        traceId: 'E-O.f',
      });
    const seen: unknown[] = [];
    nock(HOST, { reqheaders: { authorization: 'Bearer BC1', 'x-fs-ea': 'fxxxx1', 'x-fs-userid': '1000' } })
      .post(QUERY, (b) => {
        seen.push(b);
        return true;
      })
      .query(true)
      .reply(200, okPage);
    await client.call(QUERY, { data: queryData });
    expect(seen[0]).toEqual({ data: queryData }); // no credentials in the body
  });

  it('refuses settings without the employee id the header needs', () => {
    expect(() => parseFxiaokeSettings({ authStyle: 'oauth2' })).toThrow(/operator\.employeeId/);
  });
});

describe('limits and HTTP-200 errors', () => {
  function withToken() {
    nock(HOST).post(LEGACY_TOKEN).query(true).reply(200, tokenReply('T1'));
  }

  it('30004 backs off with growing waits, then succeeds', async () => {
    const { client, waits } = setup();
    withToken();
    nock(HOST).post(QUERY).query(true).times(2).reply(200, { errorCode: 30004, errorMessage: '秒频次超限' });
    nock(HOST).post(QUERY).query(true).reply(200, okPage);
    const r = await client.call(QUERY, { data: queryData });
    expect(r).toMatchObject({ errorCode: 0 });
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(1_000); // at least the 30004 wait
    expect(waits[1]).toBeGreaterThanOrEqual(waits[0]!);
  });

  it('gives up after the configured attempts and reports rateLimited', async () => {
    const { client, waits, statuses } = setup();
    withToken();
    nock(HOST).post(QUERY).query(true).times(4).reply(200, { errorCode: 14001 });
    const err = await client.call(QUERY, { data: queryData }).catch((e) => e);
    expect((err as CrmError).classification.kind).toBe('rateLimited');
    expect(waits).toHaveLength(3);
    expect(statuses).toEqual([]); // a rate limit is not a tenant pause
  });

  it('30002 pauses the tenant until the next midnight in China time, without retrying', async () => {
    const { client, statuses, waits } = setup();
    withToken();
    nock(HOST)
      .post(QUERY)
      .query(true)
      .reply(200, { errorCode: 30002, errorMessage: '当天访问频次超限', traceId: 'E-O.q' });
    const err = await client.call(QUERY, { data: queryData }).catch((e) => e);
    expect((err as CrmError).classification.kind).toBe('quotaExhausted');
    expect(waits).toEqual([]);
    expect(statuses).toEqual([
      {
        status: 'paused',
        reason: expect.stringContaining('30002'),
        until: new Date('2027-03-31T16:00:00.000Z'),
      },
    ]);
  });

  it('while paused, calls fail fast without reaching Fxiaoke; after midnight they go through', async () => {
    let now = NOW.getTime();
    const { client, statuses } = setup({}, () => new Date(now));
    withToken();
    nock(HOST).post(QUERY).query(true).reply(200, { errorCode: 30002 });
    await client.call(QUERY, { data: queryData }).catch(() => undefined);
    // No interceptor is left: a call reaching the network would fail with a different error.
    const again = await client.call(QUERY, { data: queryData }).catch((e) => e);
    expect((again as CrmError).classification.kind).toBe('quotaExhausted');
    expect((again as CrmError).message).toContain('paused until 2027-03-31T16:00:00.000Z');
    expect(statuses).toHaveLength(1);
    now = Date.parse('2027-03-31T16:00:01Z');
    nock(HOST).post(QUERY).query(true).reply(200, okPage);
    await expect(client.call(QUERY, { data: queryData })).resolves.toMatchObject({ errorCode: 0 });
  });

  it('after needs_reauth, calls fail fast until an admin changes the app credentials', async () => {
    const { client, statuses, deps } = setup();
    nock(HOST)
      .post(LEGACY_TOKEN)
      .query(true)
      .reply(200, { errorCode: 20015, errorMessage: '永久授权码错误' });
    await Promise.all([1, 2, 3].map(() => client.call(QUERY, { data: queryData }).catch(() => undefined)));
    expect(statuses).toEqual([expect.objectContaining({ status: 'needs_reauth' })]);
    const again = await client.call(QUERY, { data: queryData }).catch((e) => e);
    expect((again as CrmError).message).toMatch(/needs re-authorization/);
    await deps.credentials.write({ ...APP, permanentCode: 'PERM-2' });
    nock(HOST)
      .post(LEGACY_TOKEN, { ...APP, permanentCode: 'PERM-2' })
      .query(true)
      .reply(200, tokenReply('T9'));
    nock(HOST).post(QUERY).query(true).reply(200, okPage);
    await expect(client.call(QUERY, { data: queryData })).resolves.toMatchObject({ errorCode: 0 });
  });

  it.each([
    [
      'an error code with HTTP 200',
      { errorCode: 10013, errorMessage: 'offset out of range 10000' },
      'permanent',
    ],
    ['a body without errorCode', { data: { dataList: [] } }, 'permanent'],
    ['an HTML page', '<html><body>302 Found</body></html>', 'permanent'],
  ])('never treats %s as success', async (_name, body, kind) => {
    const { client } = setup();
    withToken();
    nock(HOST).post(QUERY).query(true).reply(200, body);
    const err = await client.call(QUERY, { data: queryData }).catch((e) => e);
    expect(err).toBeInstanceOf(CrmError);
    expect((err as CrmError).classification.kind).toBe(kind);
  });

  it('retries -1 (系统繁忙), HTTP 502 and a timeout, then succeeds', async () => {
    const { client, waits } = setup({ timeoutMs: 300 });
    withToken();
    nock(HOST).post(QUERY).query(true).reply(200, { errorCode: -1, errorMessage: '系统繁忙' });
    nock(HOST).post(QUERY).query(true).reply(502, 'bad gateway');
    nock(HOST).post(QUERY).query(true).delay(2_000).reply(200, okPage);
    nock(HOST).post(QUERY).query(true).reply(200, okPage);
    await expect(client.call(QUERY, { data: queryData })).resolves.toMatchObject({ errorCode: 0 });
    expect(waits).toHaveLength(3);
  });

  it('treats a redirect (wrong host such as www.fxiaoke.com) as permanent', async () => {
    const { client } = setup();
    withToken();
    nock(HOST).post(QUERY).query(true).reply(302, '', { location: 'https://www.fxiaoke.com/' });
    const err = await client.call(QUERY, { data: queryData }).catch((e) => e);
    expect((err as CrmError).classification.kind).toBe('permanent');
  });
});
