// Scores a tenant's whole period in one pass (after a full sync, a full
// recalculation, or when a period has no stored pass-1 rows yet): scoreUnranked over
// every record, every partner's UnrankedResult stored, rankResults, results saved.
// A fixed number of queries whatever the number of partners.
import { rankResults, scoreUnranked } from '../../core/index.js';
import type { TenantId } from '../../store/ids.js';
import { saveResults } from '../../store/repos/pipeline-results.repo.js';
import { saveUnranked } from '../../store/repos/unranked.repo.js';
import { type ActivePlan, type PipelineContext, sha256 } from './context.js';
import { tenantInput } from './load-input.js';

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
  const input = await tenantInput(db, tenantId, active.plan.currency);
  const doc = scoreUnranked(active.plan, input, {
    period,
    computedAt: ctx.now().toISOString(),
    sha256,
  });
  await saveUnranked(db, tenantId, period, active.version, doc.partners);
  const results = rankResults(active.plan, doc.partners, { sha256 });
  const changed = await saveResults(
    db,
    tenantId,
    results.map((r) => ({
      partnerId: r.partnerId,
      period,
      planVersion: active.version,
      inputsHash: r.inputsHash,
      result: r,
    })),
  );
  return { period, partners: results.length, changed };
}
