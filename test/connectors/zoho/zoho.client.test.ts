// Client edge cases against nock at the CRM boundary (no real Zoho, no sandbox).
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ZohoCredentialsInput } from '../../../connectors/zoho/zoho.auth.js';
import type { ZohoDeps } from '../../../connectors/zoho/zoho.connector.js';
import { createZohoConnector } from '../../../connectors/zoho/zoho.connector.js';
import { ZOHO_DATA_CENTRES } from '../../../connectors/zoho/zoho.hosts.js';
import type { ZohoSettingsInput } from '../../../connectors/zoho/zoho.settings.js';
import { MemoryVault, mutexLocks } from './zoho.harness.js';

const US = ZOHO_DATA_CENTRES.us;

function setup(creds: Partial<ZohoCredentialsInput> = {}, settings: ZohoSettingsInput = {}) {
  const vault = new MemoryVault({
    dataCentre: 'us',
    clientId: 'cid',
    clientSecret: 'csecret',
    refreshToken: 'rt-1',
    apiDomain: US.api,
    accessToken: 'at-old',
    accessTokenExpiresAt: Date.now() + 3_600_000,
    ...creds,
  });
  const statuses: string[] = [];
  const sleeps: number[] = [];
  const warnings: object[] = [];
  const locks = mutexLocks();
  const deps: ZohoDeps = {
    tenantId: `nock-${Math.random().toString(36).slice(2)}`,
    credentials: vault,
    settings,
    withLock: (k, fn) => locks.withLock(k, fn),
    setStatus: async (s) => {
      statuses.push(s);
    },
    now: () => new Date(),
    log: { info: () => {}, warn: (o) => warnings.push(o), error: () => {} },
  };
  const connector = createZohoConnector(deps, {
    client: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    },
  });
  return { connector, vault, statuses, sleeps, warnings };
}

function tokenReply(host: string, apiDomain: string, token = 'at-new') {
  return nock(host)
    .post(
      '/oauth/v2/token',
      (b: Record<string, string>) => b.grant_type === 'refresh_token' && b.refresh_token === 'rt-1',
    )
    .reply(200, { access_token: token, api_domain: apiDomain, token_type: 'Bearer', expires_in: 3600 });
}

