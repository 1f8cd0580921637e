// Bad CRM records, kept with the reason they were left out (the rest proceeds).
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface QuarantineItem {
  entity: string;
  recordId: string;
  reason: string;
  raw: unknown;
}

export interface QuarantineRow extends QuarantineItem {
  id: string;
  createdAt: string;
}

export async function addQuarantine(sql: Sql, tenantId: TenantId, items: QuarantineItem[]): Promise<number> {
  if (items.length === 0) return 0;
  const rows = await sql.query(
    `insert into quarantine (tenant_id, entity, record_id, reason, raw)
     select $1, x.entity, x.id, x.reason, x.raw
     from jsonb_to_recordset($2::jsonb) as x(entity text, id text, reason text, raw jsonb) returning id`,
    [
      tenantId,
      JSON.stringify(
        items.map((i) => ({ entity: i.entity, id: i.recordId, reason: i.reason, raw: i.raw ?? null })),
      ),
    ],
  );
  return rows.length;
}

export async function recentQuarantine(sql: Sql, tenantId: TenantId, limit = 100): Promise<QuarantineRow[]> {
  const rows = await sql.query<{
    id: string;
    entity: string;
    record_id: string;
    reason: string;
    raw: unknown;
    created_at: Date;
  }>('select * from quarantine where tenant_id = $1 order by created_at desc, id desc limit $2', [
    tenantId,
    limit,
  ]);
  return rows.map((r) => ({
    id: r.id,
    entity: r.entity,
    recordId: r.record_id,
    reason: r.reason,
    raw: r.raw,
    createdAt: r.created_at.toISOString(),
  }));
}
