// Hostile requests against every route the app registers (generated from the app's
// own route list, so a route added later is fuzzed without touching this file).
// Shared by the bounded run inside `npm test` and by `npm run fuzz` (10,000 per route).
//
// A request is a route (or a random path), a method, headers (valid key, garbage key,
// none; right, wrong or missing content type) and a body drawn from shapes that break
// parsers: random bytes, invalid UTF-8, truncated JSON, 10,000-deep nesting,
// `__proto__`/`constructor` keys, huge strings, numbers where objects belong.
// Verdict per response: never 5xx, always a documented status with our error shape.
import fc from 'fast-check';

export interface FuzzTarget {
  inject(req: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload?: string | Buffer;
  }): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>;
  routes: { method: string; url: string }[];
  /** Values for path parameters that name real objects (e.g. a tenant id the key may see). */
  params: Record<string, string[]>;
  /** Authorization header values worth trying besides garbage (a real key). */
  auth: string[];
  /** The app's body limit, to aim just above and below it. */
  bodyLimit: number;
}

/** Statuses a well-behaved route may answer a hostile request with. */
export const DOCUMENTED = new Set([
  200, 201, 202, 204, 302, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429,
]);

export interface FuzzFinding {
  request: string;
  status: number;
  body: string;
}

export interface FuzzReport {
  requests: number;
  perRoute: number;
  statuses: Record<string, number>;
  findings: FuzzFinding[];
  ms: number;
}

const deepJson = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);

/** Bodies that break parsers, as text or bytes. */
function bodyArb(limit: number): fc.Arbitrary<string | Buffer | undefined> {
  const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
  return fc.oneof(
    fc.constant(undefined),
    json,
    json.map((t) => t.slice(0, Math.max(1, Math.floor(t.length / 2)))), // truncated
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)), // random bytes
    fc.constant(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xa0, 0xa1, 0x22, 0x3a, 0x31, 0x7d])), // invalid UTF-8 in JSON
    fc.constantFrom(
      deepJson(10_000, '[', ']'),
      deepJson(10_000, '{"a":', '}').replace(/}$/, '1}'),
      '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}}}',
      '{"constructor":{"prototype":{"toString":null}}}',
      'null',
      '[]',
      '0',
      '"string"',
      '{"source":null,"settings":[],"credentials":"x"}',
    ),
    fc
      .record(
        {
          source: fc.string({ maxLength: 64 }),
          settings: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
          credentials: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 16 })),
          crm: fc.constantFrom('zoho', 'fxiaoke', 'salesforce', ''),
          orgId: fc.string({ maxLength: 300 }),
          full: fc.anything(),
          period: fc.string({ maxLength: 12 }),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
    fc.constantFrom(limit - 64, limit + 1, limit * 4).map((n) => `{"s":"${'x'.repeat(Math.max(0, n))}"}`),
  );
}

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json; charset=latin1',
  '',
  '*/*',
  'application/json\u0000',
);

const segment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '%00',
    "' or 1=1 --",
    't_aaaaaaaaaaaa',
    '__proto__',
    'constructor',
    '%ff%fe',
  ),
);

function fillPath(url: string, params: Record<string, string[]>, pick: fc.Arbitrary<string>) {
  const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  return fc
    .tuple(...names.map((n) => fc.oneof(fc.constantFrom(...(params[n] ?? ['x'])), pick)))
    .map((values) => {
      let i = 0;
      return url.replace(/:(\w+)/g, () => encodeURIComponent(values[i++]!).replace(/%25/g, '%'));
    });
}

const query = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom('period', 'limit', 'full', '__proto__', 'constructor[prototype]', 'a'),
      fc.string({ maxLength: 30 }),
    )
    .map((d) => `?${new URLSearchParams(d).toString()}`),
  fc.constantFrom('?limit=-1', '?limit=1e309', '?period=%ff', `?x=${'a'.repeat(5000)}`, '?a=1&a=2&a=3'),
);

function requestArb(target: FuzzTarget, route: { method: string; url: string }) {
  const method = fc.oneof(
    { weight: 8, arbitrary: fc.constant(route.method) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
  );
  const auth = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...target.auth.map((a) => `Bearer ${a}`)),
    fc.string({ maxLength: 80 }).map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`),
    fc.constantFrom('Basic YWRtaW46YWRtaW4=', 'Bearer', `Bearer ${'a'.repeat(10_000)}`),
  );
  return fc.record({
    method,
    url: fc.tuple(fillPath(route.url, target.params, segment), query).map(([p, q]) => p + q),
    auth,
    contentType: contentTypes,
    body: bodyArb(target.bodyLimit),
  });
}

/** Keeps only printable header values (Node rejects the rest before the app sees them). */
const headerSafe = (v: string) => v.replace(/[^\t\x20-\x7e]/g, '');

export async function fuzzRoutes(
  target: FuzzTarget,
  opts: { perRoute: number; seed?: number; onProgress?: (done: number, total: number) => void },
): Promise<FuzzReport> {
  const started = Date.now();
  const statuses: Record<string, number> = {};
  const findings: FuzzFinding[] = [];
  const routes = [...target.routes, { method: 'POST', url: '/:random/:random2' }];
  let done = 0;
  const total = routes.length * opts.perRoute;
  for (const [i, route] of routes.entries()) {
    const samples = fc.sample(requestArb(target, route), {
      numRuns: opts.perRoute,
      seed: (opts.seed ?? 1) + i,
    });
    for (const s of samples) {
      const headers: Record<string, string> = {};
      if (s.auth !== undefined) headers.authorization = headerSafe(s.auth);
      if (s.contentType && s.body !== undefined) headers['content-type'] = headerSafe(s.contentType);
      const withBody = s.body !== undefined && s.method !== 'GET' && s.method !== 'OPTIONS';
      const res = await target.inject({
        method: s.method,
        url: s.url,
        headers,
        ...(withBody ? { payload: s.body } : {}),
      });
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      const isError = res.statusCode >= 400;
      const json = String(res.headers['content-type'] ?? '').includes('application/json');
      const shaped = !isError || (json && hasErrorShape(res.body));
      if (!DOCUMENTED.has(res.statusCode) || !shaped) {
        if (findings.length < 50)
          findings.push({
            request: `${s.method} ${s.url.slice(0, 200)} ct=${s.contentType} body=${describeBody(s.body)}`,
            status: res.statusCode,
            body: res.body.slice(0, 300),
          });
      }
      done++;
      if (done % 500 === 0) opts.onProgress?.(done, total);
    }
  }
  return {
    requests: done,
    perRoute: opts.perRoute,
    statuses,
    findings,
    ms: Date.now() - started,
  };
}

function hasErrorShape(text: string): boolean {
  try {
    const v = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return typeof v.error?.code === 'string' && typeof v.error.message === 'string';
  } catch {
    return false;
  }
}

function describeBody(b: string | Buffer | undefined): string {
  if (b === undefined) return '(none)';
  const text = typeof b === 'string' ? b : `bytes:${b.toString('hex')}`;
  return text.length > 80 ? `${text.slice(0, 80)}…(${text.length})` : text;
}

/**
 * Heap in use after garbage collection (needs --expose-gc), in MB. Measure from the
 * caller, after the fuzz function has returned: its last batch is unreachable only then.
 */
export async function settledHeapMb(): Promise<number> {
  await new Promise((r) => setTimeout(r, 100));
  globalThis.gc?.();
  globalThis.gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1e6);
}
