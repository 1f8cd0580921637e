// Constant-time comparison of a secret someone sent against the one we expect (webhook
// URL tokens, Zoho channel tokens, Fxiaoke signatures and secrets). Both sides are
// hashed first, so the comparison takes the same time whatever the lengths, and the
// length check comes last. No cache of the expected side's digest: a one-shot sha256
// of a short string costs about a microsecond, and a cache would keep tenants' secrets
// in a process-wide map for good.
import { hash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => hash('sha256', s, 'buffer') as unknown as Buffer;

export function safeEqual(given: string | null | undefined, expected: string | null | undefined): boolean {
  if (typeof given !== 'string' || typeof expected !== 'string') return false;
  return timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;
}
