// Scores a tenant's whole period in one pass (after a full sync, a full
// recalculation, or when a period has no stored pass-1 rows yet): scoreUnranked over
// every record, every partner's UnrankedResult stored, ranked (rankStored), results saved.
// Rows are saved and read back in batches of ctx.periodBatch partners, so a worker holds
// the tenant's input and one batch, never the period's rows and their JSON all at once.
// The partners are scored and ranked lazily, with the event loop given back between
// slices (yielding.ts).
import { finishRanked, rankedInputsHash, rankPeriod, scoreUnrankedLazily } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { saveResults, storedHashes } from '../../store/repos/pipeline-results.repo.js';
import { clearRankPending } from '../../store/repos/rank-pending.repo.js';
import { getUnranked, listRankKeys, type RankKey, saveUnranked } from '../../store/repos/unranked.repo.js';
import type { Sql } from '../../store/sql.js';
import { type ActivePlan, type PipelineContext, sha256 } from './context.js';
import { tenantInput } from './load-input.js';
import { batchesYielding, collectYielding } from './yielding.js';

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
  const partners = await scoreAndSaveUnranked(ctx, tenantId, active, period);
  const { changed } = await rankStored(ctx, tenantId, active, period);
  return { period, partners, changed };
}

/**
 * Pass 1 over the tenant's whole input, each batch of rows saved as it is scored;
 * returns how many partners were scored. A function of its own because an async
 * function keeps its locals until it returns: the input and its prepared index (most
 * of a large tenant's memory) are garbage before the ranking reads rows back.
 *
 * Rows land batch by batch, each batch in one statement. Scoring yields, so
 * recalculations of partners changed meanwhile (pushes) may save their rows first:
 * those are newer than this input and are kept. A push's rerank in between ranks
 * a mix of this scoring's rows and older ones (each a complete result of its own); the
 * ranking that ends scorePeriod reads them all after the last batch.
 */
async function scoreAndSaveUnranked(
  ctx: PipelineContext,
  tenantId: TenantId,
  active: ActivePlan,
  period: string,
): Promise<number> {
  const db = ctx.store.db;
  const [clock] = await db.query<{ now: Date }>('select now() as now');
  const input = await tenantInput(db, tenantId, active.plan.currency);
  const doc = scoreUnrankedLazily(active.plan, input, {
    period,
    computedAt: ctx.now().toISOString(),
    sha256,
  });
  let scored = 0;
  for await (const batch of batchesYielding(doc.partners, ctx.periodBatch)) {
    await saveUnranked(db, tenantId, period, active.version, batch, clock!.now);
    scored += batch.length;
  }
  return scored;
}

/**
 * Ranks the period's stored pass-1 rows and saves the results, one ranking of a tenant's
 * period at a time across processes. Without the lock a whole-period scoring (a run)
 * and a rerank (pushes) could overlap: the one that read the rows first would save its
 * results last, and results older than the stored rows would stay until the next
 * change (the likely cause of a chaos trial that left 1,648 of 2,000 partners stale). With it, every
 * ranking lists the rows after the one before it saved, so the last save is the newest.
 *
 * Results whose only change is their rank (another partner moved past them):
 * - `'save'`: all saved;
 * - `'defer-many'` (a push's rerank): saved only when few (timing.rankOnlyInline: one
 *   write batch); more are all left for the period's rank sweep (`deferred` says how
 *   many), so a burst of pushes does not rewrite most of a period after every batch.
 */
export function rankStored(
  ctx: PipelineContext,
  tenantId: TenantId,
  active: ActivePlan,
  period: string,
  rankOnly: 'save' | 'defer-many' = 'save',
): Promise<Ranked> {
  const limit = rankOnly === 'save' ? null : ctx.timing.rankOnlyInline;
  return ctx.locks.withLock(
    `rank.${tenantId}.${period}`,
    () => rankAndSave(ctx.store.db, tenantId, active, period, limit, ctx.periodBatch),
    { timeoutMs: 60_000 },
  );
}

export interface Ranked {
  /** Partners whose stored result changed (their write-back is pending). */
  changed: string[];
  /** Partners whose rank alone moved, left for the rank sweep. */
  deferred: number;
}

/**
 * Pass 2: ranks every partner of the period from the rows' ranking keys, and completes
 * and saves only the results whose inputsHash moved (the partner's facts, or its rank).
 * A push moves one partner and the ranks of the few it passes: reading and completing
 * the period's every row (megabytes of JSON for two thousand partners) cost seconds per
 * rerank and held the worker's one core.
 */
async function rankAndSave(
  db: Sql,
  tenantId: TenantId,
  active: ActivePlan,
  period: string,
  /** Rank-only changes saved at most (more: all left for the sweep); null: no limit. */
  limit: number | null,
  /** Rows read, completed and saved per statement. */
  batch: number,
): Promise<Ranked> {
  const [clock] = await db.query<{ now: Date }>('select now() as now');
  const [keys, stored] = await Promise.all([
    listRankKeys(db, tenantId, period, active.version),
    storedHashes(db, tenantId, period),
  ]);
  const ranks = rankPeriod(
    active.plan,
    keys.map((k) => k.rankable),
  );
  const factsMoved: RankKey[] = [];
  const rankMoved: RankKey[] = [];
  await collectYielding(
    (function* () {
      for (const k of keys) {
        const s = stored.get(k.partnerId);
        if (!s || s.planVersion !== active.version || s.factsHash !== k.factsHash) factsMoved.push(k);
        else if (s.inputsHash !== rankedInputsHash(k.factsHash, ranks.get(k.partnerId)!, { sha256 }))
          rankMoved.push(k);
        yield k;
      }
    })(),
  );
  const left = limit !== null && rankMoved.length > limit ? rankMoved.length : 0;
  const moved = left > 0 ? factsMoved : [...factsMoved, ...rankMoved];
  // Read, completed and saved a batch at a time: after a full sync every row has moved.
  const changed: string[] = [];
  for (let from = 0; from < moved.length; from += batch) {
    // A row replaced since its key was read is left out: its recalculation enqueued another rerank.
    const rows = await getUnranked(db, tenantId, period, active.version, moved.slice(from, from + batch));
    const results = await collectYielding(
      (function* () {
        for (const r of rows) {
          const result = finishRanked(active.plan, r.unranked, ranks.get(r.partnerId)!, { sha256 });
          yield { result, factsHash: r.factsHash };
        }
      })(),
    );
    const saved = await saveResults(
      db,
      tenantId,
      results.map(({ result, factsHash }) => ({
        partnerId: result.partnerId,
        period,
        planVersion: active.version,
        inputsHash: result.inputsHash,
        factsHash,
        result,
      })),
    );
    for (const id of saved) changed.push(id);
  }
  // Every moved result is saved: the ranking owed since before this read is done.
  if (left === 0) await clearRankPending(db, tenantId, period, clock!.now);
  return { changed, deferred: left };
}
