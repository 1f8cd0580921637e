// Tenant administration shared by the admin API and the CLI: creation with sealed
// credentials, status changes, credential replacement — each audited.

import type { Keyring } from '../secrets/keyring.js';
import { sealCredentials } from '../secrets/vault.js';
import type { TenantId } from '../store/ids.js';
import { newTenantId } from '../store/ids.js';
import { audit } from '../store/repos/audit.repo.js';
import { putSettings } from '../store/repos/settings.repo.js';
import {
  type CrmKind,
  createTenant,
  getTenant,
  putSealedCredentials,
  setTenantStatus,
  type Tenant,
} from '../store/repos/tenants.repo.js';
import type { Sql } from '../store/sql.js';

export interface AddTenantInput {
  crm: CrmKind;
  orgId: string;
  region?: string;
  name?: string;
  /** Connector-specific secrets (refresh token, app secret, ...); stored sealed only. */
  credentials?: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

export class TenantConflictError extends Error {}

export async function addTenant(
  sql: Sql,
  keyring: Keyring,
  input: AddTenantInput,
  actor: string,
): Promise<Tenant> {
  const id = newTenantId();
  try {
    return await sql.transaction(async (tx) => {
      const tenant = await createTenant(tx, {
        id,
        crm: input.crm,
        orgId: input.orgId,
        region: input.region,
        name: input.name,
        credentials: input.credentials ? sealCredentials(keyring, id, input.credentials) : null,
      });
      if (input.settings) await putSettings(tx, id, input.settings);
      await audit(tx, id, actor, 'tenant.created', {
        crm: input.crm,
        orgId: input.orgId,
        region: input.region ?? '',
        credentials: input.credentials ? Object.keys(input.credentials).sort() : [],
      });
      return tenant;
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new TenantConflictError(`a ${input.crm} tenant for organisation "${input.orgId}" already exists`);
    }
    throw err;
  }
}

export async function changeTenantStatus(
  sql: Sql,
  tenantId: TenantId,
  change: { status: 'active' | 'paused'; reason?: string | null; until?: Date | null },
  actor: string,
): Promise<Tenant | null> {
  return sql.transaction(async (tx) => {
    const t = await setTenantStatus(tx, tenantId, change.status, change.reason ?? null, change.until ?? null);
    if (t) {
      await audit(tx, tenantId, actor, change.status === 'paused' ? 'tenant.paused' : 'tenant.resumed', {
        reason: change.reason ?? null,
        until: change.until?.toISOString() ?? null,
      });
    }
    return t;
  });
}

export async function replaceCredentials(
  sql: Sql,
  keyring: Keyring,
  tenantId: TenantId,
  credentials: Record<string, unknown>,
  actor: string,
): Promise<boolean> {
  return sql.transaction(async (tx) => {
    if (!(await getTenant(tx, tenantId))) return false;
    await putSealedCredentials(tx, tenantId, sealCredentials(keyring, tenantId, credentials));
    // Names of the fields only: values never reach the audit log.
    await audit(tx, tenantId, actor, 'credentials.replaced', { fields: Object.keys(credentials).sort() });
    return true;
  });
}
