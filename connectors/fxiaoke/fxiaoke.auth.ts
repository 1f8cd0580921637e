// App-credential auth (fact sheet §1.2-§1.4). Two styles behind one interface:
//  legacy: POST /cgi/corpAccessToken/get/V2 → corpAccessToken + corpId in every JSON body
//          (works today; used by every public client) — the default;
//  oauth2: POST /oauth2.0/token (grantType app_secret) → Bearer + x-fs-ea + x-fs-userid headers.
// The token is cached until `tokenRefreshMarginSec` before expiry, shared across processes
// through the CredentialVault, and refreshed single-flight: one in-process promise per
// connector plus `deps.withLock` across processes (the token endpoint allows ≤ 10/min, no concurrency).
import { z } from 'zod';
import type { ConnectorDeps } from '../contract.js';
import { CrmError } from '../contract.js';
import { FX_LIMITS, FX_PATHS } from './fxiaoke.hosts.js';
import {
  type FxiaokeCredentials,
  FxiaokeCredentialsSchema,
  type FxiaokeSettings,
} from './fxiaoke.settings.js';

export interface AuthContext {
  style: 'legacy' | 'oauth2';
  accessToken: string;
  corpId?: string | undefined;
  ea?: string | undefined;
  /** legacy: the operator's openUserId (FSUID_…); oauth2: employee id ("1000"). */
  operator: string;
}

/** Posts to an OpenAPI path without auth; returns the checked body (errorCode 0). */
export type RawPost = (
  path: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
) => Promise<Record<string, unknown>>;

const LegacyTokenSchema = z.object({
  corpAccessToken: z.string().min(1),
  corpId: z.string().min(1),
  expiresIn: z.coerce.number().int().nonnegative(),
});
const OAuthTokenSchema = z.object({
  accessToken: z.string().min(1),
  ea: z.string().min(1),
  expiresIn: z.coerce.number().int().nonnegative(),
  openUserId: z.string().optional(),
});
const ByMobileSchema = z.object({ empList: z.array(z.object({ openUserId: z.string().min(1) }).loose()) });

export class FxiaokeAuth {
  private cached: AuthContext | null = null;
  private refreshAt = 0;
  private inflight: Promise<AuthContext> | null = null;
  private operatorOpenUserId: string | null;
  /** Secrets needed synchronously by webhook verification, remembered from the last vault read. */
  secrets: Pick<FxiaokeCredentials, 'callbackAesKey' | 'webhookSecret'> | null = null;
  tokenFetches = 0;

  constructor(
    private readonly deps: ConnectorDeps<FxiaokeCredentials, unknown>,
    private readonly settings: FxiaokeSettings,
    private readonly post: RawPost,
  ) {
    this.operatorOpenUserId = settings.operator.openUserId ?? null;
  }

  async readCredentials(): Promise<FxiaokeCredentials> {
    const r = FxiaokeCredentialsSchema.safeParse(await this.deps.credentials.read());
    if (!r.success) {
      const msg = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new CrmError(`Fxiaoke credentials are incomplete: ${msg}`, { kind: 'needsReauth', reason: msg });
    }
    this.secrets = { callbackAesKey: r.data.callbackAesKey, webhookSecret: r.data.webhookSecret };
    return r.data;
  }

  /** A usable auth context, from memory, the vault, or a refresh. */
  async context(): Promise<AuthContext> {
    if (this.cached && this.deps.now().getTime() < this.refreshAt) return this.cached;
    return this.refresh(this.cached?.accessToken);
  }

  /**
   * Single-flight refresh. `stale` is the token that just failed (20016) or expired: a token in
   * the vault different from it was refreshed by another process and is reused.
   */
  refresh(stale?: string): Promise<AuthContext> {
    if (this.inflight) return this.inflight;
    const run = this.deps
      .withLock(`fxiaoke:token:${this.deps.tenantId}`, async () => {
        const creds = await this.readCredentials();
        const now = this.deps.now().getTime();
        const t = creds.token;
        if (t && t.style === this.settings.authStyle && t.accessToken !== stale && t.refreshAt > now) {
          return this.adopt(t.accessToken, t.corpId, t.ea, t.refreshAt);
        }
        const fresh = await this.fetchToken(creds);
        await this.deps.credentials.write({ ...creds, token: fresh });
        return this.adopt(fresh.accessToken, fresh.corpId, fresh.ea, fresh.refreshAt);
      })
      .then(async (ctx) => ({ ...ctx, operator: await this.operator(ctx) }))
      .then((ctx) => {
        this.cached = ctx;
        return ctx;
      })
      .finally(() => {
        this.inflight = null;
      });
    this.inflight = run;
    return run;
  }

