// A production deployment for the pipeline benchmark: a PostgreSQL server (see below) and a
// Redis key prefix of its own (dropped / deleted afterwards), the API and a worker as
// separate `serve` processes, the Zoho sandbox with a real CRM's latency as the
// tenant's CRM, and the admin's steps done with the CLI (tenant add → install-fields →
// plan upload → sync --full --wait) plus the push subscription.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import { ownPostgres } from '../../scripts/chaos/services.js';
import { loadConfig } from '../../src/config.js';
import { createQueues, type Queues } from '../../src/jobs/queue-factory.js';
import { generateKeyEntry } from '../../src/secrets/keyring.js';
import { openStore } from '../../src/store/database.js';
import { tenantId as asTenantId, type TenantId } from '../../src/store/ids.js';
import { getSubscription } from '../../src/store/repos/subscriptions.repo.js';
import type { Sql } from '../../src/store/sql.js';
import { zohoTenantAdd } from '../../test/acceptance/sandbox-admin.js';
import { cliOk, waitFor } from '../../test/acceptance/zoho-live-loop.js';
import { runCli } from '../../test/runtime/helpers/cli.js';
import { closedPort, REDIS_URL } from '../../test/runtime/helpers/redis.js';
import { PG_ADMIN_URL } from '../../test/runtime/helpers/stores.js';
import { cpuMs, peakRssMb, type ServerProcess, startServer } from './servers.js';

export interface StackOptions {
  partners: number;
  deals: number;
  seed?: number;
  /** Each CRM call takes latencyMs + random(0…jitterMs). */
  latencyMs: number;
  jitterMs: number;
  say: (line: string) => void;
}

export interface FullSyncFigures {
  ms: number;
  calls: number;
  credits: number;
  workerPeakRssMb: number | null;
  workerCpuMs: number | null;
  progress: Record<string, unknown>;
}

