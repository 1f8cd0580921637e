// The same full sync against the Fxiaoke sandbox: the pipeline is CRM-neutral, so a
// Fxiaoke tenant's stored results equal a from-scratch score() of what its CRM holds,
// and every result reaches the CRM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Deal, Partner, Plan } from '../../src/core/index.js';
import { score } from '../../src/core/index.js';
import { activePlan } from '../../src/jobs/pipeline/context.js';
import { pipelineContext, startPipelineWorkers } from '../../src/jobs/pipeline/index.js';
import { requestRun, waitForRun } from '../../src/jobs/pipeline/runs.service.js';
import { uploadPlan } from '../../src/jobs/plans.service.js';
import { createQueues, type Queues } from '../../src/jobs/queue-factory.js';
import { addTenant } from '../../src/jobs/tenants.service.js';
import { createLogger } from '../../src/log.js';
import { generateKeyEntry, parseKeyring } from '../../src/secrets/keyring.js';
import type { TenantId } from '../../src/store/ids.js';
import { listResults } from '../../src/store/repos/results.repo.js';
import {
  createFxiaokeHarness,
  type FxiaokeHarness,
  sandboxCredentials,
  sandboxSettings,
} from '../connectors/fxiaoke/harness.js';
import { createTestStore, type TestStore } from '../runtime/helpers/stores.js';
import { PLAN_SOURCE } from './pipeline.harness.js';

describe('full sync against the Fxiaoke sandbox (PGlite store, BullMQ PostgreSQL backend)', () => {
  let fx: FxiaokeHarness;
  let store: TestStore;
  let queues: Queues;
  let tenantId: TenantId;
  beforeAll(async () => {
    fx = await createFxiaokeHarness();
    store = await createTestStore('pglite');
    queues = createQueues({ kind: 'postgres', connection: store.pgConnection });
    await queues.ping(60_000); // creates BullMQ's tables before the first enqueue's 3 s deadline
    const keyring = parseKeyring(generateKeyEntry('k1'));
    const tenant = await addTenant(
      store.db,
      keyring,
      {
        crm: 'fxiaoke',
        orgId: 'fx-pipeline',
        credentials: sandboxCredentials() as unknown as Record<string, unknown>,
        settings: sandboxSettings(fx.sandbox.url) as Record<string, unknown>,
      },
      'test',
    );
    tenantId = tenant.id;
    expect((await uploadPlan(store.db, tenantId, PLAN_SOURCE, 'yaml', 'test', { activate: true })).ok).toBe(
      true,
    );
    const ctx = pipelineContext({
      store,
      queues,
      keyring,
      logger: createLogger('silent'),
      now: () => new Date('2026-12-15T04:00:00Z'),
    });
    await (await ctx.connectors.forTenant(tenantId)).connector.installFields();
    startPipelineWorkers(ctx);
  }, 120_000);
  afterAll(async () => {
    await queues?.close();
    await store?.dispose();
    await fx?.close();
  });

  it('stored results equal a from-scratch score() and every result is written to the CRM', async () => {
    const started = await requestRun(store.db, queues, tenantId, 'full');
    const run = await waitForRun(store.db, tenantId, started.runId, { timeoutMs: 120_000, pollMs: 100 });
    expect(run).toMatchObject({ status: 'done', error: null, progress: { stage: 'done', writeFailed: 0 } });

    const c = fx.makeConnector();
    const partners: Partner[] = [];
    const accounts: Account[] = [];
    const deals: Deal[] = [];
    for await (const p of c.listPartners()) partners.push(...p.items.map((i) => i.record));
    for await (const p of c.listAccounts()) accounts.push(...p.items.map((i) => i.record));
    for await (const p of c.listDeals()) deals.push(...p.items.map((i) => i.record));
    const plan: Plan = (await activePlan(store.db, tenantId))!.plan;
    const rates = (await c.readRates?.(plan.currency)) ?? {};
    const doc = score(plan, { partners, accounts, deals, rates, statements: [] }, { period: '2026-Q4' });
    expect(doc.results.length).toBeGreaterThan(0);
    expect(doc.results.some((r) => r.metrics.revenue!.dealIds.length > 0)).toBe(true);
    const stored = await listResults(store.db, tenantId, '2026-Q4');
    expect(stored.map((r) => r.result)).toEqual(doc.results);
    expect(run.progress.written).toBe(doc.results.length);
    for (const r of doc.results) {
      expect(JSON.stringify(fx.ops.record('partner', r.partnerId))).toContain(r.inputsHash);
    }
  });
});
