// OAuth 2.0 for Zoho (fact sheet §1): the authorization-code install with a signed
// `state`, code exchange, and access tokens cached with their real expiry and
// refreshed single-flight per tenant (an in-process promise, then `deps.withLock`
// across processes, re-reading the vault after the lock is held). A revoked grant
// parks the tenant as `needs_reauth` instead of retrying.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import axios from 'axios';
import { z } from 'zod';
import type { ConnectorDeps } from '../contract.js';
import { CrmError } from '../contract.js';
import { classifyZoho } from './zoho.errors.js';
import {
  accountsUrlFor,
  authorizeUrl,
  checkApiDomain,
  dataCentreFromAccountsServer,
  tokenUrl,
  ZOHO_DATA_CENTRE_IDS,
  ZOHO_DATA_CENTRES,
} from './zoho.hosts.js';

export const ZohoCredentialsSchema = z.object({
  dataCentre: z.enum(ZOHO_DATA_CENTRE_IDS as [string, ...string[]]).default('us'),
  /** Accounts host override (sandbox, private deployment); otherwise the data centre's. */
  accountsUrl: z.string().url().nullable().default(null),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  /** REST base from the last token response. */
  apiDomain: z.string().url().nullable().default(null),
  accessToken: z.string().nullable().default(null),
  /** Epoch milliseconds. */
  accessTokenExpiresAt: z.number().nullable().default(null),
  /** Epoch milliseconds; lets short-lived tokens (sandboxes) refresh at a sane margin. */
  accessTokenIssuedAt: z.number().nullable().default(null),
  /** Echoed by Zoho in watch callbacks (≤ 50 chars). */
  webhookToken: z.string().max(50).nullable().default(null),
  /** Our secret in the notify URL's query (and the workflow webhook's). */
  webhookSecret: z.string().nullable().default(null),
});
export type ZohoCredentials = z.infer<typeof ZohoCredentialsSchema>;
export type ZohoCredentialsInput = z.input<typeof ZohoCredentialsSchema>;

export const ZOHO_SCOPES = [
  'ZohoCRM.modules.ALL',
  'ZohoCRM.coql.READ',
  'ZohoCRM.settings.fields.ALL',
  'ZohoCRM.settings.modules.READ',
  'ZohoCRM.notifications.ALL',
  'ZohoCRM.bulk.ALL',
  'ZohoCRM.org.READ',
  'ZohoCRM.users.READ',
];

