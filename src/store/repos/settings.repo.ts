// Per-tenant settings (field mapping and options, jsonb) and sync progress.
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export async function getSettings(sql: Sql, tenantId: TenantId): Promise<Record<string, unknown>> {
  const rows = await sql.query<{ settings: Record<string, unknown> }>(
    'select settings from settings where tenant_id = $1',
    [tenantId],
  );
  return rows[0]?.settings ?? {};
}

export async function putSettings(
  sql: Sql,
  tenantId: TenantId,
  settings: Record<string, unknown>,
): Promise<void> {
  await sql.query(
    `insert into settings (tenant_id, settings) values ($1, $2::jsonb)
     on conflict (tenant_id) do update set settings = excluded.settings, updated_at = now()`,
    [tenantId, JSON.stringify(settings)],
  );
}

export interface SyncState {
  entity: string;
  cursor: string | null;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastError: string | null;
}

export async function getSyncStates(sql: Sql, tenantId: TenantId): Promise<SyncState[]> {
  const rows = await sql.query<{
    entity: string;
    cursor: string | null;
    last_started_at: Date | null;
    last_finished_at: Date | null;
    last_error: string | null;
  }>('select * from sync_state where tenant_id = $1 order by entity', [tenantId]);
  return rows.map((r) => ({
    entity: r.entity,
    cursor: r.cursor,
    lastStartedAt: r.last_started_at?.toISOString() ?? null,
    lastFinishedAt: r.last_finished_at?.toISOString() ?? null,
    lastError: r.last_error,
  }));
}

export async function putSyncState(
  sql: Sql,
  tenantId: TenantId,
  entity: string,
  patch: { cursor?: string | null; startedAt?: Date; finishedAt?: Date; error?: string | null },
): Promise<void> {
  await sql.query(
    `insert into sync_state (tenant_id, entity, cursor, last_started_at, last_finished_at, last_error)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (tenant_id, entity) do update set
       cursor = case when $7 then excluded.cursor else sync_state.cursor end,
       last_started_at = coalesce(excluded.last_started_at, sync_state.last_started_at),
       last_finished_at = coalesce(excluded.last_finished_at, sync_state.last_finished_at),
       last_error = case when $8 then excluded.last_error else sync_state.last_error end`,
    [
      tenantId,
      entity,
      patch.cursor ?? null,
      patch.startedAt ?? null,
      patch.finishedAt ?? null,
      patch.error ?? null,
      'cursor' in patch,
      'error' in patch,
    ],
  );
}
