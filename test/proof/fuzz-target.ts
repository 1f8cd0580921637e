// The real app (embedded store, PostgreSQL-backed queue) with one tenant, its key and an
// operator key: what the hostile-request fuzzer runs against.
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { type Harness, harness, tenantWithKey } from '../http/harness.js';
import type { FuzzTarget } from './http-fuzz.js';

export const FUZZ_BODY_LIMIT = 256 * 1024;

export async function fuzzTarget(): Promise<{ target: FuzzTarget; h: Harness }> {
  // Rate limiting off: a 429 would hide what the routes themselves answer.
  const h = await harness({ rateLimit: { perMinute: 0 }, logLevel: 'warn' });
  const t = await tenantWithKey(h, 'fuzz-org', { refreshToken: 'canary-refresh-token' });
  const operator = await createAdminKey(h.store.db, null, 'fuzz operator');
  await h.app.ready();
  const target: FuzzTarget = {
    inject: async (req) => {
      const res = await h.app.inject({
        method: req.method as 'GET',
        url: req.url,
        headers: req.headers,
        ...(req.payload !== undefined ? { payload: req.payload } : {}),
      });
      return { statusCode: res.statusCode, body: res.body, headers: res.headers };
    },
    routes: h.app.routesSeen.filter((r) => !r.url.startsWith('/docs')),
    params: { tenantId: [t.tenant.id], version: ['1', '999'] },
    auth: [t.key, operator.key],
    bodyLimit: FUZZ_BODY_LIMIT,
  };
  return { target, h };
}
