// Canonical JSON and sha256: the same facts give the same hash in Node and in the
// browser (pure-JS sha256; object keys sorted; no whitespace).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** A record's attributes in hashed facts: canonical JSON, or nothing when there are none. */
export function attributesText(attributes: Record<string, unknown> | null | undefined): string {
  return attributes && Object.keys(attributes).length > 0 ? canonicalJson(attributes) : '';
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
