// ENCRYPTION_KEYS: a comma-separated list of `id:base64key`, the FIRST being the
// active key (used to encrypt); the others are retired keys that can still decrypt.
// Each key is 32 random bytes (AES-256). Example: `k2:BASE64...,k1:BASE64...`.
// Rotation: prepend a new key, restart, run `channel-incentives keys rotate`, then
// drop the old key from the list.
import { randomBytes } from 'node:crypto';

export interface Keyring {
  activeId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export class KeyringError extends Error {
  constructor(message: string) {
    super(`ENCRYPTION_KEYS: ${message}`);
    this.name = 'KeyringError';
  }
}

export function parseKeyring(value: string): Keyring {
  const keys = new Map<string, Buffer>();
  let activeId = '';
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new KeyringError('is empty; expected "id:base64key[,id:base64key...]"');
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new KeyringError(`entry ${i + 1} has no "id:" prefix (expected "id:base64key")`);
    const id = entry.slice(0, colon);
    const material = entry.slice(colon + 1);
    if (!KEY_ID.test(id)) throw new KeyringError(`entry ${i + 1}: key id "${id}" must match ${KEY_ID}`);
    if (keys.has(id)) throw new KeyringError(`key id "${id}" appears twice`);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(material)) {
      throw new KeyringError(`key "${id}" is not base64`);
    }
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32) {
      throw new KeyringError(`key "${id}" decodes to ${key.length} bytes; AES-256 needs exactly 32`);
    }
    keys.set(id, key);
    if (i === 0) activeId = id;
  });
  return { activeId, keys };
}

/** A fresh `id:base64` entry, for first-run generation and for operators (`keys rotate --new`). */
export function generateKeyEntry(id: string): string {
  if (!KEY_ID.test(id)) throw new KeyringError(`key id "${id}" must match ${KEY_ID}`);
  return `${id}:${randomBytes(32).toString('base64')}`;
}
