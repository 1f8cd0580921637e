// Wiring for push-intake and maintenance tests: a real store (PGlite or PostgreSQL),
// real Redis queues under a random prefix, the real app listening on a port (so the
// sandboxes' pushes arrive over HTTP), one connector factory shared by the app and
// the maintenance code, as in `startRuntime`.
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { Redis } from 'ioredis';
import { buildApp } from '../../../src/http/app.js';
import { type ConnectorFactory, connectorFactory } from '../../../src/jobs/connectors.js';
import type { MaintenanceContext } from '../../../src/jobs/maintenance.worker.js';
import { createQueues, type Queues } from '../../../src/jobs/queue-factory.js';
import { addTenant } from '../../../src/jobs/tenants.service.js';
import { createLogger } from '../../../src/log.js';
import { generateKeyEntry, parseKeyring } from '../../../src/secrets/keyring.js';
import type { TenantId } from '../../../src/store/ids.js';
import { createLocks } from '../../../src/store/locks.js';
import { REDIS_URL, randomPrefix } from '../../runtime/helpers/redis.js';
import { createTestStore, type StoreKind, type TestStore } from '../../runtime/helpers/stores.js';

export interface IntakeRig {
  store: TestStore;
  queues: Queues;
  prefix: string;
  keyring: ReturnType<typeof parseKeyring>;
  connectors: ConnectorFactory;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** Where the app listens (PUBLIC_URL of this test). */
  url: string;
  logs(): string;
  maintenance(now?: () => Date): MaintenanceContext;
  addTenant(
    crm: 'zoho' | 'fxiaoke',
    credentials: Record<string, unknown>,
    settings: Record<string, unknown>,
  ): Promise<TenantId>;
  /** Every key of this rig's queues (a Redis flush, scoped to the test). */
  flushQueues(): Promise<void>;
  dispose(): Promise<void>;
}

export async function intakeRig(kind: StoreKind, opts: { redisUrl?: string } = {}): Promise<IntakeRig> {
  const store = await createTestStore(kind);
  const prefix = randomPrefix();
  const queues = createQueues({ kind: 'redis', url: opts.redisUrl ?? REDIS_URL, prefix });
  const chunks: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const logger = createLogger('debug', sink);
  const keyring = parseKeyring(generateKeyEntry('k1'));
  const connectors = connectorFactory({ store, keyring, locks: createLocks(store), logger });
  const app = await buildApp({
    db: store.db,
    queues,
    keyring,
    logger,
    rateLimit: { perMinute: 10_000 },
    connectors,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let n = 0;
  const flushQueues = async () => {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  };
  return {
    store,
    queues,
    prefix,
    keyring,
    connectors,
    app,
    url,
    logs: () => chunks.join(''),
    maintenance: (now) => ({ db: store.db, queues, connectors, publicUrl: url, logger, now }),
    async addTenant(crm, credentials, settings) {
      const t = await addTenant(
        store.db,
        keyring,
        { crm, orgId: `org-${prefix}-${++n}`, credentials, settings },
        'test',
      );
      return t.id;
    },
    flushQueues,
    async dispose() {
      await app.close();
      await queues.close();
      await flushQueues();
      await store.dispose();
    },
  };
}

/** Jobs of the sync queue (any state), oldest first. */
export async function syncJobs(queues: Queues) {
  const jobs = await queues
    .queue('sync')
    .getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
  return jobs.filter(Boolean).sort((a, b) => a.timestamp - b.timestamp);
}

/** A TCP proxy in front of Redis that a test can take down and bring back (same port). */
export async function redisProxy(target = { host: '127.0.0.1', port: 6379 }) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const up = async () => {
    if (server) return;
    const s = createServer((client) => {
      const upstream = connect(target.port, target.host);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const down = async () => {
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await up();
  return { url: () => `redis://127.0.0.1:${port}`, up, down };
}
