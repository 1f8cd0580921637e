// The pipeline when things go wrong or time moves on: a partial write-back failure
// retries only the failed records (inside the write-back, and through the job's
// retry); a deal lost after its period was frozen becomes a clawback in the open
// period, equal to what it had added; a closed period is not re-scored without the
// explicit flag; a paused tenant's jobs wait without calling its CRM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deal, PartnerResult } from '../../src/core/index.js';
import { score } from '../../src/core/index.js';
import { recordInbox } from '../../src/store/repos/inbox.repo.js';
import { countWriteback } from '../../src/store/repos/pipeline-results.repo.js';
import { getResult, listResults, listStatements } from '../../src/store/repos/results.repo.js';
import { getTenant, setTenantStatus } from '../../src/store/repos/tenants.repo.js';
import { freezePeriod } from './freeze.js';
import {
  activatePlanVersion2,
  openDealInPeriod,
  PAYING_PLAN_SOURCE,
  type PipelineHarness,
  pipelineHarness,
} from './pipeline.harness.js';

async function push(h: PipelineHarness, key: string, dealId: string) {
  const [row] = await recordInbox(h.store.db, h.tenantId, [
    { eventKey: key, entity: 'deal', operation: 'upsert', recordIds: [dealId] },
  ]);
  await h.queues.add('sync', { tenantId: h.tenantId, eventIds: [row!.id] });
}

describe('partial write-back failures', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await pipelineHarness({ seed: { seed: 21, partners: 30, deals: 500 } });
    expect((await h.run('full')).status).toBe('done');
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it('records locked in the CRM are re-sent alone; the others are written once', async () => {
    await activatePlanVersion2(h);
    const partners = (await listResults(h.store.db, h.tenantId, '2026-Q4')).map((r) => r.partnerId);
    const [a, b] = partners;
    h.sb.lockRecord(a!, 1);
    h.sb.lockRecord(b!, 1);
    h.sb.updateAttempts.clear();
    const run = await h.run('recalc');
    expect(run).toMatchObject({ status: 'done' });
    expect(run.progress).toMatchObject({ written: partners.length, writeCalls: 2, writeFailed: 0 });
    for (const p of partners) expect(h.sb.updateAttempts.get(p)).toBe(p === a || p === b ? 2 : 1);
    const results = await listResults(h.store.db, h.tenantId, '2026-Q4');
    expect(results.every((r) => r.planVersion === 2 && r.writebackStatus === 'written')).toBe(true);
  });

  it('a record still locked after the write-back’s rounds stays pending; the job’s retry sends only it', async () => {
    const { dealId, partnerId } = openDealInPeriod(h);
    h.sb.setDealStage(dealId, 'Closed Won');
    h.sb.lockRecord(partnerId, 4); // the write-back tries 3 rounds; the job's retry gets through
    h.sb.updateAttempts.clear();
    await push(h, `locked-${dealId}`, dealId);
    await h.idle(60_000);
    expect(h.sb.updateAttempts.get(partnerId)).toBe(5);
    const written = [...h.sb.updateAttempts].filter(([id]) => id !== partnerId);
    expect(written.every(([, n]) => n === 1)).toBe(true);
    expect((await getResult(h.store.db, h.tenantId, partnerId, '2026-Q4'))?.writebackStatus).toBe('written');
    expect(await countWriteback(h.store.db, h.tenantId)).toMatchObject({ pending: 0, failed: 0 });
  });
});

