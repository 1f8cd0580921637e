// Redis down: readiness says so (503) while the API keeps answering.
// Rate limiting: over the limit → 429 in the common error shape.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { createQueues } from '../../src/jobs/queue-factory.js';
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
