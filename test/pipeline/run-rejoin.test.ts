// Joining an open full run, and a write-back whose job lost its lock. A full sync
// asked for while the tenant's full run is already writing back joins that run but
// makes it read the CRM again before it finishes: the asker's changes are in it
// (chaos trial 13: a joined run resumed at its write-back and missed them). A
// write-back whose job's lock is gone sends nothing more (chaos trial 12: a job taken
// over as stalled kept writing beside its successor). The scheduled sync of a tenant
// whose first full run is still reading joins that run as it is (the benchmark's full
// sync took three times as long whenever the schedule fired during it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activePlan } from '../../src/jobs/pipeline/context.js';
import { LostLockError } from '../../src/jobs/pipeline/job-lock.js';
import { requestRun, waitForRun } from '../../src/jobs/pipeline/runs.service.js';
import { scorePeriod } from '../../src/jobs/pipeline/score-period.js';
import { writePending } from '../../src/jobs/pipeline/write-pending.js';
import { countWriteback } from '../../src/store/repos/pipeline-results.repo.js';
import { getRun } from '../../src/store/repos/runs.repo.js';
import {
  activatePlanVersion2,
  expectEqualToFromScratch,
  openDealInPeriod,
  type PipelineHarness,
  pipelineHarness,
} from './pipeline.harness.js';

const PERIOD = '2026-Q4';

/** Waits until the run is in `stage` (it must not be done before). */
async function reachStage(h: PipelineHarness, runId: string, stage: string): Promise<void> {
  for (;;) {
    const run = await getRun(h.store.db, h.tenantId, runId);
    expect(run?.status).not.toBe('done');
    if (run?.progress.stage === stage) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a full sync asked for while the full run writes back', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await pipelineHarness({ seed: { seed: 41, partners: 30, deals: 500 } });
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it('joins the run, which reads the CRM again before it is done: a deal won meanwhile is in the results', async () => {
    h.sb.writeLatencyMs = 1500; // the write-back lasts long enough to be caught
    const first = await requestRun(h.store.db, h.queues, h.tenantId, 'full');
    await reachStage(h, first.runId, 'writeback');
    // Won in the CRM after the run read its deals, with no push: only a new read sees it.
    const { dealId } = openDealInPeriod(h);
    h.sb.setDealStage(dealId, 'Closed Won');
    const second = await requestRun(h.store.db, h.queues, h.tenantId, 'full');
    expect(second).toMatchObject({ runId: first.runId, joined: true });
    h.sb.writeLatencyMs = 0;
    const done = await waitForRun(h.store.db, h.tenantId, first.runId, { timeoutMs: 120_000, pollMs: 100 });
    expect(done.status).toBe('done');
    expect(done.progress.resyncs).toBe(1);
    await expectEqualToFromScratch(h, PERIOD);
  }, 120_000);

  it('a write-back whose job lost its lock sends nothing and leaves the results pending', async () => {
    await h.idle();
    await activatePlanVersion2(h);
    const scored = await scorePeriod(h.ctx, h.tenantId, (await activePlan(h.store.db, h.tenantId))!, PERIOD);
    expect(scored.changed.length).toBe(scored.partners);
    const { connector } = await h.ctx.connectors.forTenant(h.tenantId);
    h.sb.updateAttempts.clear();
    await expect(
      writePending(h.ctx, h.tenantId, connector, { jobLockHeld: async () => false }),
    ).rejects.toThrow(LostLockError);
    expect(h.sb.updateAttempts.size).toBe(0);
    expect(await countWriteback(h.store.db, h.tenantId)).toMatchObject({ pending: scored.partners });
  });
});

describe("the scheduled sync while the tenant's first full run reads the CRM", () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await pipelineHarness({ seed: { seed: 42, partners: 20, deals: 300 } });
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it('joins the run without making it read the CRM again', async () => {
    h.sb.latencyMs = 1000; // the deals' read lasts long enough to be caught
    const first = await requestRun(h.store.db, h.queues, h.tenantId, 'full');
    await reachStage(h, first.runId, 'deal');
    // What the incremental-sync schedule enqueues: no deal watermark yet, so it asks for the full run.
    const scheduled = await h.queues.add('sync', { tenantId: h.tenantId });
    h.sb.latencyMs = 0;
    const done = await waitForRun(h.store.db, h.tenantId, first.runId, { timeoutMs: 120_000, pollMs: 100 });
    expect(done.status).toBe('done');
    expect(done.progress.resyncs ?? 0).toBe(0);
    const job = await h.queues.queue('sync').getJob(scheduled);
    expect(job?.returnvalue).toMatchObject({ runId: first.runId, handedOver: true });
    await expectEqualToFromScratch(h, PERIOD);
  }, 120_000);
});
