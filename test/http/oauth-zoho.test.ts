// The admin console's Zoho connection against the Zoho sandbox: start → the sandbox's
// consent redirect → callback (signed state, accounts-server/location) → tenant with
// sealed credentials; reconnection of an existing tenant; install-fields over the admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import type { TenantId } from '../../src/store/ids.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { getSettings } from '../../src/store/repos/settings.repo.js';
import { getTenant, setTenantStatus } from '../../src/store/repos/tenants.repo.js';
import { type Harness, harness, tenantWithKey } from './harness.js';

let h: Harness;
let sb: ZohoSandbox;
let operator: { authorization: string };

beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { seed: 5, partners: 8, deals: 40 } });
  h = await harness();
  operator = { authorization: `Bearer ${(await createAdminKey(h.store.db, null, 'op')).key}` };
});
afterAll(async () => {
  await h?.dispose();
  await sb?.close();
});

/** Follows the authorize URL at the sandbox (consent is implied) and returns the callback query. */
async function consent(authorizeUrl: string): Promise<URLSearchParams> {
  expect(authorizeUrl.startsWith(`${sb.url}/oauth/v2/auth?`)).toBe(true);
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.pathname).toBe('/oauth/zoho/callback');
  return back.searchParams;
}

const callback = (q: URLSearchParams) => h.app.inject({ method: 'GET', url: `/oauth/zoho/callback?${q}` });

