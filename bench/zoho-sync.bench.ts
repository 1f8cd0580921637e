// npm run bench:zoho — the Zoho connector against its sandbox at the issue's scale
// (2,000 partners, 50,000 deals by default; BENCH_PARTNERS / BENCH_DEALS /
// BENCH_LATENCY_MS override). Prints, per step: records, API calls, credits, time.
// Latency per call (default 0) lets you see how the per-tenant limiter and paging
// behave when Zoho answers in, say, 150 ms.
import { ZohoSandbox } from '../connectors/zoho/sandbox/sandbox.server.js';
import { createZohoConnector } from '../connectors/zoho/zoho.connector.js';
import { recordFigure } from './figures.js';

const PARTNERS = Number(process.env.BENCH_PARTNERS ?? 2000);
const DEALS = Number(process.env.BENCH_DEALS ?? 50_000);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 0);

const t0 = performance.now();
const sb = await ZohoSandbox.start({
  seed: { seed: 2027, partners: PARTNERS, deals: DEALS },
  latencyMs: LATENCY,
  bulkDelayMs: 200,
});
const seedMs = performance.now() - t0;
let vault: Record<string, unknown> = {
  dataCentre: 'us',
  accountsUrl: sb.url,
  clientId: sb.clientId,
  clientSecret: sb.clientSecret,
  refreshToken: sb.oauth.issueRefreshToken(sb.clientId),
};
const c = createZohoConnector(
  {
    tenantId: 'bench',
    credentials: {
      read: async () => vault as never,
      write: async (next) => {
        vault = { ...next };
      },
    },
    settings: { allowedApiDomains: [sb.url], edition: 'enterprise' },
    withLock: (_k, fn) => fn(),
    setStatus: async () => {},
    now: () => new Date(),
    log: { info: () => {}, warn: () => {}, error: () => {} },
  },
  { bulk: { pollMs: 100 } },
);

const rows: string[] = [];
/** A step's calls against the fewest its batch size allows (records per call), if it has such a goal. */
async function step(name: string, fn: () => Promise<number>, perCall?: number): Promise<void> {
  sb.resetStats();
  const start = performance.now();
  const records = await fn();
  const s = sb.getStats();
  const floor = perCall ? Math.ceil(records / perCall) : null;
  recordFigure({
    bench: 'zoho',
    name: `${name} (${records} records)`,
    value: `${s.calls} calls, ${s.credits} credits, ${(performance.now() - start).toFixed(0)} ms`,
    goal: floor === null ? null : `ceil(${records}/${perCall}) = ${floor} calls`,
    met: floor === null ? null : s.calls <= floor,
    setup: `${PARTNERS} partners, ${DEALS} deals, ${LATENCY} ms latency per call`,
  });
  rows.push(
    `${name.padEnd(40)} ${String(records).padStart(7)} ${String(s.calls).padStart(6)} ${String(s.credits).padStart(8)} ${(performance.now() - start).toFixed(0).padStart(8)}`,
  );
}
async function count<T>(it: AsyncIterable<{ items: T[]; quarantined: unknown[] }>): Promise<number> {
  let n = 0;
  for await (const p of it) n += p.items.length + p.quarantined.length;
  return n;
}

await step('install result fields', async () => (await c.installFields()).created.length);
await step('partners (COQL)', () => count(c.listPartners()));
await step('customer accounts (COQL)', () => count(c.listAccounts()));
await step('deals, first sync (count + Bulk Read)', () => count(c.listDeals({ full: true })));
await step('deals, all through COQL keyset', () => count(c.listDeals({ since: new Date(0) })));
const since = new Date(Date.now() - 1000);
const ids = sb.org.module('Deals')!.ids;
for (let i = 0; i < 1000; i++) sb.userUpdate('Deals', ids[(i * 37) % ids.length]!, { Amount: 999 + i });
await step('deals, delta of 1,000 changes', () => count(c.listDeals({ since })), 2000);
await step(
  'write-back, every partner',
  async () => {
    const out = await c.writeResults(
      sb.seedSummary.partnerIds.map((partnerId, i) => ({
        partnerId,
        fields: {
          tier: 'Gold',
          score: i % 120,
          payout: `${i}.00`,
          period: '2027-Q1',
          rank: i + 1,
          nextTier: null,
          nextTierGap: null,
          awards: '',
          updated: new Date().toISOString(),
          details: '{}',
          inputsHash: String(i),
        },
      })),
    );
    return out.length;
  },
  100,
);
await sb.close();

console.log(
  `Zoho sandbox: ${PARTNERS} partners, ${DEALS} deals, seeded in ${seedMs.toFixed(0)} ms, ${LATENCY} ms latency per call`,
);
console.log(
  `${'step'.padEnd(40)} ${'records'.padStart(7)} ${'calls'.padStart(6)} ${'credits'.padStart(8)} ${'ms'.padStart(8)}`,
);
for (const r of rows) console.log(r);
