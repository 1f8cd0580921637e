// Identifying the Fxiaoke user who opens our embedded page (fact sheet §5.2, "App SSO"):
// send the browser to `/oauth2.0/authorize?responseType=code&appId&redirectUrl&state`, then
// exchange the code with `POST /oauth2.0/getUserInfoByCode {appId, appSecret, code}` →
// `{errorCode: 0, data: "<openUserId>"}`. The code is the tenant's own app's, so the user
// belongs to that tenant's enterprise. Partner-portal (互联) users (`/er/oauth/…`) are not
// wired yet: the response's user fields are UNVERIFIED in the fact sheet.
import { randomUUID } from 'node:crypto';
import axios from 'axios';
import { z } from 'zod';
import { DEFAULT_FXIAOKE_BASE_URL } from './fxiaoke.hosts.js';

export const FX_USER_OAUTH_PATHS = {
  authorize: '/oauth2.0/authorize',
  userInfoByCode: '/oauth2.0/getUserInfoByCode',
} as const;

/**
 * Where Fxiaoke's web CRM frames an embedded page from (frame-ancestors): the fxiaoke.com
 * and sharecrm.com hosts of the clouds in fxiaoke.hosts.ts. Which exact host serves the web
 * UI per cloud is not in the fact sheet, hence the wildcards.
 */
export const FXIAOKE_FRAME_ANCESTORS: readonly string[] = ['https://*.fxiaoke.com', 'https://*.sharecrm.com'];

/**
 * The two tenant settings sign-in needs (the cloud's gateway and the call timeout), read on
 * their own: a sign-in must not fail over settings only the sync uses (operator, fields).
 */
export function userOAuthSettings(settings: unknown): { baseUrl: string; timeoutMs: number } {
  const s = z
    .object({
      baseUrl: z.url().default(DEFAULT_FXIAOKE_BASE_URL).catch(DEFAULT_FXIAOKE_BASE_URL),
      timeoutMs: z.number().int().positive().default(8_000).catch(8_000),
    })
    .parse(settings ?? {});
  return { baseUrl: s.baseUrl, timeoutMs: Math.min(s.timeoutMs, 10_000) };
}

export function authorizeUrl(o: {
  baseUrl: string;
  appId: string;
  redirectUrl: string;
  state: string;
}): string {
  const q = new URLSearchParams({
    responseType: 'code',
    appId: o.appId,
    redirectUrl: o.redirectUrl,
    state: o.state,
  });
  return `${o.baseUrl.replace(/\/+$/, '')}${FX_USER_OAUTH_PATHS.authorize}?${q}`;
}

const UserByCodeSchema = z.object({
  errorCode: z.number(),
  errorMessage: z.string().optional(),
  data: z.unknown().optional(),
});

export class FxUserOAuthError extends Error {
  constructor(
    message: string,
    /** true: Fxiaoke refused the code (expired, used, wrong app); false: could not ask. */
    readonly refused: boolean,
  ) {
    super(message);
    this.name = 'FxUserOAuthError';
  }
}

export interface UserByCodeOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  code: string;
  timeoutMs?: number;
  /** Extra attempts after a network failure or 5xx (a refused code is never retried). */
  retries?: number;
}

/** The openUserId (FSUID_…) the code stands for. */
export async function openUserIdByCode(o: UserByCodeOptions): Promise<string> {
  const url = `${o.baseUrl.replace(/\/+$/, '')}${FX_USER_OAUTH_PATHS.userInfoByCode}?thirdTraceId=${randomUUID()}`;
  const retries = o.retries ?? 1;
  for (let attempt = 0; ; attempt++) {
    let body: unknown;
    try {
      const res = await axios.post(
        url,
        { appId: o.appId, appSecret: o.appSecret, code: o.code },
        {
          timeout: o.timeoutMs ?? 8_000,
          maxRedirects: 0,
          headers: { 'content-type': 'application/json;charset=UTF-8' },
        },
      );
      body = res.data;
    } catch (e) {
      const status = (e as { response?: { status?: number } }).response?.status;
      if ((status === undefined || status >= 500) && attempt < retries) continue;
      throw new FxUserOAuthError(`Fxiaoke getUserInfoByCode failed: ${(e as Error).message}`, false);
    }
    const parsed = UserByCodeSchema.safeParse(body);
    if (!parsed.success) throw new FxUserOAuthError('Fxiaoke getUserInfoByCode: unexpected answer', false);
    const { errorCode, errorMessage, data } = parsed.data;
    if (errorCode !== 0 || typeof data !== 'string' || data === '') {
      throw new FxUserOAuthError(
        `Fxiaoke refused the sign-in code: errorCode ${errorCode} ${errorMessage ?? ''}`.trim(),
        true,
      );
    }
    return data;
  }
}