  /** Forget the in-memory token (the vault copy is checked against `stale` on refresh). */
  invalidate(): void {
    this.refreshAt = 0;
  }

  private adopt(accessToken: string, corpId: string | undefined, ea: string | undefined, refreshAt: number) {
    this.refreshAt = refreshAt;
    return { style: this.settings.authStyle, accessToken, corpId, ea, operator: '' } as AuthContext;
  }

  private refreshAtFor(expiresInSec: number): number {
    const now = this.deps.now().getTime();
    const life = Math.min(expiresInSec, FX_LIMITS.tokenLifetimeSec);
    const usable =
      life > this.settings.tokenRefreshMarginSec ? life - this.settings.tokenRefreshMarginSec : life / 2;
    return now + usable * 1000;
  }

  private async fetchToken(creds: FxiaokeCredentials): Promise<NonNullable<FxiaokeCredentials['token']>> {
    this.tokenFetches += 1;
    const app = { appId: creds.appId, appSecret: creds.appSecret, permanentCode: creds.permanentCode };
    if (this.settings.authStyle === 'legacy') {
      const r = LegacyTokenSchema.parse(await this.post(FX_PATHS.legacyToken, app));
      return {
        style: 'legacy',
        accessToken: r.corpAccessToken,
        corpId: r.corpId,
        refreshAt: this.refreshAtFor(r.expiresIn),
      };
    }
    const r = OAuthTokenSchema.parse(
      await this.post(FX_PATHS.oauthToken, { ...app, grantType: 'app_secret' }),
    );
    return {
      style: 'oauth2',
      accessToken: r.accessToken,
      ea: r.ea,
      openUserId: r.openUserId,
      refreshAt: this.refreshAtFor(r.expiresIn),
    };
  }

  /** The operator identity: configured, or resolved once from an admin's mobile number (§1.4). */
  private async operator(ctx: AuthContext): Promise<string> {
    if (ctx.style === 'oauth2') return this.settings.operator.employeeId ?? '';
    if (this.operatorOpenUserId) return this.operatorOpenUserId;
    const mobile = this.settings.operator.mobile;
    if (!mobile) {
      throw new CrmError('Fxiaoke operator is not configured: set operator.openUserId or operator.mobile', {
        kind: 'permanent',
        reason: 'operator missing',
      });
    }
    const r = ByMobileSchema.parse(
      await this.post(FX_PATHS.userByMobile, {
        corpId: ctx.corpId,
        corpAccessToken: ctx.accessToken,
        mobile,
      }),
    );
    const id = r.empList[0]?.openUserId;
    if (!id) {
      throw new CrmError(
        `no Fxiaoke employee has the operator mobile number ${mobile.slice(0, 3)}****${mobile.slice(-2)}`,
        {
          kind: 'permanent',
          reason: 'operator mobile not found',
        },
      );
    }
    this.operatorOpenUserId = id;
    return id;
  }

  /** Puts the credentials where the style expects them: JSON body (legacy) or headers (oauth2). */
  apply(
    ctx: AuthContext,
    body: Record<string, unknown>,
  ): { body: Record<string, unknown>; headers: Record<string, string> } {
    if (ctx.style === 'legacy') {
      return {
        body: {
          corpAccessToken: ctx.accessToken,
          corpId: ctx.corpId,
          currentOpenUserId: ctx.operator,
          ...body,
        },
        headers: {},
      };
    }
    return {
      body,
      headers: {
        authorization: `Bearer ${ctx.accessToken}`,
        'x-fs-ea': ctx.ea ?? '',
        'x-fs-userid': ctx.operator,
      },
    };
  }
}