export interface Stack {
  sb: ZohoSandbox;
  db: Sql;
  queues: Queues;
  tenantId: TenantId;
  api: ServerProcess;
  worker: ServerProcess | null;
  /** Environment of the deployment (what the CLI and the servers read). */
  env: Record<string, string>;
  fullSync: FullSyncFigures;
  /** Waits until no pipeline job waits, runs or is delayed and no inbox row is open. */
  idle(timeoutMs?: number): Promise<void>;
  /** Runs a CLI command against the deployment. */
  cli(...argv: string[]): Promise<{ code: number; out: string; err: string }>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

const PLAN = new URL('../../examples/plan.yaml', import.meta.url).pathname;
const PIPELINE_QUEUES = ['sync', 'recalc', 'rerank', 'writeback'] as const;

export async function startStack(opts: StackOptions): Promise<Stack> {
  const say = opts.say;
  const tag = randomBytes(5).toString('hex');
  const dbName = `ci_bench_${tag}`;
  const prefix = `ci-bench-${tag}`;
  const cleanups: (() => Promise<void>)[] = [];
  // Once, however many ask (close, a failed start-up, a crashed server, Ctrl-C — a server
  // that dies while starting asks twice at once): the steps run once, last added first.
  let cleaning: Promise<void> | null = null;
  const cleanup = () => {
    cleaning ??= (async () => {
      for (const c of [...cleanups].reverse()) await c().catch((e: Error) => say(`cleanup: ${e.message}`));
    })();
    return cleaning;
  };
  // A server that dies (an OOM) or a benchmark interrupted would otherwise leave its own
  // PostgreSQL, database and queue keys behind, and a dead worker would leave the
  // benchmark waiting for work that never finishes: clean up and stop.
  let aborting = false;
  const abort = (why: string, code: number) => {
    if (aborting) return;
    aborting = true;
    say(`${why}: cleaning up and stopping`);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  // A PostgreSQL server of its own, configured as PostgreSQL ships (autovacuum on,
  // fsync on): this machine's server runs with autovacuum off (a CI setting no
  // production server has), so the pipeline's busiest tables (dirty marks, inbox,
  // results) kept every dead row version of the run and each read of them slowed.
  // BENCH_DATABASE=machine uses the machine's server instead.
  let adminUrl = PG_ADMIN_URL;
  if (process.env.BENCH_DATABASE !== 'machine') {
    const dir = mkdtempSync(join(tmpdir(), 'bench-pg-'));
    // BENCH_PG_STATS=1: the statements that took the server's time, printed at the end.
    const stats = process.env.BENCH_PG_STATS === '1';
    const own = await ownPostgres(dir, {
      fsync: true,
      settings: stats ? ['shared_preload_libraries=pg_stat_statements'] : [],
    });
    cleanups.push(async () => {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    adminUrl = own.adminUrl;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  if (process.env.BENCH_PG_STATS === '1' && process.env.BENCH_DATABASE !== 'machine') {
    const c = new pg.Client({ connectionString: `${adminUrl.replace(/\/postgres$/, '')}/${dbName}` });
    await c.connect();
    await c.query('create extension if not exists pg_stat_statements');
    await c.end();
  }
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const port = await closedPort();
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    ENCRYPTION_KEYS: generateKeyEntry('k1'),
    HOST: '127.0.0.1',
    // The API's address: the worker subscribes the CRM's pushes to it.
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // Pushes come in bursts from the CRM's few addresses; the API's per-client limit is not under test.
    RATE_LIMIT_PER_MINUTE: '0',
  };

  cleanups.push(async () => {
    // BENCH_KEEP_DB=1 with BENCH_DATABASE=machine leaves the database for a look at its tables and plans.
    if (process.env.BENCH_KEEP_DB === '1')
      return say(`database ${dbName} kept (BENCH_KEEP_DB=1): drop it yourself`);
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists ${dbName} with (force)`);
    await c.end();
  });
  cleanups.push(async () => {
    const r = new Redis(REDIS_URL);
    for (const pattern of [`${prefix}:*`, `${prefix}-rate:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await r.del(...keys);
      } while (cursor !== '0');
    }
    r.disconnect();
  });
  const savedEnv = { ...process.env };
  cleanups.push(async () => {
    process.env = savedEnv;
  });
  try {
    const t0 = performance.now();
    const sb = await ZohoSandbox.start({
      seed: { seed: opts.seed ?? 2027, partners: opts.partners, deals: opts.deals },
      latencyMs: opts.latencyMs,
      latencyJitterMs: opts.jitterMs,
      bulkDelayMs: 1000,
    });
    cleanups.push(() => sb.close());
    say(`sandbox: ${opts.partners} partners, ${opts.deals} deals seeded in ${ms(t0)} ms`);

    const crashed = (why: string) => abort(why, 1);
    const api = await startServer('api', { ...env, PORT: String(port) }, crashed);
    cleanups.push(() => api.stop());
    let worker: ServerProcess | null = await startServer('worker', { ...env, PORT: '0' }, crashed);
    cleanups.push(() => worker?.stop() ?? Promise.resolve());
    say(
      `api ${api.url} (pid ${api.child.pid}), worker pid ${worker.child.pid}; database ${dbName}, prefix ${prefix}`,
    );

    Object.assign(process.env, env);
    const store = await openStore(loadConfig(), { mode: 'client', max: 4 });
    cleanups.push(() => store.db.close());
    const queues = createQueues({ kind: 'redis', url: REDIS_URL, prefix });
    cleanups.push(() => queues.close());

    const added = cliOk(await runCli(...(await zohoTenantAdd(sb))), 'tenant add');
    const tenantId = asTenantId((JSON.parse(added.out) as { id: string }).id);
    cliOk(await runCli('tenant', 'install-fields', '--tenant', tenantId, '--json'), 'install-fields');
    cliOk(await runCli('plan', 'upload', '--tenant', tenantId, PLAN, '--activate', '--json'), 'plan upload');
    say('tenant added, fields installed, plan active; full sync + score + write-back …');

    sb.resetStats();
    const cpu0 = cpuMs(worker.child.pid);
    const t1 = performance.now();
    const run = JSON.parse(
      cliOk(await runCli('sync', '--tenant', tenantId, '--full', '--wait', '--json'), 'sync --full --wait')
        .out,
    ) as { progress?: Record<string, unknown> };
    const fullMs = ms(t1);
    const stats = sb.getStats();
    const cpu1 = cpuMs(worker.child.pid);
    const fullSync: FullSyncFigures = {
      ms: fullMs,
      calls: stats.calls,
      credits: stats.credits,
      workerPeakRssMb: peakRssMb(worker.child.pid),
      workerCpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      progress: run.progress ?? {},
    };
    say(`full sync: ${fullMs} ms, ${stats.calls} calls, worker peak RSS ${fullSync.workerPeakRssMb} MB`);

    // What the maintenance schedule does for a new tenant within its first round.
    await queues.add('maintenance', { tenantId, task: 'renew-subscription' });
    await waitFor('push subscription', () => getSubscription(store.db, tenantId), 60_000);
    if (sb.watch.channels.size === 0) throw new Error('no watch channel in the sandbox after subscribing');

    const stack: Stack = {
      sb,
      db: store.db,
      queues,
      tenantId,
      api,
      worker,
      env,
      fullSync,
      async idle(timeoutMs = 300_000) {
        const deadline = Date.now() + timeoutMs;
        let quiet = 0;
        while (quiet < 2) {
          if (Date.now() > deadline) throw new Error(`pipeline not idle within ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 250));
          let busy = 0;
          for (const n of PIPELINE_QUEUES) {
            const c = await queues.queue(n).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
            busy += Object.values(c).reduce((a, b) => a + b, 0);
          }
          const open = await store.db.query<{ n: string }>(
            `select count(*) as n from inbox where tenant_id = $1 and status <> 'done'`,
            [tenantId],
          );
          busy += Number(open[0]?.n ?? 0);
          quiet = busy === 0 ? quiet + 1 : 0;
        }
      },
      cli: (...argv) => runCli(...argv),
      async stopWorker() {
        await worker?.stop();
        worker = null;
        stack.worker = null;
      },
      close: cleanup,
    };
    return stack;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function ms(start: number): number {
  return Math.round(performance.now() - start);
}
