// Re-encrypts every sealed secret under the active key: each tenant's CRM credentials
// (tenants.credentials_ct) and its Zoho widget secret (widget_secrets.secret_ct). Each
// one is re-sealed in its own transaction with a row lock, so a concurrent write (token
// refresh, a new widget secret) is never overwritten with stale material.
import type { TenantId } from '../store/ids.js';
import type { Sql } from '../store/sql.js';
import { open, seal } from './cipher.js';
import type { Keyring } from './keyring.js';

/** What a sealed value is; every kind is sealed with its tenant id as associated data. */
export type SealedKind = 'credentials' | 'widget-secret';

/** Where each kind lives: one row per tenant, the key id beside the ciphertext. */
const SEALED: Record<SealedKind, { table: string; keyId: string; data: string }> = {
  credentials: { table: 'tenants', keyId: 'credentials_key_id', data: 'credentials_ct' },
  'widget-secret': { table: 'widget_secrets', keyId: 'key_id', data: 'secret_ct' },
};

export interface RotateProgress {
  done: number;
  total: number;
  tenantId: TenantId;
  kind: SealedKind;
}

/** Sealed values not yet under `activeKeyId`, in a stable order. */
export async function sealedNotUnder(
  sql: Sql,
  activeKeyId: string,
): Promise<{ tenantId: TenantId; kind: SealedKind }[]> {
  const out: { tenantId: TenantId; kind: SealedKind }[] = [];
  for (const [kind, s] of Object.entries(SEALED) as [SealedKind, (typeof SEALED)[SealedKind]][]) {
    const rows = await sql.query<{ tenant_id: string }>(
      `select tenant_id from ${s.table}
       where ${s.keyId} is not null and ${s.data} is not null and ${s.keyId} <> $1 order by tenant_id`,
      [activeKeyId],
    );
    for (const r of rows) out.push({ tenantId: r.tenant_id as TenantId, kind });
  }
  return out;
}

export async function rotateCredentials(
  sql: Sql,
  keyring: Keyring,
  onProgress: (p: RotateProgress) => void = () => undefined,
): Promise<{ rotated: number; failed: { tenantId: TenantId; kind: SealedKind; error: string }[] }> {
  const pending = await sealedNotUnder(sql, keyring.activeId);
  const failed: { tenantId: TenantId; kind: SealedKind; error: string }[] = [];
  let rotated = 0;
  for (const [i, { tenantId, kind }] of pending.entries()) {
    const s = SEALED[kind];
    try {
      const changed = await sql.transaction(async (tx) => {
        const rows = await tx.query<{ key_id: string | null; data: string | null }>(
          `select ${s.keyId} as key_id, ${s.data} as data from ${s.table} where tenant_id = $1 for update`,
          [tenantId],
        );
        const row = rows[0];
        if (!row?.key_id || !row.data || row.key_id === keyring.activeId) return false;
        const clear = open(keyring, tenantId, { keyId: row.key_id, data: row.data });
        const sealed = seal(keyring, tenantId, clear);
        await tx.query(`update ${s.table} set ${s.keyId} = $2, ${s.data} = $3 where tenant_id = $1`, [
          tenantId,
          sealed.keyId,
          sealed.data,
        ]);
        if (kind === 'credentials')
          await tx.query('update tenants set updated_at = now() where tenant_id = $1', [tenantId]);
        await tx.query(
          `insert into audit_log (tenant_id, actor, action, detail) values ($1, 'cli', $2, $3::jsonb)`,
          [
            tenantId,
            kind === 'credentials' ? 'credentials.rotated' : 'widget.secret.rotated',
            JSON.stringify({ from: row.key_id, to: sealed.keyId }),
          ],
        );
        return true;
      });
      if (changed) rotated++;
    } catch (err) {
      failed.push({ tenantId, kind, error: (err as Error).message });
    }
    onProgress({ done: i + 1, total: pending.length, tenantId, kind });
  }
  return { rotated, failed };
}