const TokenResponseSchema = z.object({
  access_token: z.string().min(1).optional(),
  refresh_token: z.string().min(1).optional(),
  api_domain: z.string().optional(),
  expires_in: z.number().optional(),
  expires_in_sec: z.number().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/** Seconds vs milliseconds: legacy responses carried `expires_in` in ms beside `expires_in_sec`. */
export function expiresInMs(body: { expires_in?: number; expires_in_sec?: number }): number {
  if (typeof body.expires_in_sec === 'number') return body.expires_in_sec * 1000;
  const v = body.expires_in ?? 3600;
  return v > 86_400 ? v : v * 1000;
}

// ---- install flow -----------------------------------------------------------------

const STATE_MAX_AGE_MS = 10 * 60_000;

/** A `state` that binds the consent to a tenant and expires; HMAC-signed with a server secret. */
export function createInstallState(secret: string, tenantId: string, now: Date): string {
  const payload = Buffer.from(
    JSON.stringify({ t: tenantId, n: randomBytes(12).toString('base64url'), at: now.getTime() }),
  ).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

export function verifyInstallState(secret: string, state: string, now: Date): { tenantId: string } | null {
  const [payload, mac] = state.split('.');
  if (!payload || !mac) return null;
  const want = createHmac('sha256', secret).update(payload).digest();
  const got = Buffer.from(mac, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      t?: unknown;
      at?: unknown;
    };
    if (typeof data.t !== 'string' || typeof data.at !== 'number') return null;
    if (now.getTime() - data.at > STATE_MAX_AGE_MS || data.at > now.getTime() + 60_000) return null;
    return { tenantId: data.t };
  } catch {
    return null;
  }
}

export function buildAuthorizeUrl(o: {
  accountsUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scopes?: string[];
}): string {
  const url = new URL(authorizeUrl(o.accountsUrl));
  url.searchParams.set('scope', (o.scopes ?? ZOHO_SCOPES).join(','));
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('access_type', 'offline');
  url.searchParams.set('prompt', 'consent');
  url.searchParams.set('redirect_uri', o.redirectUri);
  url.searchParams.set('state', o.state);
  return url.toString();
}

/**
 * The redirect names the org's accounts server; only a known data centre (or the
 * configured override) is accepted, so a forged redirect cannot send our client
 * secret elsewhere.
 */
export function accountsFromRedirect(
  query: Record<string, string | undefined>,
  override?: string | null,
): { dataCentre: string; accountsUrl: string } {
  const server = query['accounts-server'];
  if (!server) return { dataCentre: 'us', accountsUrl: override ?? ZOHO_DATA_CENTRES.us.accounts };
  const dc = dataCentreFromAccountsServer(server);
  if (dc) return { dataCentre: dc, accountsUrl: accountsUrlFor(dc) };
  if (override && server.replace(/\/+$/, '') === override.replace(/\/+$/, '')) {
    return { dataCentre: query.location ?? 'us', accountsUrl: override };
  }
  throw new Error(`accounts-server "${server}" is not a Zoho data centre`);
}

export async function exchangeCode(o: {
  accountsUrl: string;
  dataCentre?: string;
  clientId: string;
  clientSecret: string;
  /** Omitted for Self Client grant codes, which are not bound to a redirect. */
  redirectUri?: string | null;
  code: string;
  allowedApiDomains?: string[];
  /** REST base to use when the token response names none (private deployments). */
  apiDomain?: string | null;
  now?: Date;
  http?: AxiosInstance;
}): Promise<ZohoCredentials> {
  const http = o.http ?? axios.create({ timeout: 15_000 });
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: o.clientId,
    client_secret: o.clientSecret,
    code: o.code,
  });
  if (o.redirectUri) form.set('redirect_uri', o.redirectUri);
  // Never retried: a grant code is single-use, a second attempt could only fail.
  const res = await http.post(tokenUrl(o.accountsUrl), form, { validateStatus: () => true });
  const body = TokenResponseSchema.safeParse(res.data);
  if (!body.success || body.data.error || !body.data.access_token || !body.data.refresh_token) {
    const code = body.success
      ? (body.data.error ?? 'no refresh_token in response')
      : 'malformed token response';
    const classification = classifyZoho({ status: res.status, code });
    throw new CrmError(`Zoho code exchange failed: ${code}`, classification, {
      status: res.status,
      error: code,
    });
  }
  const now = (o.now ?? new Date()).getTime();
  return ZohoCredentialsSchema.parse({
    dataCentre: o.dataCentre ?? 'us',
    accountsUrl: o.accountsUrl,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    refreshToken: body.data.refresh_token,
    apiDomain: checkApiDomain(body.data.api_domain ?? o.apiDomain ?? '', o.allowedApiDomains),
    accessToken: body.data.access_token,
    accessTokenExpiresAt: now + expiresInMs(body.data),
    accessTokenIssuedAt: now,
  });
}

// ---- access tokens ------------------------------------------------------------------

export interface AccessGrant {
  token: string;
  apiDomain: string;
  expiresAt: number;
  issuedAt: number | null;
}

/** Refresh this long before the real expiry so a call never starts with a dying token. */
const EXPIRY_SKEW_MS = 5 * 60_000;

// In-process single flight: one refresh per tenant at a time, whatever number of
// connector instances exist. Keyed by tenant id, so tenants never share an entry.
const inflight = new Map<string, Promise<AccessGrant>>();

export class ZohoTokens {
  private cached: AccessGrant | null = null;

  constructor(
    private readonly deps: ConnectorDeps<ZohoCredentialsInput, unknown>,
    private readonly http: AxiosInstance,
    private readonly allowedApiDomains: string[],
  ) {}

  /** Valid for a while yet: 5 minutes of margin, or a quarter of a shorter lifetime. */
  private fresh(
    g: { token: string | null; expiresAt: number | null; issuedAt?: number | null } | null,
  ): boolean {
    if (!g?.token || !g.expiresAt) return false;
    const lifetime = g.issuedAt ? g.expiresAt - g.issuedAt : Number.POSITIVE_INFINITY;
    const margin = Math.min(EXPIRY_SKEW_MS, lifetime / 4);
    return g.expiresAt - margin > this.deps.now().getTime();
  }

