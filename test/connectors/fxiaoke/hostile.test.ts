// Malformed input never crashes the mapping or the push verifier (bounded property runs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aesEncrypt,
  buildCallbackBody,
  callbackSignature,
  verifyFxiaokePush,
} from '../../../connectors/fxiaoke/fxiaoke.callback.js';
import type { ObjectDescribe } from '../../../connectors/fxiaoke/fxiaoke.describe.js';
import {
  type MappingContext,
  mapAccount,
  mapDeal,
  mapPartner,
} from '../../../connectors/fxiaoke/fxiaoke.mapping.js';
import { parseFxiaokeSettings } from '../../../connectors/fxiaoke/fxiaoke.settings.js';
import {
  buildDescribes,
  SANDBOX_FIELD_MAPPING,
} from '../../../connectors/fxiaoke/sandbox/sandbox.describe.js';
import { TEST_AES_KEY } from './harness.js';

const settings = parseFxiaokeSettings({
  operator: { openUserId: 'x' },
  ...SANDBOX_FIELD_MAPPING,
  partnerFields: { ...SANDBOX_FIELD_MAPPING.partnerFields, attributes: { target: 'field_Tq3r9__c' } },
});
const d = buildDescribes({ partnerLookupField: 'partner_id', resultFields: 'none' }) as unknown as Record<
  string,
  ObjectDescribe
>;
const ctx: MappingContext = {
  settings,
  partner: d.PartnerObj!,
  account: d.AccountObj!,
  deal: d.NewOpportunityObj!,
  status: { won: new Set(['2']), lost: new Set(['3']) },
};
const fieldNames = [
  '_id',
  'name',
  'amount',
  'close_date',
  'sales_status',
  'partner_id',
  'account_id',
  'life_status',
  'last_modified_time',
  'field_Lv8p2__c',
  'province',
  'province__r',
  'field_Tq3r9__c',
  'field_Cs4t8__c',
  'industry_level1',
];
const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  fc.constantFrom('2', '3', '1', '1690214400000', '21739535.00', '-1', '1e9', '', '__proto__'),
);
const record = fc.dictionary(fc.constantFrom(...fieldNames, '__proto__', 'constructor'), anyValue, {
  maxKeys: 12,
});

describe('hostile CRM records', () => {
  it('every record either maps or is quarantined with a reason; nothing throws', () => {
    fc.assert(
      fc.property(record, (r) => {
        for (const map of [mapPartner, mapAccount, mapDeal] as const) {
          const m = map(r, ctx);
          if (!m.ok) expect(m.quarantined.reason.length).toBeGreaterThan(0);
          else expect(m.value.record.id).toBeTruthy();
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a 32,000-character name maps; a won deal with a huge amount keeps its exact digits', () => {
    const big = '伙'.repeat(32_000);
    const p = mapPartner({ _id: 'p', name: big }, ctx);
    expect(p.ok && p.value.record.name.length).toBe(32_000);
    const amount = '123456789012345678901234567890.12';
    const r = mapDeal({ _id: 'd', amount, sales_status: '2', close_date: 1690214400000 }, ctx);
    expect(r.ok && r.value.record.amount).toBe(amount);
  });
});

describe('hostile pushes', () => {
  const entityOf = () => 'deal' as const;
  it('random bodies and headers are answered 400/401, never thrown', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.json().map((j) => Buffer.from(j)),
          fc
            .record({ encryptedContent: fc.string(), signature: fc.string(), messageId: fc.string() })
            .map((o) => Buffer.from(JSON.stringify(o))),
        ),
        fc.dictionary(fc.constantFrom('x-ci-webhook-secret', 'content-type'), fc.string({ maxLength: 40 })),
        (rawBody, headers) => {
          const v = verifyFxiaokePush(
            { headers, query: {}, rawBody },
            { callbackAesKey: TEST_AES_KEY, webhookSecret: 'a-very-secret-value-123' },
            entityOf,
            { now: 0 },
          );
          expect(v.ok).toBe(false);
          if (!v.ok) expect([400, 401]).toContain(v.status);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a signed callback whose content is not our JSON is a 400, not a crash', () => {
    const body = buildCallbackBody({ eventType: 'update', apiName: 'X', dataId: 'd' }, TEST_AES_KEY, {
      timestamp: 1,
      nonce: 'n',
      messageId: 'm',
      enterpriseAccount: 'e',
    });
    // Re-sign a body whose encrypted content is valid AES but not JSON.
    const enc = aesEncrypt('not json', TEST_AES_KEY);
    const tampered = { ...body, encryptedContent: enc };
    const signed = { ...tampered, signature: callbackSignature(tampered, TEST_AES_KEY) };
    const v = verifyFxiaokePush(
      { headers: {}, query: {}, rawBody: Buffer.from(JSON.stringify(signed)) },
      { callbackAesKey: TEST_AES_KEY },
      entityOf,
      { now: 0 },
    );
    expect(v).toMatchObject({ ok: false, status: 400 });
  });
});
