// POST /api/admin/connect/fxiaoke against the Fxiaoke sandbox: credentials are checked at
// the CRM before a tenant exists; a wrong secret is refused with the hint; operator only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { listTenants } from '../../src/store/repos/tenants.repo.js';
import { type Harness, harness, tenantWithKey } from './harness.js';

describe('connect Fxiaoke through the admin API', () => {
  let h: Harness;
  let sandbox: FxiaokeSandbox;
  let operator: { authorization: string };
  const url = `${ADMIN_PREFIX}/connect/fxiaoke`;
  const body = () => ({
    appId: SANDBOX_APP.appId,
    appSecret: SANDBOX_APP.appSecret,
    permanentCode: SANDBOX_APP.permanentCode,
    adminMobile: SANDBOX_TENANT.admin.mobile,
    baseUrl: sandbox.url,
    name: '沙箱企业',
  });

  beforeAll(async () => {
    sandbox = await startFxiaokeSandbox({ partners: 1, accounts: 1, opportunities: 1 });
    h = await harness({ publicUrl: 'https://incentives.example.com' });
    operator = { authorization: `Bearer ${(await createAdminKey(h.store.db, null, 'op')).key}` };
  });
  afterAll(async () => {
    await h?.dispose();
    await sandbox?.close();
  });

  it('refuses a wrong app secret with what to fix, and creates nothing', async () => {
    const before = await listTenants(h.store.db);
    const res = await h.app.inject({
      method: 'POST',
      url,
      headers: operator,
      payload: { ...body(), appSecret: 'wrong-secret' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'fxiaoke_refused' });
    expect(res.json().error.message).toMatch(/appSecret/);
    expect(await listTenants(h.store.db)).toEqual(before);
  });

  it('asks for exactly one of the operator id and the admin mobile', async () => {
    const { adminMobile: _m, ...neither } = body();
    const res = await h.app.inject({ method: 'POST', url, headers: operator, payload: neither });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('exactly one of operatorUserId');
  });

  it('is for operator keys only', async () => {
    const t = await tenantWithKey(h, 'some-zoho-org');
    const res = await h.app.inject({ method: 'POST', url, headers: t.auth, payload: body() });
    expect(res.statusCode).toBe(403);
  });

  it('checks the credentials at the CRM and creates the tenant with its push URL', async () => {
    const res = await h.app.inject({ method: 'POST', url, headers: operator, payload: body() });
    expect(res.statusCode).toBe(201);
    const out = res.json();
    expect(out.tenant).toMatchObject({ crm: 'fxiaoke', name: '沙箱企业', hasCredentials: true });
    expect(out.operatorOpenUserId).toBe(SANDBOX_TENANT.admin.openUserId);
    expect(out.webhookUrl).toMatch(
      new RegExp(`^https://incentives\\.example\\.com/webhooks/fxiaoke/${out.tenant.id}/`),
    );
    expect(res.body).not.toContain(SANDBOX_APP.appSecret);
    const again = await h.app.inject({ method: 'POST', url, headers: operator, payload: body() });
    expect(again.statusCode).toBe(409);
  });
});
