// The push route sets the API's security headers from constants (src/http/security-headers.ts)
// instead of through the global helmet hook; these must be exactly what helmet gives every
// other API response, on every answer the route makes (accepted, refused, too large).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SECURITY_HEADERS } from '../../src/http/security-headers.js';
import { type Harness, harness } from './harness.js';

const NAMES = Object.keys(API_SECURITY_HEADERS);

function securityHeaders(headers: Record<string, unknown>) {
  return Object.fromEntries(NAMES.map((n) => [n, headers[n]]));
}

describe('security headers of the push route', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ logLevel: 'warn' });
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('the constants are what helmet sets on an API response (no drift after a helmet upgrade)', async () => {
    const health = await h.app.inject({ method: 'GET', url: '/health/live' });
    const helmetNames = Object.keys(health.headers).filter(
      (n) => !['content-type', 'content-length', 'date', 'connection', 'keep-alive'].includes(n),
    );
    expect(helmetNames.sort()).toEqual([...NAMES].sort());
    expect(securityHeaders(health.headers)).toEqual(API_SECURITY_HEADERS);
  });

  it('every answer of the push route carries them: unknown tenant (404), any body type, too large (413)', async () => {
    const url = '/webhooks/zoho/t_00000000000000000000000000/not-a-token';
    const answers = [
      await h.app.inject({ method: 'POST', url, payload: { a: 1 } }),
      await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'x' }),
      await h.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: 'x'.repeat(600 * 1024),
      }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([404, 404, 413]);
    for (const a of answers) {
      expect(securityHeaders(a.headers)).toEqual(API_SECURITY_HEADERS);
      expect(a.headers['x-frame-options']).toBe('DENY');
    }
  });
});
