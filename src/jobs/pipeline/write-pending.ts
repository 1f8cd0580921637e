// Write-back of a tenant's pending results: only what the CRM does not already show
// (needsWrite), in batches of the connector's write limit, per-record outcomes sorted
// (sortOutcomes): written ones recorded, permanent failures recorded with their
// reason, and only the records that failed for a passing reason sent again.
import type { CrmConnector, ResultWrite } from '../../../connectors/contract.js';
import { toResultFields } from '../../../connectors/result-fields.js';
import type { PartnerResult, Plan, ResultsDocument } from '../../core/index.js';
import { type Candidate, inBatches, needsWrite, sortOutcomes } from '../../pipeline/writeback.js';
import type { TenantId } from '../../store/ids.js';
import {
  markManyWritten,
  markWriteError,
  pendingResults,
  skipOtherPeriods,
} from '../../store/repos/pipeline-results.repo.js';
import { getPlanVersion } from '../../store/repos/plans.repo.js';
import type { StoredResult } from '../../store/repos/results.repo.js';
import { activePlan, currentPeriod, type PipelineContext } from './context.js';
import { LostLockError } from './job-lock.js';

export interface WriteReport {
  /** Records confirmed written. */
  written: number;
  /** Results the CRM already showed (no call). */
  unchanged: number;
  /** Records failed for good (bad value, record gone). */
  failed: number;
  /** Records still failing for a passing reason after the retry rounds (left pending). */
  retryLeft: number;
  /** writeResults calls made. */
  calls: number;
  lastError: string | null;
}

/**
 * Write calls a write-back keeps in flight at once: at most half the tenant's CRM
 * concurrency (Zoho: by edition, 5–25; Fxiaoke: 4), so the tenant's reads keep room,
 * and at most 4. The connector's own limiter still bounds every call (Zoho's
 * sub-concurrency of 10 for updates of more than 10 records included).
 */
const MAX_PARALLEL_WRITES = 4;
export const writeParallelism = (limits: { concurrency: number }) =>
  Math.max(1, Math.min(MAX_PARALLEL_WRITES, Math.floor(limits.concurrency / 2)));
/** Fewest results read per round (Fxiaoke writes one record per call). */
const MIN_ROUND = 100;
/**
 * A write-back waits this long for another one of the same tenant; then its job moves
 * itself to delayed and tries again later (gate.ts), so no worker slot sits blocked for
 * long behind a slow write-back and a stuck one shows as a delayed job, not a silent wait.
 */
const WRITE_LOCK_WAIT_MS = 30_000;

export interface WriteOptions {
  onProgress?: (r: WriteReport) => Promise<void>;
  /** Whether the job carrying this write-back still holds its lock (job-lock.ts); checked before each batch. */
  jobLockHeld?: () => Promise<boolean>;
}

/**
 * One write-back per tenant at a time, across processes: two running side by side (a
 * run's and a push's, on two workers) could each read a partner's result, and the
 * older one's update reach the CRM after the newer one's — the CRM would keep stale
 * values while both were recorded as written. The lock is a session lock: a killed
 * worker's lapses with its connection.
 */
export function writePending(
  ctx: PipelineContext,
  tenantId: TenantId,
  connector: CrmConnector,
  opts: WriteOptions = {},
): Promise<WriteReport> {
  return ctx.locks.withLock(
    `writeback.${tenantId}`,
    (tenantLockHeld) => {
      // Before each batch: the tenant lock and the job's lock still ours, or nothing more is sent.
      const mayWrite = async () => {
        if (!(await tenantLockHeld()))
          throw new LostLockError(`tenant ${tenantId}: write-back lock lost (database session gone)`);
        if (opts.jobLockHeld && !(await opts.jobLockHeld()))
          throw new LostLockError(`tenant ${tenantId}: the job's lock was lost (taken over as stalled)`);
      };
      return writeUnlocked(ctx, tenantId, connector, opts, mayWrite);
    },
    { timeoutMs: WRITE_LOCK_WAIT_MS },
  );
}

