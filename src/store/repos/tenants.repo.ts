// Tenants (one CRM organisation each) and their sealed credentials.
// The credentials column holds only ciphertext; sealing happens in src/secrets.
import { randomBytes } from 'node:crypto';
import type { Sealed } from '../../secrets/cipher.js';
import type { TenantId } from '../ids.js';
import { newTenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export type CrmKind = 'zoho' | 'fxiaoke';
export type TenantStatus = 'active' | 'needs_reauth' | 'paused';

export interface Tenant {
  id: TenantId;
  name: string;
  crm: CrmKind;
  orgId: string;
  /** Zoho data centre or Fxiaoke cloud host. */
  region: string;
  status: TenantStatus;
  statusReason: string | null;
  pausedUntil: string | null;
  hasCredentials: boolean;
  credentialsKeyId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row extends Record<string, unknown> {
  tenant_id: string;
  name: string;
  crm: CrmKind;
  org_id: string;
  region: string;
  status: TenantStatus;
  status_reason: string | null;
  paused_until: Date | null;
  credentials_key_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'tenant_id, name, crm, org_id, region, status, status_reason, paused_until, credentials_key_id, created_at, updated_at';

const toTenant = (r: Row): Tenant => ({
  id: r.tenant_id as TenantId,
  name: r.name,
  crm: r.crm,
  orgId: r.org_id,
  region: r.region,
  status: r.status,
  statusReason: r.status_reason,
  pausedUntil: r.paused_until ? r.paused_until.toISOString() : null,
  hasCredentials: r.credentials_key_id !== null,
  credentialsKeyId: r.credentials_key_id,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export interface NewTenant {
  name?: string;
  crm: CrmKind;
  orgId: string;
  region?: string;
  /** Already sealed for this tenant id (see secrets/vault.ts `sealFor`). */
  credentials?: Sealed | null;
  id?: TenantId;
}

export async function createTenant(sql: Sql, input: NewTenant): Promise<Tenant> {
  const id = input.id ?? newTenantId();
  const rows = await sql.query<Row>(
    `insert into tenants (tenant_id, name, crm, org_id, region, credentials_key_id, credentials_ct, webhook_token)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
    [
      id,
      input.name ?? '',
      input.crm,
      input.orgId,
      input.region ?? '',
      input.credentials?.keyId ?? null,
      input.credentials?.data ?? null,
      randomBytes(24).toString('base64url'),
    ],
  );
  return toTenant(rows[0]!);
}

export async function getTenant(sql: Sql, tenantId: TenantId): Promise<Tenant | null> {
  const rows = await sql.query<Row>(`select ${COLUMNS} from tenants where tenant_id = $1`, [tenantId]);
  return rows[0] ? toTenant(rows[0]) : null;
}

/** Operator view: every tenant (the tenants table is the one table keyed by tenant alone). */
export async function listTenants(sql: Sql): Promise<Tenant[]> {
  const rows = await sql.query<Row>(`select ${COLUMNS} from tenants order by created_at, tenant_id`);
  return rows.map(toTenant);
}

export async function findTenantByOrg(sql: Sql, crm: CrmKind, orgId: string): Promise<Tenant | null> {
  const rows = await sql.query<Row>(`select ${COLUMNS} from tenants where crm = $1 and org_id = $2`, [
    crm,
    orgId,
  ]);
  return rows[0] ? toTenant(rows[0]) : null;
}

export async function setTenantStatus(
  sql: Sql,
  tenantId: TenantId,
  status: TenantStatus,
  reason: string | null = null,
  pausedUntil: Date | null = null,
): Promise<Tenant | null> {
  const rows = await sql.query<Row>(
    `update tenants set status = $2, status_reason = $3, paused_until = $4, updated_at = now()
     where tenant_id = $1 returning ${COLUMNS}`,
    [tenantId, status, reason, status === 'paused' ? pausedUntil : null],
  );
  return rows[0] ? toTenant(rows[0]) : null;
}

export async function getWebhookToken(sql: Sql, tenantId: TenantId): Promise<string | null> {
  const rows = await sql.query<{ webhook_token: string }>(
    'select webhook_token from tenants where tenant_id = $1',
    [tenantId],
  );
  return rows[0]?.webhook_token ?? null;
}

export async function getSealedCredentials(sql: Sql, tenantId: TenantId): Promise<Sealed | null> {
  const rows = await sql.query<{ credentials_key_id: string | null; credentials_ct: string | null }>(
    'select credentials_key_id, credentials_ct from tenants where tenant_id = $1',
    [tenantId],
  );
  const r = rows[0];
  return r?.credentials_key_id && r.credentials_ct
    ? { keyId: r.credentials_key_id, data: r.credentials_ct }
    : null;
}

export async function putSealedCredentials(sql: Sql, tenantId: TenantId, sealed: Sealed): Promise<boolean> {
  const rows = await sql.query(
    `update tenants set credentials_key_id = $2, credentials_ct = $3, updated_at = now()
     where tenant_id = $1 returning tenant_id`,
    [tenantId, sealed.keyId, sealed.data],
  );
  return rows.length === 1;
}

/** What the webhook route checks before anything else: the tenant's CRM and URL token. */
export async function getWebhookTarget(
  sql: Sql,
  tenantId: TenantId,
): Promise<{ crm: CrmKind; webhookToken: string } | null> {
  const rows = await sql.query<{ crm: CrmKind; webhook_token: string }>(
    'select crm, webhook_token from tenants where tenant_id = $1',
    [tenantId],
  );
  return rows[0] ? { crm: rows[0].crm, webhookToken: rows[0].webhook_token } : null;
}
