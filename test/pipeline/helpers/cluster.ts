// A deployment in processes: `serve --role api` and `--role worker` children (through
// serve-process.ts) against one PostgreSQL database and one Redis prefix of their own,
// the Zoho sandbox (in this process) as the tenant's CRM, and the tenant connected
// and given the example plan from here, as an admin would. Workers recover a killed
// sibling's jobs within seconds (short JOB_* timings), and their clock is pinned with
// CLOCK_OFFSET_FILE so the current period does not depend on the day the test runs.
// Used by the multi-process pipeline tests and `npm run chaos`.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ZohoSandbox, type ZohoSandboxOptions } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import { canonicalJson } from '../../../src/core/hash.js';
import type { PartnerResult, ResultsDocument } from '../../../src/core/index.js';
import { connectorFactory } from '../../../src/jobs/connectors.js';
import { requestRun, waitForRun } from '../../../src/jobs/pipeline/runs.service.js';
import { uploadPlan } from '../../../src/jobs/plans.service.js';
import { createQueues, type Queues } from '../../../src/jobs/queue-factory.js';
import { addTenant } from '../../../src/jobs/tenants.service.js';
import { createLogger } from '../../../src/log.js';
import { parseKeyring } from '../../../src/secrets/keyring.js';
import type { TenantId } from '../../../src/store/ids.js';
import { createLocks } from '../../../src/store/locks.js';
import { inboxCounts } from '../../../src/store/repos/inbox.repo.js';
import { listResults } from '../../../src/store/repos/results.repo.js';
import type { Run, RunKind, RunOptions } from '../../../src/store/repos/runs.repo.js';
import type { Sql } from '../../../src/store/sql.js';
import { closedPort, REDIS_URL, randomPrefix } from '../../runtime/helpers/redis.js';
import { type ServeProcess, type ServeRole, startServe } from '../../runtime/helpers/serve-process.js';
import { createTestStore, TEST_KEYS, type TestStore } from '../../runtime/helpers/stores.js';
import { fromScratchScore, PLAN_SOURCE, zohoSandboxTenant } from '../pipeline.harness.js';

/** Recovery in seconds: a killed worker's job is running again ~3 s later. */
export const FAST_RECOVERY: Record<string, string> = {
  JOB_LOCK_MS: '2000',
  JOB_STALLED_CHECK_MS: '1000',
  RECONCILE_INTERVAL_MS: '1000',
  RECONCILE_STALE_AFTER_MS: '4000',
};

/** Where the processes' clock starts (the example plan's 2026-Q4; the sandbox's deals are around it). */
export const CLUSTER_NOW = '2026-12-15T04:00:00Z';
export const CLUSTER_PERIOD = '2026-Q4';

export interface ClusterOptions {
  seed: { seed: number; partners: number; deals: number };
  sandbox?: Omit<ZohoSandboxOptions, 'seed'>;
  redisUrl?: string;
  /** A PostgreSQL maintenance database URL; the cluster creates (and drops) its own database there. */
  pgAdminUrl?: string;
  planSource?: string;
  /** Tenant settings besides the sandbox connection's. */
  settings?: Record<string, unknown>;
  /** Extra environment of every process. */
  env?: Record<string, string>;
}

export interface CrmCheck {
  partners: number;
  /** Partners whose CRM fields (inputsHash, tier) differ from the from-scratch run. */
  mismatched: string[];
  /** Partners whose stored result differs from the from-scratch run. */
  storedDiffer: string[];
  /** Partners with two adjustments for one earlier period. */
  duplicateAdjustments: string[];
  adjustments: number;
  /** For the first few differing partners: which top-level result fields differ, stored vs from scratch. */
  samples: string[];
}

export interface Cluster {
  sb: ZohoSandbox;
  store: TestStore;
  queues: Queues;
  tenantId: TenantId;
  prefix: string;
  /** PUBLIC_URL (the api's fixed port). */
  publicUrl: string;
  /** Every process started, live or not. */
  processes: ServeProcess[];
  live(role?: ServeRole): ServeProcess[];
  start(role: ServeRole, env?: Record<string, string>): Promise<ServeProcess>;
  /** Moves the processes' clock (they re-read it within 250 ms). */
  setClock(iso: string): Promise<void>;
  request(kind: RunKind, options?: RunOptions): Promise<Run>;
  wait(runId: string, timeoutMs?: number): Promise<Run>;
  /** No pipeline job waiting, active or delayed and no open inbox row, three looks in a row. */
  idle(timeoutMs?: number): Promise<void>;
  fromScratch(period?: string): Promise<ResultsDocument>;
  /** The CRM and the stored results against a from-scratch run. */
  check(period?: string): Promise<CrmCheck>;
  dispose(): Promise<void>;
}

