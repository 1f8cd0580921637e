// Tenant isolation on every admin route, generated from the routes the app
// registers: a tenant-scoped route added later is covered without touching this
// file, and an admin route without :tenantId fails the first test until it is
// listed in TENANTLESS with the check that covers it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { uploadPlan } from '../../src/jobs/plans.service.js';
import { credentialVault } from '../../src/secrets/vault.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { listAudit } from '../../src/store/repos/audit.repo.js';
import { getActivePlan, listPlanVersions } from '../../src/store/repos/plans.repo.js';
import { createRun, listRuns } from '../../src/store/repos/runs.repo.js';
import { getSettings, putSettings } from '../../src/store/repos/settings.repo.js';
import { getTenant, listTenants } from '../../src/store/repos/tenants.repo.js';
import { getWidgetSecret } from '../../src/store/repos/widget-sessions.repo.js';
import { planYaml } from '../runtime/helpers/plans.js';
import { type Harness, harness, tenantWithKey } from './harness.js';

/** A value for each path parameter naming one of tenant B's resources. */
const fixtures: Record<string, (b: string) => string> = {
  tenantId: (b) => b,
  version: () => '1',
  runId: () => runOfB,
};
let runOfB = '';

/**
 * Admin routes that name no tenant in their path, and the test below that shows a
 * tenant key cannot reach another tenant through them.
 */
const TENANTLESS: Record<string, string> = {
  'GET /api/admin/tenants': 'lists only its own tenant',
  'POST /api/admin/tenants': 'creating a tenant needs an operator key (403)',
  'POST /api/admin/connect/fxiaoke': 'creating a tenant needs an operator key (403)',
};

const bodies: Record<string, unknown> = {
  POST: { source: planYaml('stolen'), settings: {}, credentials: { a: 'b' }, reason: 'x' },
  PUT: { settings: { stolen: true }, credentials: { refresh: 'attacker' } },
};

