// Push subscriptions held at the CRM, one per tenant (renewed by the maintenance job).
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface StoredSubscription {
  channelId: string;
  expiresAt: string | null;
  /** sha256 of the notify URL (the URL itself holds the webhook token). */
  notifyUrlHash: string;
  renewedAt: string;
  lastError: string | null;
}

interface Row extends Record<string, unknown> {
  channel_id: string;
  expires_at: Date | null;
  notify_url_hash: string;
  renewed_at: Date;
  last_error: string | null;
}

export async function getSubscription(sql: Sql, tenantId: TenantId): Promise<StoredSubscription | null> {
  const rows = await sql.query<Row>(
    'select channel_id, expires_at, notify_url_hash, renewed_at, last_error from subscriptions where tenant_id = $1',
    [tenantId],
  );
  const r = rows[0];
  return r
    ? {
        channelId: r.channel_id,
        expiresAt: r.expires_at?.toISOString() ?? null,
        notifyUrlHash: r.notify_url_hash,
        renewedAt: r.renewed_at.toISOString(),
        lastError: r.last_error,
      }
    : null;
}

export async function putSubscription(
  sql: Sql,
  tenantId: TenantId,
  s: { channelId: string; expiresAt: string | null; notifyUrlHash: string },
): Promise<void> {
  await sql.query(
    `insert into subscriptions (tenant_id, channel_id, expires_at, notify_url_hash)
     values ($1, $2, $3, $4)
     on conflict (tenant_id) do update set channel_id = excluded.channel_id, expires_at = excluded.expires_at,
       notify_url_hash = excluded.notify_url_hash, renewed_at = now(), last_error = null, updated_at = now()`,
    [tenantId, s.channelId, s.expiresAt, s.notifyUrlHash],
  );
}

/** Records why the last renewal failed (the row, if any, keeps its channel). */
export async function markSubscriptionError(sql: Sql, tenantId: TenantId, error: string): Promise<void> {
  await sql.query('update subscriptions set last_error = $2, updated_at = now() where tenant_id = $1', [
    tenantId,
    error.slice(0, 1000),
  ]);
}
