// ONE classifier for everything Zoho can answer (fact sheet §6.4, §2.1, §2.5, §1.2).
// The client, the auth flow and per-record write outcomes all go through it, so the
// job layer only ever sees retryable | rateLimited | quotaExhausted | needsReauth | permanent.
import type { ErrorClass } from '../contract.js';
import { CrmError } from '../contract.js';

type Kind = ErrorClass['kind'];

/** Every error code in the fact sheet, with its documented HTTP status and our handling. */
export const ZOHO_ERROR_CODES: Record<string, { http: number | null; kind: Kind; meaning: string }> = {
  // Authentication / authorisation
  INVALID_TOKEN: {
    http: 401,
    kind: 'needsReauth',
    meaning: 'access token expired, revoked or from another data centre',
  },
  OAUTH_SCOPE_MISMATCH: {
    http: 401,
    kind: 'needsReauth',
    meaning: 'the grant lacks a scope; re-consent needed',
  },
  AUTHENTICATION_FAILURE: { http: 401, kind: 'needsReauth', meaning: 'authentication failed' },
  NO_PERMISSION: { http: 403, kind: 'permanent', meaning: "the user's profile lacks a permission" },
  AUTHORIZATION_FAILED: { http: 400, kind: 'permanent', meaning: 'insufficient privilege' },
  // Limits
  TOO_MANY_REQUESTS: { http: 429, kind: 'rateLimited', meaning: 'credits or (sub-)concurrency exceeded' },
  LIMIT_EXCEEDED: { http: 400, kind: 'permanent', meaning: 'a documented per-call limit was exceeded' },
  LIMIT_REACHED: { http: 400, kind: 'permanent', meaning: 'search returns at most 2,000 records' },
  // Request shape
  INVALID_MODULE: { http: 400, kind: 'permanent', meaning: 'unknown module api name' },
  INVALID_DATA: { http: 400, kind: 'permanent', meaning: 'a value has the wrong type, length or id' },
  MANDATORY_NOT_FOUND: { http: 400, kind: 'permanent', meaning: 'a required field or id is missing' },
  DUPLICATE_DATA: { http: 400, kind: 'permanent', meaning: 'a unique field clashes with another record' },
  REQUIRED_PARAM_MISSING: { http: 400, kind: 'permanent', meaning: 'a required parameter is missing' },
  INVALID_QUERY: { http: 400, kind: 'permanent', meaning: 'invalid search criteria or COQL query' },
  SYNTAX_ERROR: { http: 400, kind: 'permanent', meaning: 'COQL syntax error' },
  INVALID_REQUEST_METHOD: { http: 400, kind: 'permanent', meaning: 'wrong HTTP method' },
  INVALID_URL_PATTERN: { http: 404, kind: 'permanent', meaning: 'wrong URL' },
  MEDIA_TYPE_NOT_SUPPORTED: { http: 415, kind: 'permanent', meaning: 'missing or wrong Content-Type' },
  // Pagination
  DISCRETE_PAGINATION_LIMIT_EXCEEDED: {
    http: 400,
    kind: 'permanent',
    meaning: 'page beyond 2,000 records without page_token',
  },
  PAGINATION_LIMIT_EXCEEDED: { http: 400, kind: 'permanent', meaning: 'beyond 100,000 records' },
  TOKEN_BOUND_DATA_MISMATCH: {
    http: 400,
    kind: 'permanent',
    meaning: 'page_token used with different parameters',
  },
  EXPIRED_VALUE: { http: 400, kind: 'permanent', meaning: 'page_token older than 24 h; restart the listing' },
  AMBIGUITY_DURING_PROCESSING: { http: 400, kind: 'permanent', meaning: 'page and page_token sent together' },
  // Record state
  RECORD_LOCKED: {
    http: 400,
    kind: 'retryable',
    meaning: 'record locked by approval, Zia or merge; retry later',
  },
  NOT_APPROVED: { http: 400, kind: 'retryable', meaning: 'record awaiting approval; retry later' },
  ALREADY_MODIFIED: {
    http: 412,
    kind: 'retryable',
    meaning: 'changed since If-Unmodified-Since; re-read and retry',
  },
  RECORD_IN_BLUEPRINT: { http: 400, kind: 'permanent', meaning: 'field controlled by a blueprint' },
  DEPENDENT_FIELD_MISSING: { http: 400, kind: 'permanent', meaning: 'a dependent field is missing' },
  PATTERN_NOT_MATCHED: { http: 400, kind: 'permanent', meaning: 'value does not match the field pattern' },
  DATA_MISMATCH: { http: 400, kind: 'permanent', meaning: 'value does not fit the field' },
  NOT_ALLOWED: { http: 400, kind: 'permanent', meaning: 'operation not allowed' },
  ALREADY_USED: { http: 400, kind: 'permanent', meaning: 'value already used' },
  FEATURE_NOT_SUPPORTED: { http: 400, kind: 'permanent', meaning: 'feature not available in this edition' },
  NO_CONTENT: { http: 204, kind: 'permanent', meaning: 'nothing to return' },
  NO_RECORDS_FOUND: { http: 400, kind: 'permanent', meaning: 'no records found' },
  NOT_FOUND: { http: 404, kind: 'permanent', meaning: 'not found' },
  EXPECTED_FIELD_MISSING: { http: 400, kind: 'permanent', meaning: 'an expected field is missing' },
  CONVERTED_RECORD: { http: 400, kind: 'permanent', meaning: 'record was converted' },
  // Server
  INTERNAL_ERROR: { http: 500, kind: 'retryable', meaning: 'Zoho server error' },
  INTERNAL_SERVER_ERROR: { http: 500, kind: 'retryable', meaning: 'Zoho server error (bulk jobs)' },
  // OAuth token endpoint ({"error": "..."}, sometimes with HTTP 200)
  invalid_grant: { http: 400, kind: 'needsReauth', meaning: 'refresh token revoked or expired' },
  invalid_code: {
    http: 200,
    kind: 'needsReauth',
    meaning: 'grant code or refresh token invalid, reused or expired',
  },
  invalid_client: {
    http: 200,
    kind: 'needsReauth',
    meaning: 'client id/secret rejected (or client not enabled for this DC)',
  },
  invalid_token: { http: 200, kind: 'needsReauth', meaning: 'token rejected by the accounts server' },
  invalid_redirect_uri: {
    http: 200,
    kind: 'permanent',
    meaning: 'redirect URI does not match the registered client',
  },
  // Zoho Accounts' answer past 10 access tokens per refresh token in 10 minutes (§1.5).
  'Access Denied': { http: 400, kind: 'rateLimited', meaning: 'too many access tokens minted in 10 minutes' },
  access_denied: { http: 200, kind: 'needsReauth', meaning: 'the user denied consent' },
};

