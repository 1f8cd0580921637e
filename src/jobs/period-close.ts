// Period close: once a period has ended (in the active plan's time zone) and the
// tenant's grace period has passed, every stored result of that period is frozen as a
// statement. A statement is never overwritten (freezeStatement), so closing twice, or
// two workers racing, freezes each partner once; later changes to that period's deals
// become clawback / true-up adjustments in the open period (the core does that from
// the statements). Each period that froze something is audited once.
import { Decimal } from 'decimal.js';
import type { PayoutResult } from '../core/index.js';
import { parsePeriod } from '../core/periods.js';
import type { TenantId } from '../store/ids.js';
import { audit } from '../store/repos/audit.repo.js';
import { getActivePlan } from '../store/repos/plans.repo.js';
import { freezeStatement, listResults } from '../store/repos/results.repo.js';
import { getSettings } from '../store/repos/settings.repo.js';
import type { Database } from '../store/sql.js';

export const DEFAULT_CLOSE_GRACE_DAYS = 5;
const DAY = 86_400_000;

interface PlanShape {
  currency: string;
  timezone: string;
  period: { type: 'month' | 'quarter' | 'half' | 'year'; fiscalYearStartMonth?: number };
}

/** The tenant setting `closeGraceDays` (0–90), else 5. */
export function graceDays(settings: Record<string, unknown>): number {
  const v = settings.closeGraceDays;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 90 ? v : DEFAULT_CLOSE_GRACE_DAYS;
}

/**
 * What a period paid on its own: the total without the adjustments it settled for
 * earlier periods (docs/incentive-model.md: a statement holds the period's own earnings).
 */
export function ownPayout(payout: PayoutResult): string {
  const places = (s: string) => (s.split('.')[1] ?? '').length;
  let own = new Decimal(payout.total);
  let scale = places(payout.total);
  for (const a of payout.adjustments ?? []) {
    own = own.minus(a.amount);
    scale = Math.max(scale, places(a.amount));
  }
  // Keep the currency's minor unit as written ("1200.00", not "1200").
  return own.toFixed(scale);
}

export interface CloseOutcome {
  period: string;
  frozen: number;
  alreadyFrozen: number;
}

export async function closePeriods(
  db: Database,
  tenantId: TenantId,
  now: Date,
  actor = 'maintenance',
): Promise<CloseOutcome[]> {
  const active = await getActivePlan(db, tenantId);
  if (!active) return [];
  const plan = active.plan as PlanShape;
  const spec = { type: plan.period.type, fiscalYearStartMonth: plan.period.fiscalYearStartMonth ?? 1 };
  const grace = graceDays(await getSettings(db, tenantId)) * DAY;
  // Periods with at least one result not frozen yet.
  const open = await db.query<{ period: string }>(
    `select distinct r.period from results r
     where r.tenant_id = $1 and not exists (
       select 1 from statements s where s.tenant_id = r.tenant_id and s.partner_id = r.partner_id and s.period = r.period)
     order by r.period`,
    [tenantId],
  );
  const out: CloseOutcome[] = [];
  for (const { period } of open) {
    const parsed = parsePeriod(spec, plan.timezone, period);
    // A period of another plan's period type (after a plan change) is not this plan's to close.
    if (!parsed.ok || parsed.period.endMs + grace > now.getTime()) continue;
    const results = await listResults(db, tenantId, period);
    const outcome = await db.transaction(async (tx) => {
      let frozen = 0;
      for (const r of results) {
        const result = r.result as { payout: PayoutResult };
        const created = await freezeStatement(tx, tenantId, {
          partnerId: r.partnerId,
          period,
          planVersion: r.planVersion,
          inputsHash: r.inputsHash,
          payout: ownPayout(result.payout),
          currency: plan.currency,
          result: r.result,
        });
        if (created) frozen++;
      }
      if (frozen > 0) {
        await audit(tx, tenantId, actor, 'period.closed', {
          period,
          frozen,
          alreadyFrozen: results.length - frozen,
        });
      }
      return { period, frozen, alreadyFrozen: results.length - frozen };
    });
    out.push(outcome);
  }
  return out;
}
