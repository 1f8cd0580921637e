// How a widget gets a session, what it may be framed by and called from:
// the Zoho Function proof exchange, the Fxiaoke OAuth code flow against the sandbox,
// CORS for Zoho's widget origins only, and the frame policy per route.
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { signProof } from '../../connectors/zoho/zoho.widget.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { listAudit } from '../../src/store/repos/audit.repo.js';
import { type Harness, harness } from './harness.js';
import { NOW, type SeededTenant, seedTenant } from './widget.fixture.js';

const ZOHO_WIDGET = 'https://2a4f0c1e-9b7d-4c1a-8e55-0f3b2d6c7a91.zappsusercontent.com';

describe('widget sessions, CORS and framing', () => {
  let h: Harness;
  let zoho: SeededTenant;
  let fx: SeededTenant;
  let sandbox: FxiaokeSandbox;
  let adminZoho: { authorization: string };
  const root = mkdtempSync(join(tmpdir(), 'ci-widgets-'));
  /** Every secret the flows handle: none may reach the logs. */
  const secrets: string[] = [];

  beforeAll(async () => {
    mkdirSync(join(root, 'fxiaoke'));
    mkdirSync(join(root, 'admin'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'admin', 'index.html'), '<!doctype html><title>admin</title>');
    writeFileSync(join(root, 'fxiaoke', 'index.html'), '<!doctype html><title>w</title>');
    writeFileSync(join(root, 'assets', 'widget-abc123.js'), 'export {};');
    writeFileSync(join(root, '.secret'), 'no');
    sandbox = await startFxiaokeSandbox({ partners: 3, accounts: 3, opportunities: 10 });
    h = await harness({ widget: { now: () => NOW, root }, publicUrl: 'https://incentives.example.com' });
    zoho = await seedTenant(h.store.db, h.keyring, { crm: 'zoho', orgId: 'org-z' });
    fx = await seedTenant(h.store.db, h.keyring, {
      crm: 'fxiaoke',
      orgId: SANDBOX_TENANT.ea,
      credentials: {
        appId: SANDBOX_APP.appId,
        appSecret: SANDBOX_APP.appSecret,
        permanentCode: SANDBOX_APP.permanentCode,
      },
      settings: { baseUrl: sandbox.url },
    });
    adminZoho = { authorization: `Bearer ${(await createAdminKey(h.store.db, zoho.tenantId, 't')).key}` };
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
    await sandbox?.close();
    rmSync(root, { recursive: true, force: true });
  });

  describe('Zoho: a Zoho Function signs the signed-in user', () => {
    let secret = '';
    const proof = (o: Partial<{ tenant: string; user: string; time: number }> = {}, key = secret) => {
      const p = { tenant: zoho.tenantId as string, user: 'manager@acme.example', time: NOW.getTime(), ...o };
      return { ...p, signature: signProof(key, p) };
    };
    const exchange = (body: unknown, origin?: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/widget/session',
        payload: body as object,
        headers: origin ? { origin } : {},
      });

    it('Deluge hmacsha256 "hex" is standard HMAC-SHA256 (vector from the Deluge docs)', () => {
      expect(
        createHmac('sha256', 'sk_5Ow7B_4eC39H')
          .update('{Order ID: 0932, Currency: USD, Amount: 2500}')
          .digest('hex'),
      ).toBe('13721963e7ac439f5a2e63c261856393647f3f51b493beebf5919af4bc3de19c');
    });

    it('the admin gets the function source with a new secret (audited, never stored in clear)', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/admin/tenants/${zoho.tenantId}/widget/zoho-function`,
        headers: adminZoho,
      });
      expect(res.statusCode).toBe(200);
      const { name, source } = res.json();
      expect(name).toBe('ci_widget_session');
      expect(source).toContain('zoho.loginuserid');
      expect(source).toContain('zoho.encryption.hmacsha256(key, data, "hex")');
      secret = /key = "([^"]+)";/.exec(source)![1]!;
      secrets.push(secret);
      expect(secret.length).toBeGreaterThanOrEqual(40);
      const rows = await h.store.db.query<{ secret_ct: string }>('select secret_ct from widget_secrets');
      expect(JSON.stringify(rows)).not.toContain(secret);
      expect((await listAudit(h.store.db, zoho.tenantId)).map((e) => e.action)).toContain(
        'widget.secret.replaced',
      );
      // Fxiaoke tenants sign in by OAuth instead.
      const fxKey = (await createAdminKey(h.store.db, fx.tenantId, 't')).key;
      const other = await h.app.inject({
        method: 'POST',
        url: `/api/admin/tenants/${fx.tenantId}/widget/zoho-function`,
        headers: { authorization: `Bearer ${fxKey}` },
      });
      expect(other.statusCode).toBe(409);
    });

    it('a valid proof (as the function returns it: JSON text) becomes a session for that tenant and user', async () => {
      const res = await exchange({ crm: 'zoho', proof: JSON.stringify(proof()) }, ZOHO_WIDGET);
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(ZOHO_WIDGET);
      const { token, expiresAt } = res.json();
      secrets.push(token);
      expect(Date.parse(expiresAt) - NOW.getTime()).toBe(60 * 60_000);
      const rows = await h.store.db.query<{ token_hash: string; crm_user_id: string; tenant_id: string }>(
        'select token_hash, crm_user_id, tenant_id from widget_sessions',
      );
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows).toContainEqual(
        expect.objectContaining({ crm_user_id: 'manager@acme.example', tenant_id: zoho.tenantId }),
      );
      const got = await h.app.inject({
        method: 'GET',
        url: '/api/widget/partners/P1',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(got.statusCode).toBe(200);
      // The same proof as an object works too.
      expect((await exchange({ crm: 'zoho', proof: proof() })).statusCode).toBe(200);
    });

    it('refuses a wrong signature, an old proof, an unknown tenant and a non-Zoho tenant alike (401)', async () => {
      const cases = [
        proof({}, 'not-the-secret'),
        { ...proof(), user: 'someone.else@acme.example' },
        proof({ time: NOW.getTime() - 6 * 60_000 }),
        proof({ tenant: 't_doesnotexist1' }),
        proof({ tenant: fx.tenantId }),
      ];
      for (const p of cases) {
        const res = await exchange({ crm: 'zoho', proof: p });
        expect(res.statusCode).toBe(401);
        expect(res.json().error.message).toBe('the Zoho proof was not accepted');
      }
      expect((await exchange({ crm: 'zoho', proof: 'not json' })).statusCode).toBe(400);
      expect((await exchange({ crm: 'zoho' })).statusCode).toBe(400);
      const fxRes = await exchange({ crm: 'fxiaoke' });
      expect(fxRes.statusCode).toBe(400);
      expect(fxRes.json().error.message).toMatch(/fxiaoke\/start/);
    });
  });

  describe('Fxiaoke: the OAuth code flow against the sandbox', () => {
    /** Follows our redirect to the sandbox's authorize step, which answers with the redirect back. */
    async function signIn(partnerId = 'P1', lang = 'zh-CN') {
      const start = await h.app.inject({
        method: 'GET',
        url: `/fxiaoke/start?tenant=${fx.tenantId}&partnerId=${partnerId}&lang=${lang}`,
      });
      expect(start.statusCode).toBe(302);
      const authorize = new URL(start.headers.location as string);
      expect(authorize.origin + authorize.pathname).toBe(`${sandbox.url}/oauth2.0/authorize`);
      expect(authorize.searchParams.get('appId')).toBe(SANDBOX_APP.appId);
      expect(authorize.searchParams.get('responseType')).toBe('code');
      expect(authorize.searchParams.get('redirectUrl')).toBe(
        'https://incentives.example.com/fxiaoke/callback',
      );
      const back = await fetch(authorize, { redirect: 'manual' });
      return { back, authorize };
    }

    it('signs the Fxiaoke user in and lands on the widget page with the session in the fragment', async () => {
      const { back, authorize } = await signIn();
      expect(back.status).toBe(302);
      const callback = new URL(back.headers.get('location')!);
      expect(callback.pathname).toBe('/fxiaoke/callback');
      expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));
      const done = await h.app.inject({ method: 'GET', url: callback.pathname + callback.search });
      expect(done.statusCode).toBe(302);
      const landing = done.headers.location as string;
      expect(landing).toMatch(
        /^\/widgets\/fxiaoke\/index\.html\?partnerId=P1&lang=zh-CN#session=[A-Za-z0-9_-]+$/,
      );
      const token = decodeURIComponent(landing.split('#session=')[1]!);
      secrets.push(token, callback.searchParams.get('code')!, callback.searchParams.get('state')!);
      const rows = await h.store.db.query<{ crm: string; crm_user_id: string; tenant_id: string }>(
        "select crm, crm_user_id, tenant_id from widget_sessions where crm = 'fxiaoke'",
      );
      expect(rows).toEqual([
        { crm: 'fxiaoke', crm_user_id: SANDBOX_TENANT.admin.openUserId, tenant_id: fx.tenantId },
      ]);
      const got = await h.app.inject({
        method: 'GET',
        url: '/api/widget/partners/P1',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(got.statusCode).toBe(200);
      // A state works once; the code too (Fxiaoke's rule, reproduced by the sandbox).
      const replay = await h.app.inject({ method: 'GET', url: callback.pathname + callback.search });
      expect(replay.statusCode).toBe(400);
      expect(replay.body).toMatch(/expired or was already used/);
    });

    it('refuses a code Fxiaoke does not confirm, an unknown tenant and a missing partner id', async () => {
      const { back } = await signIn();
      const callback = new URL(back.headers.get('location')!);
      callback.searchParams.set('code', 'forged-code');
      const res = await h.app.inject({ method: 'GET', url: callback.pathname + callback.search });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-security-policy']).toMatch(
        /frame-ancestors [^;]*https:\/\/\*\.fxiaoke\.com/,
      );
      // Scripts get our JSON error shape; a person in the CRM frame (a navigation) reads text.
      expect(res.json().error.code).toBe('unauthorized');
      const asPage = await h.app.inject({
        method: 'GET',
        url: `/fxiaoke/start?tenant=${fx.tenantId}`,
        headers: { accept: 'text/html,*/*' },
      });
      expect(asPage.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(asPage.body).toContain('链接缺少参数');
      expect(
        (await h.app.inject({ method: 'GET', url: `/fxiaoke/start?tenant=${zoho.tenantId}&partnerId=P1` }))
          .statusCode,
      ).toBe(404);
      expect(
        (await h.app.inject({ method: 'GET', url: '/fxiaoke/start?tenant=t_nope1234&partnerId=P1' }))
          .statusCode,
      ).toBe(404);
      expect(
        (await h.app.inject({ method: 'GET', url: `/fxiaoke/start?tenant=${fx.tenantId}` })).statusCode,
      ).toBe(400);
    });

    it('a signed-out Fxiaoke browser gets no code', async () => {
      await fetch(`${sandbox.url}/sandbox/oauth/signed-in`, {
        method: 'POST',
        body: JSON.stringify({ openUserId: null }),
      });
      try {
        const { back } = await signIn();
        expect(back.status).toBe(401);
      } finally {
        await fetch(`${sandbox.url}/sandbox/oauth/signed-in`, {
          method: 'POST',
          body: JSON.stringify({ openUserId: SANDBOX_TENANT.admin.openUserId }),
        });
      }
    });
  });

  it('no session token, widget secret, code or state ever reaches the logs', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const logs = h.logs();
    expect(logs).toContain('/fxiaoke/callback');
    for (const value of secrets) expect(logs).not.toContain(value);
  });

  describe('CORS: Zoho widget origins and the authorization header only', () => {
    const preflight = (origin: string) =>
      h.app.inject({
        method: 'OPTIONS',
        url: '/api/widget/partners/P1',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });

    it('answers preflights of internally hosted Zoho widgets', async () => {
      for (const origin of [ZOHO_WIDGET, 'https://abc-1.zappsusercontent.eu', 'https://crm.zoho.com.cn']) {
        const res = await preflight(origin);
        expect(res.statusCode).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        expect(res.headers['access-control-allow-headers']).toBe('authorization, content-type');
        expect(res.headers['access-control-allow-methods']).toBe('GET, POST');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      }
    });

    it('gives other origins nothing', async () => {
      for (const origin of [
        'https://evil.example',
        'https://zappsusercontent.com.evil.example',
        'http://x.zappsusercontent.com',
      ]) {
        const res = await preflight(origin);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers['access-control-allow-headers']).toBeUndefined();
        const get = await h.app.inject({
          method: 'GET',
          url: '/api/widget/partners/P1',
          headers: { origin },
        });
        expect(get.headers['access-control-allow-origin']).toBeUndefined();
      }
      // The admin API has no CORS at all.
      const admin = await h.app.inject({
        method: 'GET',
        url: `/api/admin/tenants/${zoho.tenantId}/settings`,
        headers: { origin: ZOHO_WIDGET, ...adminZoho },
      });
      expect(admin.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('framing, per route', () => {
    const headersOf = async (url: string) => (await h.app.inject({ method: 'GET', url })).headers;

    it('widget files may be framed by the CRMs only, with the widget policy', async () => {
      const page = await h.app.inject({ method: 'GET', url: '/widgets/fxiaoke/index.html' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['x-frame-options']).toBeUndefined();
      const csp = page.headers['content-security-policy'] as string;
      expect(csp).toContain(
        "default-src 'none'; script-src 'self' https://live.zwidgets.com; style-src 'self'",
      );
      expect(csp).toContain("connect-src 'self'");
      const ancestors = /frame-ancestors ([^;]+)/.exec(csp)![1]!.split(' ');
      for (const o of [
        'https://crm.zoho.com',
        'https://crm.zoho.eu',
        'https://crm.zoho.com.cn',
        'https://crm.zohocloud.ca',
        'https://*.zappsusercontent.com',
        'https://*.fxiaoke.com',
        'https://*.sharecrm.com',
      ]) {
        expect(ancestors).toContain(o);
      }
      expect(ancestors).not.toContain("'none'");
      expect(page.headers['cache-control']).toBe('no-cache');
      const asset = await h.app.inject({ method: 'GET', url: '/widgets/assets/widget-abc123.js' });
      expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    });

    it('the admin console is served from /admin and may be framed by nobody', async () => {
      const go = await h.app.inject({ method: 'GET', url: '/admin' });
      expect(go.statusCode).toBe(302);
      expect(go.headers.location).toBe('/widgets/admin/index.html');
      const back = await h.app.inject({ method: 'GET', url: '/admin?connected=t_abc' });
      expect(back.headers.location).toBe('/widgets/admin/index.html?connected=t_abc');
      const page = await h.app.inject({ method: 'GET', url: '/widgets/admin/index.html' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>admin</title>');
      expect(page.headers['x-frame-options']).toBe('DENY');
      const csp = page.headers['content-security-policy'] as string;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('zwidgets');
      expect(csp).not.toContain('zoho.com');
    });

    it("the API and everything else keep frame-ancestors 'none' and X-Frame-Options DENY", async () => {
      const token = (
        await h.app.inject({ method: 'GET', url: `/fxiaoke/start?tenant=${fx.tenantId}&partnerId=P1` })
      ).headers;
      expect(token['x-frame-options']).toBe('DENY');
      for (const url of [
        '/api/widget/partners/P1',
        '/api/widget/overview',
        '/health/live',
        '/api/admin/tenants',
        '/nowhere',
      ]) {
        const hd = await headersOf(url);
        expect(hd['x-frame-options'], url).toBe('DENY');
        expect(hd['content-security-policy'], url).toContain("frame-ancestors 'none'");
      }
    });

    it('serves nothing outside the built widget: traversal, dot-files and directories are 404', async () => {
      for (const url of [
        '/widgets/../package.json',
        '/widgets/%2e%2e/package.json',
        '/widgets/.secret',
        '/widgets/fxiaoke',
        '/widgets/nope.js',
      ]) {
        expect((await h.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
      }
    });

    it('WIDGET_FRAME_ANCESTORS replaces the CRM defaults', async () => {
      const other = await harness({ widget: { root, frameAncestors: ['https://crm.example.com'] } });
      try {
        const hd = (await other.app.inject({ method: 'GET', url: '/widgets/fxiaoke/index.html' })).headers;
        expect(/frame-ancestors ([^;]+)/.exec(hd['content-security-policy'] as string)![1]).toBe(
          'https://crm.example.com',
        );
      } finally {
        await other.dispose();
      }
    });
  });
});