/** Default pause after a 429: Zoho sends no Retry-After (fact sheet §6.3). */
export const RATE_LIMIT_PAUSE_MS = 2_000;
/** The credit window is rolling 24 h: credits come back continuously, so look again in an hour. */
export const QUOTA_PAUSE_MS = 60 * 60 * 1000;

export interface ZohoErrorFacts {
  status?: number | null;
  code?: string | null;
  message?: string | null;
  retryAfter?: string | null;
  creditsRemaining?: string | null;
  /** Transport failures (no HTTP response): ECONNRESET, ETIMEDOUT, ECONNABORTED... */
  networkCode?: string | null;
  now?: Date;
}

/** Map what Zoho said (or a transport failure) to what the caller should do. */
export function classifyZoho(f: ZohoErrorFacts): ErrorClass {
  const code = f.code ?? '';
  const label = [code || null, f.status ? `HTTP ${f.status}` : null, f.message || null]
    .filter(Boolean)
    .join(': ');
  if (f.networkCode && !f.status) {
    return { kind: 'retryable', reason: `network error ${f.networkCode}` };
  }
  if (f.status === 429 || code === 'TOO_MANY_REQUESTS') {
    const now = f.now ?? new Date();
    const text = (f.message ?? '').toLowerCase();
    if (f.creditsRemaining === '0' || text.includes('24 hour')) {
      return {
        kind: 'quotaExhausted',
        resumeAt: new Date(now.getTime() + QUOTA_PAUSE_MS),
        reason: `API credits of the rolling 24 h window used up (${label})`,
      };
    }
    const retryAfterMs = parseRetryAfter(f.retryAfter, now) ?? RATE_LIMIT_PAUSE_MS;
    return { kind: 'rateLimited', retryAfterMs, reason: label || 'TOO_MANY_REQUESTS' };
  }
  const known = ZOHO_ERROR_CODES[code];
  if (known) return withKind(known.kind, `${label} (${known.meaning})`);
  if (f.status != null) {
    if (f.status >= 500) return { kind: 'retryable', reason: label };
    if (f.status === 401) return { kind: 'needsReauth', reason: label };
    if (f.status === 408) return { kind: 'retryable', reason: label };
  }
  return { kind: 'permanent', reason: label || 'unknown Zoho error' };
}

function withKind(kind: Kind, reason: string): ErrorClass {
  switch (kind) {
    case 'rateLimited':
      return { kind, retryAfterMs: RATE_LIMIT_PAUSE_MS, reason };
    case 'quotaExhausted':
      return { kind, resumeAt: new Date(Date.now() + QUOTA_PAUSE_MS), reason };
    default:
      return { kind, reason };
  }
}

function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

/** The connector's `classify`: anything thrown by our code, axios or Node. */
export function classifyAny(error: unknown): ErrorClass {
  if (error instanceof CrmError) return error.classification;
  if (error && typeof error === 'object') {
    const e = error as {
      code?: unknown;
      response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
      message?: unknown;
    };
    if (e.response && typeof e.response.status === 'number') {
      const body = (e.response.data ?? {}) as { code?: unknown; message?: unknown; error?: unknown };
      return classifyZoho({
        status: e.response.status,
        code: typeof body.code === 'string' ? body.code : typeof body.error === 'string' ? body.error : null,
        message: typeof body.message === 'string' ? body.message : null,
        retryAfter: headerString(e.response.headers?.['retry-after']),
        creditsRemaining: headerString(e.response.headers?.['x-api-credits-remaining']),
      });
    }
    if (typeof e.code === 'string' && /^(E[A-Z]+|ERR_[A-Z_]+)$/.test(e.code)) {
      return { kind: 'retryable', reason: `network error ${e.code}` };
    }
  }
  return { kind: 'permanent', reason: error instanceof Error ? error.message : String(error) };
}

function headerString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

/** A CrmError built from Zoho's facts (status/code/message kept in details for logs). */
export function zohoError(what: string, f: ZohoErrorFacts, details?: Record<string, unknown>): CrmError {
  const classification = classifyZoho(f);
  return new CrmError(`${what}: ${classification.reason}`, classification, {
    status: f.status ?? null,
    code: f.code ?? null,
    ...details,
  });
}
