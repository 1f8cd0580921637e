// Connecting a Zoho org (CLI `tenant add --crm zoho`, the OAuth callback): turn a
// grant code — from the consent redirect or a Self Client — or an existing refresh
// token into stored credentials, and learn the org id from the org API so the
// admin never types it. Every refusal is translated into what the admin must fix:
// a wrong, used or expired code, a client unknown in the chosen data centre, a
// missing scope. No store access here: the caller seals and saves the result.
import type { AxiosInstance } from 'axios';
import axios, { isAxiosError } from 'axios';
import { z } from 'zod';
import { CrmError } from '../contract.js';
import { exchangeCode, expiresInMs, type ZohoCredentials, ZohoCredentialsSchema } from './zoho.auth.js';
import {
  accountsUrlFor,
  checkApiDomain,
  tokenUrl,
  ZOHO_DATA_CENTRE_IDS,
  type ZohoDataCentre,
} from './zoho.hosts.js';

export interface ZohoConnectInput {
  dataCentre: ZohoDataCentre;
  clientId: string;
  clientSecret: string;
  /** One of the two: a grant code (consent redirect or Self Client) or a refresh token. */
  grantCode?: string | null;
  refreshToken?: string | null;
  /** The redirect URI the code was requested with (none for Self Client codes). */
  redirectUri?: string | null;
  /** Accounts host override (sandbox, private deployment). */
  accountsUrl?: string | null;
  /** REST host override, allowed besides *.zohoapis.* (sandbox, private deployment). */
  apiDomain?: string | null;
  http?: AxiosInstance;
  now?: () => Date;
}

export interface ZohoConnection {
  credentials: ZohoCredentials;
  /** The org's id (`zgid`, the number in the CRM's URLs), from GET /crm/v8/org. */
  orgId: string;
  companyName: string | null;
  /** Settings the tenant needs from the start (hosts allowed for overrides). */
  settings: Record<string, unknown>;
}

/** Refusals the admin can act on; the CLI prints the message and exits 1. */
export class ZohoConnectError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'ZohoConnectError';
  }
}

const OrgSchema = z.object({
  org: z
    .array(
      z.looseObject({
        id: z.union([z.string(), z.number()]).transform(String),
        zgid: z.union([z.string(), z.number()]).transform(String).optional(),
        company_name: z.string().nullable().optional(),
      }),
    )
    .min(1),
});

const TokenSchema = z.object({
  access_token: z.string().min(1).optional(),
  api_domain: z.string().optional(),
  expires_in: z.number().optional(),
  expires_in_sec: z.number().optional(),
  error: z.string().optional(),
});

const strip = (u: string) => u.replace(/\/+$/, '');

/** Explains a token-endpoint error code in terms of what the admin typed. */
export function explainTokenError(
  error: string,
  o: { dataCentre: string; accountsUrl: string; what: 'grant code' | 'refresh token' },
): string {
  const dcHint =
    `the org may live in another data centre than --data-center ${o.dataCentre} (${o.accountsUrl}); ` +
    `pick the one whose accounts host you log in to (${ZOHO_DATA_CENTRE_IDS.join(', ')})`;
  switch (error) {
    case 'invalid_code':
      return o.what === 'grant code'
        ? `Zoho refused the grant code (invalid_code): it is wrong, already used, or expired ` +
            `(a consent code lives 2 minutes, a Self Client code the 3-10 minutes chosen when it was made; ` +
            `each works once). Generate a new code and run the command at once. If the code is fresh, ${dcHint}`
        : `Zoho refused the refresh token (invalid_code): it is wrong or was revoked. ` +
            `Connect again with a new --grant-code. If the token is right, ${dcHint}`;
    case 'invalid_grant':
      return `Zoho refused the ${o.what} (invalid_grant): it was revoked or has expired; generate a new grant code`;
    case 'invalid_client':
      return (
        `Zoho does not know this client at ${o.accountsUrl} (invalid_client): check --client-id and ` +
        `--client-secret (API console → your client → Client Secret), or ${dcHint}; a client made in ` +
        `one data centre must have multi-DC enabled to serve orgs in another`
      );
    case 'invalid_redirect_uri':
      return (
        'Zoho refused the redirect URI (invalid_redirect_uri): pass the exact --redirect-uri the code was ' +
        'requested with (Self Client codes need none)'
      );
    case 'Access Denied':
      return 'Zoho is refusing new access tokens for this refresh token for a while (more than 10 in 10 minutes); retry in 10 minutes';
    default:
      return `Zoho refused the ${o.what}: ${error}`;
  }
}

