// Scheduled upkeep: job schedulers per tenant (start-up, new tenants, intervals from
// settings), the maintenance tasks against the Zoho sandbox (subscription renewal,
// proactive token refresh single-flighted across 50 concurrent jobs), nothing sent to
// the CRM for a paused tenant, incremental sync enqueued once, and period close
// freezing statements exactly once. Real Redis, real PostgreSQL.

import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import { maintenanceProcessor, runMaintenance } from '../../src/jobs/maintenance.worker.js';
import { uploadPlan } from '../../src/jobs/plans.service.js';
import type { Payload } from '../../src/jobs/queues.js';
import { SCHEDULE_DEFAULTS, schedulerId, syncSchedules } from '../../src/jobs/schedules.js';
import { changeTenantStatus } from '../../src/jobs/tenants.service.js';
import { startUpkeep } from '../../src/jobs/upkeep.js';
import { createLogger } from '../../src/log.js';
import { credentialVault } from '../../src/secrets/vault.js';
import type { TenantId } from '../../src/store/ids.js';
import { listAudit } from '../../src/store/repos/audit.repo.js';
import { listStatements, saveResult } from '../../src/store/repos/results.repo.js';
import { listRuns } from '../../src/store/repos/runs.repo.js';
import { putSettings } from '../../src/store/repos/settings.repo.js';
import { getSubscription } from '../../src/store/repos/subscriptions.repo.js';
import { getTenant } from '../../src/store/repos/tenants.repo.js';
import { planYaml } from '../runtime/helpers/plans.js';
import { type IntakeRig, intakeRig, syncJobs } from './helpers/intake.js';

let sb: ZohoSandbox;
let rig: IntakeRig;

beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { seed: 13, partners: 10, deals: 100 } });
  rig = await intakeRig('postgres');
});
afterAll(async () => {
  await rig?.dispose();
  await sb?.close();
});

const zohoTenant = (settings: Record<string, unknown> = {}) =>
  rig.addTenant(
    'zoho',
    {
      dataCentre: 'us',
      accountsUrl: sb.url,
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      refreshToken: sb.oauth.issueRefreshToken(sb.clientId),
    },
    { allowedApiDomains: [sb.url], edition: 'enterprise', ...settings },
  );

async function schedulers() {
  const list = await rig.queues.queue('maintenance').getJobSchedulers(0, -1, true);
  return new Map(list.map((s) => [s.key, s]));
}

describe('job schedulers', () => {
  it('start-up gives every active tenant its schedulers; a tenant added later gets them on the next round', async () => {
    const a = await zohoTenant();
    const fast = await zohoTenant({ incrementalSyncMinutes: 5 });
    const paused = await zohoTenant();
    await changeTenantStatus(rig.store.db, paused, { status: 'paused', reason: 'test' }, 'test');

    const upkeep = startUpkeep(
      {
        db: rig.store.db,
        queues: rig.queues,
        connectors: rig.connectors,
        publicUrl: rig.url,
        logger: createLogger('silent'),
      },
      { intervalMs: 3_600_000 },
    );
    try {
      await upkeep.ready;
      let s = await schedulers();
      for (const task of Object.keys(SCHEDULE_DEFAULTS) as (keyof typeof SCHEDULE_DEFAULTS)[]) {
        expect(s.get(schedulerId(a, task))).toMatchObject({
          every: SCHEDULE_DEFAULTS[task],
          template: { data: { tenantId: a, task } },
        });
      }
      expect(s.get(schedulerId(fast, 'incremental-sync'))?.every).toBe(5 * 60_000);
      expect([...s.keys()].some((k) => k.includes(paused))).toBe(false);

      // The schedulers' first jobs run at once through the maintenance worker:
      // the incremental sync of tenant A shows up as a sync job, its channel as a subscription.
      await expect
        .poll(async () => (await syncJobs(rig.queues)).some((j) => j.data.tenantId === a), {
          timeout: 15_000,
        })
        .toBe(true);
      await expect.poll(() => getSubscription(rig.store.db, a), { timeout: 15_000 }).not.toBeNull();

      const later = await zohoTenant();
      await upkeep.reconciler.runOnce();
      s = await schedulers();
      expect(s.has(schedulerId(later, 'close-period'))).toBe(true);
      expect([...s.keys()].filter((k) => k.includes(later))).toHaveLength(5);
    } finally {
      await upkeep.stop();
    }

    // A restart leaves unchanged schedulers alone and applies a changed interval.
    await putSettings(rig.store.db, a, { allowedApiDomains: [sb.url], incrementalSyncMinutes: 30 });
    expect(await syncSchedules(rig.store.db, rig.queues)).toEqual({ upserted: 0, removed: 0 });
    expect(await syncSchedules(rig.store.db, rig.queues, { checkIntervals: true })).toEqual({
      upserted: 1,
      removed: 0,
    });
    expect((await schedulers()).get(schedulerId(a, 'incremental-sync'))?.every).toBe(30 * 60_000);

    // A flushed Redis loses the schedulers too; the next round puts every active tenant's back.
    await rig.flushQueues();
    expect(await schedulers()).toEqual(new Map());
    const back = await syncSchedules(rig.store.db, rig.queues);
    expect(back.upserted).toBe(3);
    expect((await schedulers()).size).toBe(15);
  });
});

