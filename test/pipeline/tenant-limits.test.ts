// A CRM that answers 429 pauses only its own tenant: the tenant is marked paused
// until the time the CRM's limit names (audited), its job waits delayed instead of
// hammering the CRM, and another tenant's full sync on the same workers finishes.
// The connectors are the real Zoho connector, with the fast retry timings the
// connector tests use (Zoho's own 429 pause is seconds per attempt).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmConnector } from '../../connectors/contract.js';
import { createZohoConnector, type ZohoDeps } from '../../connectors/zoho/index.js';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import { connectorDeps } from '../../src/jobs/connector-deps.js';
import type { ConnectorFactory } from '../../src/jobs/connectors.js';
import { pipelineContext, startPipelineWorkers } from '../../src/jobs/pipeline/index.js';
import { requestRun, waitForRun } from '../../src/jobs/pipeline/runs.service.js';
import { uploadPlan } from '../../src/jobs/plans.service.js';
import { createQueues, type Queues } from '../../src/jobs/queue-factory.js';
import { addTenant } from '../../src/jobs/tenants.service.js';
import { createLogger } from '../../src/log.js';
import { generateKeyEntry, parseKeyring } from '../../src/secrets/keyring.js';
import type { TenantId } from '../../src/store/ids.js';
import { createLocks } from '../../src/store/locks.js';
import { listAudit } from '../../src/store/repos/audit.repo.js';
import { getRun } from '../../src/store/repos/runs.repo.js';
import { getSettings } from '../../src/store/repos/settings.repo.js';
import { getTenant } from '../../src/store/repos/tenants.repo.js';
import { fastRetries } from '../connectors/zoho/zoho.harness.js';
import { createTestStore, type TestStore } from '../runtime/helpers/stores.js';
import { PLAN_SOURCE, zohoSandboxTenant } from './pipeline.harness.js';

describe('CRM limits pause only the tenant that hit them', () => {
  let store: TestStore;
  let queues: Queues;
  const sandboxes: ZohoSandbox[] = [];
  const tenants: TenantId[] = [];
  beforeAll(async () => {
    store = await createTestStore('postgres');
    queues = createQueues({ kind: 'postgres', connection: store.pgConnection });
    await queues.ping(60_000); // creates BullMQ's tables before the first enqueue's 3 s deadline
    const keyring = parseKeyring(generateKeyEntry('k1'));
    const logger = createLogger('silent');
    for (const org of ['limited', 'unaffected']) {
      const sb = await ZohoSandbox.start({ seed: { seed: 4, partners: 10, deals: 150 } });
      sandboxes.push(sb);
      const t = await addTenant(store.db, keyring, zohoSandboxTenant(sb, org), 'test');
      expect((await uploadPlan(store.db, t.id, PLAN_SOURCE, 'yaml', 'test', { activate: true })).ok).toBe(
        true,
      );
      tenants.push(t.id);
    }
    const cache = new Map<TenantId, CrmConnector>();
    const connectors: ConnectorFactory = {
      async forTenant(id) {
        const tenant = (await getTenant(store.db, id))!;
        let connector = cache.get(id);
        if (!connector) {
          const deps = connectorDeps(
            { store, keyring, locks: createLocks(store), logger },
            id,
            'zoho',
            await getSettings(store.db, id),
          ) as ZohoDeps;
          connector = createZohoConnector(deps, fastRetries);
          cache.set(id, connector);
        }
        return { tenant, connector };
      },
      forget: () => cache.clear(),
    };
    startPipelineWorkers(
      pipelineContext({
        store,
        queues,
        keyring,
        logger,
        connectors,
        now: () => new Date('2026-12-15T04:00:00Z'),
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await queues?.close();
    await store?.dispose();
    for (const sb of sandboxes) await sb.close();
  });

  it('429s from one CRM pause that tenant until the limit passes; the other tenant syncs meanwhile', async () => {
    const [limited, unaffected] = tenants as [TenantId, TenantId];
    await fetch(`${sandboxes[0]!.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        status: 429,
        code: 'TOO_MANY_REQUESTS',
        message: 'too many requests',
        count: 10_000,
      }),
    });
    const a = await requestRun(store.db, queues, limited, 'full');
    const b = await requestRun(store.db, queues, unaffected, 'full');
    const doneB = await waitForRun(store.db, unaffected, b.runId, { timeoutMs: 60_000, pollMs: 100 });
    expect(doneB).toMatchObject({ status: 'done', progress: { stage: 'done', partners: 10 } });

    // Tenant A: paused until a time in the future, audited; its run is waiting, not failed.
    for (let i = 0; i < 100 && (await getTenant(store.db, limited))?.status !== 'paused'; i++)
      await new Promise((r) => setTimeout(r, 100));
    const t = (await getTenant(store.db, limited))!;
    expect(t).toMatchObject({ status: 'paused' });
    expect(Date.parse(t.pausedUntil!)).toBeGreaterThan(Date.now());
    expect((await listAudit(store.db, limited)).map((e) => e.action)).toContain('tenant.paused');
    expect((await getRun(store.db, limited, a.runId))?.status).toBe('running');
    // While paused, nobody calls its CRM.
    const calls = sandboxes[0]!.getStats().calls;
    await new Promise((r) => setTimeout(r, 1500));
    expect(sandboxes[0]!.getStats().calls).toBe(calls);
    expect((await getTenant(store.db, unaffected))?.status).toBe('active');
  });
});
