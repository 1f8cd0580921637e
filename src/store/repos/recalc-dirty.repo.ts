// Partner-periods waiting for a recalculation, with a version per change. The queue
// job (one per tenant-period) is only the wake-up call; this table says which partners
// to score, so jobs that BullMQ runs twice (a re-add while active, a retry) cost one
// indexed read.
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface DirtyMark {
  partnerId: string;
  /** The version read (the mark is cleared only if it is still this one). */
  version: string;
  /**
   * No push row received before the partner's latest change is still unsynced, and for
   * a partner touched by several passes, the tenant's syncs have marked nothing for a
   * while (a burst that may touch it again is over); or the oldest unscored change has
   * waited longer than the caller allows.
   */
  ready: boolean;
}

/**
 * Marks the partner-periods changed now (one statement for a whole sync pass; repeats
 * count once). `own: false` (default true): the partner's own deals did not change,
 * only facts it reads (a shared customer account, its partner record); such a mark
 * does not count as a pass of a burst (`own_passes`).
 */
export async function markDirty(
  sql: Sql,
  tenantId: TenantId,
  pairs: { partnerId: string; period: string; own?: boolean }[],
): Promise<void> {
  if (pairs.length === 0) return;
  await sql.query(
    `insert into recalc_dirty (tenant_id, partner_id, period, own_passes)
     select $1::text, x.p, x.q, max(case when x.o then 1 else 0 end)
     from jsonb_to_recordset($2::jsonb) as x(p text, q text, o boolean) group by x.p, x.q
     on conflict (tenant_id, period, partner_id) do update
       set version = recalc_dirty.version + 1, marked_at = now(),
         own_passes = recalc_dirty.own_passes + excluded.own_passes`,
    [tenantId, JSON.stringify(pairs.map((x) => ({ p: x.partnerId, q: x.period, o: x.own !== false })))],
  );
}

/** Every partner of the tenant's period marked dirty (none: an earlier run covered them). */
export async function readDirtyPeriod(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  wait: { maxWaitMs: number; settleMs: number },
): Promise<DirtyMark[]> {
  // A mark is held while an open row was received at or before its latest change (the
  // tenant's oldest open row is that old), and a mark whose own deals several passes
  // changed (a partner in a burst) also while the tenant's syncs are still marking
  // changes: until no mark of the tenant is newer than `settleMs`. While some partner
  // of the tenant is in a burst, every marked partner waits for that too (with passes
  // that follow each other closely, a partner touched by one pass so far would be scored
  // between two of its pushes); outside a burst (a steady stream of pushes for
  // different partners, each touching others through shared accounts) no one waits for
  // the stream to pause.
  const rows = await sql.query<{ partner_id: string; version: string; ready: boolean }>(
    `with o as (select min(received_at) as t from inbox
                where tenant_id = $1 and status in ('pending', 'enqueued')),
          l as (select max(marked_at) as t, coalesce(bool_or(own_passes > 1), false) as burst
                from recalc_dirty where tenant_id = $1)
     select d.partner_id, d.version::text as version,
       ((o.t is null or o.t > d.marked_at)
          and (not l.burst or l.t < now() - make_interval(secs => $4::double precision / 1000))
         or d.first_marked_at < now() - make_interval(secs => $3::double precision / 1000)) as ready
     from recalc_dirty d, o, l where d.tenant_id = $1 and d.period = $2`,
    [tenantId, period, wait.maxWaitMs, wait.settleMs],
  );
  return rows.map((r) => ({ partnerId: r.partner_id, version: r.version, ready: r.ready }));
}

/**
 * Clears each mark whose version is still the one read; a mark changed since keeps its
 * row (and its run). Returns the number cleared.
 */
export async function clearDirty(
  sql: Sql,
  tenantId: TenantId,
  period: string,
  marks: { partnerId: string; version: string }[],
): Promise<number> {
  if (marks.length === 0) return 0;
  const rows = await sql.query(
    `delete from recalc_dirty d using jsonb_to_recordset($3::jsonb) as x(p text, v text)
     where d.tenant_id = $1 and d.period = $2 and d.partner_id = x.p and d.version = x.v::bigint
     returning 1`,
    [tenantId, period, JSON.stringify(marks.map((m) => ({ p: m.partnerId, v: m.version })))],
  );
  return rows.length;
}

/**
 * Periods with a mark whose latest change is older than `before`: their job should long
 * have run, so it may have been lost with the queue (a flushed Redis); the reconciler
 * wakes them again.
 */
export async function staleDirty(
  sql: Sql,
  tenantId: TenantId,
  before: Date,
  limit: number,
): Promise<string[]> {
  const rows = await sql.query<{ period: string }>(
    `select period from recalc_dirty where tenant_id = $1 and marked_at < $2
     group by period order by min(marked_at) limit $3`,
    [tenantId, before, limit],
  );
  return rows.map((r) => r.period);
}
