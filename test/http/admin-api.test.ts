import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { listPlanVersions } from '../../src/store/repos/plans.repo.js';
import { planJson, planYaml } from '../runtime/helpers/plans.js';
import { type Harness, harness, tenantWithKey } from './harness.js';

describe('admin API', () => {
  let h: Harness;
  let t: Awaited<ReturnType<typeof tenantWithKey>>;
  const url = (path: string) => `${ADMIN_PREFIX}/tenants/${t.tenant.id}${path}`;

  beforeAll(async () => {
    h = await harness();
    t = await tenantWithKey(h, 'api-a', { refresh_token: 'r' });
    h.app.get('/test/boom', async () => {
      throw new Error('connection to db-internal.example:5432 failed');
    });
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('shows a tenant without its credentials', async () => {
    const res = await h.app.inject({ method: 'GET', url: url(''), headers: t.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: t.tenant.id,
      crm: 'zoho',
      hasCredentials: true,
      credentialsKeyId: 'k1',
    });
    expect(res.body).not.toContain('refresh_token');
  });

  it('uploads, validates, lists, shows and activates plan versions, auditing each change', async () => {
    const bad = await h.app.inject({
      method: 'POST',
      url: url('/plans'),
      headers: t.auth,
      payload: { source: 'name: [unclosed' },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('invalid_plan');
    expect(bad.json().error.details[0]).toMatchObject({
      path: expect.any(String),
      message: expect.any(String),
    });
    expect(await listPlanVersions(h.store.db, t.tenant.id)).toHaveLength(0);

    const wrong = await h.app.inject({
      method: 'POST',
      url: url('/plans'),
      headers: t.auth,
      payload: {
        source: planYaml('wrong')
          .replace('currency: CNY', 'currency: XYZ')
          .replace('weight: 50', 'weight: -5'),
      },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.details.length).toBeGreaterThanOrEqual(2);
    expect(wrong.json().error.details.some((p: { line?: number }) => typeof p.line === 'number')).toBe(true);

    const v1 = await h.app.inject({
      method: 'POST',
      url: url('/plans'),
      headers: t.auth,
      payload: { source: planYaml('one') },
    });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toMatchObject({ version: 1, format: 'yaml', active: false });
    const v2 = await h.app.inject({
      method: 'POST',
      url: url('/plans'),
      headers: t.auth,
      payload: { source: planJson('two'), activate: true },
    });
    expect(v2.json()).toMatchObject({ version: 2, format: 'json', active: true });
    const act = await h.app.inject({ method: 'POST', url: url('/plans/1/activate'), headers: t.auth });
    expect(act.json()).toMatchObject({ version: 1, active: true });
    const list = await h.app.inject({ method: 'GET', url: url('/plans'), headers: t.auth });
    expect(list.json().versions.map((v: { active: boolean }) => v.active)).toEqual([true, false]);
    const shown = await h.app.inject({ method: 'GET', url: url('/plans/2'), headers: t.auth });
    expect(shown.json().source).toBe(planJson('two'));
    expect((await h.app.inject({ method: 'GET', url: url('/plans/9'), headers: t.auth })).statusCode).toBe(
      404,
    );
    const valid = await h.app.inject({
      method: 'POST',
      url: url('/plans/validate'),
      headers: t.auth,
      payload: { source: planYaml('ok') },
    });
    expect(valid.json()).toEqual({ ok: true, problems: [] });
    const audit = await h.app.inject({ method: 'GET', url: url('/audit?limit=10'), headers: t.auth });
    const actions = audit.json().entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['plan.uploaded', 'plan.activated', 'tenant.created']));
  });

  it('replaces settings, pauses and resumes, and reports sync status and errors', async () => {
    const put = await h.app.inject({
      method: 'PUT',
      url: url('/settings'),
      headers: t.auth,
      payload: { settings: { partnerLookupField: 'Partner' } },
    });
    expect(put.json()).toEqual({ settings: { partnerLookupField: 'Partner' } });
    const paused = await h.app.inject({
      method: 'POST',
      url: url('/pause'),
      headers: t.auth,
      payload: { reason: 'maintenance', until: '2030-01-01T00:00:00Z' },
    });
    expect(paused.json()).toMatchObject({ status: 'paused', statusReason: 'maintenance' });
    const resumed = await h.app.inject({ method: 'POST', url: url('/resume'), headers: t.auth });
    expect(resumed.json()).toMatchObject({ status: 'active', statusReason: null });
    const sync = await h.app.inject({ method: 'GET', url: url('/sync'), headers: t.auth });
    expect(sync.json()).toMatchObject({ records: { partner: 0, deal: 0 }, inbox: { pending: 0 } });
    const errors = await h.app.inject({ method: 'GET', url: url('/errors'), headers: t.auth });
    expect(errors.json()).toEqual({ quarantine: [], writeback: [] });
  });

  it('answers invalid requests with one error shape naming the problem', async () => {
    const res = await h.app.inject({
      method: 'PUT',
      url: url('/settings'),
      headers: t.auth,
      payload: { settings: 'not an object' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'invalid_request', message: expect.stringContaining('settings') },
    });
    const q = await h.app.inject({ method: 'GET', url: url('/audit?limit=0'), headers: t.auth });
    expect(q.statusCode).toBe(400);
    const missing = await h.app.inject({ method: 'GET', url: '/nowhere' });
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /nowhere' } });
  });

  it('hides internals of 5xx and logs them with the request id', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/test/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('db-internal');
    const id = /request id (\S+) /.exec(res.json().error.message)?.[1];
    expect(id).toBeTruthy();
    const line = h
      .logs()
      .split('\n')
      .find((l) => l.includes('db-internal'));
    expect(line && JSON.parse(line).reqId).toBe(id);
  });

  it('rejects a body over the limit with 413 and writes nothing', async () => {
    const before = await listPlanVersions(h.store.db, t.tenant.id);
    const auditBefore = await h.store.db.query('select count(*)::int as n from audit_log');
    const res = await h.app.inject({
      method: 'POST',
      url: url('/plans'),
      headers: { ...t.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ source: `name: ${'x'.repeat(300 * 1024)}` }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
    expect(await listPlanVersions(h.store.db, t.tenant.id)).toEqual(before);
    expect(await h.store.db.query('select count(*)::int as n from audit_log')).toEqual(auditBefore);
  });

  it('the default body limit is 256 KiB: one byte over is 413, exactly the limit is read', async () => {
    const sized = (bytes: number) => {
      const shell = JSON.stringify({ source: '' });
      return JSON.stringify({ source: 'x'.repeat(bytes - shell.length) });
    };
    const send = (payload: string) =>
      h.app.inject({
        method: 'POST',
        url: url('/plans/validate'),
        headers: { ...t.auth, 'content-type': 'application/json' },
        payload,
      });
    expect(Buffer.byteLength(sized(256 * 1024))).toBe(256 * 1024);
    expect((await send(sized(256 * 1024 + 1))).statusCode).toBe(413);
    const atLimit = await send(sized(256 * 1024));
    expect(atLimit.statusCode).not.toBe(413);
    expect(atLimit.json().error?.code).not.toBe('payload_too_large');
  });

  it('serves the OpenAPI document and UI at /docs, health and metrics', async () => {
    const doc = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    const paths = Object.keys(doc.json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/health/ready', '/api/admin/tenants/{tenantId}/plans']));
    // Every admin operation is documented as needing the admin key.
    for (const [path, ops] of Object.entries(
      doc.json().paths as Record<string, Record<string, { security?: unknown }>>,
    )) {
      if (!path.startsWith('/api/admin')) continue;
      for (const op of Object.values(ops)) expect(op.security).toEqual([{ adminKey: [] }]);
    }
    // Every documented operation declares its path parameters and the schema of its success answer
    // (responses are serialized through that schema, so nothing undeclared leaks out).
    type Op = { parameters?: { in: string; name: string }[]; responses?: Record<string, unknown> };
    for (const [path, ops] of Object.entries(doc.json().paths as Record<string, Record<string, Op>>)) {
      const wanted = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(ops)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect({ op: `${method} ${path}`, params: declared.sort() }).toEqual({
          op: `${method} ${path}`,
          params: wanted,
        });
        const ok = Object.keys(op.responses ?? {}).filter((c) => /^[23]\d\d$/.test(c));
        expect({ op: `${method} ${path}`, success: ok.length > 0 }).toEqual({
          op: `${method} ${path}`,
          success: true,
        });
      }
    }
    expect((await h.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
    expect((await h.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', queue: 'ok' } });
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('ci_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('ci_queue_jobs{queue="sync",state="waiting"}');
    expect(metrics.body).toContain('ci_crm_calls_total');
    // Security headers.
    expect(ready.headers['x-frame-options']).toBe('DENY');
    expect(ready.headers['x-content-type-options']).toBe('nosniff');
  });
});
