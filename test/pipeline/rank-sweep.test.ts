// Ranks after a burst of pushes (docs/pipeline.md): a push's rerank saves the results
// whose own facts changed at once and, when more rank-only changes than it saves
// itself are left (here: any, rankOnlyInline 0), the period's rank sweep saves them
// later — after which everything equals a from-scratch run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordInbox } from '../../src/store/repos/inbox.repo.js';
import { listResults } from '../../src/store/repos/results.repo.js';
import {
  expectEqualToFromScratch,
  openDealInPeriod,
  type PipelineHarness,
  pipelineHarness,
} from './pipeline.harness.js';

const PERIOD = '2026-Q4';

describe('rank sweep (real PostgreSQL, Redis queues)', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await pipelineHarness({
      store: 'postgres',
      queue: 'redis',
      timing: { rankOnlyInline: 0, rankSweepDelayMs: 1500 },
    });
    const run = await h.run('full');
    expect(run.status).toBe('done');
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it('saves the pushed partner’s new numbers first and its rivals’ new ranks in one sweep after', async () => {
    // A won deal large enough to move its partner past others.
    const { dealId, partnerId } = openDealInPeriod(h);
    const deal = h.sb.org.module('Deals')!.records.get(dealId)!;
    deal.Amount = 5_000_000;
    h.sb.setDealStage(dealId, 'Closed Won');
    const before = new Map((await listResults(h.store.db, h.tenantId, PERIOD)).map((r) => [r.partnerId, r]));
    const t0 = Date.now();
    const [row] = await recordInbox(h.store.db, h.tenantId, [
      { eventKey: `sweep-${dealId}`, entity: 'deal', operation: 'upsert', recordIds: [dealId] },
    ]);
    await h.queues.add('sync', { tenantId: h.tenantId, eventIds: [row!.id] });
    await h.idle();

    const reranks = (await h.queues.queue('rerank').getJobs(['completed']))
      .filter((j) => j.timestamp >= t0)
      .sort((a, b) => a.processedOn! - b.processedOn!);
    const pushRerank = reranks.find((j) => !j.data.sweep)!;
    const sweeps = reranks.filter((j) => j.data.sweep);
    // The push's rerank saved the partner whose facts changed and left the rank-only ones.
    expect(pushRerank.returnvalue).toMatchObject({ changed: 1 });
    expect(pushRerank.returnvalue.deferred).toBeGreaterThan(0);
    // One sweep, after it, saved those.
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]!.processedOn!).toBeGreaterThanOrEqual(pushRerank.finishedOn!);
    expect(sweeps[0]!.returnvalue).toMatchObject({ changed: pushRerank.returnvalue.deferred, deferred: 0 });

    const after = await listResults(h.store.db, h.tenantId, PERIOD);
    const moved = after.filter((r) => r.inputsHash !== before.get(r.partnerId)?.inputsHash);
    expect(moved.map((r) => r.partnerId)).toContain(partnerId);
    expect(moved.length).toBe(1 + pushRerank.returnvalue.deferred);
    await expectEqualToFromScratch(h, PERIOD);
  });
});