/** Waits until no pipeline job waits, runs or is delayed and no inbox row is open, three looks in a row. */
export async function pipelineIdle(queues: Queues, sql: Sql, tenantId: TenantId, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 3) {
    if (Date.now() > deadline) throw new Error(`pipeline not idle within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
    let busy = 0;
    for (const n of ['sync', 'recalc', 'rerank', 'writeback'] as const) {
      const c = await queues.queue(n).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      busy += Object.values(c).reduce((a, b) => a + b, 0);
    }
    const inbox = await inboxCounts(sql, tenantId);
    busy += (inbox.pending ?? 0) + (inbox.enqueued ?? 0);
    quiet = busy === 0 ? quiet + 1 : 0;
  }
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const sb = await ZohoSandbox.start({ ...opts.sandbox, seed: opts.seed });
  const store = await createTestStore('postgres', { adminUrl: opts.pgAdminUrl });
  const prefix = randomPrefix();
  const queues = createQueues({ kind: 'redis', url: redisUrl, prefix });
  const keyring = parseKeyring(TEST_KEYS);
  const input = zohoSandboxTenant(sb, `cluster-${randomBytes(4).toString('hex')}`);
  input.settings = { ...input.settings, ...opts.settings };
  const tenant = await addTenant(store.db, keyring, input, 'test');
  const uploaded = await uploadPlan(store.db, tenant.id, opts.planSource ?? PLAN_SOURCE, 'yaml', 'test', {
    activate: true,
  });
  if (!uploaded.ok) throw new Error(JSON.stringify(uploaded.problems));
  const connectors = connectorFactory({
    store,
    keyring,
    locks: createLocks(store),
    logger: createLogger('silent'),
  });
  await (await connectors.forTenant(tenant.id)).connector.installFields();

  const dir = await mkdtemp(join(tmpdir(), 'ci-cluster-'));
  const clockFile = join(dir, 'clock-offset');
  const setClock = (iso: string) => writeFile(clockFile, String(Date.parse(iso) - Date.now()));
  await setClock(CLUSTER_NOW);
  const apiPort = await closedPort();
  const publicUrl = `http://127.0.0.1:${apiPort}`;
  const env: Record<string, string> = {
    DATABASE_URL: store.url!,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    ENCRYPTION_KEYS: TEST_KEYS,
    DATA_DIR: dir,
    PUBLIC_URL: publicUrl,
    CLOCK_OFFSET_FILE: clockFile,
    RATE_LIMIT_PER_MINUTE: '0',
    ...FAST_RECOVERY,
    ...opts.env,
  };
  const processes: ServeProcess[] = [];
  const isLive = (p: ServeProcess) => p.child.exitCode === null && p.child.signalCode === null;

  const check = async (period = CLUSTER_PERIOD): Promise<CrmCheck> => {
    const doc = await fromScratchScore(sb, store.db, tenant.id, period);
    const stored = new Map((await listResults(store.db, tenant.id, period)).map((r) => [r.partnerId, r]));
    const out: CrmCheck = {
      partners: doc.results.length,
      mismatched: [],
      storedDiffer: [],
      duplicateAdjustments: [],
      adjustments: 0,
      samples: [],
    };
    const accounts = sb.org.module('Accounts')!.records;
    for (const r of doc.results) {
      const rec = accounts.get(r.partnerId);
      const details = rec?.Incentive_Details ? JSON.parse(String(rec.Incentive_Details)) : null;
      if (details?.inputsHash !== r.inputsHash || rec?.Incentive_Tier !== r.tier)
        out.mismatched.push(r.partnerId);
      const mine = stored.get(r.partnerId)?.result as PartnerResult | undefined;
      if (canonicalJson(mine) !== canonicalJson(r)) {
        out.storedDiffer.push(r.partnerId);
        if (out.samples.length < 3) out.samples.push(resultDiff(r.partnerId, mine, r));
      }
      const periods = (mine?.payout.adjustments ?? []).map((a) => a.period);
      out.adjustments += periods.length;
      if (new Set(periods).size !== periods.length) out.duplicateAdjustments.push(r.partnerId);
    }
    return out;
  };

  return {
    sb,
    store,
    queues,
    tenantId: tenant.id,
    prefix,
    publicUrl,
    processes,
    live: (role) => processes.filter((p) => isLive(p) && (!role || p.role === role)),
    async start(role, extra = {}) {
      const p = await startServe(
        { ...env, ...(role === 'worker' ? {} : { PORT: String(apiPort) }), ...extra },
        { role, readyTimeoutMs: 60_000 },
      );
      processes.push(p);
      return p;
    },
    setClock,
    request: (kind, options) => requestRun(store.db, queues, tenant.id, kind, options),
    wait: (runId, timeoutMs = 120_000) => waitForRun(store.db, tenant.id, runId, { timeoutMs, pollMs: 100 }),
    idle: (timeoutMs = 60_000) => pipelineIdle(queues, store.db, tenant.id, timeoutMs),
    fromScratch: (period = CLUSTER_PERIOD) => fromScratchScore(sb, store.db, tenant.id, period),
    check,
    async dispose() {
      await Promise.all(processes.map((p) => p.kill9()));
      await queues.close();
      await sb.close();
      await store.dispose();
      const r = new Redis(redisUrl);
      const keys = await r.keys(`${prefix}:*`);
      if (keys.length) await r.del(...keys);
      r.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What differs between a stored and a from-scratch result, briefly: one line per differing top-level field. */
function resultDiff(partnerId: string, stored: PartnerResult | undefined, fresh: PartnerResult): string {
  if (!stored) return `${partnerId}: no stored result`;
  const cut = (v: unknown) => {
    const t = canonicalJson(v) ?? 'undefined';
    return t.length > 160 ? `${t.slice(0, 160)}…` : t;
  };
  const keys = new Set([...Object.keys(stored), ...Object.keys(fresh)]) as Set<keyof PartnerResult>;
  const lines = [...keys]
    .filter((k) => canonicalJson(stored[k]) !== canonicalJson(fresh[k]))
    .map((k) => `  ${String(k)}: stored ${cut(stored[k])} | from scratch ${cut(fresh[k])}`);
  return `${partnerId}:\n${lines.join('\n')}`;
}
