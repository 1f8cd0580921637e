// kill -9 of a worker process in the middle of a write-back (issue 6, "Tests"): a
// `serve --role worker` child runs a full sync + scoring + write-back against real
// PostgreSQL and Redis; the Zoho sandbox takes 1.5 s per update call, and the worker is
// killed while a batch is in flight (the CRM applies it; the worker never hears back).
// A new worker takes the stalled job over (JOB_LOCK_MS 2 s) and finishes the run: every
// partner's CRM values equal a from-scratch run, and the clawbacks from a frozen period
// appear once each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../src/store/repos/runs.repo.js';
import { freezePeriod } from './freeze.js';
import { type Cluster, startCluster } from './helpers/cluster.js';
import { PAYING_PLAN_SOURCE } from './pipeline.harness.js';

let c: Cluster;

beforeAll(async () => {
  c = await startCluster({ seed: { seed: 5, partners: 300, deals: 4000 }, planSource: PAYING_PLAN_SOURCE });
  await c.start('worker');
  expect((await c.wait((await c.request('full')).runId)).status).toBe('done');
  // Q3 scored and frozen, then some of its won deals lost: clawbacks in Q4.
  expect((await c.wait((await c.request('recalc', { period: '2026-Q3' })).runId)).status).toBe('done');
  expect((await freezePeriod(c.store.db, c.tenantId, '2026-Q3', 'CNY')).frozen).toBeGreaterThan(0);
}, 120_000);

afterAll(async () => {
  await c?.dispose();
}, 60_000);

describe('kill -9 of a worker in the middle of a write-back', () => {
  it('a new worker finishes the run: CRM equal to a from-scratch run, no adjustment twice', async () => {
    const deals = c.sb.org.module('Deals')!.records;
    let lost = 0;
    const bumped = new Set<string>();
    for (const d of deals.values()) {
      const partner = (d.Channel_Partner as { id: string } | null)?.id;
      const close = String(d.Closing_Date);
      if (!partner || d.Amount == null) continue;
      if (lost < 60 && d.Stage === 'Closed Won' && close >= '2026-07-01' && close <= '2026-09-30') {
        c.sb.userUpdate('Deals', d.id, { Stage: 'Closed Lost' });
        lost++;
      } else if (!bumped.has(partner) && close >= '2026-10-01' && close <= '2026-12-31') {
        c.sb.userUpdate('Deals', d.id, { Stage: 'Closed Won', Amount: Number(d.Amount) + 5000 });
        bumped.add(partner);
      }
    }
    expect(lost).toBe(60);
    expect(bumped.size).toBeGreaterThan(200); // three write batches or more

    c.sb.writeLatencyMs = 1500;
    const { runId } = await c.request('full');
    const deadline = Date.now() + 60_000;
    let stage = '';
    while (stage !== 'writeback') {
      if (Date.now() > deadline) throw new Error('the run never reached its write-back');
      await new Promise((r) => setTimeout(r, 50));
      stage = String((await getRun(c.store.db, c.tenantId, runId))!.progress.stage ?? '');
    }
    await new Promise((r) => setTimeout(r, 700)); // the first batch is at the CRM now
    const [worker] = c.live('worker');
    await worker!.kill9();
    const killedAt = Date.now();
    const atKill = (await getRun(c.store.db, c.tenantId, runId))!;
    expect(atKill.status).toBe('running');
    expect(Number(atKill.progress.written ?? 0)).toBe(0); // the batch in flight was never recorded

    c.sb.writeLatencyMs = 200;
    await c.start('worker');
    const done = await c.wait(runId, 60_000);
    const recoverMs = Date.now() - killedAt;
    expect(done).toMatchObject({ status: 'done', error: null });
    await c.idle();

    const check = await c.check();
    console.info(
      `worker kill mid-write-back: recovered in ${recoverMs} ms; ${check.partners} partners, ` +
        `${check.adjustments} adjustments, progress ${JSON.stringify(done.progress)}`,
    );
    expect(check.mismatched).toEqual([]);
    expect(check.storedDiffer).toEqual([]);
    expect(check.duplicateAdjustments).toEqual([]);
    expect(check.adjustments).toBeGreaterThan(0);
    // The batch that was in flight reached the CRM once before the kill and once after.
    expect(Math.max(...c.sb.updateAttempts.values())).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a run whose job lost its worker twice (JOB_MAX_STALLS 1: BullMQ fails it) is revived by the upkeep and finishes, nobody asking again', async () => {
    for (const d of [...c.sb.org.module('Deals')!.records.values()].slice(0, 400)) {
      if (d.Amount != null) c.sb.userUpdate('Deals', d.id, { Amount: Number(d.Amount) + 7 });
    }
    c.sb.writeLatencyMs = 1500;
    const { runId } = await c.request('full');
    const job = () => c.queues.queue('sync').getJob(`run.${c.tenantId}.${runId}`);
    const killWhenActive = async (attempt: number) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const j = await job();
        if (j && (await j.isActive()) && (j.attemptsStarted ?? 0) >= attempt) break;
        if (Date.now() > deadline) throw new Error(`the run's job never ran a ${attempt}. time`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      await c.live('worker')[0]!.kill9();
      await c.start('worker');
    };
    await killWhenActive(1);
    await killWhenActive(2);
    const deadline = Date.now() + 30_000;
    while (!(await (await job())!.isFailed())) {
      if (Date.now() > deadline) throw new Error('the twice-stalled job did not fail');
      await new Promise((r) => setTimeout(r, 200));
    }
    c.sb.writeLatencyMs = 0;
    // The upkeep's next round (RECONCILE_STALE_AFTER_MS 4 s without progress) retries the failed job.
    expect(await c.wait(runId, 60_000)).toMatchObject({ status: 'done', error: null });
    expect((await job())!.attemptsStarted).toBeGreaterThanOrEqual(3);
    await c.idle();
    const check = await c.check();
    expect(check.mismatched).toEqual([]);
    expect(check.duplicateAdjustments).toEqual([]);
  }, 120_000);
});