describe('admin API tenant isolation', () => {
  let h: Harness;
  let a: Awaited<ReturnType<typeof tenantWithKey>>;
  let b: Awaited<ReturnType<typeof tenantWithKey>>;

  beforeAll(async () => {
    h = await harness();
    a = await tenantWithKey(h, 'iso-a');
    b = await tenantWithKey(h, 'iso-b', { refresh: 'b-secret' });
    const up = await uploadPlan(h.store.db, b.tenant.id, planYaml('plan of B'), 'yaml', 'test', {
      activate: true,
    });
    expect(up.ok).toBe(true);
    expect(up.ok).toBe(true);
    await putSettings(h.store.db, b.tenant.id, { mapping: 'B' });
    runOfB = (await createRun(h.store.db, b.tenant.id, 'full')).runId;
    // Creates BullMQ's schema, so the job count below is real from the start.
    await h.queues.ping(15_000);
    await h.app.ready();
  });
  afterAll(async () => {
    await h?.dispose();
  });

  const adminRoutes = () => h.app.routesSeen.filter((r) => r.url.startsWith(ADMIN_PREFIX));
  const fill = (url: string, tenant: string) =>
    url.replace(/:(\w+)/g, (_, name: string) => {
      const f = fixtures[name];
      if (!f) throw new Error(`route ${url} has parameter :${name}; add a fixture for it to this test`);
      return f(tenant);
    });

  it('accounts for every admin route the app registers: tenant-scoped, or listed with its check', () => {
    const scoped = adminRoutes().filter((r) => r.url.includes(':tenantId'));
    expect(scoped.length).toBeGreaterThanOrEqual(20);
    const unscoped = adminRoutes()
      .filter((r) => !r.url.includes(':tenantId'))
      .map((r) => `${r.method} ${r.url}`);
    expect(unscoped.sort()).toEqual(Object.keys(TENANTLESS).sort());
  });

  it("a key of tenant A gets 404 for each of tenant B's resources, and B is unchanged", async () => {
    const auditBefore = await listAudit(h.store.db, b.tenant.id);
    const runsBefore = await listRuns(h.store.db, b.tenant.id);
    const jobsBefore = await h.store.db.query<{ n: number }>('select count(*)::int as n from bullmq.job');
    const scoped = adminRoutes().filter((r) => r.url.includes(':tenantId'));
    for (const route of scoped) {
      const res = await h.app.inject({
        method: route.method as 'GET',
        url: fill(route.url, b.tenant.id),
        headers: a.auth,
        ...(bodies[route.method] ? { payload: bodies[route.method] as object } : {}),
      });
      expect({ route: `${route.method} ${route.url}`, status: res.statusCode }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 404,
      });
      expect(res.json().error.code).toBe('not_found');
      expect(res.body).not.toContain('plan of B');
    }
    expect(await listAudit(h.store.db, b.tenant.id)).toEqual(auditBefore);
    expect(await getSettings(h.store.db, b.tenant.id)).toEqual({ mapping: 'B' });
    expect((await getActivePlan(h.store.db, b.tenant.id))?.version).toBe(1);
    expect(await listPlanVersions(h.store.db, b.tenant.id)).toHaveLength(1);
    expect((await getTenant(h.store.db, b.tenant.id))?.status).toBe('active');
    // Not paused, not re-credentialed, no widget secret made, no sync or recalc started.
    await expect(credentialVault(h.store.db, h.keyring, b.tenant.id).read()).resolves.toEqual({
      refresh: 'b-secret',
    });
    expect(await getWidgetSecret(h.store.db, b.tenant.id)).toBeNull();
    expect(await listRuns(h.store.db, b.tenant.id)).toEqual(runsBefore);
    expect(await h.store.db.query('select count(*)::int as n from bullmq.job')).toEqual(jobsBefore);
  });

  it("the admin-key routes outside /api/admin: A's key gets 404 for B's Zoho reconnect and 403 for a new org", async () => {
    const reconnect = await h.app.inject({
      method: 'GET',
      url: `/oauth/zoho/start?tenant=${b.tenant.id}`,
      headers: { ...a.auth, accept: 'application/json' },
    });
    expect(reconnect.statusCode).toBe(404);
    expect(reconnect.json().error.code).toBe('not_found');
    const newOrg = await h.app.inject({
      method: 'POST',
      url: '/oauth/zoho/start',
      headers: a.auth,
      payload: { dataCentre: 'eu', clientId: 'x', clientSecret: 'y' },
    });
    expect(newOrg.statusCode).toBe(403);
  });

  it('POST /connect/fxiaoke with a tenant key is refused (403) before any tenant is made', async () => {
    const before = await listTenants(h.store.db);
    const res = await h.app.inject({
      method: 'POST',
      url: `${ADMIN_PREFIX}/connect/fxiaoke`,
      headers: a.auth,
      payload: { appId: 'a', appSecret: 's', permanentCode: 'p', adminMobile: '13800000000' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    expect(await listTenants(h.store.db)).toEqual(before);
  });

  it('the same requests with B’s own key reach B’s resources (the 404s were isolation, not broken routes)', async () => {
    for (const route of adminRoutes().filter((r) => r.method === 'GET' && r.url.includes(':tenantId'))) {
      const res = await h.app.inject({ method: 'GET', url: fill(route.url, b.tenant.id), headers: b.auth });
      expect({ route: route.url, status: res.statusCode }).toEqual({ route: route.url, status: 200 });
    }
  });

  it('every admin route refuses requests without a valid key (401)', async () => {
    const revoked = await createAdminKey(h.store.db, a.tenant.id, 'revoked');
    await h.store.db.query('update admin_keys set revoked_at = now() where key_id = $1', [revoked.keyId]);
    for (const route of adminRoutes()) {
      for (const headers of [
        {},
        { authorization: 'Bearer nope' },
        { authorization: `Basic ${a.key}` },
        { authorization: `Bearer ${revoked.key}` },
      ]) {
        const res = await h.app.inject({
          method: route.method as 'GET',
          url: fill(route.url, a.tenant.id),
          headers,
        });
        expect({ route: `${route.method} ${route.url}`, status: res.statusCode }).toEqual({
          route: `${route.method} ${route.url}`,
          status: 401,
        });
        expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
      }
    }
  });

  it('a tenant key lists only its own tenant and cannot create tenants; an operator key can', async () => {
    const list = await h.app.inject({ method: 'GET', url: `${ADMIN_PREFIX}/tenants`, headers: a.auth });
    expect(list.json().tenants.map((t: { id: string }) => t.id)).toEqual([a.tenant.id]);
    const denied = await h.app.inject({
      method: 'POST',
      url: `${ADMIN_PREFIX}/tenants`,
      headers: a.auth,
      payload: { crm: 'zoho', orgId: 'sneaky' },
    });
    expect(denied.statusCode).toBe(403);
    const op = await createAdminKey(h.store.db, null, 'operator');
    const created = await h.app.inject({
      method: 'POST',
      url: `${ADMIN_PREFIX}/tenants`,
      headers: { authorization: `Bearer ${op.key}` },
      payload: { crm: 'fxiaoke', orgId: 'fx-1', region: 'open.fxiaoke.com' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ crm: 'fxiaoke', orgId: 'fx-1', status: 'active' });
    const all = await h.app.inject({
      method: 'GET',
      url: `${ADMIN_PREFIX}/tenants`,
      headers: { authorization: `Bearer ${op.key}` },
    });
    expect(all.json().tenants.length).toBeGreaterThanOrEqual(3);
  });
});
