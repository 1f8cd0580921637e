// `npm run chaos [-- --quick] [--seed N] [--kills N] [--only kill,redis,postgres,crm,clock]`: a deployment of one api and two
// worker processes on a Redis and a PostgreSQL of its own (temporary, on free ports),
// the Zoho sandbox with 2,000 partners as the CRM; then, one after the other: kill -9 of
// workers at random points of full sync + scoring + write-back runs (20 times; seeded),
// Redis restarted empty, PostgreSQL crashed and restarted, the CRM down for a minute,
// and the clock jumping over a period end. Prints a summary table; exit 1 when any
// trial lost or duplicated something. `--quick` is a shorter smoke run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../src/lib/seeded-random.js';
import { freezePeriod } from '../test/pipeline/freeze.js';
import { type Cluster, startCluster } from '../test/pipeline/helpers/cluster.js';
import { PAYING_PLAN_SOURCE } from '../test/pipeline/pipeline.harness.js';
import {
  clockJump,
  crmDown,
  postgresRestart,
  problems,
  redisRestart,
  type Trial,
  workerKill,
} from './chaos/scenarios.js';
import { ownPostgres, ownRedis } from './chaos/services.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seed: { type: 'string' },
    kills: { type: 'string' },
    partners: { type: 'string' },
    only: { type: 'string' },
  },
});
const quick = values.quick === true;
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
let kills = Number(values.kills ?? (quick ? 3 : 20));
const partners = Number(values.partners ?? (quick ? 500 : 2000));
for (const [name, v] of [
  ['seed', seed],
  ['kills', kills],
  ['partners', partners],
] as const) {
  if (!Number.isInteger(v) || v < 0) {
    console.error(`--${name} must be a whole number ≥ 0, not "${v}"`);
    process.exit(2);
  }
}
const SCENARIOS = ['kill', 'redis', 'postgres', 'crm', 'clock'] as const;
const only = new Set((values.only ?? SCENARIOS.join(',')).split(',').filter(Boolean));
for (const name of only) {
  if (!(SCENARIOS as readonly string[]).includes(name)) {
    console.error(
      `--only takes a comma-separated list of ${SCENARIOS.join(', ')}; "${name}" is none of them`,
    );
    process.exit(2);
  }
}
const rnd = seededRandom(seed);
const log = (m: string) => process.stderr.write(`chaos: ${m}\n`);
console.log(
  `chaos: seed ${seed} (repeat with --seed ${seed}), ${partners} partners, ${quick ? 'quick' : 'full'} run`,
);

const dir = await mkdtemp(join(tmpdir(), 'ci-chaos-'));
const redis = await ownRedis(dir);
const pg = await ownPostgres(dir);
log(`own redis ${redis.url}, own postgres ${pg.adminUrl}`);

interface Row {
  scenario: string;
  trials: Trial[];
}
const rows: Row[] = [];
let c: Cluster | null = null;
let exit = 0;
try {
  c = await startCluster({
    seed: { seed, partners, deals: partners * 10 },
    redisUrl: redis.url,
    pgAdminUrl: pg.adminUrl,
    planSource: PAYING_PLAN_SOURCE,
    sandbox: { writeLatencyMs: 150 },
    // The period-close check every minute (default hourly): the clock jump recovers in minutes.
    settings: { closePeriodMinutes: 1 },
    // Scoring 2,000 partners holds the event loop for seconds on a loaded machine: a 2 s
    // lock would lapse under a live worker (a false stall, the job run twice).
    env: { LOG_LEVEL: 'warn', JOB_LOCK_MS: '5000', JOB_STALLED_CHECK_MS: '2000' },
  });
  await c.start('api');
  await Promise.all([c.start('worker'), c.start('worker')]);
  const t0 = Date.now();
  const first = await c.wait((await c.request('full')).runId, 600_000);
  const baselineMs = Date.now() - t0;
  if (first.status !== 'done') throw new Error(`the first full run ${first.status}: ${first.error}`);
  // Q3 scored and frozen, so lost Q3 deals become clawbacks in Q4.
  const q3 = await c.wait((await c.request('recalc', { period: '2026-Q3' })).runId, 600_000);
  if (q3.status !== 'done') throw new Error(`the Q3 recalculation ${q3.status}: ${q3.error}`);
  await freezePeriod(c.store.db, c.tenantId, '2026-Q3', 'CNY');
  // Results record the statements they settled against: score once more after the freeze.
  await c.wait((await c.request('full')).runId, 600_000);
  await c.idle(300_000);
  const baseline = await problems(c);
  if (baseline.length) throw new Error(`not consistent before any fault: ${baseline.join('; ')}`);
  log(`first full run ${baselineMs} ms; consistent`);

  if (!only.has('kill')) kills = 0;
  const kill: Row = { scenario: `kill -9 of workers during a full run (×${kills})`, trials: [] };
  if (kills > 0) rows.push(kill);
  for (let i = 0; i < kills; i++) {
    const t = await workerKill(c, rnd);
    kill.trials.push(t);
    log(`kill ${i + 1}/${kills}: ${t.ok ? 'ok' : 'FAILED'} in ${t.recoverMs} ms — ${t.note}`);
  }
  const once = async (key: (typeof SCENARIOS)[number], scenario: string, trial: () => Promise<Trial>) => {
    if (!only.has(key)) return;
    log(`${scenario} …`);
    const t = await trial();
    rows.push({ scenario, trials: [t] });
    log(`${scenario}: ${t.ok ? 'ok' : 'FAILED'} in ${t.recoverMs} ms — ${t.note}`);
  };
  const cluster = c;
  await once('redis', 'Redis restarted without persistence', () => redisRestart(cluster, rnd, redis));
  await once('postgres', 'PostgreSQL crashed and restarted', () =>
    postgresRestart(cluster, rnd, pg, quick ? 3000 : 10_000),
  );
  const crmDownMs = quick ? 15_000 : 60_000;
  await once('crm', `CRM down for ${crmDownMs / 1000} s`, () => crmDown(cluster, rnd, crmDownMs));
  await once('clock', 'clock jump across a period end', () =>
    clockJump(cluster, partners, quick ? 150_000 : 300_000),
  );
} catch (err) {
  log(`aborted: ${(err as Error).stack}`);
  exit = 1;
} finally {
  // A failed trial's cause is in the processes' last lines (a dead worker's stack, the upkeep's stale-run lines).
  const failedTrial = rows.some((r) => r.trials.some((t) => !t.ok));
  if (c && (exit || failedTrial))
    for (const p of c.processes) log(`--- ${p.role} ${p.pid} ---\n${p.logs().slice(-3000)}`);
  await c?.dispose().catch((e: Error) => log(`dispose: ${e.message}`));
  await redis.stop();
  await pg.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const table = [
  '| scenario | trials | consistent | recovery median | recovery max | notes |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => {
    const ms = r.trials.map((t) => t.recoverMs);
    const failed = r.trials.filter((t) => !t.ok);
    const note = failed.length ? failed.map((t) => t.note).join(' / ') : (r.trials[0]?.note ?? '');
    return `| ${r.scenario} | ${r.trials.length} | ${r.trials.length - failed.length}/${r.trials.length} | ${secs(median(ms))} | ${secs(Math.max(0, ...ms))} | ${note} |`;
  }),
];
console.log(`\n${table.join('\n')}\n\nseed ${seed}`);
if (rows.some((r) => r.trials.some((t) => !t.ok))) exit = 1;
process.exit(exit);
