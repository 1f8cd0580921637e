// Admin API keys. The key is shown once at creation; only its sha256 is stored
// (the key carries 256 bits of randomness, so a fast hash is enough).
// A key belongs to one tenant; a key with no tenant is an operator key.
import { createHash, randomBytes } from 'node:crypto';
import type { TenantId } from '../ids.js';
import { randomId } from '../ids.js';
import type { Sql } from '../sql.js';

export interface AdminKey {
  keyId: string;
  tenantId: TenantId | null;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface Row extends Record<string, unknown> {
  key_id: string;
  tenant_id: string | null;
  label: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toKey = (r: Row): AdminKey => ({
  keyId: r.key_id,
  tenantId: r.tenant_id as TenantId | null,
  label: r.label,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

export const hashAdminKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** Creates a key; the returned `key` is the only time the secret exists in clear. */
export async function createAdminKey(
  sql: Sql,
  tenantId: TenantId | null,
  label = '',
): Promise<AdminKey & { key: string }> {
  const keyId = `ak_${randomId(10)}`;
  const key = `cik_${keyId.slice(3)}_${randomBytes(32).toString('base64url')}`;
  const rows = await sql.query<Row>(
    `insert into admin_keys (key_id, tenant_id, key_hash, label) values ($1, $2, $3, $4)
     returning key_id, tenant_id, label, created_at, last_used_at, revoked_at`,
    [keyId, tenantId, hashAdminKey(key), label],
  );
  return { ...toKey(rows[0]!), key };
}

/** Authentication lookup by the presented secret (the one lookup that has no tenant yet). */
export async function authenticateAdminKey(sql: Sql, key: string): Promise<AdminKey | null> {
  const rows = await sql.query<Row>(
    `update admin_keys set last_used_at = now() where key_hash = $1 and revoked_at is null
     returning key_id, tenant_id, label, created_at, last_used_at, revoked_at`,
    [hashAdminKey(key)],
  );
  return rows[0] ? toKey(rows[0]) : null;
}

/** Revokes a key; scoped to a tenant, or `null` for operator keys. */
export async function revokeAdminKey(sql: Sql, tenantId: TenantId | null, keyId: string): Promise<boolean> {
  const rows = await sql.query(
    `update admin_keys set revoked_at = now()
     where key_id = $1 and tenant_id is not distinct from $2 and revoked_at is null returning key_id`,
    [keyId, tenantId],
  );
  return rows.length === 1;
}

export async function listAdminKeys(sql: Sql, tenantId: TenantId | null): Promise<AdminKey[]> {
  const rows = await sql.query<Row>(
    `select key_id, tenant_id, label, created_at, last_used_at, revoked_at from admin_keys
     where tenant_id is not distinct from $1 order by created_at, key_id`,
    [tenantId],
  );
  return rows.map(toKey);
}