const coqlRow = (id: string) => ({
  id,
  Deal_Name: `d${id}`,
  Stage: 'Closed Won',
  Amount: 10,
  Modified_Time: '2027-01-01T00:00:00+00:00',
});

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe('zoho client edge cases (nock)', () => {
  it('backs off with jitter on 429 TOO_MANY_REQUESTS without Retry-After, then succeeds', async () => {
    const { connector, sleeps } = setup();
    const api = nock(US.api)
      .post('/crm/v8/coql')
      .reply(429, {
        code: 'TOO_MANY_REQUESTS',
        details: {},
        message: 'The concurrency limit of the user for the app is exceeded',
        status: 'error',
      })
      .post('/crm/v8/coql')
      .reply(429, { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' })
      .post('/crm/v8/coql')
      .reply(200, { data: [coqlRow('1001')], info: { count: 1, more_records: false } });
    const page = await connector.getDeals(['1001']);
    expect(page.items.map((i) => i.record.id)).toEqual(['1001']);
    expect(sleeps).toHaveLength(2);
    // 2 s pause doubled per attempt, jitter in [half, full]: random 0.5 → 3/4 of the ceiling.
    expect(sleeps).toEqual([1500, 3000]);
    expect(api.isDone()).toBe(true);
  });

  it('on 401 INVALID_TOKEN refreshes once and repeats the call with the new token', async () => {
    const { connector, vault } = setup();
    const api = nock(US.api)
      .post('/crm/v8/coql')
      .matchHeader('authorization', 'Zoho-oauthtoken at-old')
      .reply(401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' })
      .post('/crm/v8/coql')
      .matchHeader('authorization', 'Zoho-oauthtoken at-new')
      .reply(200, { data: [coqlRow('1002')], info: { count: 1, more_records: false } });
    const accounts = tokenReply(US.accounts, US.api);
    const page = await connector.getDeals(['1002']);
    expect(page.items).toHaveLength(1);
    expect(api.isDone() && accounts.isDone()).toBe(true);
    expect(vault.value.accessToken).toBe('at-new');
    // Seconds, not milliseconds: an hour from now, give or take the test's run time.
    expect(vault.value.accessTokenExpiresAt! - Date.now()).toBeGreaterThan(3_500_000);
    expect(vault.value.accessTokenExpiresAt! - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it('a second INVALID_TOKEN after the refresh is needsReauth, not a loop', async () => {
    const { connector } = setup();
    nock(US.api)
      .post('/crm/v8/coql')
      .times(2)
      .reply(401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    tokenReply(US.accounts, US.api);
    await expect(connector.getDeals(['1'])).rejects.toMatchObject({
      classification: { kind: 'needsReauth' },
    });
  });

  it('invalid_grant on refresh parks the tenant as needs_reauth and does not retry', async () => {
    const { connector, statuses } = setup({ accessToken: null, accessTokenExpiresAt: null });
    const accounts = nock(US.accounts).post('/oauth/v2/token').once().reply(400, { error: 'invalid_grant' });
    await expect(connector.getDeals(['1'])).rejects.toMatchObject({
      classification: { kind: 'needsReauth' },
    });
    expect(statuses).toEqual(['needs_reauth']);
    expect(accounts.isDone()).toBe(true);
  });

  it('honours per-record outcomes: INVALID_DATA on one of 100 records (HTTP 207)', async () => {
    const { connector } = setup();
    const ids = Array.from({ length: 100 }, (_, i) => String(5725767000000000000n + BigInt(i)));
    let sent: { data: { id: string }[]; trigger: unknown } | null = null;
    nock(US.api)
      .put('/crm/v8/Accounts', (b) => {
        sent = b;
        return true;
      })
      .reply(207, () => ({
        data: ids.map((id, i) =>
          i === 42
            ? {
                code: 'INVALID_DATA',
                details: { api_name: 'Incentive_Score', json_path: '$.data[42].Incentive_Score' },
                message: 'invalid data',
                status: 'error',
              }
            : { code: 'SUCCESS', details: { id }, message: 'record updated', status: 'success' },
        ),
      }));
    const outcomes = await connector.writeResults(
      ids.map((partnerId) => ({
        partnerId,
        fields: {
          tier: 'Gold',
          score: 91,
          payout: '1200.50',
          period: '2027-Q1',
          rank: 1,
          nextTier: null,
          nextTierGap: null,
          awards: '',
          updated: '2027-02-01T00:00:00Z',
          details: '{}',
          inputsHash: 'h',
        },
      })),
    );
    expect(sent!.data).toHaveLength(100);
    expect(sent!.trigger).toEqual([]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(99);
    const bad = outcomes[42]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.kind).toBe('permanent');
      expect(bad.message).toContain('Incentive_Score');
    }
  });

  it('pages GET records 1..10 by number, then across page_token', async () => {
    const { connector } = setup({}, { readVia: 'records' });
    const seen: string[] = [];
    let n = 0;
    nock(US.api)
      .get('/crm/v8/Deals')
      .query(true)
      .times(12)
      .reply(200, (uri) => {
        const q = new URL(uri, US.api).searchParams;
        expect(q.get('fields')?.split(',').length).toBeLessThanOrEqual(50);
        expect(q.get('per_page')).toBe('200');
        expect(q.has('page') && q.has('page_token')).toBe(false);
        seen.push(q.get('page_token') ? `t:${q.get('page_token')}` : `p:${q.get('page')}`);
        n++;
        return {
          data: [coqlRow(String(1000 + n))],
          info: {
            per_page: 200,
            count: 1,
            page: n,
            more_records: n < 12,
            next_page_token: n < 12 ? `tok${n}` : null,
          },
        };
      });
    let total = 0;
    for await (const page of connector.listDeals()) total += page.items.length;
    expect(total).toBe(12);
    expect(seen).toEqual([
      'p:1',
      'p:2',
      'p:3',
      'p:4',
      'p:5',
      'p:6',
      'p:7',
      'p:8',
      'p:9',
      'p:10',
      't:tok10',
      't:tok11',
    ]);
  });

  it('treats HTTP 204 as no records', async () => {
    const { connector } = setup();
    nock(US.api).post('/crm/v8/coql').reply(204);
    const pages = [];
    for await (const p of connector.listDeals({ since: new Date() })) pages.push(p);
    expect(pages).toEqual([{ items: [], quarantined: [], cursor: null }]);
  });

  it('watches X-API-CREDITS-REMAINING', async () => {
    const { connector, warnings } = setup();
    nock(US.api)
      .post('/crm/v8/coql')
      .reply(
        200,
        { data: [coqlRow('7')], info: { more_records: false } },
        { 'X-API-CREDITS-REMAINING': '1200' },
      );
    await connector.getDeals(['7']);
    expect(connector.client.creditsRemaining).toBe(1200);
    expect(warnings.length).toBeGreaterThan(0);
  });

  it.each(['eu', 'cn', 'jp'] as const)(
    'uses the %s accounts host and the api_domain the token response names',
    async (dc) => {
      const hosts = ZOHO_DATA_CENTRES[dc];
      const { connector } = setup({
        dataCentre: dc,
        apiDomain: null,
        accessToken: null,
        accessTokenExpiresAt: null,
      });
      const accounts = tokenReply(hosts.accounts, hosts.api, `at-${dc}`);
      const api = nock(hosts.api)
        .post('/crm/v8/coql')
        .matchHeader('authorization', `Zoho-oauthtoken at-${dc}`)
        .reply(200, { data: [coqlRow('9')], info: { more_records: false } });
      const page = await connector.getDeals(['9']);
      expect(page.items).toHaveLength(1);
      expect(accounts.isDone() && api.isDone()).toBe(true);
    },
  );

  it('refuses an api_domain that is not a Zoho host', async () => {
    const { connector } = setup({ apiDomain: null, accessToken: null, accessTokenExpiresAt: null });
    tokenReply(US.accounts, 'https://attacker.example.com');
    await expect(connector.getDeals(['1'])).rejects.toThrow(/not a Zoho API host/);
  });

  it('reads legacy token responses whose expires_in is in milliseconds', async () => {
    const { connector, vault } = setup({ accessToken: null, accessTokenExpiresAt: null });
    nock(US.accounts).post('/oauth/v2/token').reply(200, {
      access_token: 'at-legacy',
      api_domain: US.api,
      expires_in: 3_600_000,
      expires_in_sec: 3600,
    });
    nock(US.api).post('/crm/v8/coql').reply(204);
    await connector.getDeals(['1']);
    const left = vault.value.accessTokenExpiresAt! - Date.now();
    expect(left).toBeGreaterThan(3_500_000);
    expect(left).toBeLessThanOrEqual(3_600_000);
  });

  it('gives up after maxRetries on persistent 5xx with a retryable classification', async () => {
    const { connector, sleeps } = setup({}, { maxRetries: 2 });
    nock(US.api)
      .post('/crm/v8/coql')
      .times(3)
      .reply(500, { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' });
    await expect(connector.getDeals(['1'])).rejects.toMatchObject({ classification: { kind: 'retryable' } });
    expect(sleeps).toHaveLength(2);
  });

  it('write-back throws (instead of failing every record) when the tenant is blocked', async () => {
    const { connector } = setup();
    nock(US.api).put('/crm/v8/Accounts').reply(429, {
      code: 'TOO_MANY_REQUESTS',
      details: {},
      message: 'Number of API requests for the 24 hour period is exceeded',
      status: 'error',
    });
    const row = {
      partnerId: '5725767000000000001',
      fields: {
        tier: 'Gold',
        score: 1,
        payout: '1.00',
        period: '2027-Q1',
        rank: 1,
        nextTier: null,
        nextTierGap: null,
        awards: '',
        updated: '2027-02-01T00:00:00Z',
        details: '{}',
        inputsHash: 'h',
      },
    };
    await expect(connector.writeResults([row])).rejects.toMatchObject({
      classification: { kind: 'quotaExhausted' },
    });
  });
});
