// Branded ids: passing a partner id where a tenant id belongs is a compile error.
import { randomBytes } from 'node:crypto';

export type TenantId = string & { readonly __brand: 'TenantId' };

export const TENANT_ID_PATTERN = /^t_[a-z0-9]{4,40}$/;

export function tenantId(value: string): TenantId {
  if (!TENANT_ID_PATTERN.test(value)) throw new Error(`not a tenant id: "${value}" (expected t_ + [a-z0-9])`);
  return value as TenantId;
}

export function newTenantId(): TenantId {
  return `t_${randomId(12)}` as TenantId;
}

/** Lowercase alphanumeric random id (crypto-strong). */
export function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
