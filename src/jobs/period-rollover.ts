// After a period ends, partners' CRM fields would keep showing it until one of their
// deals changes, and results scored before a freeze would not carry the statements they
// now settle against. The close-period task therefore re-scores the current period
// (a recalculation run: every partner, one pass, written back) when it has no results
// yet although earlier periods do (the clock crossed a period end), or when this round
// froze statements. Once per period: afterwards the current period has results.
import type { Plan } from '../core/index.js';
import type { TenantId } from '../store/ids.js';
import { getActivePlan } from '../store/repos/plans.repo.js';
import type { Database } from '../store/sql.js';
import { currentPeriod } from './pipeline/context.js';
import { requestRun } from './pipeline/runs.service.js';
import type { Queues } from './queue-factory.js';

export async function rollOver(
  db: Database,
  queues: Queues,
  tenantId: TenantId,
  now: Date,
  froze: boolean,
): Promise<{ rescoring: string; runId: string } | null> {
  const active = await getActivePlan(db, tenantId);
  if (!active) return null;
  const period = currentPeriod(active.plan as Plan, now);
  const [row] = await db.query<{ any: boolean; current: boolean }>(
    `select exists (select 1 from results where tenant_id = $1) as any,
            exists (select 1 from results where tenant_id = $1 and period = $2) as current`,
    [tenantId, period],
  );
  // Never scored: the first full sync scores the current period.
  if (!row?.any || (row.current && !froze)) return null;
  const run = await requestRun(db, queues, tenantId, 'recalc', { period });
  return { rescoring: period, runId: run.runId };
}
