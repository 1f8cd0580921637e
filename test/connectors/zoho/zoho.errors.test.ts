import { describe, expect, it } from 'vitest';
import { CrmError } from '../../../connectors/contract.js';
import { classifyAny, classifyZoho, ZOHO_ERROR_CODES } from '../../../connectors/zoho/zoho.errors.js';

describe('zoho error classifier', () => {
  const now = new Date('2026-11-26T00:00:00Z');
  it.each([
    // [status, code, expected kind] — every row of the fact sheet's §6.4 table plus pagination and OAuth
    [401, 'INVALID_TOKEN', 'needsReauth'],
    [401, 'OAUTH_SCOPE_MISMATCH', 'needsReauth'],
    [403, 'NO_PERMISSION', 'permanent'],
    [400, 'INVALID_MODULE', 'permanent'],
    [400, 'INVALID_DATA', 'permanent'],
    [400, 'MANDATORY_NOT_FOUND', 'permanent'],
    [400, 'DUPLICATE_DATA', 'permanent'],
    [400, 'REQUIRED_PARAM_MISSING', 'permanent'],
    [400, 'LIMIT_EXCEEDED', 'permanent'],
    [400, 'LIMIT_REACHED', 'permanent'],
    [400, 'INVALID_QUERY', 'permanent'],
    [400, 'SYNTAX_ERROR', 'permanent'],
    [400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'permanent'],
    [400, 'PAGINATION_LIMIT_EXCEEDED', 'permanent'],
    [400, 'TOKEN_BOUND_DATA_MISMATCH', 'permanent'],
    [400, 'EXPIRED_VALUE', 'permanent'],
    [400, 'AMBIGUITY_DURING_PROCESSING', 'permanent'],
    [400, 'RECORD_LOCKED', 'retryable'],
    [400, 'NOT_APPROVED', 'retryable'],
    [400, 'AUTHORIZATION_FAILED', 'permanent'],
    [400, 'INVALID_REQUEST_METHOD', 'permanent'],
    [404, 'INVALID_URL_PATTERN', 'permanent'],
    [412, 'ALREADY_MODIFIED', 'retryable'],
    [415, 'MEDIA_TYPE_NOT_SUPPORTED', 'permanent'],
    [429, 'TOO_MANY_REQUESTS', 'rateLimited'],
    [500, 'INTERNAL_ERROR', 'retryable'],
    [502, null, 'retryable'],
    [503, 'SOMETHING_NEW', 'retryable'],
    [401, null, 'needsReauth'],
    [400, 'invalid_grant', 'needsReauth'],
    [200, 'invalid_code', 'needsReauth'],
    [200, 'invalid_client', 'needsReauth'],
    [400, 'A_CODE_WE_NEVER_SAW', 'permanent'],
  ] as const)('HTTP %s %s → %s', (status, code, kind) => {
    expect(classifyZoho({ status, code, now }).kind).toBe(kind);
  });

  it('covers every code the table lists with its documented kind', () => {
    for (const [code, fact] of Object.entries(ZOHO_ERROR_CODES)) {
      expect(classifyZoho({ status: fact.http, code, now }).kind, code).toBe(fact.kind);
    }
  });

  it('429 without Retry-After backs off by the default pause; with one, honours it', () => {
    const a = classifyZoho({ status: 429, code: 'TOO_MANY_REQUESTS', now });
    expect(a).toMatchObject({ kind: 'rateLimited', retryAfterMs: 2000 });
    const b = classifyZoho({ status: 429, code: 'TOO_MANY_REQUESTS', retryAfter: '7', now });
    expect(b).toMatchObject({ kind: 'rateLimited', retryAfterMs: 7000 });
  });

  it('429 for the 24 h credit window is quota exhaustion with a resume time', () => {
    const c = classifyZoho({
      status: 429,
      code: 'TOO_MANY_REQUESTS',
      message: 'Number of API requests for the 24 hour period is exceeded',
      now,
    });
    expect(c.kind).toBe('quotaExhausted');
    if (c.kind === 'quotaExhausted') expect(c.resumeAt.getTime()).toBeGreaterThan(now.getTime());
    expect(classifyZoho({ status: 429, code: 'TOO_MANY_REQUESTS', creditsRemaining: '0', now }).kind).toBe(
      'quotaExhausted',
    );
  });

  it('transport failures are retryable; CrmError keeps its class; axios-shaped errors are read', () => {
    expect(classifyZoho({ networkCode: 'ECONNRESET' }).kind).toBe('retryable');
    expect(classifyAny(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })).kind).toBe('retryable');
    const crm = new CrmError('x', { kind: 'needsReauth', reason: 'r' });
    expect(classifyAny(crm)).toBe(crm.classification);
    const axiosLike = {
      response: { status: 400, data: { code: 'INVALID_DATA', message: 'bad' }, headers: {} },
    };
    expect(classifyAny(axiosLike).kind).toBe('permanent');
    expect(classifyAny(new Error('boom')).kind).toBe('permanent');
  });
});
