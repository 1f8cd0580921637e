import { describe, expect, it } from 'vitest';
import {
  checkEnvelope,
  classifyCode,
  classifyFxiaokeError,
  FxApiError,
  nextChinaMidnight,
} from '../../../connectors/fxiaoke/fxiaoke.errors.js';

const now = new Date('2027-03-31T15:30:00Z'); // 23:30 in Shanghai

describe('classifyCode (fact sheet §3.2)', () => {
  const table: [number, object, string][] = [
    [-1, {}, 'retryable'],
    [50009, {}, 'retryable'],
    [30004, {}, 'rateLimited'],
    [14001, {}, 'rateLimited'],
    [30002, {}, 'quotaExhausted'],
    [30003, {}, 'quotaExhausted'],
    [20016, {}, 'retryable'],
    [20016, { afterRefresh: true }, 'needsReauth'],
    [20005, {}, 'needsReauth'],
    [20015, {}, 'needsReauth'],
    [20021, {}, 'needsReauth'],
    [20022, {}, 'needsReauth'],
    [10006, { endpoint: '/cgi/corpAccessToken/get/V2' }, 'needsReauth'],
    [20006, { endpoint: '/oauth2.0/token' }, 'needsReauth'],
    [10006, { endpoint: '/cgi/crm/v2/data/query' }, 'permanent'],
    [10013, {}, 'permanent'],
    [-2, {}, 'permanent'],
    [15002, {}, 'permanent'],
    [20017, {}, 'permanent'],
  ];
  it.each(table)('errorCode %i %j → %s', (code, ctx, kind) => {
    expect(classifyCode(code, { ...ctx, now }).kind).toBe(kind);
  });

  it('30002 resumes at the next midnight in China time', () => {
    const c = classifyCode(30002, { now });
    expect(c.kind).toBe('quotaExhausted');
    if (c.kind === 'quotaExhausted') expect(c.resumeAt.toISOString()).toBe('2027-03-31T16:00:00.000Z');
  });

  it('rate-limit codes carry a wait', () => {
    const c = classifyCode(14001);
    expect(c.kind === 'rateLimited' && c.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('nextChinaMidnight', () => {
  it.each([
    ['2027-03-31T15:59:59.999Z', '2027-03-31T16:00:00.000Z'],
    ['2027-03-31T16:00:00.000Z', '2027-04-01T16:00:00.000Z'],
    ['2027-01-01T00:00:00.000Z', '2027-01-01T16:00:00.000Z'],
  ])('%s → %s', (at, expected) => {
    expect(nextChinaMidnight(new Date(at)).toISOString()).toBe(expected);
  });
});

describe('checkEnvelope: HTTP-200 errors are never success', () => {
  it('accepts errorCode 0', () => {
    expect(checkEnvelope({ errorCode: 0, errorMessage: 'success' }, '/x').errorCode).toBe(0);
  });
  it.each([
    [
      {
        errorCode: 20016,
        errorMessage: 'the cropId,cropAccessToken or authorization is error',
        traceId: 'E-O.1',
      },
    ],
    [{ errorMessage: 'corpAccessToken为必填项，不能为空', errorCode: 20017 }],
    [{ errorCode: '30004' }],
    ['<html>302</html>'],
    [{}],
    [null],
  ])('rejects %j', (body) => {
    expect(() => checkEnvelope(body, '/cgi/crm/v2/data/query')).toThrow(FxApiError);
  });
  it('keeps traceId and code on the error', () => {
    try {
      checkEnvelope({ errorCode: 30004, traceId: 'E-O.abc' }, '/cgi/crm/v2/data/query');
    } catch (e) {
      expect(e).toBeInstanceOf(FxApiError);
      const err = e as FxApiError;
      expect(err.code).toBe(30004);
      expect(err.traceId).toBe('E-O.abc');
      expect(err.message).toContain('traceId=E-O.abc');
      expect(classifyFxiaokeError(err).kind).toBe('rateLimited');
    }
  });
});

describe('classifyFxiaokeError: transport failures outside axios', () => {
  it('a Node socket error is retryable', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyFxiaokeError(e)).toEqual({ kind: 'retryable', reason: 'network error: ECONNREFUSED' });
  });

  it("fetch's TypeError is retryable through its cause", () => {
    const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    expect(classifyFxiaokeError(new TypeError('fetch failed', { cause })).kind).toBe('retryable');
  });

  it('other coded errors stay permanent (a programming error is not retried)', () => {
    const e = Object.assign(new TypeError('bad arg'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(classifyFxiaokeError(e).kind).toBe('permanent');
  });
});
