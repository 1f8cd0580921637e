// The sandbox side of Fxiaoke's App SSO code flow (fact sheet §5.2): the browser comes to
// `GET /oauth2.0/authorize?responseType=code&appId&redirectUrl&state` while signed in to
// Fxiaoke and is sent back to `redirectUrl?code=…&state=…`; the app exchanges the code with
// `POST /oauth2.0/getUserInfoByCode {appId, appSecret, code}` → `data: openUserId`. Codes are
// single-use and live ten minutes (the old API's wording for its codes: "有效期为十分钟，
// 有效期内使用一次后则会过期"). Who is "signed in" is a sandbox control (default: the admin).
import { randomBytes } from 'node:crypto';
import { SANDBOX_APP, SANDBOX_TENANT } from './sandbox.tenant.js';

type Json = Record<string, unknown>;
const CODE_LIFETIME_MS = 10 * 60_000;

export type AuthorizeAnswer = { redirect: string } | { status: number; body: Json };

export class UserCodes {
  private readonly codes = new Map<string, { openUserId: string; expiresAt: number }>();
  /** The Fxiaoke user whose browser session the sandbox pretends to see; null = signed out. */
  signedIn: string | null = SANDBOX_TENANT.admin.openUserId;
  authorizeCalls = 0;

  authorize(url: URL, now: number): AuthorizeAnswer {
    this.authorizeCalls += 1;
    const q = url.searchParams;
    const fail = (code: number, message: string): AuthorizeAnswer => ({
      status: 400,
      body: { errorCode: code, errorMessage: message },
    });
    if (q.get('responseType') !== 'code') return fail(10001, 'responseType must be code');
    if (q.get('appId') !== SANDBOX_APP.appId) return fail(11001, 'the parameter appId is illegal');
    const redirect = q.get('redirectUrl');
    let target: URL;
    try {
      target = new URL(redirect ?? '');
    } catch {
      return fail(10001, 'the parameter redirectUrl is missing or not a URL');
    }
    // A signed-out browser would see Fxiaoke's login page; the sandbox says so plainly.
    if (!this.signedIn) return { status: 401, body: { errorCode: 401, errorMessage: '请先登录纷享销客' } };
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { openUserId: this.signedIn, expiresAt: now + CODE_LIFETIME_MS });
    target.searchParams.set('code', code);
    const state = q.get('state');
    if (state !== null) target.searchParams.set('state', state);
    return { redirect: target.toString() };
  }

  /** Body of the answer to getUserInfoByCode, or an error (code, message). */
  exchange(body: Json, now: number): { openUserId: string } | { problem: [number, string] } {
    if (body.appId !== SANDBOX_APP.appId) return { problem: [11001, 'the parameter appId is illegal'] };
    if (body.appSecret !== SANDBOX_APP.appSecret)
      return { problem: [10006, 'the parameter appSecret is missing or illegal'] };
    const code = typeof body.code === 'string' ? body.code : '';
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.expiresAt <= now) return { problem: [15002, 'code 无效或已过期'] };
    return { openUserId: entry.openUserId };
  }
}
