import { describe, expect, it } from 'vitest';
import { channelIdFor, withSecret } from '../../../connectors/zoho/zoho.watch.js';
import { verifyZohoWebhook } from '../../../connectors/zoho/zoho.webhook.js';

const expect_ = {
  secret: 's3cret',
  channelId: '1000000068001',
  token: 'TOKEN_FOR_VERIFICATION_OF_1000000068001',
  dealModule: 'Deals',
  partnerModule: 'Accounts',
  now: new Date('2027-01-01T00:00:00Z'),
};

// The fact sheet's callback sample (§5.1), module switched to Deals.
const sample = {
  server_time: 1718117126473,
  query_params: { k: 's3cret' },
  module: 'Deals',
  resource_uri: 'https://www.zohoapis.com/crm/v2/Deals',
  ids: ['5725767000003000064'],
  affected_fields: [],
  operation: 'update',
  channel_id: '1000000068001',
  token: 'TOKEN_FOR_VERIFICATION_OF_1000000068001',
};

const req = (body: unknown, query: Record<string, string> = { k: 's3cret' }, type = 'application/json') => ({
  headers: { 'content-type': type },
  query,
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('zoho webhook verification', () => {
  it('accepts a genuine watch callback and names the deal', () => {
    const v = verifyZohoWebhook(req(sample), expect_);
    expect(v).toEqual({
      ok: true,
      events: [
        {
          eventKey: expect.stringMatching(/^zoho:watch:1000000068001:1718117126473:update:/),
          entity: 'deal',
          operation: 'upsert',
          ids: ['5725767000003000064'],
        },
      ],
    });
    // The same callback delivered twice has the same event key (the inbox dedupes it).
    const again = verifyZohoWebhook(req(sample), expect_);
    expect(again.ok && v.ok && again.events[0]!.eventKey === v.events[0]!.eventKey).toBe(true);
  });

  it.each([
    ['wrong secret', req(sample, { k: 'guess' })],
    ['no secret', req(sample, {})],
    ['wrong token', req({ ...sample, token: 'TOKEN_FOR_VERIFICATION_OF_1000000068002' })],
    ['wrong channel', req({ ...sample, channel_id: '1000000068002' })],
    ['no token', req({ ...sample, token: null })],
  ])('rejects a callback with %s (401)', (_name, r) => {
    const v = verifyZohoWebhook(r, expect_);
    expect(v).toMatchObject({ ok: false, status: 401 });
  });

  it('maps deletes and refuses malformed bodies', () => {
    const del = verifyZohoWebhook(req({ ...sample, operation: 'delete' }), expect_);
    expect(del.ok && del.events[0]!.operation).toBe('delete');
    expect(verifyZohoWebhook(req('{not json'), expect_)).toMatchObject({ ok: false, status: 400 });
    expect(verifyZohoWebhook(req({ ...sample, ids: [] }), expect_)).toMatchObject({ ok: false, status: 400 });
    expect(verifyZohoWebhook(req({ ...sample, ids: ['../etc'] }), expect_)).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it('accepts a workflow-rule webhook (form data) authenticated by the secret parameter', () => {
    const body = 'ids=5725767000003000064&modified=2027-01-01T10%3A00%3A00%2B08%3A00&k=s3cret';
    const v = verifyZohoWebhook(req(body, {}, 'application/x-www-form-urlencoded'), expect_);
    expect(v).toEqual({
      ok: true,
      events: [
        {
          eventKey: 'zoho:workflow:Deals:5725767000003000064:2027-01-01T10:00:00+08:00',
          entity: 'deal',
          operation: 'upsert',
          ids: ['5725767000003000064'],
        },
      ],
    });
    const wrong = verifyZohoWebhook(
      req(body.replace('k=s3cret', 'k=nope'), {}, 'application/x-www-form-urlencoded'),
      expect_,
    );
    expect(wrong).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses everything when the tenant has no secret yet', () => {
    expect(verifyZohoWebhook(req(sample), { ...expect_, secret: null })).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('derives a stable numeric channel id per tenant and puts the secret in the notify URL', () => {
    const a = channelIdFor('tenant-a', null);
    expect(a).toMatch(/^\d{13,19}$/);
    expect(channelIdFor('tenant-a', null)).toBe(a);
    expect(channelIdFor('tenant-b', null)).not.toBe(a);
    expect(channelIdFor('x', '42')).toBe('42');
    expect(withSecret('https://h.example/webhooks/zoho/t1?x=1', 'abc')).toBe(
      'https://h.example/webhooks/zoho/t1?x=1&k=abc',
    );
  });
});
