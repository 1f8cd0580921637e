// One classifier for every Fxiaoke failure (fact sheet §3). Fxiaoke answers errors with
// HTTP 200 and `errorCode != 0`, so every response body is checked here, never the status.
// errorMessage "may change" on every doc page: we branch on errorCode only.
import { isAxiosError } from 'axios';
import { z } from 'zod';
import { CrmError, type ErrorClass } from '../contract.js';
import { CHINA_UTC_OFFSET_MS } from './fxiaoke.hosts.js';

/** The envelope every OpenAPI response carries (§3.1). */
export const FxEnvelopeSchema = z
  .object({
    errorCode: z.coerce.number().int(),
    errorMessage: z.string().optional(),
    errorDescription: z.string().optional(),
    traceId: z.string().optional(),
  })
  .loose();
export type FxEnvelope = z.infer<typeof FxEnvelopeSchema>;

/** Codes and what they mean for us (codes from §3.2; the grouping is ours, after §3.2's suggestion). */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([-1, 50009]);
/** 30004 秒频次超限, 14001 接口调用超过限制: back off and retry. */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([30004, 14001]);
/** 30002 daily quota used up (reset at 00:00 China time), 30003 no OpenAPI quota bought. */
export const QUOTA_CODES: ReadonlySet<number> = new Set([30002, 30003]);
/** 20016 only after our one refresh already happened (the client refreshes first). */
export const TOKEN_EXPIRED_CODE = 20016;
export const REAUTH_CODES: ReadonlySet<number> = new Set([20005, 20015, 20021, 20022]);
/**
 * Credential errors answered by the token endpoints (10006 observed for a bad appSecret,
 * 11001/11002/11013 illegal appId/appSecret/permanentCode, 20006 wrong appId/appSecret):
 * only an admin can fix these, so they park the tenant instead of failing each job.
 */
export const TOKEN_CREDENTIAL_CODES: ReadonlySet<number> = new Set([
  10001, 10002, 10006, 10012, 11001, 11002, 11013, 20006,
]);

/** Back-off for per-endpoint limits: the window is 20 s; 30004 is per second. */
const RATE_LIMIT_WAIT_MS: Record<number, number> = { 30004: 1_000, 14001: 20_000 };

/** An OpenAPI call that answered errorCode != 0. */
export class FxApiError extends CrmError {
  constructor(
    readonly code: number,
    readonly endpoint: string,
    readonly traceId: string | undefined,
    vendorMessage: string | undefined,
    classification: ErrorClass,
  ) {
    super(
      `Fxiaoke ${endpoint} failed with errorCode ${code}${vendorMessage ? ` (${vendorMessage})` : ''}${traceId ? ` traceId=${traceId}` : ''}`,
      classification,
      { code, endpoint, traceId },
    );
    this.name = 'FxApiError';
  }
}

/** The next 00:00 in China time (UTC+8, no DST) strictly after `now`. */
export function nextChinaMidnight(now: Date): Date {
  const local = now.getTime() + CHINA_UTC_OFFSET_MS;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  return new Date(dayStart + 86_400_000 - CHINA_UTC_OFFSET_MS);
}

export interface ClassifyContext {
  /** Path of the call (token endpoints treat credential codes as needs-reauth). */
  endpoint?: string;
  /** True when the token was already refreshed once for this call. */
  afterRefresh?: boolean;
  now?: Date;
}

