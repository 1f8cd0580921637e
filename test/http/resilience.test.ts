// Redis down: readiness says so (503) while the API keeps answering — whether Redis
// was never there or goes away while the server runs (a loopback proxy in front of the
// machine's Redis is cut, then restored: the shared Redis itself is never touched).
// Rate limiting: over the limit → 429 in the common error shape.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { roundTrip, startPingWorker } from '../../src/jobs/ping.worker.js';
import { createQueues } from '../../src/jobs/queue-factory.js';
import { listRuns } from '../../src/store/repos/runs.repo.js';
import { closedPort, REDIS_URL, randomPrefix } from '../runtime/helpers/redis.js';
import { createTestStore, type TestStore } from '../runtime/helpers/stores.js';
import { type Harness, harness, tenantWithKey } from './harness.js';

// One embedded store for the file; each block builds its own app on it.
let store: TestStore;
beforeAll(async () => {
  store = await createTestStore('pglite');
});
afterAll(async () => {
  await store?.dispose();
});

describe('with Redis down', () => {
  let h: Harness;
  let deadRedis: string;
  beforeAll(async () => {
    deadRedis = `redis://127.0.0.1:${await closedPort()}`;
    h = await harness({
      queues: () => createQueues({ kind: 'redis', url: deadRedis, prefix: randomPrefix() }),
      rateLimit: { perMinute: 100, redisUrl: deadRedis },
      store,
    });
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('/health/ready is 503 naming the queue, /health/live and the admin API keep answering', async () => {
    const ready = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'unavailable', checks: { store: 'ok', queue: 'down' } });
    expect((await h.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const t = await tenantWithKey(h, 'redis-down');
    const res = await h.app.inject({
      method: 'GET',
      url: `${ADMIN_PREFIX}/tenants/${t.tenant.id}`,
      headers: t.auth,
    });
    expect(res.statusCode).toBe(200);
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
  });
});

/** A TCP proxy to the machine's Redis that can be cut (every connection dropped, port closed) and restored. */
async function cuttableRedis() {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(6379, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    async cut() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    restore: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
  };
}

describe('with Redis going down while the server runs', () => {
  let h: Harness;
  let redis: Awaited<ReturnType<typeof cuttableRedis>>;
  const prefix = randomPrefix();
  beforeAll(async () => {
    redis = await cuttableRedis();
    h = await harness({
      queues: () => createQueues({ kind: 'redis', url: redis.url, prefix }),
      rateLimit: { perMinute: 100, redisUrl: redis.url, namespace: `${prefix}-rate:` },
      store,
    });
    // A worker in the same process: it must reconnect on its own once Redis is back.
    startPingWorker(h.queues);
  });
  afterAll(async () => {
    await h?.dispose();
    await redis?.cut().catch(() => undefined);
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  const readyStatus = async () => (await h.app.inject({ method: 'GET', url: '/health/ready' })).statusCode;
  const until = async (want: number, deadlineMs: number) => {
    const end = Date.now() + deadlineMs;
    let got = await readyStatus();
    while (got !== want && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      got = await readyStatus();
    }
    return got;
  };

  it('ready (200) → Redis cut: 503 naming the queue, the API answers (reads 200, enqueues 503) → restored: 200, the worker takes jobs again', async () => {
    const t = await tenantWithKey(h, 'redis-goes-down');
    expect(await until(200, 10_000)).toBe(200);

    await redis.cut();
    expect(await until(503, 10_000)).toBe(503);
    const ready = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toEqual({ status: 'unavailable', checks: { store: 'ok', queue: 'down' } });
    expect((await h.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    for (const path of ['', '/plans', '/settings', '/sync', '/runs']) {
      const res = await h.app.inject({
        method: 'GET',
        url: `${ADMIN_PREFIX}/tenants/${t.tenant.id}${path}`,
        headers: t.auth,
      });
      expect({ path, status: res.statusCode }).toEqual({ path, status: 200 });
    }
    // A request that needs the queue answers too: 503 in the common shape, not a hang or a 500.
    const sync = await h.app.inject({
      method: 'POST',
      url: `${ADMIN_PREFIX}/tenants/${t.tenant.id}/sync`,
      headers: t.auth,
      payload: {},
    });
    expect(sync.statusCode).toBe(503);
    expect(sync.json()).toEqual({
      error: { code: 'queue_unavailable', message: 'the job queue is unavailable; try again shortly' },
    });
    const open = await listRuns(h.store.db, t.tenant.id);
    expect(open.map((r) => r.status)).toEqual(['queued']);

    await redis.restore();
    expect(await until(200, 15_000)).toBe(200);
    // The worker reconnected: a job round-trips again.
    await roundTrip(h.queues, 20_000);
    // Asking again joins the open run and gives it its job.
    const again = await h.app.inject({
      method: 'POST',
      url: `${ADMIN_PREFIX}/tenants/${t.tenant.id}/sync`,
      headers: t.auth,
      payload: {},
    });
    expect(again.statusCode).toBe(202);
    expect(again.json().runId).toBe(open[0]!.runId);
    expect(await h.queues.queue('sync').getJobState(`run.${t.tenant.id}.${open[0]!.runId}`)).toBe('waiting');
  });
});

describe('rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ rateLimit: { perMinute: 3 }, store });
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('answers 429 in the common error shape past the limit; health is exempt', async () => {
    const codes: number[] = [];
    const url = `${ADMIN_PREFIX}/tenants`;
    for (let i = 0; i < 3; i++) codes.push((await h.app.inject({ method: 'GET', url })).statusCode);
    expect(codes).toEqual([401, 401, 401]);
    const limited = await h.app.inject({ method: 'GET', url });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    for (let i = 0; i < 5; i++)
      expect((await h.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});

describe('rate limit with the Redis store', () => {
  it('counts in Redis, so instances sharing Redis share the limit', async () => {
    const namespace = `${randomPrefix()}-rate:`;
    const max = 5;
    const one = await harness({ rateLimit: { perMinute: max, redisUrl: REDIS_URL, namespace }, store });
    const two = await harness({ rateLimit: { perMinute: max, redisUrl: REDIS_URL, namespace }, store });
    const redis = new Redis(REDIS_URL);
    try {
      const url = `${ADMIN_PREFIX}/tenants`;
      // Requests made before the limiter's Redis connection is up are let through
      // uncounted (skipOnError); wait until one has been counted in Redis.
      let keys: string[] = [];
      for (let i = 0; i < 100 && keys.length === 0; i++) {
        await one.app.inject({ method: 'GET', url });
        keys = await redis.keys(`${namespace}*`);
        if (keys.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      const used = Number(await redis.get(keys[0]!));
      expect(used).toBe(1);
      // The remaining budget is shared: spend it across both instances, then both refuse.
      for (let i = used; i < max; i++) {
        const app = i % 2 ? two.app : one.app;
        expect((await app.inject({ method: 'GET', url })).statusCode).toBe(401);
      }
      expect((await two.app.inject({ method: 'GET', url })).statusCode).toBe(429);
      expect((await one.app.inject({ method: 'GET', url })).statusCode).toBe(429);
    } finally {
      await redis.del(...(await redis.keys(`${namespace}*`)), 'unused');
      redis.disconnect();
      await one.dispose();
      await two.dispose();
    }
  });
});