/** Exchanges the grant (or checks the refresh token), then reads the org id. */
export async function connectZoho(input: ZohoConnectInput): Promise<ZohoConnection> {
  if (!input.grantCode === !input.refreshToken) {
    throw new ZohoConnectError('give exactly one of a grant code and a refresh token', 'usage');
  }
  const now = input.now ?? (() => new Date());
  const http = input.http ?? axios.create({ timeout: 15_000, maxRedirects: 0 });
  const accountsUrl = accountsUrlFor(input.dataCentre, input.accountsUrl);
  // Overrides name the hosts that may answer besides Zoho's own (a sandbox on loopback).
  const allowed = [
    ...new Set(
      [input.apiDomain, input.accountsUrl].filter((u): u is string => !!u).map((u) => new URL(u).origin),
    ),
  ];
  const where = { dataCentre: input.dataCentre, accountsUrl };

  let credentials: ZohoCredentials;
  try {
    credentials = input.grantCode
      ? await exchangeCode({
          accountsUrl,
          dataCentre: input.dataCentre,
          clientId: input.clientId,
          clientSecret: input.clientSecret,
          redirectUri: input.redirectUri ?? null,
          code: input.grantCode,
          allowedApiDomains: allowed,
          apiDomain: input.apiDomain ?? null,
          now: now(),
          http,
        })
      : await checkRefreshToken(http, { ...input, accountsUrl, allowed, now });
  } catch (e) {
    throw translate(e, { ...where, what: input.grantCode ? 'grant code' : 'refresh token' });
  }
  if (input.accountsUrl) credentials = { ...credentials, accountsUrl: strip(input.accountsUrl) };
  else credentials = { ...credentials, accountsUrl: null };

  const org = await readOrg(http, credentials);
  return {
    credentials,
    orgId: org.zgid ?? org.id,
    companyName: org.company_name ?? null,
    settings: allowed.length > 0 ? { allowedApiDomains: allowed } : {},
  };
}

async function checkRefreshToken(
  http: AxiosInstance,
  o: ZohoConnectInput & { accountsUrl: string; allowed: string[]; now: () => Date },
): Promise<ZohoCredentials> {
  const res = await http.post(
    tokenUrl(o.accountsUrl),
    new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: o.clientId,
      client_secret: o.clientSecret,
      refresh_token: o.refreshToken!,
    }),
    { validateStatus: () => true },
  );
  const body = TokenSchema.safeParse(res.data);
  const error = !body.success
    ? 'malformed token response'
    : (body.data.error ?? (body.data.access_token ? null : 'no access_token in response'));
  if (error || !body.success) throw new ZohoConnectError(error ?? 'token refresh failed', error ?? 'token');
  const issued = o.now().getTime();
  return ZohoCredentialsSchema.parse({
    dataCentre: o.dataCentre,
    accountsUrl: o.accountsUrl,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    refreshToken: o.refreshToken,
    apiDomain: checkApiDomain(body.data.api_domain ?? o.apiDomain ?? '', o.allowed),
    accessToken: body.data.access_token,
    accessTokenExpiresAt: issued + expiresInMs(body.data),
    accessTokenIssuedAt: issued,
  });
}

function translate(
  e: unknown,
  o: { dataCentre: string; accountsUrl: string; what: 'grant code' | 'refresh token' },
): Error {
  if (isAxiosError(e)) {
    return new ZohoConnectError(
      `cannot reach the Zoho accounts server ${o.accountsUrl}: ${e.code ?? e.message}`,
      'network',
    );
  }
  const code =
    e instanceof CrmError ? String(e.details?.error ?? '') : e instanceof ZohoConnectError ? e.message : '';
  if (code && !/api_domain/.test(code)) return new ZohoConnectError(explainTokenError(code, o), code);
  const message = (e as Error).message;
  if (/api_domain/.test(message)) {
    return new ZohoConnectError(
      `${message}: for a sandbox or private deployment pass --accounts-url (and --api-domain)`,
      'api_domain',
    );
  }
  return e as Error;
}

/**
 * Best effort: gives back a refresh token minted by a connection that is then not kept
 * (the org was connected already), since Zoho evicts the oldest past 20 per user.
 */
export async function revokeRefreshToken(
  credentials: Pick<ZohoCredentials, 'dataCentre' | 'accountsUrl' | 'refreshToken'>,
  http: AxiosInstance = axios.create({ timeout: 10_000, maxRedirects: 0 }),
): Promise<boolean> {
  const accountsUrl = accountsUrlFor(credentials.dataCentre as ZohoDataCentre, credentials.accountsUrl);
  try {
    const res = await http.post(
      `${tokenUrl(accountsUrl)}/revoke`,
      new URLSearchParams({ token: credentials.refreshToken }),
      { validateStatus: () => true },
    );
    return res.status === 200;
  } catch {
    return false;
  }
}

/** GET /crm/v8/org, retried twice on network errors and 5xx (it is a read). */
async function readOrg(
  http: AxiosInstance,
  c: ZohoCredentials,
): Promise<z.infer<typeof OrgSchema>['org'][number]> {
  const url = `${strip(c.apiDomain!)}/crm/v8/org`;
  for (let attempt = 0; ; attempt++) {
    let res: { status: number; data: unknown };
    try {
      res = await http.get(url, {
        headers: { authorization: `Zoho-oauthtoken ${c.accessToken}` },
        validateStatus: () => true,
        timeout: 15_000,
      });
    } catch (e) {
      if (attempt < 2) {
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        continue;
      }
      throw new ZohoConnectError(
        `cannot reach the Zoho API at ${c.apiDomain}: ${(e as { code?: string }).code ?? (e as Error).message}`,
        'network',
      );
    }
    if (res.status >= 500 && attempt < 2) {
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      continue;
    }
    const parsed = OrgSchema.safeParse(res.data);
    if (res.status === 200 && parsed.success) return parsed.data.org[0]!;
    const code = (res.data as { code?: string } | null)?.code ?? `HTTP ${res.status}`;
    if (code === 'OAUTH_SCOPE_MISMATCH') {
      throw new ZohoConnectError(
        'the grant lacks the ZohoCRM.org.READ scope needed to read the org id: generate the code again ' +
          'with the scopes listed in docs/install-zoho.md',
        code,
      );
    }
    throw new ZohoConnectError(`reading the Zoho org (GET /crm/v8/org) failed: ${code}`, code);
  }
}
