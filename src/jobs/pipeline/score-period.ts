// Scores a tenant's whole period in one pass (after a full sync, a full
// recalculation, or when a period has no stored pass-1 rows yet): scoreUnranked over
// every record, every partner's UnrankedResult stored, rankResults, results saved.
// A fixed number of queries whatever the number of partners. The partners are scored
// and ranked lazily, with the event loop given back between slices (yielding.ts).
import { rankResultsLazily, scoreUnrankedLazily, type UnrankedResult } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { saveResults, storedHashes } from '../../store/repos/pipeline-results.repo.js';
import { listUnranked, saveUnranked } from '../../store/repos/unranked.repo.js';
import type { Sql } from '../../store/sql.js';
import { type ActivePlan, type PipelineContext, sha256 } from './context.js';
import { tenantInput } from './load-input.js';
import { collectYielding } from './yielding.js';

export interface PeriodScored {
  period: string;
  partners: number;
  /** Partners whose stored result changed (their write-back is pending). */
  changed: string[];
}

export async function scorePeriod(
  ctx: PipelineContext,
  tenantId: TenantId,
  active: ActivePlan,
  period: string,
): Promise<PeriodScored> {
  const db = ctx.store.db;
  const [clock] = await db.query<{ now: Date }>('select now() as now');
  const input = await tenantInput(db, tenantId, active.plan.currency);
  const doc = scoreUnrankedLazily(active.plan, input, {
    period,
    computedAt: ctx.now().toISOString(),
    sha256,
  });
  const partners = await collectYielding(doc.partners);
  // Scoring yields, so recalculations of partners changed meanwhile (pushes) may save
  // their rows first: those are newer than this input and are kept, and the period is
  // ranked from the rows as stored.
  await saveUnranked(db, tenantId, period, active.version, partners, clock!.now);
  const changed = await rankStored(ctx, tenantId, active, period);
  return { period, partners: partners.length, changed };
}

/**
 * Ranks the period's stored pass-1 rows and saves the results, one ranking of a tenant's
 * period at a time across processes. Without the lock a whole-period scoring (a run)
 * and a rerank (pushes) could overlap: the one that read the rows first would save its
 * results last, and results older than the stored rows would stay until the next
 * change (the likely cause of a chaos trial that left 1,648 of 2,000 partners stale). With it, every
 * ranking lists the rows after the one before it saved, so the last save is the newest.
 */
export function rankStored(
  ctx: PipelineContext,
  tenantId: TenantId,
  active: ActivePlan,
  period: string,
): Promise<string[]> {
  return ctx.locks.withLock(
    `rank.${tenantId}.${period}`,
    async () => {
      const stored = await listUnranked(ctx.store.db, tenantId, period, active.version);
      return rankAndSave(
        ctx.store.db,
        tenantId,
        active,
        period,
        stored.map((r) => r.unranked),
      );
    },
    { timeoutMs: 60_000 },
  );
}

/** Pass 2: ranks the period's unranked rows and saves the results; returns the partners that changed. */
async function rankAndSave(
  db: Sql,
  tenantId: TenantId,
  active: ActivePlan,
  period: string,
  partners: UnrankedResult[],
): Promise<string[]> {
  const [results, stored] = await Promise.all([
    collectYielding(rankResultsLazily(active.plan, partners, { sha256 })),
    storedHashes(db, tenantId, period),
  ]);
  // Only results whose hash or plan version moved are sent to the store: a rerank after
  // one push re-ranks the whole period, but most of its partners come out the same, and
  // serializing and comparing every full result cost most of the job (saveResults would
  // leave them alone anyway).
  const moved = results.filter((r) => {
    const s = stored.get(r.partnerId);
    return !s || s.inputsHash !== r.inputsHash || s.planVersion !== active.version;
  });
  return saveResults(
    db,
    tenantId,
    moved.map((r) => ({
      partnerId: r.partnerId,
      period,
      planVersion: active.version,
      inputsHash: r.inputsHash,
      result: r,
    })),
  );
}
