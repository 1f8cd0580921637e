// Redis down: readiness says so (503) while the API keeps answering.
// Rate limiting: over the limit → 429 in the common error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { createQueues } from '../../src/jobs/queue-factory.js';
import { closedPort, randomPrefix } from '../runtime/helpers/redis.js';
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
