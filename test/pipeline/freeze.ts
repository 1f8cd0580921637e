// Test helper: freezes a period's statements the way the `close-period` maintenance
// task does (src/jobs/period-close.ts on the webhooks branch), without its clock and
// grace-period rules. The statement holds the period's OWN payout (its total minus the adjustments it
// settled for earlier periods), which is what the core settles later changes
// against: a change to that period's deals then shows up as a clawback or true-up
// in the open period. An existing statement is never overwritten.
import { Decimal } from 'decimal.js';
import type { PartnerResult } from '../../src/core/index.js';
import type { TenantId } from '../../src/store/ids.js';
import { freezeStatement, listResults } from '../../src/store/repos/results.repo.js';
import type { Sql } from '../../src/store/sql.js';

export async function freezePeriod(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  currency: string,
): Promise<{ frozen: number; existing: number }> {
  const out = { frozen: 0, existing: 0 };
  for (const r of await listResults(sql, tenantId, period)) {
    const result = r.result as PartnerResult;
    const own = result.payout.adjustments.reduce(
      (sum, a) => sum.minus(a.amount),
      new Decimal(result.payout.total),
    );
    const ok = await freezeStatement(sql, tenantId, {
      partnerId: r.partnerId,
      period,
      planVersion: r.planVersion,
      inputsHash: r.inputsHash,
      payout: own.toFixed(),
      currency,
      result,
    });
    if (ok) out.frozen++;
    else out.existing++;
  }
  return out;
}
