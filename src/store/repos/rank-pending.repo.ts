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
 * result: the mark goes, unless a ranking was asked for again after that read. Without
 * `readAt` it goes whatever its time: the period will not be ranked (closed, no plan).
 */
export async function clearRankPending(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  readAt?: Date,
): Promise<void> {
  await sql.query(
    'delete from rank_pending where tenant_id = $1 and period = $2 and ($3::timestamptz is null or marked_at <= $3)',
    [tenantId, period, readAt ?? null],
  );
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

/** Whether a ranking of the period was asked for within the last `ms` (pushes still moving it). */
export async function rankAskedWithin(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  ms: number,
): Promise<boolean> {
  const rows = await sql.query<{ recent: boolean }>(
    `select exists (select 1 from rank_pending where tenant_id = $1 and period = $2
       and marked_at > now() - make_interval(secs => $3::double precision / 1000)) as recent`,
    [tenantId, period, ms],
  );
  return rows[0]!.recent;
}
