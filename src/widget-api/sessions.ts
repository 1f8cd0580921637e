// Widget session tokens (docs/widget.md §2): 32 random bytes, shown once to the widget,
// stored only as their sha256, bound to tenant + CRM + CRM user, expiring after `ttlMs`.
import { createHash, randomBytes } from 'node:crypto';
import type { TenantId } from '../store/ids.js';
import {
  findSession,
  insertSession,
  purgeExpired,
  type WidgetCrm,
  type WidgetSession,
} from '../store/repos/widget-sessions.repo.js';
import type { Sql } from '../store/sql.js';

/** Default session life: long enough for a record page left open, short enough to matter. */
export const SESSION_TTL_MS = 60 * 60_000;

export const hashSecret = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** A fresh opaque secret (tokens, OAuth states). */
export const newSecret = () => randomBytes(32).toString('base64url');

export interface IssuedSession {
  token: string;
  expiresAt: string;
}

export async function issueSession(
  sql: Sql,
  who: { tenantId: TenantId; crm: WidgetCrm; crmUserId: string },
  now: Date,
  ttlMs = SESSION_TTL_MS,
): Promise<IssuedSession> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  // Expired rows go when new ones come: the table stays at about the live sessions.
  await purgeExpired(sql, now);
  await insertSession(sql, hashSecret(token), { ...who, expiresAt });
  return { token, expiresAt };
}

/** The session a bearer token stands for, or null (unknown, malformed or expired). */
export async function sessionOf(sql: Sql, token: string, now: Date): Promise<WidgetSession | null> {
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return null;
  return findSession(sql, hashSecret(token), now);
}
