// AES-256-GCM for CRM credentials. The tenant id is bound as associated data, so a
// ciphertext copied into another tenant's row fails authentication instead of
// decrypting. The key id travels beside the ciphertext so retired keys can still
// decrypt until `keys rotate` has re-encrypted everything under the active key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

export interface Sealed {
  keyId: string;
  /** base64 of iv (12 bytes) | tag (16 bytes) | ciphertext. */
  data: string;
}

export class DecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptError';
  }
}

const aad = (tenantId: string) => Buffer.from(`channel-incentives/tenant/${tenantId}`, 'utf8');

export function seal(keyring: Keyring, tenantId: string, plaintext: string): Sealed {
  const key = keyring.keys.get(keyring.activeId)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(tenantId));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: keyring.activeId, data: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
}

export function open(keyring: Keyring, tenantId: string, sealed: Sealed): string {
  const key = keyring.keys.get(sealed.keyId);
  if (!key) {
    throw new DecryptError(
      `credentials of tenant ${tenantId} are encrypted with key "${sealed.keyId}", which is not in ENCRYPTION_KEYS`,
    );
  }
  const raw = Buffer.from(sealed.data, 'base64');
  if (raw.length < 28) throw new DecryptError(`credentials of tenant ${tenantId} are truncated`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(aad(tenantId));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    // Never echo the material; the tenant id and key id are enough to investigate.
    throw new DecryptError(
      `credentials of tenant ${tenantId} (key "${sealed.keyId}") failed authentication: wrong key or not this tenant's ciphertext`,
    );
  }
}
