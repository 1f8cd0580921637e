// A whole pipeline on real infrastructure: a store (embedded PGlite or a real
// PostgreSQL database), BullMQ on the PostgreSQL backend or Redis, the Zoho sandbox
// as the tenant's CRM, a tenant with sealed credentials and an active plan, and the
// pipeline's workers — with a clock the test moves.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import type { Account, Deal, Partner, Plan, ResultsDocument } from '../../src/core/index.js';
import { score } from '../../src/core/index.js';
import { activePlan, type PipelineTiming } from '../../src/jobs/pipeline/context.js';
import {
  type PipelineContext,
  pipelineContext,
  startPipelineWorkers,
} from '../../src/jobs/pipeline/index.js';
import { requestRun, waitForRun } from '../../src/jobs/pipeline/runs.service.js';
import { uploadPlan } from '../../src/jobs/plans.service.js';
import { createQueues, type Queues } from '../../src/jobs/queue-factory.js';
import { type AddTenantInput, addTenant } from '../../src/jobs/tenants.service.js';
import { createLogger } from '../../src/log.js';
import { generateKeyEntry, parseKeyring } from '../../src/secrets/keyring.js';
import type { TenantId } from '../../src/store/ids.js';
import { statementsInput } from '../../src/store/repos/pipeline-results.repo.js';
import { listResults } from '../../src/store/repos/results.repo.js';
import type { Run, RunKind, RunOptions } from '../../src/store/repos/runs.repo.js';
import type { Sql } from '../../src/store/sql.js';
import { connectorFor, tenantFor } from '../connectors/zoho/zoho.harness.js';
import { REDIS_URL, randomPrefix } from '../runtime/helpers/redis.js';
import { createTestStore, type StoreKind, type TestStore } from '../runtime/helpers/stores.js';

/** A Zoho tenant connected to a running sandbox (what `tenant add --crm zoho` stores). */
export function zohoSandboxTenant(sb: ZohoSandbox, orgId: string): AddTenantInput {
  return {
    crm: 'zoho',
    orgId,
    credentials: {
      dataCentre: 'us',
      accountsUrl: sb.url,
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      refreshToken: sb.oauth.issueRefreshToken(sb.clientId),
    },
    settings: { allowedApiDomains: [sb.url], edition: 'enterprise' },
  };
}

export const PLAN_SOURCE = readFileSync(new URL('../../examples/plan.yaml', import.meta.url), 'utf8');

/** A from-scratch score() of what the sandbox CRM holds now, with the tenant's frozen statements. */
export async function fromScratchScore(
  sb: ZohoSandbox,
  sql: Sql,
  tenantId: TenantId,
  period: string,
): Promise<ResultsDocument> {
  const c = connectorFor(tenantFor(sb));
  const partners: Partner[] = [];
  const accounts: Account[] = [];
  const deals: Deal[] = [];
  for await (const p of c.listPartners()) partners.push(...p.items.map((i) => i.record));
  for await (const p of c.listAccounts()) accounts.push(...p.items.map((i) => i.record));
  for await (const p of c.listDeals()) deals.push(...p.items.map((i) => i.record));
  const plan = (await activePlan(sql, tenantId))!.plan;
  const rates = await c.readRates!(plan.currency);
  const statements = await statementsInput(sql, tenantId);
  return score(plan, { partners, accounts, deals, rates, statements }, { period });
}

/** A deal of the sandbox that is open, has an amount and a partner, and closes in 2026-Q4. */
export function openDealInPeriod(h: PipelineHarness, skip: Set<string> = new Set()) {
  const deal = [...h.sb.org.module('Deals')!.records.values()].find(
    (d) =>
      !skip.has(d.id) &&
      !String(d.Stage).startsWith('Closed') &&
      d.Amount != null &&
      d.Channel_Partner &&
      String(d.Closing_Date) >= '2026-10-02' &&
      String(d.Closing_Date) <= '2026-12-30',
  )!;
  return { dealId: deal.id, partnerId: (deal.Channel_Partner as { id: string }).id };
}
/** Stored results and the CRM's fields equal a from-scratch score() of what the CRM holds. */
export async function expectEqualToFromScratch(h: PipelineHarness, period: string) {
  const doc = await h.fromScratch(period);
  const stored = await listResults(h.store.db, h.tenantId, period);
  expect(stored.map((r) => r.result)).toEqual(doc.results);
  for (const r of doc.results) {
    const rec = h.sb.org.module('Accounts')!.records.get(r.partnerId)!;
    expect(JSON.parse(String(rec.Incentive_Details)).inputsHash).toBe(r.inputsHash);
    expect(rec.Incentive_Tier).toBe(r.tier);
  }
  return doc;
}

