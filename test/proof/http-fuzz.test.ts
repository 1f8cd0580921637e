// A bounded run of the hostile-request fuzzer inside `npm test` (npm run fuzz runs
// 10,000 requests per route): no 5xx, every answer a documented status with our
// error shape, and no planted secret in any response.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from '../http/harness.js';
import { fuzzTarget } from './fuzz-target.js';
import type { FuzzTarget } from './http-fuzz.js';
import { fuzzRoutes } from './http-fuzz.js';

describe('hostile requests on every route', () => {
  let h: Harness;
  let target: FuzzTarget;
  beforeAll(async () => {
    ({ h, target } = await fuzzTarget());
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('covers the registered routes', () => {
    expect(target.routes.length).toBeGreaterThanOrEqual(15);
  });

  it('answers 40 generated requests per route with documented 4xx/2xx only, never 5xx', async () => {
    const report = await fuzzRoutes(target, { perRoute: 40, seed: 20261127 });
    expect(report.findings).toEqual([]);
    expect(Object.keys(report.statuses).some((s) => Number(s) >= 500)).toBe(false);
    expect(h.logs()).not.toContain('canary-refresh-token');
  }, 120_000);
});
