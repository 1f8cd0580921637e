// Widget sessions, Fxiaoke OAuth states and Zoho widget secrets (migration 003).
// Tokens and states arrive here already hashed: nothing in these tables can be replayed.
import type { Sealed } from '../../secrets/cipher.js';
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export type WidgetCrm = 'zoho' | 'fxiaoke';

export interface WidgetSession {
  tenantId: TenantId;
  crm: WidgetCrm;
  crmUserId: string;
  expiresAt: string;
}

export async function insertSession(sql: Sql, tokenHash: string, s: WidgetSession): Promise<void> {
  await sql.query(
    `insert into widget_sessions (token_hash, tenant_id, crm, crm_user_id, expires_at)
     values ($1, $2, $3, $4, $5)`,
    [tokenHash, s.tenantId, s.crm, s.crmUserId, s.expiresAt],
  );
}

/** The live session for a token hash (an expired one is as good as none). */
export async function findSession(sql: Sql, tokenHash: string, now: Date): Promise<WidgetSession | null> {
  const rows = await sql.query<{ tenant_id: string; crm: WidgetCrm; crm_user_id: string; expires_at: Date }>(
    'select tenant_id, crm, crm_user_id, expires_at from widget_sessions where token_hash = $1 and expires_at > $2',
    [tokenHash, now],
  );
  const r = rows[0];
  return r
    ? {
        tenantId: r.tenant_id as TenantId,
        crm: r.crm,
        crmUserId: r.crm_user_id,
        expiresAt: r.expires_at.toISOString(),
      }
    : null;
}

/** Deletes sessions and OAuth states that expired before `now`; returns how many sessions went. */
export async function purgeExpired(sql: Sql, now: Date): Promise<number> {
  const gone = await sql.query('delete from widget_sessions where expires_at <= $1 returning token_hash', [
    now,
  ]);
  await sql.query('delete from widget_oauth_states where expires_at <= $1', [now]);
  return gone.length;
}

export interface OAuthState {
  tenantId: TenantId;
  partnerId: string;
  lang: string | null;
}

export async function insertOAuthState(
  sql: Sql,
  stateHash: string,
  s: OAuthState & { expiresAt: string },
): Promise<void> {
  await sql.query(
    `insert into widget_oauth_states (state_hash, tenant_id, partner_id, lang, expires_at)
     values ($1, $2, $3, $4, $5)`,
    [stateHash, s.tenantId, s.partnerId, s.lang, s.expiresAt],
  );
}

/** Consumes a state: it works once, and only before it expires. */
export async function takeOAuthState(sql: Sql, stateHash: string, now: Date): Promise<OAuthState | null> {
  const rows = await sql.query<{
    tenant_id: string;
    partner_id: string;
    lang: string | null;
    expires_at: Date;
  }>(
    'delete from widget_oauth_states where state_hash = $1 returning tenant_id, partner_id, lang, expires_at',
    [stateHash],
  );
  const r = rows[0];
  if (!r || r.expires_at.getTime() <= now.getTime()) return null;
  return { tenantId: r.tenant_id as TenantId, partnerId: r.partner_id, lang: r.lang };
}

export async function putWidgetSecret(sql: Sql, tenantId: TenantId, sealed: Sealed): Promise<void> {
  await sql.query(
    `insert into widget_secrets (tenant_id, key_id, secret_ct) values ($1, $2, $3)
     on conflict (tenant_id) do update set key_id = excluded.key_id, secret_ct = excluded.secret_ct,
       created_at = now()`,
    [tenantId, sealed.keyId, sealed.data],
  );
}

export async function getWidgetSecret(sql: Sql, tenantId: TenantId): Promise<Sealed | null> {
  const rows = await sql.query<{ key_id: string; secret_ct: string }>(
    'select key_id, secret_ct from widget_secrets where tenant_id = $1',
    [tenantId],
  );
  return rows[0] ? { keyId: rows[0].key_id, data: rows[0].secret_ct } : null;
}