  async readCredentials(): Promise<ZohoCredentials> {
    const parsed = ZohoCredentialsSchema.safeParse(await this.deps.credentials.read());
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CrmError(`Zoho credentials ${issue.path.join('.')}: ${issue.message}`, {
        kind: 'needsReauth',
        reason: 'stored Zoho credentials are incomplete',
      });
    }
    return parsed.data;
  }

  /** A valid access token and the API base it belongs to. */
  async get(): Promise<AccessGrant> {
    if (this.cached && this.fresh(this.cached)) return this.cached;
    const creds = await this.readCredentials();
    const stored = {
      token: creds.accessToken,
      expiresAt: creds.accessTokenExpiresAt,
      issuedAt: creds.accessTokenIssuedAt,
    };
    if (creds.apiDomain && this.fresh(stored)) {
      this.cached = {
        token: creds.accessToken!,
        apiDomain: checkApiDomain(creds.apiDomain, this.allowedApiDomains),
        expiresAt: creds.accessTokenExpiresAt!,
        issuedAt: creds.accessTokenIssuedAt,
      };
      return this.cached;
    }
    return this.refresh(null);
  }

  /** Refresh, unless someone else already replaced `rejected` (single flight). */
  async refresh(rejected: string | null): Promise<AccessGrant> {
    const key = this.deps.tenantId;
    let p = inflight.get(key);
    if (!p) {
      p = this.deps
        .withLock(`zoho:token:${key}`, () => this.refreshLocked(rejected))
        .finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    this.cached = await p;
    return this.cached;
  }

  private async refreshLocked(rejected: string | null): Promise<AccessGrant> {
    // Re-read after the lock: another process may have refreshed while we waited.
    const creds = await this.readCredentials();
    const stored = {
      token: creds.accessToken,
      expiresAt: creds.accessTokenExpiresAt,
      issuedAt: creds.accessTokenIssuedAt,
    };
    if (creds.apiDomain && creds.accessToken !== rejected && this.fresh(stored)) {
      return {
        token: creds.accessToken!,
        apiDomain: checkApiDomain(creds.apiDomain, this.allowedApiDomains),
        expiresAt: creds.accessTokenExpiresAt!,
        issuedAt: creds.accessTokenIssuedAt,
      };
    }
    const accountsUrl = accountsUrlFor(creds.dataCentre as 'us', creds.accountsUrl);
    const started = Date.now();
    let res: { status: number; data: unknown };
    try {
      res = await this.http.post(
        tokenUrl(accountsUrl),
        new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: creds.clientId,
          client_secret: creds.clientSecret,
          refresh_token: creds.refreshToken,
        }),
        { validateStatus: () => true, timeout: 15_000 },
      );
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'ERR_NETWORK';
      this.deps.onCall?.({ endpoint: 'POST /oauth/v2/token', outcome: 'network', ms: Date.now() - started });
      throw new CrmError(
        `Zoho token refresh failed: network error ${code}`,
        classifyZoho({ networkCode: code }),
      );
    }
    const body = TokenResponseSchema.safeParse(res.data);
    const error = !body.success
      ? 'malformed token response'
      : (body.data.error ?? (body.data.access_token ? null : 'no access_token'));
    this.deps.onCall?.({
      endpoint: 'POST /oauth/v2/token',
      outcome: error ?? 'ok',
      ms: Date.now() - started,
    });
    if (error || !body.success) {
      const classification = classifyZoho({ status: res.status, code: error });
      if (classification.kind === 'needsReauth') {
        await this.deps.setStatus(
          'needs_reauth',
          `Zoho refused the refresh token (${error}); reconnect the org`,
        );
      }
      throw new CrmError(`Zoho token refresh failed: ${error}`, classification, { status: res.status });
    }
    const apiDomain = checkApiDomain(body.data.api_domain ?? creds.apiDomain ?? '', this.allowedApiDomains);
    const issuedAt = this.deps.now().getTime();
    const grant: AccessGrant = {
      token: body.data.access_token!,
      apiDomain,
      expiresAt: issuedAt + expiresInMs(body.data),
      issuedAt,
    };
    await this.deps.credentials.write({
      ...creds,
      apiDomain,
      accessToken: grant.token,
      accessTokenExpiresAt: grant.expiresAt,
      accessTokenIssuedAt: issuedAt,
    });
    this.deps.log.info(
      { tenantId: this.deps.tenantId, expiresAt: new Date(grant.expiresAt).toISOString() },
      'zoho access token refreshed',
    );
    return grant;
  }
}
