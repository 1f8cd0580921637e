// The inbox reconciler: inbox rows not done (pending, or enqueued) whose last handover
// is older than a threshold go to the queue again. That covers a failed or timed-out
// enqueue in the webhook route, a flushed or restarted Redis, and a worker that died
// with a sync job. Runs on worker start-up and on a timer (not as a queued job: it must
// work precisely when the queue has lost its jobs). Bounded per tenant and round.
// Recalculations the same way: a dirty mark (recalc_dirty) whose latest change is older
// than the threshold gets its recalc job again (a job that still exists absorbs the add);
// and rankings: a rank mark (rank_pending) left that long gets a rank sweep.
import type { Logger } from '../log.js';
import type { TenantId } from '../store/ids.js';
import { openInbox } from '../store/repos/inbox.repo.js';
import { staleRankPending } from '../store/repos/rank-pending.repo.js';
import { staleDirty } from '../store/repos/recalc-dirty.repo.js';
import { listTenants } from '../store/repos/tenants.repo.js';
import type { Sql } from '../store/sql.js';
import { chunks, handOver, SYNC_BATCH } from './inbox-intake.js';
import { DEFAULT_TIMING } from './pipeline/context.js';
import { enqueueRankSweep, enqueueRecalc } from './pipeline/enqueue.js';
import type { Queues } from './queue-factory.js';

export interface ReconcileOptions {
  /** Rows whose last handover (or arrival) is older than this are handed over again. Default 60 s. */
  staleAfterMs?: number;
  /** Most rows per tenant per round. Default 500. */
  maxRowsPerTenant?: number;
  now?: () => Date;
}

export interface ReconcileCounts {
  tenants: number;
  /** Rows handed to the queue again. */
  requeued: number;
  /** Rows whose enqueue failed this round (they stay open for the next). */
  failed: number;
  /** Recalculation jobs (tenant-periods with stale dirty marks) handed to the queue again. */
  recalcs: number;
  /** Rank sweeps (tenant-periods with a stale rank mark) handed to the queue again. */
  ranks: number;
}

export const RECONCILE_DEFAULTS = { intervalMs: 30_000, staleAfterMs: 60_000, maxRowsPerTenant: 500 };

/** One tenant: hands its stale open rows to the queue in sync jobs of at most SYNC_BATCH rows. */
export async function reconcileTenantInbox(
  sql: Sql,
  queues: Queues,
  tenantId: TenantId,
  opts: ReconcileOptions = {},
): Promise<{ requeued: number; failed: number; recalcs: number; ranks: number }> {
  const now = (opts.now ?? (() => new Date()))();
  const staleBefore = new Date(now.getTime() - (opts.staleAfterMs ?? RECONCILE_DEFAULTS.staleAfterMs));
  const rows = await openInbox(
    sql,
    tenantId,
    opts.maxRowsPerTenant ?? RECONCILE_DEFAULTS.maxRowsPerTenant,
    staleBefore,
  );
  let requeued = 0;
  let failed = 0;
  for (const batch of chunks(rows, SYNC_BATCH)) {
    const ids = batch.map((r) => r.id);
    // The round number keeps this job id apart from a retained job of an earlier handover.
    const round = Math.max(...batch.map((r) => r.attempts));
    try {
      await handOver(sql, queues, tenantId, ids, round);
      requeued += ids.length;
    } catch {
      // The queue is down: everything after this would fail too; try again next round.
      failed += rows.length - requeued;
      break;
    }
  }
  let recalcs = 0;
  let ranks = 0;
  if (failed === 0) {
    const limit = opts.maxRowsPerTenant ?? RECONCILE_DEFAULTS.maxRowsPerTenant;
    const ctx = { queues, timing: DEFAULT_TIMING };
    let queueDown = false;
    for (const period of await staleDirty(sql, tenantId, staleBefore, limit)) {
      try {
        await enqueueRecalc(ctx, tenantId, period);
        recalcs++;
      } catch {
        queueDown = true; // next round
        break;
      }
    }
    // A ranking owed longer than the threshold: its rerank or sweep job is lost (a sweep
    // waits 30 s at most, and pushes that keep re-ranking the period keep its mark
    // fresh). A sweep ranks and saves everything; if the job still exists, the add is
    // absorbed by its deduplication id.
    if (!queueDown) {
      for (const period of await staleRankPending(sql, tenantId, staleBefore, limit)) {
        try {
          await enqueueRankSweep(ctx, tenantId, period, 0);
          ranks++;
        } catch {
          break; // the queue is down: next round
        }
      }
    }
  }
  return { requeued, failed, recalcs, ranks };
}

/** Every tenant once. */
export async function reconcileInbox(
  sql: Sql,
  queues: Queues,
  opts: ReconcileOptions = {},
): Promise<ReconcileCounts> {
  const tenants = await listTenants(sql);
  const total: ReconcileCounts = { tenants: tenants.length, requeued: 0, failed: 0, recalcs: 0, ranks: 0 };
  for (const t of tenants) {
    const r = await reconcileTenantInbox(sql, queues, t.id, opts);
    total.requeued += r.requeued;
    total.failed += r.failed;
    total.recalcs += r.recalcs;
    total.ranks += r.ranks;
    if (r.failed > 0) break;
  }
  return total;
}

export interface Reconciler {
  /** One round now (also what the timer runs); rounds never overlap. */
  runOnce(): Promise<ReconcileCounts | null>;
  stop(): void;
}

/**
 * Runs a round immediately and then every `intervalMs`. `afterRound` lets the caller
 * piggyback other upkeep on the same timer (the scheduler check does).
 */
export function startInboxReconciler(
  deps: { sql: Sql; queues: Queues; logger: Logger },
  opts: ReconcileOptions & { intervalMs?: number; afterRound?: () => Promise<void> } = {},
): Reconciler {
  let running: Promise<ReconcileCounts | null> | null = null;
  let stopped = false;
  const runOnce = () => {
    running ??= (async () => {
      try {
        const counts = await reconcileInbox(deps.sql, deps.queues, opts);
        if (counts.requeued > 0 || counts.failed > 0 || counts.recalcs > 0 || counts.ranks > 0)
          deps.logger.info(counts, 'inbox reconciled');
        else deps.logger.debug(counts, 'inbox reconciled');
        await opts.afterRound?.();
        return counts;
      } catch (err) {
        deps.logger.warn(
          { reason: (err as Error).message },
          'inbox reconciliation failed; retrying next round',
        );
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void runOnce();
  }, opts.intervalMs ?? RECONCILE_DEFAULTS.intervalMs);
  timer.unref();
  void runOnce();
  return {
    runOnce,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
