// Builds the real app on an in-memory embedded store and queue, with the log
// output captured so tests can search it.
import { PassThrough } from 'node:stream';
import { buildApp } from '../../src/http/app.js';
import { createQueues, type Queues } from '../../src/jobs/queue-factory.js';
import { addTenant } from '../../src/jobs/tenants.service.js';
import { createLogger } from '../../src/log.js';
import { generateKeyEntry, parseKeyring } from '../../src/secrets/keyring.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { createTestStore, type TestStore } from '../runtime/helpers/stores.js';

export interface Harness {
  app: Awaited<ReturnType<typeof buildApp>>;
  store: TestStore;
  queues: Queues;
  logs: () => string;
  keyring: ReturnType<typeof parseKeyring>;
  dispose(): Promise<void>;
}

export async function harness(
  opts: {
    queues?: (store: TestStore) => Queues;
    rateLimit?: { perMinute: number; redisUrl?: string; namespace?: string };
    /** Share a store with another harness (its owner disposes it). */
    store?: TestStore;
    /** Default debug; the fuzzer keeps only warnings (its logs would otherwise fill the heap it watches). */
    logLevel?: 'debug' | 'warn';
  } = {},
): Promise<Harness> {
  const store = opts.store ?? (await createTestStore('pglite'));
  const queues = opts.queues?.(store) ?? createQueues({ kind: 'postgres', connection: store.pgConnection });
  const chunks: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const logger = createLogger(opts.logLevel ?? 'debug', sink);
  const keyring = parseKeyring(generateKeyEntry('k1'));
  const app = await buildApp({
    db: store.db,
    queues,
    keyring,
    logger,
    rateLimit: opts.rateLimit ?? { perMinute: 10_000 },
  });
  return {
    app,
    store,
    queues,
    keyring,
    logs: () => chunks.join(''),
    async dispose() {
      await app.close();
      await queues.close();
      if (!opts.store) await store.dispose();
    },
  };
}

export async function tenantWithKey(h: Harness, orgId: string, credentials?: Record<string, unknown>) {
  const tenant = await addTenant(
    h.store.db,
    h.keyring,
    { crm: 'zoho', orgId, region: 'eu', credentials },
    'test',
  );
  const key = await createAdminKey(h.store.db, tenant.id, 'test');
  return { tenant, key: key.key, auth: { authorization: `Bearer ${key.key}` } };
}