/** Activates the example plan as version 2: every result changes (the plan is part of each inputsHash). */
export async function activatePlanVersion2(h: PipelineHarness): Promise<void> {
  const up = await uploadPlan(
    h.store.db,
    h.tenantId,
    PLAN_SOURCE.replace('version: 1', 'version: 2'),
    'yaml',
    't',
    {
      activate: true,
    },
  );
  if (!up.ok) throw new Error(JSON.stringify(up.problems));
}

/** The example plan without the CSAT gate
 and with a rate for every tier: every won deal moves its partner's payout. */
export const PAYING_PLAN_SOURCE = PLAN_SOURCE.replace(/gates:\n( {2}- .*\n)+/, 'gates: []\n').replace(
  '{ name: Registered, min: 0, rate: "0" }',
  '{ name: Registered, min: 0, rate: "0.01" }',
);

export interface PipelineHarness {
  sb: ZohoSandbox;
  store: TestStore;
  queues: Queues;
  ctx: PipelineContext;
  tenantId: TenantId;
  clock: { now: Date };
  plan(): Promise<Plan>;
  run(kind: RunKind, options?: RunOptions): Promise<Run>;
  /** Waits until no pipeline job waits, runs or is delayed (twice in a row). */
  idle(timeoutMs?: number): Promise<void>;
  /** A from-scratch score() of what the CRM holds now. */
  fromScratch(period: string): Promise<ResultsDocument>;
  dispose(): Promise<void>;
}

export async function pipelineHarness(
  opts: {
    store?: StoreKind;
    queue?: 'postgres' | 'redis';
    seed?: { seed: number; partners: number; deals: number };
    planSource?: string;
    timing?: Partial<PipelineTiming>;
    /** Partners per statement of a whole period (default 7: several batches of the 40 seeded partners). */
    periodBatch?: number;
  } = {},
): Promise<PipelineHarness> {
  const sb = await ZohoSandbox.start({ seed: opts.seed ?? { seed: 11, partners: 40, deals: 800 } });
  const store = await createTestStore(opts.store ?? 'pglite');
  const prefix = randomPrefix();
  const queues = createQueues(
    opts.queue === 'redis'
      ? { kind: 'redis', url: REDIS_URL, prefix }
      : { kind: 'postgres', connection: store.pgConnection },
  );
  await queues.ping(60_000); // creates BullMQ's tables before the first enqueue's 3 s deadline
  const keyring = parseKeyring(generateKeyEntry('k1'));
  const tenant = await addTenant(store.db, keyring, zohoSandboxTenant(sb, 'pipeline-org'), 'test');
  const uploaded = await uploadPlan(store.db, tenant.id, opts.planSource ?? PLAN_SOURCE, 'yaml', 'test', {
    activate: true,
  });
  if (!uploaded.ok) throw new Error(JSON.stringify(uploaded.problems));
  const clock = { now: new Date('2026-12-15T04:00:00Z') };
  const ctx = pipelineContext({
    store,
    queues,
    keyring,
    logger: createLogger('silent'),
    now: () => clock.now,
    timing: {
      recalcDelayMs: 100,
      rerankDelayMs: 200,
      writebackDelayMs: 100,
      writeRetryBaseMs: 20,
      ...opts.timing,
    },
    // Small, so every whole-period scoring here saves its rows and reads them back in
    // several batches, as a tenant of thousands does with the default.
    periodBatch: opts.periodBatch ?? 7,
  });
  await (await ctx.connectors.forTenant(tenant.id)).connector.installFields();
  startPipelineWorkers(ctx);

  const planNow = async () => (await activePlan(store.db, tenant.id))!.plan;
  const names = ['sync', 'recalc', 'rerank', 'writeback'] as const;
  return {
    sb,
    store,
    queues,
    ctx,
    tenantId: tenant.id,
    clock,
    plan: planNow,
    async run(kind, options) {
      const run = await requestRun(store.db, queues, tenant.id, kind, options);
      return waitForRun(store.db, tenant.id, run.runId, { timeoutMs: 120_000, pollMs: 100 });
    },
    async idle(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let quiet = 0;
      while (quiet < 2) {
        if (Date.now() > deadline) throw new Error(`pipeline not idle within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 150));
        let busy = 0;
        for (const n of names) {
          const c = await queues.queue(n).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          busy += Object.values(c).reduce((a, b) => a + b, 0);
        }
        quiet = busy === 0 ? quiet + 1 : 0;
      }
    },
    fromScratch: (period) => fromScratchScore(sb, store.db, tenant.id, period),
    async dispose() {
      await queues.close();
      await sb.close();
      await store.dispose();
      if (opts.queue === 'redis') {
        const r = new Redis(REDIS_URL);
        const keys = await r.keys(`${prefix}:*`);
        if (keys.length) await r.del(...keys);
        r.disconnect();
      }
    },
  };
}
