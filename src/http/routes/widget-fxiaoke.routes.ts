// The Fxiaoke embedded page's sign-in (docs/widget.md §2, fact sheet fxiaoke.md §5.2).
// The PartnerObj layout's embedded page points at
//   GET /fxiaoke/start?tenant=<tenant id>&partnerId=<PartnerObj _id>[&lang=zh-CN]
// which remembers a one-time `state` and sends the browser to the tenant's Fxiaoke
// `/oauth2.0/authorize`; Fxiaoke sends it back to
//   GET /fxiaoke/callback?code=…&state=…
// where the code becomes the user's openUserId (getUserInfoByCode with the tenant's app
// credentials), a session bound to tenant + user is issued, and the browser lands on
// /widgets/fxiaoke/index.html?partnerId=…&lang=…#session=<token> (the fragment never
// reaches a server or a proxy log).
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { FxiaokeCredentialsSchema } from '../../../connectors/fxiaoke/fxiaoke.settings.js';
import {
  authorizeUrl,
  FxUserOAuthError,
  openUserIdByCode,
  userOAuthSettings,
} from '../../../connectors/fxiaoke/fxiaoke.user-oauth.js';
import type { Keyring } from '../../secrets/keyring.js';
import { credentialVault } from '../../secrets/vault.js';
import { TENANT_ID_PATTERN, type TenantId } from '../../store/ids.js';
import { getSettings } from '../../store/repos/settings.repo.js';
import { getTenant } from '../../store/repos/tenants.repo.js';
import { insertOAuthState, takeOAuthState } from '../../store/repos/widget-sessions.repo.js';
import type { Sql } from '../../store/sql.js';
import { hashSecret, issueSession, newSecret } from '../../widget-api/sessions.js';
import { widgetFrameHeaders } from './widget-static.routes.js';

/** How long a user has to get through Fxiaoke's authorize step. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

const StartQuery = z.object({
  tenant: z.string().regex(TENANT_ID_PATTERN),
  /** `overview`: the programme overview page instead of one partner's widget. */
  view: z.enum(['partner', 'overview']).default('partner'),
  partnerId: z.string().min(1).max(200).optional(),
  lang: z
    .string()
    .regex(/^[A-Za-z]{2}([_-][A-Za-z]{2,4})?$/)
    .optional(),
});
const CallbackQuery = z.object({ code: z.string().min(1).max(512), state: z.string().min(1).max(200) });

export interface FxiaokeSignInDeps {
  db: Sql;
  keyring: Keyring;
  /** Our public origin: the redirect URL registered in the tenant's Fxiaoke app. */
  publicUrl: string;
  now: () => Date;
  ttlMs: number;
  frameAncestors: readonly string[];
}

async function tenantApp(deps: FxiaokeSignInDeps, tenantId: TenantId) {
  const tenant = await getTenant(deps.db, tenantId);
  if (tenant?.crm !== 'fxiaoke' || !tenant.hasCredentials) return null;
  const creds = FxiaokeCredentialsSchema.pick({ appId: true, appSecret: true }).safeParse(
    await credentialVault(deps.db, deps.keyring, tenantId).read(),
  );
  if (!creds.success) return null;
  return { ...creds.data, ...userOAuthSettings(await getSettings(deps.db, tenantId)) };
}

export const widgetFxiaokeRoutes =
  (deps: FxiaokeSignInDeps): FastifyPluginAsync =>
  async (app) => {
    /**
     * An error a person sees in the CRM frame: plain bilingual text for a browser navigation
     * (Accept: text/html), our JSON error shape for anything else (scripts, probes).
     */
    const page = (reply: FastifyReply, status: number, en: string, zh: string) => {
      widgetFrameHeaders(reply, deps.frameAncestors).status(status).header('cache-control', 'no-store');
      if (/text\/html/.test(reply.request.headers.accept ?? '')) {
        return reply.type('text/plain; charset=utf-8').send(`${zh}\n${en}\n`);
      }
      const code =
        status === 401
          ? 'unauthorized'
          : status === 404
            ? 'not_found'
            : status >= 500
              ? 'crm_unavailable'
              : 'invalid_request';
      return reply.type('application/json; charset=utf-8').send({ error: { code, message: en } });
    };
    const redirectUrl = `${deps.publicUrl.replace(/\/+$/, '')}/fxiaoke/callback`;

    app.get('/fxiaoke/start', { schema: { hide: true } }, async (req, reply) => {
      const q = StartQuery.safeParse(req.query);
      if (!q.success || (q.data.view === 'partner' && !q.data.partnerId)) {
        return page(
          reply,
          400,
          'This link needs ?tenant=<tenant id>&partnerId=<PartnerObj id> (see docs/fxiaoke.md).',
          '链接缺少参数 tenant 或 partnerId。',
        );
      }
      const fx = await tenantApp(deps, q.data.tenant as TenantId);
      if (!fx) return page(reply, 404, 'Unknown Fxiaoke tenant.', '未找到该纷享销客租户。');
      const state = newSecret();
      await insertOAuthState(deps.db, hashSecret(state), {
        tenantId: q.data.tenant as TenantId,
        // '' stands for the overview (no partner).
        partnerId: q.data.view === 'overview' ? '' : q.data.partnerId!,
        lang: q.data.lang ?? null,
        expiresAt: new Date(deps.now().getTime() + OAUTH_STATE_TTL_MS).toISOString(),
      });
      return reply
        .header('cache-control', 'no-store')
        .redirect(authorizeUrl({ baseUrl: fx.baseUrl, appId: fx.appId, redirectUrl, state }), 302);
    });

    app.get('/fxiaoke/callback', { schema: { hide: true } }, async (req, reply) => {
      const q = CallbackQuery.safeParse(req.query);
      if (!q.success)
        return page(reply, 400, 'Sign-in answer without code or state.', '登录回调缺少 code 或 state。');
      const pending = await takeOAuthState(deps.db, hashSecret(q.data.state), deps.now());
      if (!pending) {
        return page(
          reply,
          400,
          'This sign-in link has expired or was already used: reload the page.',
          '登录链接已过期或已使用，请刷新页面。',
        );
      }
      const fx = await tenantApp(deps, pending.tenantId);
      if (!fx) return page(reply, 404, 'Unknown Fxiaoke tenant.', '未找到该纷享销客租户。');
      let openUserId: string;
      try {
        openUserId = await openUserIdByCode({ ...fx, code: q.data.code });
      } catch (e) {
        req.log.warn({ tenantId: pending.tenantId, err: (e as Error).message }, 'Fxiaoke sign-in failed');
        return e instanceof FxUserOAuthError && e.refused
          ? page(
              reply,
              401,
              'Fxiaoke did not confirm who you are: reload the page.',
              '纷享销客未能确认您的身份，请刷新页面。',
            )
          : page(
              reply,
              502,
              'Fxiaoke cannot be reached right now: try again shortly.',
              '暂时无法连接纷享销客，请稍后再试。',
            );
      }
      const session = await issueSession(
        deps.db,
        { tenantId: pending.tenantId, crm: 'fxiaoke', crmUserId: openUserId },
        deps.now(),
        deps.ttlMs,
      );
      const params = new URLSearchParams(pending.partnerId ? { partnerId: pending.partnerId } : {});
      if (pending.lang) params.set('lang', pending.lang);
      const target = pending.partnerId ? 'fxiaoke' : 'overview';
      return reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(
          `/widgets/${target}/index.html?${params}#session=${encodeURIComponent(session.token)}`,
          302,
        );
    });
  };
