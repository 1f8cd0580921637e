// Inbox rows → `sync` jobs. Shared by the webhook route (new rows, right after
// recording) and the reconciler (rows left open). Job ids are derived from the row
// ids, so the same handover twice coalesces in the queue; the database keeps the real
// idempotency key (the sync worker skips rows already done).
import { createHash } from 'node:crypto';
import type { TenantId } from '../store/ids.js';
import { markEnqueued } from '../store/repos/inbox.repo.js';
import type { Sql } from '../store/sql.js';
import type { Queues } from './queue-factory.js';

/** Most inbox rows one sync job carries (the payload schema allows 1,000). */
export const SYNC_BATCH = 100;

/**
 * `sync.{tenant}.ev.{ids}` for a few rows, `sync.{tenant}.evh.{hash}` for many; the
 * reconciler adds `.r{n}` (the handover count) so a retained completed job of an
 * earlier handover cannot swallow the re-enqueue. `.` separators: BullMQ rejects `:`.
 */
export function syncJobId(tenantId: TenantId, eventIds: string[], round?: number): string {
  const ids =
    eventIds.length <= 5
      ? `ev.${eventIds.join('-')}`
      : `evh.${createHash('sha256').update(eventIds.join(',')).digest('hex').slice(0, 20)}`;
  return `sync.${tenantId}.${ids}${round === undefined ? '' : `.r${round}`}`;
}

/** Enqueues one sync job for `eventIds` (≤ SYNC_BATCH) and marks the rows enqueued. Throws when the queue is down. */
export async function handOver(
  sql: Sql,
  queues: Queues,
  tenantId: TenantId,
  eventIds: string[],
  round?: number,
): Promise<void> {
  if (eventIds.length === 0) return;
  await queues.add('sync', { tenantId, eventIds }, { jobId: syncJobId(tenantId, eventIds, round) });
  await markEnqueued(sql, tenantId, eventIds);
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