describe('maintenance tasks', () => {
  it('renew-subscription subscribes, keeps a young channel, renews one near expiry, and resubscribes for a new PUBLIC_URL', async () => {
    const t = await zohoTenant();
    const ctx = rig.maintenance();
    expect(await runMaintenance(ctx, { tenantId: t, task: 'renew-subscription' })).toMatchObject({
      detail: { action: 'subscribed' },
    });
    const first = (await getSubscription(rig.store.db, t))!;
    expect(await runMaintenance(ctx, { tenantId: t, task: 'renew-subscription' })).toMatchObject({
      detail: { action: 'kept' },
    });
    // A day before expiry the channel is renewed (PATCH), and the stored expiry moves on.
    const nearExpiry = () => new Date(Date.parse(first.expiresAt!) - 86_400_000);
    const renewed = await runMaintenance(rig.maintenance(nearExpiry), {
      tenantId: t,
      task: 'renew-subscription',
    });
    expect(renewed).toMatchObject({ detail: { action: 'renewed', channelId: first.channelId } });
    expect(sb.watch.channels.get(first.channelId)?.notify_url.startsWith(rig.url)).toBe(true);

    const moved = { ...rig.maintenance(), publicUrl: 'https://incentives.example.com' };
    expect(await runMaintenance(moved, { tenantId: t, task: 'renew-subscription' })).toMatchObject({
      detail: { action: 'subscribed' },
    });
    expect(
      sb.watch.channels
        .get(first.channelId)
        ?.notify_url.startsWith(`https://incentives.example.com/webhooks/zoho/${t}/`),
    ).toBe(true);
    const actions = (await listAudit(rig.store.db, t)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('subscription.')).sort()).toEqual([
      'subscription.renewed',
      'subscription.subscribed',
      'subscription.subscribed',
    ]);
  });

  it('50 concurrent refresh-token jobs → exactly one token refresh at the CRM', async () => {
    const t = await zohoTenant();
    const ctx = rig.maintenance();
    const before = sb.getStats().tokenRequests;
    // No access token yet: one refresh for all 50.
    const first = await Promise.all(
      Array.from({ length: 50 }, () => runMaintenance(ctx, { tenantId: t, task: 'refresh-token' })),
    );
    expect(sb.getStats().tokenRequests).toBe(before + 1);
    expect(first.filter((o) => 'detail' in o && o.detail?.refreshed === true)).toHaveLength(50);

    // A token with 10 minutes left is refreshed proactively, again once.
    const vault = credentialVault<Record<string, unknown>>(rig.store.db, rig.keyring, t);
    const creds = await vault.read();
    await vault.write({ ...creds, accessTokenExpiresAt: Date.now() + 10 * 60_000 });
    rig.connectors.forget(t);
    const mid = sb.getStats().tokenRequests;
    await Promise.all(
      Array.from({ length: 50 }, () => runMaintenance(ctx, { tenantId: t, task: 'refresh-token' })),
    );
    expect(sb.getStats().tokenRequests).toBe(mid + 1);
    const after = await vault.read();
    expect(after.accessToken).not.toBe(creds.accessToken);
    expect(after.accessTokenExpiresAt as number).toBeGreaterThan(Date.now() + 50 * 60_000);

    // A fresh token: nothing to do.
    await runMaintenance(ctx, { tenantId: t, task: 'refresh-token' });
    expect(sb.getStats().tokenRequests).toBe(mid + 1);
  });

  it('a paused or needs_reauth tenant: no CRM call, no sync; store-only tasks still run', async () => {
    const t = await zohoTenant();
    await changeTenantStatus(rig.store.db, t, { status: 'paused', reason: 'quota' }, 'test');
    const stats = sb.getStats();
    const jobs = (await syncJobs(rig.queues)).length;
    for (const task of ['renew-subscription', 'refresh-token', 'incremental-sync'] as const) {
      expect(await runMaintenance(rig.maintenance(), { tenantId: t, task })).toEqual({
        task,
        skipped: 'tenant is paused',
      });
    }
    expect(await runMaintenance(rig.maintenance(), { tenantId: t, task: 'reconcile-inbox' })).toMatchObject({
      done: true,
    });
    await rig.store.db.query(`update tenants set status = 'needs_reauth' where tenant_id = $1`, [t]);
    expect(await runMaintenance(rig.maintenance(), { tenantId: t, task: 'refresh-token' })).toEqual({
      task: 'refresh-token',
      skipped: 'tenant is needs_reauth',
    });
    const now = sb.getStats();
    expect(now.calls).toBe(stats.calls);
    expect(now.tokenRequests).toBe(stats.tokenRequests);
    expect(await syncJobs(rig.queues)).toHaveLength(jobs);
    expect(await getSubscription(rig.store.db, t)).toBeNull();
  });

  it('a revoked grant parks the tenant and ends the job (no retry storm); later runs skip the CRM', async () => {
    const t = await rig.addTenant(
      'zoho',
      {
        dataCentre: 'us',
        accountsUrl: sb.url,
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        refreshToken: '1000.revoked.or.never.issued',
      },
      { allowedApiDomains: [sb.url], edition: 'enterprise' },
    );
    const processor = maintenanceProcessor(rig.maintenance());
    const job = { data: { tenantId: t, task: 'refresh-token' } } as unknown as Job<Payload<'maintenance'>>;
    const out = await processor(job);
    expect(out).toMatchObject({ task: 'refresh-token', skipped: expect.stringMatching(/^needsReauth: /) });
    expect((await getTenant(rig.store.db, t))?.status).toBe('needs_reauth');
    const before = sb.getStats().tokenRequests;
    expect(await processor(job)).toEqual({ task: 'refresh-token', skipped: 'tenant is needs_reauth' });
    expect(sb.getStats().tokenRequests).toBe(before);
  });

  it('incremental-sync enqueues one sync job for the tenant, however often the job is retried', async () => {
    const t = await zohoTenant();
    const at = () => new Date('2027-03-01T10:00:30Z');
    await runMaintenance(rig.maintenance(at), { tenantId: t, task: 'incremental-sync' });
    await runMaintenance(rig.maintenance(at), { tenantId: t, task: 'incremental-sync' });
    const mine = (await syncJobs(rig.queues)).filter((j) => j.data.tenantId === t);
    expect(mine.map((j) => j.data)).toEqual([{ tenantId: t }]);
    expect(mine[0]!.id).toMatch(new RegExp(`^sync\\.${t}\\.inc\\.\\d+$`));
  });
});