async function writeUnlocked(
  ctx: PipelineContext,
  tenantId: TenantId,
  connector: CrmConnector,
  opts: WriteOptions,
  mayWrite: () => Promise<void>,
): Promise<WriteReport> {
  const db = ctx.store.db;
  const report: WriteReport = {
    written: 0,
    unchanged: 0,
    failed: 0,
    retryLeft: 0,
    calls: 0,
    lastError: null,
  };
  const active = await activePlan(db, tenantId);
  if (!active) return report;
  // A partner's CRM record shows one period, the current one. Results of other periods
  // (a deal closing next quarter, a burst that straddles a period end) are kept for the
  // widget but never written: they would overwrite the current period's fields. Rows
  // saved while this write-back runs are filtered by the same period.
  const period = currentPeriod(active.plan, ctx.now());
  await skipOtherPeriods(db, tenantId, period);

  const plans = new Map<number, Plan>([[active.version, active.plan]]);
  const planOf = async (version: number) => {
    let p = plans.get(version);
    if (!p) {
      p = (await getPlanVersion(db, tenantId, version))?.plan as Plan;
      plans.set(version, p);
    }
    return p;
  };
  // Rounds: the pending results of this moment, new numbers first (pendingResults), as
  // many as the parallel calls carry; then read again, so a result saved meanwhile with
  // new numbers goes ahead of the rank-only rewrites still waiting. Within a round a
  // partner appears once, and a round ends only when all its calls have answered: no
  // partner's older values can reach the CRM after its newer ones.
  const parallel = writeParallelism(connector.limits);
  const roundSize = Math.max(MIN_ROUND, connector.limits.writeBatchSize * parallel);
  const tried = new Set<string>();
  for (;;) {
    // Rows tried in this job and still pending (left for the job's retry) are read again: skip them.
    const rows = (await pendingResults(db, tenantId, { limit: roundSize + report.retryLeft, period }))
      .filter((r) => !tried.has(`${r.partnerId}\u0000${r.inputsHash}`))
      .slice(0, roundSize);
    if (rows.length === 0) break;
    for (const r of rows) tried.add(`${r.partnerId}\u0000${r.inputsHash}`);
    const byPartner = new Map<string, StoredResult>();
    const candidates: Candidate[] = [];
    for (const r of rows) {
      const plan = await planOf(r.planVersion);
      const doc: ResultsDocument = {
        planId: plan.id,
        planVersion: plan.version,
        period: r.period,
        currency: plan.currency,
        computedAt: r.computedAt,
        results: [],
        errors: [],
      };
      byPartner.set(r.partnerId, r);
      candidates.push({
        write: { partnerId: r.partnerId, fields: toResultFields(doc, r.result as PartnerResult) },
        writtenHash: r.writtenHash,
      });
    }
    const toWrite = needsWrite(candidates);
    const sending = new Set(toWrite.map((w) => w.partnerId));
    const same = rows.filter((r) => !sending.has(r.partnerId));
    await markManyWritten(db, tenantId, same);
    report.unchanged += same.length;

    const key = (w: ResultWrite) => {
      const r = byPartner.get(w.partnerId)!;
      return { partnerId: r.partnerId, period: r.period, inputsHash: r.inputsHash };
    };
    const sendBatch = async (first: ResultWrite[]) => {
      let batch = first;
      for (let round = 0; batch.length > 0; round++) {
        await mayWrite();
        report.calls++;
        const outcomes = await connector.writeResults(batch);
        const sorted = sortOutcomes(batch, outcomes);
        await markManyWritten(db, tenantId, sorted.written.map(key));
        await markWriteError(
          db,
          tenantId,
          sorted.failed.map((f) => ({ ...key(f.write), error: `${f.error.kind}: ${f.message}` })),
          'failed',
        );
        report.written += sorted.written.length;
        report.failed += sorted.failed.length;
        if (sorted.failed.length > 0) report.lastError = sorted.failed[0]!.message;
        batch = sorted.retry;
        if (batch.length === 0) break;
        const reasons = outcomes.filter((o) => !o.ok).map((o) => (o.ok ? '' : o.message));
        report.lastError = reasons[0] ?? 'no outcome returned';
        if (round + 1 >= ctx.timing.writeRetryRounds) {
          // Left pending with the reason: the next write-back (job retry) sends only these.
          await markWriteError(
            db,
            tenantId,
            batch.map((w) => ({ ...key(w), error: `retryable: ${report.lastError}` })),
            'pending',
          );
          report.retryLeft += batch.length;
          break;
        }
        const base = ctx.timing.writeRetryBaseMs * 2 ** round;
        await new Promise((r) => setTimeout(r, base / 2 + Math.random() * base));
      }
    };
    await inParallel([...inBatches(toWrite, connector.limits.writeBatchSize)], parallel, sendBatch);
    await opts.onProgress?.(report);
  }
  return report;
}

/**
 * Runs `fn` over the items, at most `limit` at a time, and waits for every call to end
 * before it settles — also when one fails (its error is thrown then): a write still in
 * flight must not outlive the tenant's write-back lock.
 */
async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, lane));
  const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (rejected) throw rejected.reason;
}
