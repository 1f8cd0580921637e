// Plan versions per tenant. Versions count up from 1; at most one is active
// (enforced by the partial unique index plans_one_active).
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface PlanVersion {
  version: number;
  format: 'yaml' | 'json';
  active: boolean;
  createdBy: string;
  createdAt: string;
  activatedAt: string | null;
}

export interface PlanVersionWithSource extends PlanVersion {
  source: string;
  plan: unknown;
}

interface Row extends Record<string, unknown> {
  version: number;
  format: 'yaml' | 'json';
  active: boolean;
  created_by: string;
  created_at: Date;
  activated_at: Date | null;
  source?: string;
  plan?: unknown;
}

const toVersion = (r: Row): PlanVersion => ({
  version: r.version,
  format: r.format,
  active: r.active,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  activatedAt: r.activated_at ? r.activated_at.toISOString() : null,
});

export interface NewPlanVersion {
  format: 'yaml' | 'json';
  source: string;
  /** The parsed plan (JSON-serializable). */
  plan: unknown;
  createdBy: string;
}

export async function addPlanVersion(
  sql: Sql,
  tenantId: TenantId,
  input: NewPlanVersion,
): Promise<PlanVersion> {
  return sql.transaction(async (tx) => {
    // Serialize version numbering per tenant.
    await tx.query('select tenant_id from tenants where tenant_id = $1 for update', [tenantId]);
    const rows = await tx.query<Row>(
      `insert into plans (tenant_id, version, format, source, plan, created_by)
       select $1, coalesce(max(version), 0) + 1, $2, $3, $4::jsonb, $5 from plans where tenant_id = $1
       returning version, format, active, created_by, created_at, activated_at`,
      [tenantId, input.format, input.source, JSON.stringify(input.plan), input.createdBy],
    );
    return toVersion(rows[0]!);
  });
}

export async function listPlanVersions(sql: Sql, tenantId: TenantId): Promise<PlanVersion[]> {
  const rows = await sql.query<Row>(
    `select version, format, active, created_by, created_at, activated_at from plans
     where tenant_id = $1 order by version`,
    [tenantId],
  );
  return rows.map(toVersion);
}

export async function getPlanVersion(
  sql: Sql,
  tenantId: TenantId,
  version: number,
): Promise<PlanVersionWithSource | null> {
  const rows = await sql.query<Row>('select * from plans where tenant_id = $1 and version = $2', [
    tenantId,
    version,
  ]);
  const r = rows[0];
  return r ? { ...toVersion(r), source: r.source!, plan: r.plan } : null;
}

export async function getActivePlan(sql: Sql, tenantId: TenantId): Promise<PlanVersionWithSource | null> {
  const rows = await sql.query<Row>('select * from plans where tenant_id = $1 and active', [tenantId]);
  const r = rows[0];
  return r ? { ...toVersion(r), source: r.source!, plan: r.plan } : null;
}

/** Makes `version` the tenant's only active plan; false when it does not exist. */
export async function activatePlanVersion(sql: Sql, tenantId: TenantId, version: number): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const exists = await tx.query('select 1 from plans where tenant_id = $1 and version = $2 for update', [
      tenantId,
      version,
    ]);
    if (exists.length === 0) return false;
    await tx.query('update plans set active = false where tenant_id = $1 and active and version <> $2', [
      tenantId,
      version,
    ]);
    await tx.query(
      `update plans set active = true, activated_at = now()
       where tenant_id = $1 and version = $2 and not active`,
      [tenantId, version],
    );
    return true;
  });
}
