// Partner-periods waiting for a recalculation, with a version per change. The queue
// job is only the wake-up call; this table says whether there is anything to do, so
// jobs that BullMQ runs twice (a re-add while active, a retry) cost one indexed read.
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface DirtyMark {
  version: string;
  /** Push rows received before the latest change are still unsynced: more changes may follow. */
  syncBehind: boolean;
  /** The oldest unscored change has waited longer than the caller allows. */
  overdue: boolean;
}

/** Marks the partner-periods changed now (one statement for a whole sync pass; repeats count once). */
export async function markDirty(
  sql: Sql,
  tenantId: TenantId,
  pairs: { partnerId: string; period: string }[],
): Promise<void> {
  if (pairs.length === 0) return;
  await sql.query(
    `insert into recalc_dirty (tenant_id, partner_id, period)
     select distinct $1::text, x.p, x.q from jsonb_to_recordset($2::jsonb) as x(p text, q text)
     on conflict (tenant_id, period, partner_id) do update
       set version = recalc_dirty.version + 1, marked_at = now()`,
    [tenantId, JSON.stringify(pairs.map((x) => ({ p: x.partnerId, q: x.period })))],
  );
}

/** The partner-period's mark, or null when nothing is waiting (an earlier run covered it). */
export async function readDirty(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
  period: string,
  maxWaitMs: number,
): Promise<DirtyMark | null> {
  const rows = await sql.query<{ version: string; sync_behind: boolean; overdue: boolean }>(
    `select d.version::text as version,
       exists (select 1 from inbox i where i.tenant_id = d.tenant_id
                 and i.status in ('pending', 'enqueued') and i.received_at <= d.marked_at) as sync_behind,
       d.first_marked_at < now() - make_interval(secs => $4::double precision / 1000) as overdue
     from recalc_dirty d where d.tenant_id = $1 and d.partner_id = $2 and d.period = $3`,
    [tenantId, partnerId, period, maxWaitMs],
  );
  const r = rows[0];
  return r ? { version: r.version, syncBehind: r.sync_behind, overdue: r.overdue } : null;
}

/** Clears the mark if no change came after `version`; returns false when one did (it keeps its run). */
export async function clearDirty(
  sql: Sql,
  tenantId: TenantId,
  partnerId: string,
  period: string,
  version: string,
): Promise<boolean> {
  const rows = await sql.query(
    `delete from recalc_dirty where tenant_id = $1 and partner_id = $2 and period = $3 and version = $4::bigint
     returning 1`,
    [tenantId, partnerId, period, version],
  );
  return rows.length > 0;
}

/**
 * Marks whose latest change is older than `before`: their job should long have run, so
 * it may have been lost with the queue (a flushed Redis); the reconciler wakes them again.
 */
export async function staleDirty(
  sql: Sql,
  tenantId: TenantId,
  before: Date,
  limit: number,
): Promise<{ partnerId: string; period: string }[]> {
  const rows = await sql.query<{ partner_id: string; period: string }>(
    `select partner_id, period from recalc_dirty where tenant_id = $1 and marked_at < $2
     order by marked_at limit $3`,
    [tenantId, before, limit],
  );
  return rows.map((r) => ({ partnerId: r.partner_id, period: r.period }));
}