describe('frozen periods and tenant status', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    // Without the CSAT gate and with a rate for every tier, every won deal moves its partner's payout.
    const planSource = PAYING_PLAN_SOURCE;
    expect(planSource).toContain('gates: []');
    h = await pipelineHarness({ seed: { seed: 33, partners: 30, deals: 600 }, planSource });
    expect((await h.run('full')).status).toBe('done');
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it('a deal lost after its period was frozen → a clawback in the open period equal to what it had added', async () => {
    const frozen = await freezePeriod(h.store.db, h.tenantId, '2026-Q4', 'CNY');
    expect(frozen.frozen).toBe(30);
    h.clock.now = new Date('2027-01-20T04:00:00Z'); // 2027-Q1 is open now
    expect((await h.run('recalc')).status).toBe('done');
    const q4Before = await listResults(h.store.db, h.tenantId, '2026-Q4');

    // A won Q4 deal whose loss changes its partner's Q4 payout (tried on a copy first).
    const scratch = await h.fromScratch('2026-Q4');
    const plan = await h.plan();
    const input = await inputOf(h);
    const payout = (deals: Deal[], partnerId: string) =>
      score(plan, { ...input, deals }, { period: '2026-Q4' }).results.find((r) => r.partnerId === partnerId)!
        .payout.total;
    let pick: { deal: Deal; lostPayout: string } | null = null;
    for (const r of scratch.results.filter((x) => Number(x.payout.total) > 0)) {
      for (const id of r.metrics.revenue!.dealIds) {
        const deals = input.deals.map((d) => (d.id === id ? { ...d, status: 'lost' as const } : d));
        const lostPayout = payout(deals, r.partnerId);
        if (lostPayout !== r.payout.total) {
          pick = { deal: input.deals.find((d) => d.id === id)!, lostPayout };
          break;
        }
      }
      if (pick) break;
    }
    expect(pick).not.toBeNull();
    const { deal, lostPayout } = pick!;
    const partnerId = deal.partnerId!;
    const statement = (await listStatements(h.store.db, h.tenantId, '2026-Q4')).find(
      (s) => s.partnerId === partnerId,
    )!;

    h.sb.setDealStage(deal.id, 'Closed Lost');
    await push(h, `lost-${deal.id}`, deal.id);
    await h.idle();

    const q1 = (await getResult(h.store.db, h.tenantId, partnerId, '2027-Q1'))!.result as PartnerResult;
    const added = Number(statement.payout) - Number(lostPayout);
    expect(added).toBeGreaterThan(0);
    expect(q1.payout.adjustments).toEqual([
      expect.objectContaining({ period: '2026-Q4', kind: 'clawback', recomputed: lostPayout }),
    ]);
    expect(Number(q1.payout.adjustments[0]!.amount)).toBeCloseTo(-added, 2);
    // The frozen period is not edited: its statements and stored results are as they were.
    expect(
      (await listStatements(h.store.db, h.tenantId, '2026-Q4')).find((s) => s.partnerId === partnerId),
    ).toEqual(statement);
    expect(await listResults(h.store.db, h.tenantId, '2026-Q4')).toEqual(q4Before);
    // The open period equals a from-scratch run with the statements as input.
    const q1Scratch = await h.fromScratch('2027-Q1');
    expect((await listResults(h.store.db, h.tenantId, '2027-Q1')).map((r) => r.result)).toEqual(
      q1Scratch.results,
    );
  });

  it('a closed period is re-scored only with the explicit flag', async () => {
    const refused = await h.run('recalc', { period: '2026-Q4' });
    expect(refused).toMatchObject({ status: 'failed', error: expect.stringContaining('--rescore-closed') });
    const allowed = await h.run('recalc', { period: '2026-Q4', rescoreClosed: true });
    expect(allowed.status).toBe('done');
  });

  it('a paused tenant’s CRM is not called until the pause ends', async () => {
    const until = new Date(Date.now() + 2500);
    await setTenantStatus(h.store.db, h.tenantId, 'paused', 'test pause', until);
    h.sb.resetStats();
    const started = Date.now();
    const run = await h.run('full');
    expect(run.status).toBe('done');
    // The job was delayed until the pause ended, not failed or retried against the CRM.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect((await getTenant(h.store.db, h.tenantId))?.status).toBe('active');
  });
});

async function inputOf(h: PipelineHarness) {
  const { tenantInput } = await import('../../src/jobs/pipeline/load-input.js');
  return tenantInput(h.store.db, h.tenantId, 'CNY');
}
