// Zoho Accounts as the sandbox plays it (fact sheet §1): grant codes valid 2 minutes
// and single use, refresh tokens until revoked, access tokens with `expires_in`
// seconds, `api_domain` pointing back at the sandbox, and at most 10 access tokens
// per refresh token per 10 minutes (§1.5). Error bodies are {"error": "..."}.
import { randomBytes } from 'node:crypto';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

interface Grant {
  clientId: string;
  redirectUri: string | null;
  scope: string;
  expiresAt: number;
}

export interface AccessToken {
  refreshToken: string | null;
  scope: string;
  expiresAt: number;
}

export type TokenAnswer = { status: number; body: Record<string, unknown> };

export class SandboxOAuth {
  readonly clients = new Map<string, OAuthClient>();
  private readonly codes = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, { clientId: string; scope: string; mints: number[] }>();
  readonly accessTokens = new Map<string, AccessToken>();
  tokenRequests = 0;

  constructor(
    private readonly apiDomain: () => string,
    private readonly now: () => number,
    /** Access-token lifetime in seconds (Zoho: 3600). */
    public accessTokenSeconds = 3600,
  ) {}

  addClient(c: OAuthClient): void {
    this.clients.set(c.clientId, c);
  }

  issueCode(clientId: string, redirectUri: string | null, scope: string): string {
    const code = `1000.${hex(16)}.${hex(16)}`;
    this.codes.set(code, { clientId, redirectUri, scope, expiresAt: this.now() + 2 * 60_000 });
    return code;
  }

  /** Mints a refresh token directly (CLI/tests that skip the browser consent). */
  issueRefreshToken(clientId: string, scope = 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL'): string {
    const token = `1000.${hex(16)}.${hex(16)}`;
    this.refreshTokens.set(token, { clientId, scope, mints: [] });
    return token;
  }

  revokeRefreshToken(token: string): boolean {
    const had = this.refreshTokens.delete(token);
    for (const [at, info] of this.accessTokens) if (info.refreshToken === token) this.accessTokens.delete(at);
    return had;
  }

  expireAccessTokens(): number {
    let n = 0;
    for (const info of this.accessTokens.values()) {
      info.expiresAt = 0;
      n++;
    }
    return n;
  }

  token(form: Record<string, string>): TokenAnswer {
    this.tokenRequests++;
    const client = this.clients.get(form.client_id ?? '');
    if (!client || client.clientSecret !== form.client_secret) {
      return { status: 200, body: { error: 'invalid_client' } };
    }
    if (form.grant_type === 'authorization_code') {
      const grant = this.codes.get(form.code ?? '');
      this.codes.delete(form.code ?? '');
      if (!grant || grant.clientId !== client.clientId || grant.expiresAt < this.now()) {
        return { status: 200, body: { error: 'invalid_code' } };
      }
      if (grant.redirectUri && form.redirect_uri !== grant.redirectUri) {
        return { status: 200, body: { error: 'invalid_redirect_uri' } };
      }
      const refresh = this.issueRefreshToken(client.clientId, grant.scope);
      const at = this.mint(refresh, grant.scope);
      return {
        status: 200,
        body: {
          access_token: at,
          refresh_token: refresh,
          scope: grant.scope,
          api_domain: this.apiDomain(),
          token_type: 'Bearer',
          expires_in: this.accessTokenSeconds,
        },
      };
    }
    if (form.grant_type === 'refresh_token') {
      const rt = this.refreshTokens.get(form.refresh_token ?? '');
      if (!rt || rt.clientId !== client.clientId) return { status: 200, body: { error: 'invalid_code' } };
      const now = this.now();
      rt.mints = rt.mints.filter((t) => t > now - 10 * 60_000);
      if (rt.mints.length >= 10) {
        return {
          status: 400,
          body: {
            error: 'Access Denied',
            error_description:
              'You have made too many requests continuously. Please try again after some time.',
          },
        };
      }
      rt.mints.push(now);
      const at = this.mint(form.refresh_token!, rt.scope);
      return {
        status: 200,
        body: {
          access_token: at,
          scope: rt.scope.replace(/,/g, ' '),
          api_domain: this.apiDomain(),
          token_type: 'Bearer',
          expires_in: this.accessTokenSeconds,
        },
      };
    }
    return { status: 200, body: { error: 'unsupported_grant_type' } };
  }

  private mint(refreshToken: string | null, scope: string): string {
    const at = `1000.${hex(16)}.${hex(16)}`;
    this.accessTokens.set(at, {
      refreshToken,
      scope,
      expiresAt: this.now() + this.accessTokenSeconds * 1000,
    });
    return at;
  }

  /** Checks `Authorization: Zoho-oauthtoken …`. */
  authenticate(header: string | undefined): boolean {
    const m = /^Zoho-oauthtoken (\S+)$/.exec(header ?? '');
    if (!m) return false;
    const info = this.accessTokens.get(m[1]!);
    return !!info && info.expiresAt > this.now();
  }
}

function hex(n: number): string {
  return randomBytes(n).toString('hex');
}
