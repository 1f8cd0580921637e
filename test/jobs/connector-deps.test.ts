import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorDeps } from '../../src/jobs/connector-deps.js';
import { addTenant } from '../../src/jobs/tenants.service.js';
import { createLogger } from '../../src/log.js';
import { registry } from '../../src/metrics.js';
import { generateKeyEntry, parseKeyring } from '../../src/secrets/keyring.js';
import { createLocks } from '../../src/store/locks.js';
import { listAudit } from '../../src/store/repos/audit.repo.js';
import { getSealedCredentials, getTenant } from '../../src/store/repos/tenants.repo.js';
import { createTestStore, type TestStore } from '../runtime/helpers/stores.js';

describe('connector dependencies for one tenant', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('pglite');
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('reads and rewrites sealed credentials, parks the tenant with an audit entry, and counts CRM calls', async () => {
    const keyring = parseKeyring(generateKeyEntry('k1'));
    const t = await addTenant(
      store.db,
      keyring,
      { crm: 'zoho', orgId: 'deps', credentials: { refresh: 'r1' } },
      'test',
    );
    const deps = connectorDeps<{ refresh: string }, object>(
      { store, keyring, locks: createLocks(store), logger: createLogger('silent') },
      t.id,
      'zoho',
      {},
    );
    expect(await deps.credentials.read()).toEqual({ refresh: 'r1' });
    await deps.credentials.write({ refresh: 'r2' });
    expect(await deps.credentials.read()).toEqual({ refresh: 'r2' });
    expect(JSON.stringify(await getSealedCredentials(store.db, t.id))).not.toContain('r2');

    await deps.setStatus('needs_reauth', 'invalid_grant');
    expect(await getTenant(store.db, t.id)).toMatchObject({
      status: 'needs_reauth',
      statusReason: 'invalid_grant',
    });
    expect((await listAudit(store.db, t.id))[0]).toMatchObject({
      actor: 'connector:zoho',
      action: 'tenant.needs_reauth',
    });

    deps.onCall?.({ endpoint: 'getRecords', outcome: 'ok', ms: 120 });
    expect(await registry.getSingleMetricAsString('ci_crm_calls_total')).toContain(
      `ci_crm_calls_total{tenant="${t.id}",crm="zoho",endpoint="getRecords",outcome="ok"} 1`,
    );
    expect(await deps.withLock('refresh', async () => 'locked')).toBe('locked');
  });
});
