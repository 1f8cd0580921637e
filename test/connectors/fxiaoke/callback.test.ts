import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../../connectors/contract.js';
import {
  aesDecrypt,
  buildCallbackBody,
  callbackSignature,
  decodeCallback,
  verifyFxiaokePush,
  WORKFLOW_SECRET_HEADER,
} from '../../../connectors/fxiaoke/fxiaoke.callback.js';

// Vendor test vector (fsxiaoke/open-fxiaoke-demo EventCallbackControllerTest, fact sheet §4.1).
const AES_KEY = 'O0YjM0EDOygzNykzMzUjLwUTN3MjL5ADN1QjM5gTM0A=';
const VECTOR = {
  signature: '4d7c6742d8efed705054fe895ee487df738c8c50',
  timestamp: 1604644770244,
  nonce: 'mi3wrpKNnq4YdIZC',
  messageId: 'AC11291700002A9F00000608C038697A0',
  retryTimes: 1,
  enterpriseAccount: 'gxcxkj',
  encryptedContent:
    'tRPD30ygQKxFurdWxHQKpRypuXNbRcW/knsKZBCPJv9bsKnQJlUr26USpOgJqhVUm5Q2NiVG1IBrCr0dbrsreRZY6Z5/fbw75IlGQ2d7PkMWtVTAE0RG62j7HJQWAwm+XdmQC4y1AbjHzatjjrXiCKcId112DHZSqB0qznivDStywTjscnNWhaR7xbnSbmKQWsF5YlPUEudZ+P07Ol/cd6F8IXOo+nEu7UH21hRSgKI=',
};
const OTHER_KEY = Buffer.alloc(32, 7).toString('base64');

const entityOf = (api: string) =>
  api === 'NewOpportunityObj'
    ? 'deal'
    : api === 'AccountObj'
      ? 'account'
      : api === 'PartnerObj'
        ? 'partner'
        : null;

function req(body: unknown, headers: Record<string, string> = {}): WebhookRequest {
  return { headers, query: {}, rawBody: Buffer.from(JSON.stringify(body)) };
}

describe('vendor test vector', () => {
  it('reproduces the signature with retryTimes', () => {
    expect(callbackSignature(VECTOR, AES_KEY)).toBe(VECTOR.signature);
  });
  it('decrypts to the documented event', () => {
    const d = decodeCallback(VECTOR, AES_KEY);
    expect(d.ok).toBe(true);
    if (d.ok)
      expect(d.event).toEqual({
        tenantId: 691413,
        eventType: 'update',
        apiName: 'AccountObj',
        dataId: '5f9cd4e6e4400e0001217faa',
        timestamp: 1604644208525,
        messageId: 'AC11291700002A9F00000608C038697A0',
      });
  });
  it('leaves a null retryTimes out of the concatenation', () => {
    const b = { ...VECTOR, retryTimes: null };
    expect(callbackSignature(b, AES_KEY)).not.toBe(VECTOR.signature);
    const built = buildCallbackBody({ eventType: 'update', apiName: 'PartnerObj', dataId: 'p1' }, AES_KEY, {
      timestamp: 1,
      nonce: 'n',
      messageId: 'm',
      enterpriseAccount: 'ea',
    });
    expect(decodeCallback(built, AES_KEY).ok).toBe(true);
  });
});

