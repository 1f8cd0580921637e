// Token issuing and checking, as the gateway does it (fact sheet §1.2-§1.3): the same token
// for 6600 s after issue, 7200 s lifetime, body credentials (legacy) or headers (oauth2).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SANDBOX_APP, SANDBOX_TENANT } from './sandbox.tenant.js';

type Json = Record<string, unknown>;
/** An error answer: errorCode and errorMessage. */
export type Problem = { problem: [number, string] };
const err = (code: number, message: string): Problem => ({ problem: [code, message] });

export interface Token {
  value: string;
  style: 'legacy' | 'oauth2';
  issuedAt: number;
  expiresAt: number;
}

const TOKEN_LIFETIME_MS = 7200_000;
const TOKEN_REUSE_MS = 6600_000;

export class TokenIssuer {
  readonly tokens = new Map<string, Token>();

  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  issue(style: 'legacy' | 'oauth2', b: Json, now: number, ok: () => Json): Json | Problem {
    if (!b.appId) return err(10001, 'the parameter appId is missing');
    if (b.appId !== SANDBOX_APP.appId) return err(11001, 'the parameter appId is illegal');
    if (b.appSecret !== SANDBOX_APP.appSecret)
      return err(10006, 'the parameter appSecret is missing or illegal');
    if (b.permanentCode !== SANDBOX_APP.permanentCode) return err(20015, '永久授权码错误');
    if (style === 'oauth2' && b.grantType !== 'app_secret') return err(15002, 'grantType must be app_secret');
    // Within 6600 s of issue the same token comes back; after that a new one is issued (§1.2).
    let tok = [...this.tokens.values()].find(
      (t) => t.style === style && t.expiresAt > now && now - t.issuedAt < TOKEN_REUSE_MS,
    );
    if (!tok) {
      tok = {
        value: randomBytes(16).toString('hex').toUpperCase(),
        style,
        issuedAt: now,
        expiresAt: now + TOKEN_LIFETIME_MS,
      };
      this.tokens.set(tok.value, tok);
    }
    const expiresIn = Math.max(0, Math.floor((tok.expiresAt - now) / 1000));
    if (style === 'legacy') {
      return {
        ...ok(),
        errorMessage: 'success',
        corpAccessToken: tok.value,
        corpId: SANDBOX_TENANT.corpId,
        expiresIn,
      };
    }
    return {
      ...ok(),
      errorMessage: 'success',
      openUserId: SANDBOX_TENANT.admin.openUserId,
      accessToken: tok.value,
      expiresIn,
      appId: SANDBOX_APP.appId,
      ea: SANDBOX_TENANT.ea,
    };
  }

  authenticate(req: IncomingMessage, body: Json, needsUser: boolean, now: number): Problem | null {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.length > 0) {
      const m = /^Bearer (.+)$/.exec(auth);
      const tok = m ? this.tokens.get(m[1]!) : undefined;
      if (!tok || tok.expiresAt <= now || req.headers['x-fs-ea'] !== SANDBOX_TENANT.ea) {
        return err(20016, 'the cropId,cropAccessToken or authorization is error');
      }
      if (needsUser && req.headers['x-fs-userid'] !== SANDBOX_TENANT.admin.employeeId)
        return err(20012, 'openUserId 未找到');
      return null;
    }
    if (!body.corpAccessToken) return err(20017, 'corpAccessToken为必填项，不能为空');
    const tok = this.tokens.get(String(body.corpAccessToken));
    if (!tok || tok.expiresAt <= now || body.corpId !== SANDBOX_TENANT.corpId) {
      return err(20016, 'corpAccessToken不存在或者已经过期');
    }
    if (needsUser && body.currentOpenUserId !== SANDBOX_TENANT.admin.openUserId)
      return err(20012, 'openUserId 未找到');
    return null;
  }
}