/** Classifies an errorCode (the body of an HTTP-200 error). */
export function classifyCode(code: number, ctx: ClassifyContext = {}): ErrorClass {
  const reason = `errorCode ${code}`;
  if (code === 0) return { kind: 'permanent', reason: 'errorCode 0 is success, not an error' };
  if (RETRYABLE_CODES.has(code)) return { kind: 'retryable', reason };
  if (RATE_LIMIT_CODES.has(code))
    return { kind: 'rateLimited', retryAfterMs: RATE_LIMIT_WAIT_MS[code] ?? 1_000, reason };
  if (QUOTA_CODES.has(code)) {
    return {
      kind: 'quotaExhausted',
      resumeAt: nextChinaMidnight(ctx.now ?? new Date()),
      reason:
        code === 30002
          ? 'daily OpenAPI quota used up (errorCode 30002)'
          : 'no OpenAPI quota purchased (errorCode 30003)',
    };
  }
  if (code === TOKEN_EXPIRED_CODE) {
    return ctx.afterRefresh
      ? {
          kind: 'needsReauth',
          reason: 'corpAccessToken rejected again right after a refresh (errorCode 20016)',
        }
      : { kind: 'retryable', reason: 'corpAccessToken expired (errorCode 20016): refresh and retry once' };
  }
  if (REAUTH_CODES.has(code)) return { kind: 'needsReauth', reason };
  if (ctx.endpoint && isTokenEndpoint(ctx.endpoint) && TOKEN_CREDENTIAL_CODES.has(code)) {
    return { kind: 'needsReauth', reason: `app credentials rejected by the token endpoint (${reason})` };
  }
  return { kind: 'permanent', reason };
}

function isTokenEndpoint(endpoint: string): boolean {
  return endpoint.includes('corpAccessToken') || endpoint.includes('/oauth2.0/token');
}

/**
 * Node/undici socket and DNS failures: nothing reached Fxiaoke or no answer came back, so
 * the same call can succeed later. Errors thrown outside axios (a fetch, a raw socket)
 * carry these codes on the error itself or on its `cause`.
 */
export const TRANSPORT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

function transportCode(error: unknown): string | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSPORT_ERROR_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** Classifies anything thrown while talking to Fxiaoke. */
export function classifyFxiaokeError(error: unknown, ctx: ClassifyContext = {}): ErrorClass {
  if (error instanceof CrmError) return error.classification;
  if (isAxiosError(error)) {
    const status = error.response?.status;
    if (status === undefined) {
      return { kind: 'retryable', reason: `network error: ${error.code ?? error.message}` };
    }
    if (status === 429) return { kind: 'rateLimited', retryAfterMs: 20_000, reason: 'HTTP 429' };
    if (status >= 500) return { kind: 'retryable', reason: `HTTP ${status}` };
    // The gateway answers errors with 200; a 3xx/4xx means a wrong host or path (e.g. www.fxiaoke.com → 302).
    return {
      kind: 'permanent',
      reason: `HTTP ${status} from ${ctx.endpoint ?? 'Fxiaoke'} (check the cloud host setting)`,
    };
  }
  if (error instanceof z.ZodError) {
    return {
      kind: 'permanent',
      reason: `unexpected response shape: ${error.issues[0]?.message ?? 'invalid'}`,
    };
  }
  const transport = transportCode(error);
  if (transport) return { kind: 'retryable', reason: `network error: ${transport}` };
  return { kind: 'permanent', reason: error instanceof Error ? error.message : String(error) };
}

/** Throws FxApiError unless the body is a success envelope; returns the parsed body. */
export function checkEnvelope(body: unknown, endpoint: string, ctx: ClassifyContext = {}): FxEnvelope {
  const parsed = FxEnvelopeSchema.safeParse(body);
  if (!parsed.success) {
    // No errorCode at all (HTML, empty body): never treat as success.
    // Most likely a wrong host answering HTML: an admin must fix the setting.
    throw new FxApiError(-1000, endpoint, undefined, 'response has no errorCode (not an OpenAPI answer)', {
      kind: 'permanent',
      reason: 'response without errorCode (check the cloud host setting)',
    });
  }
  const env = parsed.data;
  if (env.errorCode !== 0) {
    throw new FxApiError(
      env.errorCode,
      endpoint,
      env.traceId,
      env.errorMessage,
      classifyCode(env.errorCode, { ...ctx, endpoint }),
    );
  }
  return env;
}
