// A recalculation batch's input (load-input.ts partnersInput: the partners' won deals
// of the scored period, and of their accounts what decides first won deals) gives each
// partner exactly the pass-1 result a whole-tenant input gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreUnranked } from '../../src/core/index.js';
import { sha256 } from '../../src/jobs/pipeline/context.js';
import { partnersInput, tenantInput } from '../../src/jobs/pipeline/load-input.js';
import { type PipelineHarness, pipelineHarness } from './pipeline.harness.js';

const PERIODS = ['2026-Q4', '2026-Q3', '2027-Q1'];

describe('the input of a recalculation batch', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await pipelineHarness();
    expect((await h.run('full')).status).toBe('done');
  }, 120_000);
  afterAll(async () => {
    await h?.dispose();
  });

  it.each(PERIODS)('gives every partner of %s the result a whole-tenant input gives', async (period) => {
    const plan = await h.plan();
    const whole = scoreUnranked(plan, await tenantInput(h.store.db, h.tenantId, plan.currency), {
      period,
      sha256,
    }).partners;
    expect(whole.length).toBeGreaterThan(10);
    const ids = whole.map((p) => p.result.partnerId);
    for (let i = 0; i < ids.length; i += 7) {
      const batch = ids.slice(i, i + 7);
      const input = await partnersInput(h.store.db, h.tenantId, batch, plan, period);
      const mine = scoreUnranked(plan, input, { period, sha256, partners: new Set(batch) }).partners;
      expect(mine).toEqual(whole.filter((p) => batch.includes(p.result.partnerId)));
      // Fewer deals than the tenant's: the batch's own and those deciding first wins.
      expect(input.deals.length).toBeLessThan(h.sb.org.module('Deals')!.records.size);
    }
  });
});
