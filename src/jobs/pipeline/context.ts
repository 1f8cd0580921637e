// What every pipeline worker shares: the store, the queues, tenant → connector, the
// clock (injectable: tests move it across period ends), and the coalescing delays.
import { createHash } from 'node:crypto';
import type { Plan } from '../../core/index.js';
import { periodOfInstant } from '../../core/index.js';
import type { Logger } from '../../log.js';
import type { Keyring } from '../../secrets/keyring.js';
import type { Store } from '../../store/database.js';
import type { TenantId } from '../../store/ids.js';
import { createLocks, type Locks } from '../../store/locks.js';
import { getActivePlan } from '../../store/repos/plans.repo.js';
import type { Sql } from '../../store/sql.js';
import { type ConnectorFactory, connectorFactory } from '../connectors.js';
import type { Queues } from '../queue-factory.js';

export interface PipelineTiming {
  /** A burst of changes for one partner-period within this window → one recalculation. */
  recalcDelayMs: number;
  /**
   * A recalculation waits while push rows received before its latest change are still
   * unsynced (a burst in progress: they may touch the same partner again), looking
   * again every `recalcRecheckMs`, but never longer than this after its oldest change.
   */
  recalcMaxWaitMs: number;
  recalcRecheckMs: number;
  /**
   * A partner marked by more than one sync pass since it was last scored is in a burst:
   * it is also held until the tenant's syncs have marked nothing for this long (within
   * recalcMaxWaitMs).
   */
  recalcSettleMs: number;
  /** Rank awards of a period are re-evaluated once per window. */
  rerankDelayMs: number;
  /**
   * Rank-only changes a rerank left for later (more than one write batch of them: a
   * burst of pushes) are saved by the period's rank sweep, at most once per window…
   */
  rankSweepDelayMs: number;
  /** …and then only once no ranking was asked for within this long (pushes have paused)… */
  rankSweepSettleMs: number;
  /** …or once the sweep has waited this long since it was asked for (a steady stream). */
  rankSweepMaxWaitMs: number;
  /** Rank-only changes a push's rerank still saves itself (default one write batch, 100). */
  rankOnlyInline: number;
  /** Changed results of a tenant are written back together, once per window. */
  writebackDelayMs: number;
  /** How long a job waits before looking again at a tenant that needs re-authorization. */
  parkMs: number;
  /** Rounds of retrying records that failed for a passing reason inside one write-back. */
  writeRetryRounds: number;
  writeRetryBaseMs: number;
}

export const DEFAULT_TIMING: PipelineTiming = {
  // Short: coalescing comes mostly from keepLastIfActive (adds while a job runs become
  // one run after it) and the dirty marks' holds, so a delay only adds latency to a
  // lone push (docs/pipeline.md, "Coalescing"; docs/performance.md for the figures).
  recalcDelayMs: 50,
  recalcMaxWaitMs: 60_000,
  // A held batch looks again this often: one indexed read (a few ms); at 250 ms the
  // wait for the next look was a sixth of a push's latency at 50 pushes/s.
  recalcRecheckMs: 100,
  recalcSettleMs: 1500,
  rerankDelayMs: 75,
  // Rank-only changes (another partner's deal moved this one's rank): a few seconds
  // after a burst, but at most twice a minute under a stream of pushes: each sweep
  // rewrites and writes back most of the period (thousands of results at 50 pushes/s),
  // and every 5 s it was the largest load on the database and the CRM, delaying the
  // pushed partners' own fields.
  rankSweepDelayMs: 5000,
  rankSweepSettleMs: 2000,
  rankSweepMaxWaitMs: 30_000,
  rankOnlyInline: 100,
  writebackDelayMs: 50,
  parkMs: 10 * 60_000,
  writeRetryRounds: 3,
  writeRetryBaseMs: 500,
};

export interface PipelineContext {
  store: Store;
  queues: Queues;
  connectors: ConnectorFactory;
  logger: Logger;
  now: () => Date;
  timing: PipelineTiming;
  /** Named locks across processes: one push-driven sync pass, one write-back per tenant at a time. */
  locks: Locks;
  /**
   * Partners per statement when a whole period's rows are saved or read back (scorePeriod,
   * rankStored): a worker holds one batch of rows and its JSON at a time, not the period's.
   */
  periodBatch: number;
}

/** periodBatch's default: ~1,000 rows are a few megabytes of JSON. */
export const DEFAULT_PERIOD_BATCH = 1000;

export interface PipelineDeps {
  store: Store;
  queues: Queues;
  keyring: Keyring;
  logger: Logger;
  now?: () => Date;
  timing?: Partial<PipelineTiming>;
  connectors?: ConnectorFactory;
  locks?: Locks;
  periodBatch?: number;
}

export function pipelineContext(deps: PipelineDeps): PipelineContext {
  const now = deps.now ?? (() => new Date());
  const locks = deps.locks ?? createLocks(deps.store);
  return {
    store: deps.store,
    queues: deps.queues,
    logger: deps.logger,
    now,
    timing: { ...DEFAULT_TIMING, ...deps.timing },
    locks,
    periodBatch: positiveInteger('periodBatch', deps.periodBatch ?? DEFAULT_PERIOD_BATCH),
    connectors:
      deps.connectors ??
      connectorFactory({
        store: deps.store,
        keyring: deps.keyring,
        locks,
        logger: deps.logger,
        now,
      }),
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive whole number, not ${value}`);
  return value;
}

/** node:crypto's sha256 (same hashes as the core's pure-JS default, several times faster). */
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export interface ActivePlan {
  plan: Plan;
  /** The stored plan version (results record it). */
  version: number;
}

export async function activePlan(sql: Sql, tenantId: TenantId): Promise<ActivePlan | null> {
  const row = await getActivePlan(sql, tenantId);
  return row ? { plan: row.plan as Plan, version: row.version } : null;
}

/** The plan's period that contains `now`, in the plan's time zone. */
export function currentPeriod(plan: Plan, now: Date): string {
  return periodOfInstant(plan.period, plan.timezone, now.getTime()).key;
}

/**
 * Whether this run of a job follows an earlier one that may have stopped between its
 * write and its follow-up enqueue (failure, or a crash that left the job stalled):
 * then the follow-up is enqueued even though the write found nothing new to change.
 */
export function isRepeat(job: { attemptsMade: number; attemptsStarted?: number }): boolean {
  return job.attemptsMade > 0 || (job.attemptsStarted ?? 0) > 1;
}
