// OAuth against the sandbox: the install flow with state, code reuse, single-flight refresh.
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import {
  accountsFromRedirect,
  buildAuthorizeUrl,
  createInstallState,
  exchangeCode,
  verifyInstallState,
} from '../../../connectors/zoho/zoho.auth.js';
import { connectorFor, tenantFor } from './zoho.harness.js';

let sb: ZohoSandbox;
beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { partners: 5, deals: 20 } });
});
afterAll(() => sb.close());

describe('zoho OAuth', () => {
  it('runs the authorization-code install with a signed state', async () => {
    const now = new Date();
    const state = createInstallState('server-secret', 'tenant-42', now);
    const url = buildAuthorizeUrl({
      accountsUrl: sb.url,
      clientId: sb.clientId,
      redirectUri: 'https://app.example/cb',
      state,
    });
    expect(url).toContain('access_type=offline');
    const res = await axios.get(url, { maxRedirects: 0, validateStatus: () => true });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.location as string);
    const query = Object.fromEntries(back.searchParams);
    expect(verifyInstallState('server-secret', query.state!, now)).toEqual({ tenantId: 'tenant-42' });
    expect(verifyInstallState('other-secret', query.state!, now)).toBeNull();
    expect(
      verifyInstallState('server-secret', query.state!, new Date(now.getTime() + 11 * 60_000)),
    ).toBeNull();
    const where = accountsFromRedirect(query, sb.url);
    const creds = await exchangeCode({
      ...where,
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      redirectUri: 'https://app.example/cb',
      code: query.code!,
      allowedApiDomains: [sb.url],
    });
    expect(creds.apiDomain).toBe(sb.url);
    expect(creds.refreshToken).toMatch(/^1000\./);
    // A grant code is single use.
    await expect(
      exchangeCode({
        ...where,
        clientId: sb.clientId,
        clientSecret: sb.clientSecret,
        redirectUri: 'https://app.example/cb',
        code: query.code!,
        allowedApiDomains: [sb.url],
      }),
    ).rejects.toMatchObject({ classification: { kind: 'needsReauth' } });
  });

  it('rejects a redirect naming an unknown accounts server', () => {
    expect(() => accountsFromRedirect({ 'accounts-server': 'https://accounts.evil.example' })).toThrow(
      /not a Zoho data centre/,
    );
    expect(
      accountsFromRedirect({ 'accounts-server': 'https://accounts.zoho.eu', location: 'eu' }).dataCentre,
    ).toBe('eu');
  });

  it('50 concurrent calls with an expired token cause exactly one refresh', async () => {
    const t = tenantFor(sb, { tenantId: 'single-flight' });
    const c1 = connectorFor(t);
    await c1.getDeals(['1']); // first token
    sb.oauth.expireAccessTokens();
    t.vault.value = { ...t.vault.value, accessTokenExpiresAt: Date.now() + 3_600_000 }; // we still believe it is valid
    const before = sb.oauth.tokenRequests;
    // Several connector instances of the same tenant, as concurrent jobs would build.
    const connectors = Array.from({ length: 5 }, () => connectorFor(t));
    const ids = [...sb.org.module('Deals')!.ids].slice(0, 3);
    const pages = await Promise.all(Array.from({ length: 50 }, (_, i) => connectors[i % 5]!.getDeals(ids)));
    expect(pages.every((p) => p.items.length + p.quarantined.length === 3)).toBe(true);
    expect(sb.oauth.tokenRequests - before).toBe(1);
  });

  it('a revoked refresh token parks the tenant as needs_reauth', async () => {
    const t = tenantFor(sb, { tenantId: 'revoked' });
    sb.oauth.revokeRefreshToken(String(t.vault.value.refreshToken));
    await expect(connectorFor(t).getDeals(['1'])).rejects.toMatchObject({
      classification: { kind: 'needsReauth' },
    });
    expect(t.statuses.map((s) => s.status)).toEqual(['needs_reauth']);
  });
});

describe('zoho access-token lifetime', () => {
  it('short-lived tokens (60 s) are reused, not refreshed on every call', async () => {
    const short = await ZohoSandbox.start({ accessTokenSeconds: 60, seed: { partners: 2, deals: 10 } });
    try {
      const c = connectorFor(tenantFor(short, { tenantId: 'short-lived' }));
      for (let i = 0; i < 5; i++) await c.getDeals(['1']);
      expect(short.getStats().tokenRequests).toBe(1);
    } finally {
      await short.close();
    }
  });
});
