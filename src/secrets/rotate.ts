// Re-encrypts every tenant's credentials under the active key. Each tenant is
// re-sealed in its own transaction with a row lock, so a concurrent credential
// write (token refresh) is never overwritten with stale material.
import type { TenantId } from '../store/ids.js';
import { tenantsWithCredentialsNotUnder } from '../store/repos/tenants.repo.js';
import type { Sql } from '../store/sql.js';
import { open, seal } from './cipher.js';
import type { Keyring } from './keyring.js';

export interface RotateProgress {
  done: number;
  total: number;
  tenantId: TenantId;
}

export async function rotateCredentials(
  sql: Sql,
  keyring: Keyring,
  onProgress: (p: RotateProgress) => void = () => undefined,
): Promise<{ rotated: number; failed: { tenantId: TenantId; error: string }[] }> {
  const pending = await tenantsWithCredentialsNotUnder(sql, keyring.activeId);
  const failed: { tenantId: TenantId; error: string }[] = [];
  let rotated = 0;
  for (const [i, tenantId] of pending.entries()) {
    try {
      await sql.transaction(async (tx) => {
        const rows = await tx.query<{ credentials_key_id: string | null; credentials_ct: string | null }>(
          'select credentials_key_id, credentials_ct from tenants where tenant_id = $1 for update',
          [tenantId],
        );
        const row = rows[0];
        if (!row?.credentials_key_id || !row.credentials_ct || row.credentials_key_id === keyring.activeId)
          return;
        const clear = open(keyring, tenantId, { keyId: row.credentials_key_id, data: row.credentials_ct });
        const sealed = seal(keyring, tenantId, clear);
        await tx.query(
          'update tenants set credentials_key_id = $2, credentials_ct = $3, updated_at = now() where tenant_id = $1',
          [tenantId, sealed.keyId, sealed.data],
        );
        await tx.query(
          `insert into audit_log (tenant_id, actor, action, detail) values ($1, 'cli', 'credentials.rotated', $2::jsonb)`,
          [tenantId, JSON.stringify({ from: row.credentials_key_id, to: sealed.keyId })],
        );
      });
      rotated++;
    } catch (err) {
      failed.push({ tenantId, error: (err as Error).message });
    }
    onProgress({ done: i + 1, total: pending.length, tenantId });
  }
  return { rotated, failed };
}
