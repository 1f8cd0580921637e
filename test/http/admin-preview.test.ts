// POST /api/admin/tenants/:id/plans/preview on the real store: the seeded programme scored
// with the active plan and a candidate; who moves tier, payouts before/after; nothing written.
// And GET /subscription, the push subscription the console shows.

import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { score } from '../../src/core/index.js';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { lastClosedPeriod } from '../../src/jobs/plan-preview.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { listAudit } from '../../src/store/repos/audit.repo.js';
import { listPlanVersions } from '../../src/store/repos/plans.repo.js';
import { putSubscription } from '../../src/store/repos/subscriptions.repo.js';
import { type Harness, harness } from './harness.js';
import { candidatePlan } from './preview.fixture.js';
import { type SeededTenant, seedTenant } from './widget.fixture.js';

describe('plan preview', () => {
  let h: Harness;
  let t: SeededTenant;
  let auth: { authorization: string };
  const url = (path: string) => `${ADMIN_PREFIX}/tenants/${t.tenantId}${path}`;
  const preview = (payload: object) =>
    h.app.inject({ method: 'POST', url: url('/plans/preview'), headers: auth, payload });

  beforeAll(async () => {
    h = await harness();
    t = await seedTenant(h.store.db, h.keyring, { crm: 'zoho', orgId: 'preview-org' });
    auth = { authorization: `Bearer ${(await createAdminKey(h.store.db, t.tenantId, 'test')).key}` };
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('compares tiers and payouts per partner for a given period and writes nothing', async () => {
    const versionsBefore = await listPlanVersions(h.store.db, t.tenantId);
    const auditBefore = await listAudit(h.store.db, t.tenantId);
    const res = await preview({
      source: JSON.stringify(candidatePlan(t.plan)),
      format: 'json',
      period: '2026-Q4',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      period: '2026-Q4',
      activeVersion: 1,
      currency: { before: 'CNY', after: 'CNY' },
      counts: { partners: 5, up: 1, down: 1, same: 3, new: 0 },
    });
    const byId = Object.fromEntries(body.partners.map((p: { partnerId: string }) => [p.partnerId, p]));
    // Each side is the core's own score of the stored records, without statements.
    const direct = score(candidatePlan(t.plan), { ...t.input, statements: [] }, { period: '2026-Q4' });
    const p1After = direct.results.find((r) => r.partnerId === 'P1')!.payout.total;
    expect(byId.P1).toMatchObject({
      name: 'Acme Distribution',
      tierBefore: 'Silver',
      tierAfter: 'Gold',
      move: 'up',
      payoutBefore: '21800.00',
      payoutAfter: p1After,
      delta: new Decimal(p1After).minus('21800').toFixed(),
    });
    expect(byId.P2).toMatchObject({
      tierBefore: 'Silver',
      tierAfter: 'Registered',
      move: 'down',
      payoutBefore: '46000.00',
      delta: '-46000',
    });
    expect(byId.P3).toMatchObject({ move: 'same', delta: '0' });
    expect(body.totals).toEqual({
      payoutBefore: '67800',
      payoutAfter: p1After.replace(/\.00$/, ''),
      delta: new Decimal(p1After).minus('67800').toFixed(),
    });
    // Biggest change first.
    expect(body.partners[0].partnerId).toBe('P2');
    expect(await listPlanVersions(h.store.db, t.tenantId)).toEqual(versionsBefore);
    expect(await listAudit(h.store.db, t.tenantId)).toEqual(auditBefore);
  });

  it('defaults to the last ended period of the active plan', async () => {
    const res = await preview({ source: JSON.stringify(t.plan) });
    expect(res.statusCode).toBe(200);
    expect(res.json().period).toBe(lastClosedPeriod(t.plan, new Date()));
    // The same plan moves nobody.
    expect(res.json().totals.delta).toBe('0');
    expect(res.json().counts.up + res.json().counts.down).toBe(0);
  });

  it('answers 422 with every problem and its line for an invalid candidate', async () => {
    const res = await preview({
      source:
        'id: x\nname: Broken\nversion: 1\ncurrency: CNY\ntimezone: Asia/Shanghai\nperiod: { type: week }\n',
    });
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('invalid_plan');
    const period = err.details.find((p: { path: string }) => p.path.startsWith('period'));
    expect(period).toMatchObject({ line: 6 });
  });

  it('answers 422 naming the period when it does not fit the plan', async () => {
    const res = await preview({ source: JSON.stringify(t.plan), period: '2026-05' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details).toEqual([
      {
        path: 'period',
        message: expect.stringMatching(/candidate plan: period "2026-05" does not name a quarter/),
      },
    ]);
  });

  it('shows the push subscription without its notify URL hash', async () => {
    const empty = await h.app.inject({ method: 'GET', url: url('/subscription'), headers: auth });
    expect(empty.json()).toEqual({ subscription: null });
    await putSubscription(h.store.db, t.tenantId, {
      channelId: 'ch-1',
      expiresAt: '2020-01-01T00:00:00.000Z',
      notifyUrlHash: 'f'.repeat(64),
    });
    const res = await h.app.inject({ method: 'GET', url: url('/subscription'), headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().subscription).toMatchObject({
      channelId: 'ch-1',
      expiresAt: '2020-01-01T00:00:00.000Z',
      expired: true,
      lastError: null,
    });
    expect(res.body).not.toContain('fff');
  });
});
