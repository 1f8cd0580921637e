// The chaos scenarios: each breaks something real while the pipeline works (a worker
// process killed with SIGKILL, Redis restarted empty, PostgreSQL crashed, the CRM
// unreachable, the clock jumping over a period end), lets the deployment recover on
// its own, and then checks that nothing was lost: the CRM equals a from-scratch run,
// no adjustment appears twice, every push is done. Each reports how long recovery took.

import { inboxCounts } from '../../src/store/repos/inbox.repo.js';
import { getRun } from '../../src/store/repos/runs.repo.js';
import type { Cluster, CrmCheck } from '../../test/pipeline/helpers/cluster.js';
import type { ServeProcess } from '../../test/runtime/helpers/serve-process.js';
import type { OwnPostgres, OwnRedis } from './services.js';

export interface Trial {
  ok: boolean;
  /** From the fault (a kill, a restart) or the end of an outage until everything was consistent again. */
  recoverMs: number;
  note: string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The consistency verdict after a fault: empty when nothing is wrong. `explain` prints how
 * the first differing results differ (for a final verdict, not while polling for recovery).
 */
export async function problems(c: Cluster, period?: string, explain = true): Promise<string[]> {
  const check: CrmCheck = await c.check(period);
  const inbox = await inboxCounts(c.store.db, c.tenantId);
  const out: string[] = [];
  if (check.mismatched.length) out.push(`${check.mismatched.length} partners' CRM values differ`);
  if (check.storedDiffer.length) out.push(`${check.storedDiffer.length} stored results differ`);
  if (explain && check.samples.length) {
    // Marks left behind would mean a recalculation that never ran (the idle check cannot see them).
    const dirty = await c.store.db.query<{ period: string; n: string }>(
      'select period, count(*)::text as n from recalc_dirty where tenant_id = $1 group by period',
      [c.tenantId],
    );
    process.stderr.write(
      `chaos: differing results, first few (dirty marks left: ${JSON.stringify(dirty)}):\n${check.samples.join('\n')}\n`,
    );
  }
  if (check.duplicateAdjustments.length)
    out.push(`${check.duplicateAdjustments.length} partners with a duplicated adjustment`);
  const died = c.processes.filter((p) => p.child.exitCode !== null);
  for (const p of died)
    out.push(
      `${p.role} ${p.pid} exited with ${p.child.exitCode}: ${p.stderr().trim().split('\n').slice(-3).join(' | ')}`,
    );
  if ((inbox.pending ?? 0) + (inbox.enqueued ?? 0) + (inbox.failed ?? 0) > 0)
    out.push(`inbox not done: ${JSON.stringify(inbox)}`);
  return out;
}

/**
 * Sales work between runs: a won deal in the current period grows for a share of the
 * partners (their results change and are written back), and a few won deals of the
 * frozen period are lost (clawbacks in the open period).
 */
export function salesWork(c: Cluster, rnd: () => number, opts: { share: number; lost: number }) {
  let lost = 0;
  const bumped = new Set<string>();
  for (const d of c.sb.org.module('Deals')!.records.values()) {
    const partner = (d.Channel_Partner as { id: string } | null)?.id;
    if (!partner || d.Amount == null) continue;
    const close = String(d.Closing_Date);
    if (lost < opts.lost && d.Stage === 'Closed Won' && close >= '2026-07-01' && close <= '2026-09-30') {
      if (rnd() < 0.05) {
        c.sb.userUpdate('Deals', d.id, { Stage: 'Closed Lost' });
        lost++;
      }
    } else if (!bumped.has(partner) && close >= '2026-10-01' && close <= '2026-12-31' && rnd() < opts.share) {
      c.sb.userUpdate('Deals', d.id, {
        Stage: 'Closed Won',
        Amount: Number(d.Amount) + 1 + Math.floor(rnd() * 5000),
      });
      bumped.add(partner);
    }
  }
  return { partners: bumped.size, lost };
}

/** What a stuck run looks like from outside: its row, its job, the workers' last words. */
export async function diagnose(c: Cluster, runId: string): Promise<string> {
  const run = await getRun(c.store.db, c.tenantId, runId).catch((e: Error) => e.message);
  const job = await c.queues
    .queue('sync')
    .getJob(`run.${c.tenantId}.${runId}`)
    .catch(() => undefined);
  const state = job ? await job.getState() : 'no job';
  const logs = c.processes
    .filter((p) => p.role === 'worker')
    .slice(-3)
    .map(
      (w) =>
        `--- worker ${w.pid} (exit ${w.child.exitCode ?? w.child.signalCode ?? 'running'})\n${w.logs().split('\n').slice(-15).join('\n')}`,
    )
    .join('\n');
  return `run ${JSON.stringify(run)}\njob ${state} attemptsMade=${job?.attemptsMade} stalled=${job?.stalledCounter} reason=${job?.failedReason}\n${logs}`;
}

async function stageOf(c: Cluster, runId: string): Promise<string> {
  const run = await getRun(c.store.db, c.tenantId, runId);
  return run?.status === 'running' ? String(run.progress.stage ?? 'started') : (run?.status ?? '?');
}

/** Waits (bounded) until `done` holds; returns the milliseconds it took. */
async function until(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

/** The phases of a full run, as its progress names them. */
export const STAGES = ['partner', 'account', 'deal', 'scoring', 'writeback'] as const;

/**
 * A fault in the middle of a full run while pushes arrive: the run is started, and when
 * it reaches a randomly chosen phase (plus up to 300 ms) `fault` breaks something (and
 * repairs it, or not). Then the run must finish and everything be consistent again.
 */
async function duringRun(
  c: Cluster,
  rnd: () => number,
  fault: () => Promise<string>,
  timeoutMs: number,
  /** Recovery counts from the fault's start (a kill) or its end (an outage). */
  from: 'start' | 'end',
): Promise<Trial> {
  const work = salesWork(c, rnd, { share: 0.3, lost: 3 });
  const target = STAGES[Math.floor(rnd() * STAGES.length)]!;
  const extra = Math.floor(rnd() * 300);
  const { runId } = await c.request('full');
  let stage = await stageOf(c, runId);
  while (stage !== 'done' && stage !== 'failed' && STAGES.indexOf(stage as never) < STAGES.indexOf(target)) {
    await sleep(20);
    stage = await stageOf(c, runId);
  }
  await sleep(extra);
  stage = await stageOf(c, runId);
  const startedAt = Date.now();
  const what = await fault();
  const repairedAt = from === 'start' ? startedAt : Date.now();
  try {
    const run = await c.wait(runId, timeoutMs);
    const runMs = Date.now() - repairedAt;
    await c.idle(timeoutMs);
    const recoverMs = Date.now() - repairedAt;
    const wrong = await problems(c);
    if (run.status !== 'done') wrong.unshift(`run ${run.status}: ${run.error}`);
    return {
      ok: wrong.length === 0,
      recoverMs,
      note: `${what} at ${stage} (run done after ${(runMs / 1000).toFixed(1)} s; ${work.partners} partners changed, pushes on)${wrong.length ? `: ${wrong.join('; ')}` : ''}`,
    };
  } catch (err) {
    process.stderr.write(`chaos: ${what}: stuck\n${await diagnose(c, runId)}\n`);
    return {
      ok: false,
      recoverMs: Date.now() - repairedAt,
      note: `${what} at ${stage}: ${(err as Error).message}`,
    };
  }
}

/** kill -9 of workers (one, or all at once) at a random point of a full run; new workers start. */
export function workerKill(c: Cluster, rnd: () => number) {
  return duringRun(
    c,
    rnd,
    async () => {
      const workers = c.live('worker');
      const victims: ServeProcess[] = rnd() < 0.5 ? workers : [workers[Math.floor(rnd() * workers.length)]!];
      await Promise.all(victims.map((w) => w.kill9()));
      await Promise.all(victims.map(() => c.start('worker')));
      return `kill -9 of ${victims.length}/${workers.length} workers`;
    },
    300_000,
    'start',
  );
}

export function redisRestart(c: Cluster, rnd: () => number, redis: OwnRedis) {
  return duringRun(
    c,
    rnd,
    async () => {
      await redis.restart();
      return 'Redis killed and restarted empty';
    },
    180_000,
    'start',
  );
}

export function postgresRestart(c: Cluster, rnd: () => number, pg: OwnPostgres, downMs: number) {
  return duringRun(
    c,
    rnd,
    async () => {
      await pg.crash();
      await sleep(downMs);
      await pg.start();
      return `PostgreSQL crashed, back after ${downMs / 1000} s`;
    },
    180_000,
    'end',
  );
}

export function crmDown(c: Cluster, rnd: () => number, downMs: number) {
  return duringRun(
    c,
    rnd,
    async () => {
      const port = Number(new URL(c.sb.url).port);
      await c.sb.close();
      await sleep(downMs);
      await c.sb.listen(port, '127.0.0.1');
      return `CRM unreachable for ${downMs / 1000} s`;
    },
    300_000,
    'end',
  );
}

/**
 * The clock jumps from mid-Q4 to after Q4's end plus the grace period: Q4 is frozen once
 * (each partner one statement), the CRM shows 2027-Q1 as a from-scratch run scores it,
 * and a Q4 deal lost afterwards becomes one clawback in Q1.
 */
export async function clockJump(c: Cluster, partners: number, timeoutMs: number): Promise<Trial> {
  const to = '2027-01-06T12:00:00Z';
  await c.setClock(to);
  const jumpedAt = Date.now();
  const statements = async () =>
    Number(
      (
        await c.store.db.query<{ n: string }>(
          "select count(*) as n from statements where tenant_id = $1 and period = '2026-Q4'",
          [c.tenantId],
        )
      )[0]!.n,
    );
  try {
    await until('2026-Q4 frozen', async () => (await statements()) === partners, timeoutMs);
    await until('CRM on 2027-Q1', async () => (await problems(c, '2027-Q1', false)).length === 0, timeoutMs);
    const recoverMs = Date.now() - jumpedAt;
    // A won Q4 deal lost after the freeze: one clawback in 2027-Q1, through a push.
    const won = [...c.sb.org.module('Deals')!.records.values()].find(
      (d) =>
        d.Stage === 'Closed Won' &&
        (d.Channel_Partner as { id: string } | null)?.id &&
        String(d.Closing_Date) >= '2026-10-01' &&
        String(d.Closing_Date) <= '2026-12-31',
    )!;
    c.sb.userUpdate('Deals', won.id, { Stage: 'Closed Lost' });
    await until(
      'clawback written',
      async () => (await problems(c, '2027-Q1', false)).length === 0,
      timeoutMs,
    );
    const check = await c.check('2027-Q1');
    const wrong = await problems(c, '2027-Q1');
    if ((await statements()) !== partners) wrong.push('statements changed after the freeze');
    return {
      ok: wrong.length === 0,
      recoverMs,
      note: `clock ${to}: Q4 frozen once, CRM on 2027-Q1, ${check.adjustments} adjustment(s)${wrong.length ? `: ${wrong.join('; ')}` : ''}`,
    };
  } catch (err) {
    return {
      ok: false,
      recoverMs: Date.now() - jumpedAt,
      note: `clock jump to ${to}: ${(err as Error).message}`,
    };
  }
}
