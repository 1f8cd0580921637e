// Tenant-periods whose ranking (pass 2) is owed: the durable side of the queue's rerank
// and rank-sweep jobs, so a ranking lost with the queue is asked for again (the inbox
// reconciler), like a recalculation from its dirty mark.
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

/** A ranking of the period is asked for (set before its job is added). */
export async function markRankPending(sql: Sql, tenantId: TenantId, period: string): Promise<void> {
  await sql.query(
    `insert into rank_pending (tenant_id, period) values ($1, $2)
     on conflict (tenant_id, period) do update set marked_at = now()`,
    [tenantId, period],
  );
}

/**
 * A ranking that read the period's rows at `readAt` (database time) saved every moved
 * result: the mark goes, unless a ranking was asked for again after that read.
 */
export async function clearRankPending(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  readAt: Date,
): Promise<void> {
  await sql.query('delete from rank_pending where tenant_id = $1 and period = $2 and marked_at <= $3', [
    tenantId,
    period,
    readAt,
  ]);
}

/** Periods whose ranking was last asked for before `before` and is still owed. */
export async function staleRankPending(
  sql: Sql,
  tenantId: TenantId,
  before: Date,
  limit: number,
): Promise<string[]> {
  const rows = await sql.query<{ period: string }>(
    `select period from rank_pending where tenant_id = $1 and marked_at < $2 order by marked_at limit $3`,
    [tenantId, before, limit],
  );
  return rows.map((r) => r.period);
}
