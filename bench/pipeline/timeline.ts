// Where each push's time went (--diagnose): its stages from the store and the jobs
// BullMQ keeps after completion, per push —
//   pushed (the sandbox's edit) → received (inbox row) → synced (row done: deal
//   upserted, dirty mark set, recalc enqueued) → recalc started / ended (the batch
//   whose returned `partners` name the push's partner) → rerank started / ended (the
//   first to start after that recalc ended: it ranks the saved row) → write-back
//   (the first still running when that rerank ended, counted from the later of its
//   start and the rerank's end) → written (seen in the CRM).
// Printed as p50 / p95 / max of each step, so the slowest link shows.
import type { Queues } from '../../src/jobs/queue-factory.js';
import type { TenantId } from '../../src/store/ids.js';
import type { Sql } from '../../src/store/sql.js';
import type { PushTrace } from './latency.js';
import { spread } from './stats.js';

interface Ran {
  start: number;
  end: number;
  partners?: string[];
}

async function ran(queues: Queues, name: 'recalc' | 'rerank' | 'writeback', since: number): Promise<Ran[]> {
  const jobs = await queues.queue(name).getJobs(['completed', 'failed'], 0, 999);
  return jobs
    .filter((j) => j.timestamp >= since && j.processedOn && j.finishedOn)
    .map((j) => ({
      start: j.processedOn!,
      end: j.finishedOn!,
      partners: (j.returnvalue as { partners?: string[] } | null)?.partners,
    }))
    .sort((a, b) => a.start - b.start);
}

const STEPS = [
  'pushed → received',
  'received → synced',
  'synced → recalc start',
  'recalc run',
  'recalc end → rerank start',
  'rerank run',
  'rerank end → write-back start (or running)',
  'write-back start → written',
  'total',
] as const;

export async function pushTimeline(
  db: Sql,
  queues: Queues,
  tenantId: TenantId,
  traces: PushTrace[],
  since: number,
): Promise<string[]> {
  const inbox = await db.query<{ record_ids: string[]; received_at: Date; updated_at: Date; status: string }>(
    `select record_ids, received_at, updated_at, status from inbox
     where tenant_id = $1 and received_at >= $2 and entity = 'deal'`,
    [tenantId, new Date(since - 1000)],
  );
  const rowOf = new Map<string, (typeof inbox)[number]>();
  for (const r of inbox) for (const id of r.record_ids) if (!rowOf.has(id)) rowOf.set(id, r);
  const [recalcs, reranks, writebacks] = await Promise.all([
    ran(queues, 'recalc', since),
    ran(queues, 'rerank', since),
    ran(queues, 'writeback', since),
  ]);
  const steps = new Map<string, number[]>(STEPS.map((s) => [s, []]));
  const add = (step: (typeof STEPS)[number], from: number | undefined, to: number | undefined) => {
    if (from !== undefined && to !== undefined) steps.get(step)!.push(to - from);
  };
  let traced = 0;
  for (const t of traces) {
    const row = rowOf.get(t.dealId);
    const received = row?.received_at.getTime();
    const synced = row?.status === 'done' ? row.updated_at.getTime() : undefined;
    const recalc = recalcs.find(
      (r) => r.partners?.includes(t.partnerId) && (synced === undefined || r.end >= synced),
    );
    const rerank = recalc && reranks.find((r) => r.start >= recalc.end);
    // The write-back that sends it: the first still running (or starting) after that rerank ended.
    const wb = rerank && writebacks.find((r) => r.end >= rerank.end);
    const written = t.writtenAt ?? undefined;
    add('pushed → received', t.pushedAt, received);
    add('received → synced', received, synced);
    add('synced → recalc start', synced, recalc?.start);
    add('recalc run', recalc?.start, recalc?.end);
    add('recalc end → rerank start', recalc?.end, rerank?.start);
    add('rerank run', rerank?.start, rerank?.end);
    add('rerank end → write-back start (or running)', rerank?.end, wb && Math.max(wb.start, rerank!.end));
    add('write-back start → written', wb && Math.max(wb.start, rerank!.end), written);
    add('total', t.pushedAt, written);
    if (written !== undefined && wb) traced++;
  }
  const lines = [
    `per-push stages, ms (p50 / p95 / max; ${traced} of ${traces.length} pushes traced end to end):`,
  ];
  for (const [name, values] of steps) {
    const s = spread(values);
    lines.push(
      `  ${name.padEnd(44)} ${String(s.p50).padStart(6)} / ${String(s.p95).padStart(6)} / ${String(s.max).padStart(6)}  (n ${s.n})`,
    );
  }
  return lines;
}