describe('verifyFxiaokePush: data-change callback', () => {
  const secrets = { callbackAesKey: AES_KEY };
  const opts = { now: 1604644771000 };

  it('accepts the vector, names the record and answers an encrypted, signed success', () => {
    const v = verifyFxiaokePush(req(VECTOR), secrets, entityOf, opts);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.events).toEqual([
      {
        eventKey: VECTOR.messageId,
        entity: 'account',
        operation: 'upsert',
        ids: ['5f9cd4e6e4400e0001217faa'],
      },
    ]);
    const body = v.reply?.body as {
      timestamp: number;
      nonce: string;
      encryptedResult: string;
      signature: string;
    };
    expect(aesDecrypt(body.encryptedResult, AES_KEY)).toBe('success');
    expect(body.signature).toBe(
      createHash('sha1')
        .update(`${body.timestamp}${body.nonce}${body.encryptedResult}${AES_KEY}`)
        .digest('hex'),
    );
  });

  it('rejects a tampered signature', () => {
    const v = verifyFxiaokePush(
      req({ ...VECTOR, signature: `0${VECTOR.signature.slice(1)}` }),
      secrets,
      entityOf,
      opts,
    );
    expect(v).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects tampered content even with the original signature', () => {
    const v = verifyFxiaokePush(req({ ...VECTOR, enterpriseAccount: 'evil' }), secrets, entityOf, opts);
    expect(v).toMatchObject({ ok: false, status: 401 });
  });

  it('rejects the wrong aesKey', () => {
    const v = verifyFxiaokePush(req(VECTOR), { callbackAesKey: OTHER_KEY }, entityOf, opts);
    expect(v).toMatchObject({ ok: false, status: 401 });
  });

  it('a replayed messageId (redelivery with retryTimes 2) yields the same eventKey for the inbox to dedupe', () => {
    const first = buildCallbackBody(
      { eventType: 'update', apiName: 'NewOpportunityObj', dataId: 'd1' },
      AES_KEY,
      {
        timestamp: 10,
        nonce: 'a',
        messageId: 'MSG-1',
        enterpriseAccount: 'ea',
        retryTimes: 1,
      },
    );
    const again = buildCallbackBody(
      { eventType: 'update', apiName: 'NewOpportunityObj', dataId: 'd1' },
      AES_KEY,
      {
        timestamp: 99,
        nonce: 'b',
        messageId: 'MSG-1',
        enterpriseAccount: 'ea',
        retryTimes: 2,
      },
    );
    const a = verifyFxiaokePush(req(first), secrets, entityOf, opts);
    const b = verifyFxiaokePush(req(again), secrets, entityOf, opts);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(a.events[0]?.eventKey).toBe('MSG-1');
      expect(b.events[0]?.eventKey).toBe(a.events[0]?.eventKey);
      expect(a.events[0]?.entity).toBe('deal');
    }
  });

  it('rejects stale callbacks only when a window is configured', () => {
    expect(verifyFxiaokePush(req(VECTOR), secrets, entityOf, { now: Date.now() }).ok).toBe(true);
    expect(
      verifyFxiaokePush(req(VECTOR), secrets, entityOf, { now: Date.now(), maxAgeMs: 60_000 }),
    ).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('rejects non-JSON and malformed bodies with 400', () => {
    expect(
      verifyFxiaokePush({ headers: {}, query: {}, rawBody: Buffer.from('nope') }, secrets, entityOf, opts),
    ).toMatchObject({
      ok: false,
      status: 400,
    });
    expect(verifyFxiaokePush(req({ ...VECTOR, signature: 'xyz' }), secrets, entityOf, opts)).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it('acknowledges events for objects we do not sync without producing work', () => {
    const b = buildCallbackBody({ eventType: 'update', apiName: 'LeadsObj', dataId: 'l1' }, AES_KEY, {
      timestamp: 1,
      nonce: 'n',
      messageId: 'm2',
      enterpriseAccount: 'ea',
    });
    const v = verifyFxiaokePush(req(b), secrets, entityOf, opts);
    expect(v).toMatchObject({ ok: true, events: [] });
  });
});

describe('verifyFxiaokePush: APL workflow webhook', () => {
  const secret = 'wf-secret-0123456789abcdef';
  const body = {
    source: 'channel-incentives-apl',
    apiName: 'NewOpportunityObj',
    dataId: 'd9',
    event: 'won',
    version: 1700000000000,
  };

  it('accepts the right secret and keys the event by record version', () => {
    const v = verifyFxiaokePush(
      req(body, { [WORKFLOW_SECRET_HEADER]: secret }),
      { webhookSecret: secret },
      entityOf,
      {
        now: 0,
      },
    );
    expect(v).toMatchObject({
      ok: true,
      events: [
        {
          eventKey: 'wf:NewOpportunityObj:d9:1700000000000',
          entity: 'deal',
          operation: 'upsert',
          ids: ['d9'],
        },
      ],
    });
  });
  it.each([[{}], [{ [WORKFLOW_SECRET_HEADER]: 'wrong-secret-0123456789' }]])(
    'rejects headers %j',
    (headers) => {
      expect(
        verifyFxiaokePush(req(body, headers), { webhookSecret: secret }, entityOf, { now: 0 }),
      ).toMatchObject({
        ok: false,
        status: 401,
      });
    },
  );
  it('rejects when the tenant has no secret configured', () => {
    expect(
      verifyFxiaokePush(req(body, { [WORKFLOW_SECRET_HEADER]: secret }), {}, entityOf, { now: 0 }),
    ).toMatchObject({
      ok: false,
      status: 401,
    });
  });
});