describe('period close', () => {
  let t: TenantId;
  const result = (partnerId: string, total: string, adjustments: { amount: string }[] = []) => ({
    partnerId,
    score: 1,
    tier: 'Gold',
    payout: {
      base: total,
      tierBonus: '0',
      bonuses: [],
      capReduction: '0',
      adjustments: adjustments.map((a) => ({
        period: '2026-Q3',
        frozen: '0',
        recomputed: a.amount,
        amount: a.amount,
        kind: 'true-up',
      })),
      total,
    },
    inputsHash: `h-${partnerId}-${total}`,
  });

  beforeAll(async () => {
    t = await zohoTenant({ closeGraceDays: 5 });
    const up = await uploadPlan(rig.store.db, t, planYaml('close test'), 'yaml', 'test', { activate: true });
    expect(up.ok).toBe(true);
    // 2026-Q4 ended 2027-01-01 00:00 Asia/Shanghai (2026-12-31T16:00Z).
    await saveResult(rig.store.db, t, {
      partnerId: 'P1',
      period: '2026-Q4',
      planVersion: 1,
      inputsHash: 'a',
      result: result('P1', '1500.00', [{ amount: '300.00' }]),
    });
    await saveResult(rig.store.db, t, {
      partnerId: 'P2',
      period: '2026-Q4',
      planVersion: 1,
      inputsHash: 'b',
      result: result('P2', '0.00'),
    });
    await saveResult(rig.store.db, t, {
      partnerId: 'P1',
      period: '2027-Q1',
      planVersion: 1,
      inputsHash: 'c',
      result: result('P1', '99.00'),
    });
  });

  it('waits for the grace period, then freezes every result of the period once, audited once', async () => {
    const within = () => new Date('2027-01-05T00:00:00Z');
    expect(
      await runMaintenance(rig.maintenance(within), { tenantId: t, task: 'close-period' }),
    ).toMatchObject({
      detail: { closed: [] },
    });
    expect(await listStatements(rig.store.db, t)).toEqual([]);

    const after = () => new Date('2027-01-06T00:00:00Z');
    const runs = await Promise.all(
      Array.from({ length: 5 }, () =>
        runMaintenance(rig.maintenance(after), { tenantId: t, task: 'close-period' }),
      ),
    );
    const frozen = runs.flatMap((r) =>
      'detail' in r ? ((r.detail?.closed as { frozen: number }[]) ?? []).map((c) => c.frozen) : [],
    );
    expect(frozen.reduce((s, n) => s + n, 0)).toBe(2);
    // The open period is re-scored against the new statements: one recalculation run.
    const rescoring = runs.map((r) => ('detail' in r ? r.detail?.rescoring : undefined)).filter(Boolean);
    expect(new Set(rescoring)).toEqual(new Set(['2027-Q1']));
    const recalcRuns = async () => (await listRuns(rig.store.db, t)).filter((r) => r.kind === 'recalc');
    expect((await recalcRuns()).map((r) => r.options)).toEqual([{ period: '2027-Q1' }]);
    const statements = await listStatements(rig.store.db, t);
    expect(statements.map((s) => [s.partnerId, s.period, s.payout, s.currency, s.inputsHash])).toEqual([
      // The period's own earnings: the 300.00 settled for an earlier period is not part of it.
      ['P1', '2026-Q4', '1200.00', 'CNY', 'a'],
      ['P2', '2026-Q4', '0.00', 'CNY', 'b'],
    ]);

    // A later change to the stored result never edits the frozen statement.
    await saveResult(rig.store.db, t, {
      partnerId: 'P1',
      period: '2026-Q4',
      planVersion: 1,
      inputsHash: 'a2',
      result: result('P1', '100.00'),
    });
    await runMaintenance(rig.maintenance(after), { tenantId: t, task: 'close-period' });
    expect((await listStatements(rig.store.db, t, '2026-Q4')).find((s) => s.partnerId === 'P1')?.payout).toBe(
      '1200.00',
    );
    expect(await recalcRuns()).toHaveLength(1); // nothing newly frozen: no second re-scoring
    const closes = (await listAudit(rig.store.db, t)).filter((e) => e.action === 'period.closed');
    expect(closes.map((e) => e.detail)).toEqual([{ period: '2026-Q4', frozen: 2, alreadyFrozen: 0 }]);
  });
});