describe('Zoho OAuth for the admin console', () => {
  let tenantId: TenantId;

  it('connects a new org: operator key → consent in the data centre → tenant with sealed credentials', async () => {
    const start = await h.app.inject({
      method: 'POST',
      url: '/oauth/zoho/start',
      headers: operator,
      payload: {
        dataCentre: 'us',
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        accountsUrl: sb.url,
        name: 'Console org',
      },
    });
    expect(start.statusCode).toBe(200);
    const { authorizeUrl } = start.json();
    const authorize = new URL(authorizeUrl);
    expect(authorize.searchParams.get('client_id')).toBe(sb.clientId);
    expect(authorize.searchParams.get('access_type')).toBe('offline');
    // The client secret travels sealed inside the state, never in clear.
    expect(authorizeUrl).not.toContain(sb.clientSecret);
    const q = await consent(authorizeUrl);
    expect(q.get('accounts-server')).toBe(sb.url);
    const done = await callback(q);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ orgId: '777000001', created: true });
    tenantId = done.json().tenantId;
    const t = await getTenant(h.store.db, tenantId);
    expect(t).toMatchObject({ crm: 'zoho', orgId: '777000001', name: 'Console org', hasCredentials: true });
    expect(await getSettings(h.store.db, tenantId)).toEqual({ allowedApiDomains: [sb.url] });
    // A grant code works once: replaying the callback cannot connect anything.
    const replay = await callback(q);
    expect(replay.statusCode).toBe(422);
    expect(replay.json().error.code).toBe('zoho_refused');
    expect(replay.json().error.message).toMatch(/invalid_code/);
    // Neither the code, the state, the client secret nor the tokens reach the logs.
    const logs = h.logs();
    const refresh = [...sb.oauth.accessTokens.values()].map((a) => a.refreshToken!);
    for (const secret of [q.get('code')!, q.get('state')!, sb.clientSecret, ...refresh])
      expect(logs).not.toContain(secret);
    expect(logs).toContain('/oauth/zoho/callback');
  });

  it('refuses a forged or missing state, and an accounts-server that is not Zoho', async () => {
    const noState = await h.app.inject({ method: 'GET', url: '/oauth/zoho/callback?code=1000.x' });
    expect(noState.statusCode).toBe(401);
    const forged = await h.app.inject({
      method: 'GET',
      url: '/oauth/zoho/callback?code=1000.x&state=eyJ0IjoidF9hYmMifQ.bm90LWEtbWFj',
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('invalid_state');

    const start = await h.app.inject({
      method: 'GET',
      url: `/oauth/zoho/start?tenant=${tenantId}`,
      headers: { ...operator, accept: 'application/json' },
    });
    const q = await consent(start.json().authorizeUrl);
    q.set('accounts-server', 'https://accounts.evil.example');
    const evil = await callback(q);
    expect(evil.statusCode).toBe(400);
    expect(evil.json().error.message).toMatch(/not a Zoho data centre/);
  });

  it('reconnects an existing tenant with its tenant key and makes a needs_reauth tenant active again', async () => {
    await setTenantStatus(h.store.db, tenantId, 'needs_reauth', 'refresh token revoked');
    const key = await createAdminKey(h.store.db, tenantId, 'console');
    const start = await h.app.inject({
      method: 'GET',
      url: `/oauth/zoho/start?tenant=${tenantId}`,
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(start.statusCode).toBe(302);
    const done = await callback(await consent(start.headers.location as string));
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ tenantId, orgId: '777000001', created: false });
    expect((await getTenant(h.store.db, tenantId))?.status).toBe('active');
  });

  it('sends a browser back from consent to the admin console with the tenant chosen', async () => {
    const key = await createAdminKey(h.store.db, tenantId, 'console');
    const start = await h.app.inject({
      method: 'GET',
      url: `/oauth/zoho/start?tenant=${tenantId}`,
      headers: { authorization: `Bearer ${key.key}` },
    });
    const q = await consent(start.headers.location as string);
    const back = await h.app.inject({
      method: 'GET',
      url: `/oauth/zoho/callback?${q}`,
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe(`/admin?connected=${tenantId}`);
    expect(back.headers.location).not.toContain(q.get('code')!);
  });

  it('start needs an admin key of that tenant (or an operator key); new orgs need an operator key', async () => {
    const none = await h.app.inject({ method: 'GET', url: `/oauth/zoho/start?tenant=${tenantId}` });
    expect(none.statusCode).toBe(401);
    const other = await tenantWithKey(h, 'someone-else');
    const foreign = await h.app.inject({
      method: 'GET',
      url: `/oauth/zoho/start?tenant=${tenantId}`,
      headers: other.auth,
    });
    expect(foreign.statusCode).toBe(404);
    const newOrg = await h.app.inject({
      method: 'POST',
      url: '/oauth/zoho/start',
      headers: other.auth,
      payload: { dataCentre: 'eu', clientId: 'x', clientSecret: 'y' },
    });
    expect(newOrg.statusCode).toBe(403);
    const badDc = await h.app.inject({
      method: 'POST',
      url: '/oauth/zoho/start',
      headers: operator,
      payload: { dataCentre: 'uk', clientId: 'x', clientSecret: 'y' },
    });
    expect(badDc.statusCode).toBe(400);
    // A real data centre's consent page, for a new org in the EU.
    const eu = await h.app.inject({
      method: 'POST',
      url: '/oauth/zoho/start',
      headers: operator,
      payload: { dataCentre: 'eu', clientId: '1000.EU', clientSecret: 'y' },
    });
    expect(eu.json().authorizeUrl).toMatch(/^https:\/\/accounts\.zoho\.eu\/oauth\/v2\/auth\?/);
  });

  it('POST /api/admin/tenants/:id/install-fields creates the fields and reports them', async () => {
    const key = await createAdminKey(h.store.db, tenantId, 'fields');
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/admin/tenants/${tenantId}/install-fields`,
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ tenantId, crm: 'zoho', ok: true, missing: [] });
    expect(res.json().created).toHaveLength(10);
    expect(await getSettings(h.store.db, tenantId)).toMatchObject({ wonStages: ['Closed Won'] });
  });

  it('install-fields on a tenant whose credentials cannot work answers 409: reconnect first', async () => {
    const broken = await tenantWithKey(h, 'no-client', { refreshToken: 'only-this' });
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/admin/tenants/${broken.tenant.id}/install-fields`,
      headers: broken.auth,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'needs_reauth', details: { kind: 'needsReauth' } });
    expect(res.body).not.toContain('only-this');
  });
});
