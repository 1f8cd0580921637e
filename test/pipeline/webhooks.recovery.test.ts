// Nothing is lost when the queue is: a push arriving while Redis is unreachable is
// still acknowledged (the inbox row is the durable record) and enqueued by the
// reconciler once Redis is back; a Redis flushed with pushes pending gets every
// pending push back from the reconciler. Real Redis (behind a proxy the test can cut),
// real PostgreSQL, the Zoho sandbox as the CRM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import { reconcileInbox, reconcileTenantInbox } from '../../src/jobs/inbox-reconciler.js';
import { runMaintenance } from '../../src/jobs/maintenance.worker.js';
import type { TenantId } from '../../src/store/ids.js';
import { getSubscription } from '../../src/store/repos/subscriptions.repo.js';
import { type IntakeRig, intakeRig, redisProxy, syncJobs } from './helpers/intake.js';

let sb: ZohoSandbox;
let proxy: Awaited<ReturnType<typeof redisProxy>>;
let rig: IntakeRig;
let tenantId: TenantId;

beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { seed: 12, partners: 20, deals: 300 } });
  proxy = await redisProxy();
  rig = await intakeRig('postgres', { redisUrl: proxy.url() });
  tenantId = await rig.addTenant(
    'zoho',
    {
      dataCentre: 'us',
      accountsUrl: sb.url,
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      refreshToken: sb.oauth.issueRefreshToken(sb.clientId),
    },
    { allowedApiDomains: [sb.url], edition: 'enterprise' },
  );
  const out = await runMaintenance(rig.maintenance(), { tenantId, task: 'renew-subscription' });
  expect(out).toMatchObject({ done: true });
});
afterAll(async () => {
  await proxy?.up().catch(() => undefined);
  await rig?.dispose();
  await proxy?.down();
  await sb?.close();
});

let dealCursor = 0;
/** A user closes another deal in the CRM; resolves when its notification was answered. */
async function closeADeal(): Promise<{ dealId: string; answered2xx: boolean }> {
  const deals = [...sb.org.module('Deals')!.records.values()].filter(
    (d) => d.Stage !== 'Closed Won' && d.Stage !== 'Closed Lost',
  );
  const deal = deals[dealCursor++ % deals.length]!;
  const before = sb.getStats().notifications.sent;
  sb.setDealStage(deal.id, 'Closed Won');
  await sb.watch.idle();
  // The sandbox counts a delivery as sent only when our answer was 2xx.
  return { dealId: deal.id, answered2xx: sb.getStats().notifications.sent === before + 1 };
}

async function rowsOf() {
  return rig.store.db.query<{ id: string; status: string; record_ids: string[]; attempts: number }>(
    'select id, status, record_ids, attempts from inbox where tenant_id = $1 order by id',
    [tenantId],
  );
}

const queuedEventIds = async () =>
  new Set((await syncJobs(rig.queues)).flatMap((j) => (j.data as { eventIds?: string[] }).eventIds ?? []));

describe('push intake when the queue fails', () => {
  it('Redis unreachable: the push is acknowledged, the row stays pending; the reconciler enqueues it once Redis is back', async () => {
    expect(await getSubscription(rig.store.db, tenantId)).not.toBeNull();
    await proxy.down();
    const started = performance.now();
    const push = await closeADeal();
    // Answered 2xx (the CRM would otherwise retry or give up), within the enqueue budget.
    expect(push.answered2xx).toBe(true);
    expect(performance.now() - started).toBeLessThan(2500);
    // Let the background handover run into its own deadline.
    await new Promise((r) => setTimeout(r, 3500));
    const [row] = (await rowsOf()).filter((r) => r.record_ids[0] === push.dealId);
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });

    // While Redis is still down the reconciler fails softly and keeps the row.
    expect(await reconcileTenantInbox(rig.store.db, rig.queues, tenantId, { staleAfterMs: 0 })).toEqual({
      requeued: 0,
      failed: 1,
      recalcs: 0,
      ranks: 0,
    });

    await proxy.up();
    await rig.queues.ping(5000).catch(() => undefined);
    // A fresh row is left alone (its own handover may still be under way) …
    expect(await reconcileTenantInbox(rig.store.db, rig.queues, tenantId)).toEqual({
      requeued: 0,
      failed: 0,
      recalcs: 0,
      ranks: 0,
    });
    // … a stale one is handed over.
    const counts = await reconcileInbox(rig.store.db, rig.queues, { staleAfterMs: 0 });
    expect(counts).toMatchObject({ requeued: 1, failed: 0 });
    const after = (await rowsOf()).find((r) => r.id === row!.id)!;
    expect(after).toMatchObject({ status: 'enqueued', attempts: 1 });
    expect(await queuedEventIds()).toContain(row!.id);
  });

  it('Redis flushed with work pending: the reconciler re-enqueues every pending push', async () => {
    for (let i = 0; i < 3; i++) expect((await closeADeal()).answered2xx).toBe(true);
    const open = (await rowsOf()).filter((r) => r.status !== 'done');
    expect(open.length).toBeGreaterThanOrEqual(4);
    expect([...(await queuedEventIds())].sort()).toEqual(open.map((r) => r.id).sort());

    await rig.flushQueues();
    expect(await syncJobs(rig.queues)).toHaveLength(0);

    const counts = await reconcileInbox(rig.store.db, rig.queues, { staleAfterMs: 0 });
    expect(counts.requeued).toBe(open.length);
    expect([...(await queuedEventIds())].sort()).toEqual(open.map((r) => r.id).sort());
    // Bounded jobs: all rows of this round fit one sync job of ≤ 100 rows.
    const jobs = await syncJobs(rig.queues);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.id).toMatch(new RegExp(`^sync\\.${tenantId}\\.ev(h)?\\..+\\.r\\d+$`));
  });

  it('rows the sync worker finished are never handed over again', async () => {
    const open = (await rowsOf()).filter((r) => r.status !== 'done');
    await rig.store.db.query(`update inbox set status = 'done' where tenant_id = $1`, [tenantId]);
    await rig.flushQueues();
    const counts = await reconcileInbox(rig.store.db, rig.queues, { staleAfterMs: 0 });
    expect(counts.requeued).toBe(0);
    expect(await syncJobs(rig.queues)).toHaveLength(0);
    expect(open.length).toBeGreaterThan(0);
  });
});
