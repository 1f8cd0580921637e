// The admin API's sync / recalc / runs routes: 202 with a run id, the run's progress
// by GET, bad input refused with the reason. (Tenant isolation of these routes is
// covered by test/http/admin-isolation.test.ts, generated from every route.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { pipelineContext, startPipelineWorkers } from '../../src/jobs/pipeline/index.js';
import { uploadPlan } from '../../src/jobs/plans.service.js';
import { createLogger } from '../../src/log.js';
import { type Harness, harness, tenantWithKey } from '../http/harness.js';
import { PLAN_SOURCE } from './pipeline.harness.js';

describe('admin API: runs', () => {
  let h: Harness;
  let t: Awaited<ReturnType<typeof tenantWithKey>>;
  beforeAll(async () => {
    h = await harness();
    await h.queues.ping(60_000); // creates BullMQ's tables before the first enqueue's 3 s deadline
    t = await tenantWithKey(h, 'runs-api', { refreshToken: 'r' });
    expect(
      (await uploadPlan(h.store.db, t.tenant.id, PLAN_SOURCE, 'yaml', 'test', { activate: true })).ok,
    ).toBe(true);
  }, 90_000);
  afterAll(async () => {
    await h?.dispose();
  });

  const url = (path: string) => `${ADMIN_PREFIX}/tenants/${t.tenant.id}${path}`;

  it('POST sync answers 202 with a run id; the run is visible, queued until a worker takes it', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: url('/sync'),
      headers: t.auth,
      payload: { full: true },
    });
    expect(res.statusCode).toBe(202);
    const { runId } = res.json();
    expect(runId).toMatch(/^r_[a-z0-9]{12}$/);
    const run = await h.app.inject({ method: 'GET', url: url(`/runs/${runId}`), headers: t.auth });
    expect(run.json()).toMatchObject({ runId, kind: 'full', status: 'queued', tenantId: t.tenant.id });
    const list = await h.app.inject({ method: 'GET', url: url('/runs'), headers: t.auth });
    expect(list.json().runs.map((r: { runId: string }) => r.runId)).toContain(runId);
    // A second full sync while this one is open joins it (one open run per kind and options).
    const again = await h.app.inject({
      method: 'POST',
      url: url('/sync'),
      headers: t.auth,
      payload: { full: true },
    });
    expect(again.json()).toEqual({ runId });
  });

  it('POST recalc refuses a malformed period and unknown fields (400)', async () => {
    for (const payload of [{ period: 'Q1' }, { period: '2027-Q1', force: true }]) {
      const res = await h.app.inject({ method: 'POST', url: url('/recalc'), headers: t.auth, payload });
      expect(res.statusCode).toBe(400);
    }
    const missing = await h.app.inject({ method: 'GET', url: url('/runs/r_000000000000'), headers: t.auth });
    expect(missing.statusCode).toBe(404);
  });

  it('POST recalc → the workers carry the run out; GET shows it done with its progress', async () => {
    // The full sync queued above would call a real Zoho: it leaves the queue first.
    await h.queues.queue('sync').drain(true);
    startPipelineWorkers(
      pipelineContext({
        store: h.store,
        queues: h.queues,
        keyring: h.keyring,
        logger: createLogger('silent'),
      }),
    );
    const res = await h.app.inject({
      method: 'POST',
      url: url('/recalc'),
      headers: t.auth,
      payload: { period: '2027-Q1' },
    });
    expect(res.statusCode).toBe(202);
    const { runId } = res.json();
    let run: { status: string; progress: Record<string, unknown> } = { status: 'queued', progress: {} };
    for (let i = 0; i < 100 && run.status !== 'done' && run.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = (await h.app.inject({ method: 'GET', url: url(`/runs/${runId}`), headers: t.auth })).json();
    }
    expect(run).toMatchObject({ status: 'done', progress: { stage: 'done', periods: '2027-Q1', scored: 0 } });
  });
});
