// The chaos scenarios: each breaks something real while the pipeline works (a worker
// process killed with SIGKILL, Redis restarted empty, PostgreSQL crashed, the CRM
// unreachable, the clock jumping over a period end), lets the deployment recover on
// its own, and then checks that nothing was lost: the CRM equals a from-scratch run,
// no adjustment appears twice, every push is done. Each reports how long recovery took.

import { inboxCounts } from '../../src/store/repos/inbox.repo.js';
import { getRun } from '../../src/store/repos/runs.repo.js';
import type { Cluster, CrmCheck } from '../../test/pipeline/helpers/cluster.js';
import type { ServeProcess } from '../../test/runtime/helpers/serve-process.js';

export interface Trial {
  ok: boolean;
  /** From the fault (or its end, for an outage) until everything was consistent again. */
  recoverMs: number;
  note: string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The consistency verdict after a fault: empty when nothing is wrong. */
export async function problems(c: Cluster, period?: string): Promise<string[]> {
  const check: CrmCheck = await c.check(period);
  const inbox = await inboxCounts(c.store.db, c.tenantId);
  const out: string[] = [];
  if (check.mismatched.length) out.push(`${check.mismatched.length} partners' CRM values differ`);
  if (check.storedDiffer.length) out.push(`${check.storedDiffer.length} stored results differ`);
  if (check.duplicateAdjustments.length)
    out.push(`${check.duplicateAdjustments.length} partners with a duplicated adjustment`);
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

async function stageOf(c: Cluster, runId: string): Promise<string> {
  const run = await getRun(c.store.db, c.tenantId, runId);
  return run?.status === 'running' ? String(run.progress.stage ?? 'started') : (run?.status ?? '?');
}

/** kill -9 of workers at a random point of a full sync + scoring + write-back, then new workers. */
export async function workerKill(c: Cluster, rnd: () => number, baselineMs: number): Promise<Trial> {
  const work = salesWork(c, rnd, { share: 0.3, lost: 5 });
  const { runId } = await c.request('full');
  await sleep(Math.floor(rnd() * baselineMs));
  const stage = await stageOf(c, runId);
  const workers = c.live('worker');
  // Half the time every worker dies at once; otherwise one of them.
  const victims: ServeProcess[] = rnd() < 0.5 ? workers : [workers[Math.floor(rnd() * workers.length)]!];
  await Promise.all(victims.map((w) => w.kill9()));
  const killedAt = Date.now();
  await Promise.all(victims.map(() => c.start('worker')));
  const run = await c.wait(runId, 600_000);
  await c.idle(300_000);
  const recoverMs = Date.now() - killedAt;
  const wrong = await problems(c);
  if (run.status !== 'done') wrong.unshift(`run ${run.status}: ${run.error}`);
  return {
    ok: wrong.length === 0,
    recoverMs,
    note: `killed ${victims.length}/${workers.length} at ${stage} (${work.partners} partners changed)${wrong.length ? `: ${wrong.join('; ')}` : ''}`,
  };
}
