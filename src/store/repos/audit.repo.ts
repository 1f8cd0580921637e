// Who changed plans, settings, credentials and tenant status, and when.
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  at: string;
}

/** `detail` must never hold secrets: name what changed, not its value. */
export async function audit(
  sql: Sql,
  tenantId: TenantId,
  actor: string,
  action: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await sql.query('insert into audit_log (tenant_id, actor, action, detail) values ($1, $2, $3, $4::jsonb)', [
    tenantId,
    actor,
    action,
    JSON.stringify(detail),
  ]);
}

export async function listAudit(sql: Sql, tenantId: TenantId, limit = 100): Promise<AuditEntry[]> {
  const rows = await sql.query<{
    id: string;
    actor: string;
    action: string;
    detail: Record<string, unknown>;
    at: Date;
  }>(
    'select id, actor, action, detail, at from audit_log where tenant_id = $1 order by at desc, id desc limit $2',
    [tenantId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    actor: r.actor,
    action: r.action,
    detail: r.detail,
    at: r.at.toISOString(),
  }));
}
