// Change push from Fxiaoke, two kinds:
// 1. The CRM data-change callback (fact sheet §4.1, official demo fsxiaoke/open-fxiaoke-demo):
//    signature = sha1(timestamp + nonce + messageId + retryTimes? + enterpriseAccount + encryptedContent + aesKey),
//    content AES-256-CBC (key = base64(aesKey), IV = key[0..16], PKCS#7), reply encrypted and signed.
// 2. Our APL workflow function (manifest/fxiaoke/), for tenants without the callback:
//    a JSON POST carrying the per-tenant secret in a header.
// Both only *name* records; the job layer re-reads them (getDeals / list with since).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChangeEvent, WebhookRequest, WebhookVerdict } from '../contract.js';
import { safeEqual } from '../safe-equal.js';

export const CallbackBodySchema = z.object({
  signature: z.string().regex(/^[0-9a-fA-F]{40}$/, 'signature must be 40 hex characters'),
  timestamp: z.union([z.number(), z.string().regex(/^\d+$/)]),
  nonce: z.string(),
  messageId: z.string().min(1),
  retryTimes: z.union([z.number().int(), z.string().regex(/^\d+$/)]).nullish(),
  enterpriseAccount: z.string(),
  encryptedContent: z.string().min(1),
});
export type CallbackBody = z.infer<typeof CallbackBodySchema>;

/** The decrypted event: it names the object and the record only (§4.1). */
export const CallbackEventSchema = z
  .object({
    tenantId: z.union([z.number(), z.string()]).optional(),
    eventType: z.string(),
    apiName: z.string(),
    dataId: z.string().min(1),
    timestamp: z.number().optional(),
    messageId: z.string().optional(),
  })
  .loose();
export type CallbackEvent = z.infer<typeof CallbackEventSchema>;

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');

function keyOf(aesKey: string): Buffer {
  const key = Buffer.from(aesKey, 'base64');
  if (key.length !== 32)
    throw new Error(`callback aesKey must be base64 of 32 bytes, got ${key.length} bytes`);
  return key;
}

/** The documented concatenation; a null retryTimes is left out, as the Java demo does. */
export function callbackSignature(b: Omit<CallbackBody, 'signature'>, aesKey: string): string {
  const retry = b.retryTimes === null || b.retryTimes === undefined ? '' : String(b.retryTimes);
  return sha1(
    `${b.timestamp}${b.nonce}${b.messageId}${retry}${b.enterpriseAccount}${b.encryptedContent}${aesKey}`,
  );
}

export function aesEncrypt(plain: string, aesKey: string): string {
  const key = keyOf(aesKey);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

export function aesDecrypt(b64: string, aesKey: string): string {
  const key = keyOf(aesKey);
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  return Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8');
}

export { safeEqual } from '../safe-equal.js';

/** Signature of our reply: sha1(timestamp + nonce + encryptedResult + aesKey) (§4.1). */
export function replySignature(
  timestamp: number | string,
  nonce: string,
  encryptedResult: string,
  aesKey: string,
): string {
  return sha1(`${timestamp}${nonce}${encryptedResult}${aesKey}`);
}

/** The encrypted, signed reply Fxiaoke expects (`success`, or an error text). */
export function callbackReply(aesKey: string, now: number, text = 'success') {
  const encryptedResult = aesEncrypt(text, aesKey);
  const nonce = randomBytes(8).toString('hex');
  return {
    timestamp: now,
    nonce,
    encryptedResult,
    signature: replySignature(now, nonce, encryptedResult, aesKey),
  };
}

/** What the vendor side does: encrypt and sign an event (used by the sandbox and tests). */
export function buildCallbackBody(
  event: CallbackEvent,
  aesKey: string,
  meta: {
    timestamp: number;
    nonce: string;
    messageId: string;
    enterpriseAccount: string;
    retryTimes?: number | null;
  },
): CallbackBody {
  const encryptedContent = aesEncrypt(JSON.stringify(event), aesKey);
  const unsigned = { ...meta, retryTimes: meta.retryTimes ?? null, encryptedContent };
  return { ...unsigned, signature: callbackSignature(unsigned, aesKey) };
}

export type DecodedCallback =
  | { ok: true; body: CallbackBody; event: CallbackEvent }
  | { ok: false; status: 400 | 401; reason: string };

/** Verifies the signature (constant time) and decrypts the content. */
export function decodeCallback(
  raw: unknown,
  aesKey: string,
  opts: { now?: number; maxAgeMs?: number | null } = {},
): DecodedCallback {
  const parsed = CallbackBodySchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return {
      ok: false,
      status: 400,
      reason: `callback body: ${i?.path.join('.') || '(root)'}: ${i?.message}`,
    };
  }
  const body = parsed.data;
  const expected = callbackSignature(body, aesKey);
  if (!safeEqual(expected, body.signature.toLowerCase())) {
    return {
      ok: false,
      status: 401,
      reason: 'callback signature does not match (wrong aesKey or tampered body)',
    };
  }
  if (
    opts.maxAgeMs &&
    opts.now !== undefined &&
    Math.abs(opts.now - Number(body.timestamp)) > opts.maxAgeMs
  ) {
    return {
      ok: false,
      status: 401,
      reason: `callback timestamp outside the accepted window of ${opts.maxAgeMs} ms`,
    };
  }
  let text: string;
  try {
    text = aesDecrypt(body.encryptedContent, aesKey);
  } catch {
    return { ok: false, status: 401, reason: 'callback content does not decrypt with the tenant aesKey' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: 'decrypted callback content is not JSON' };
  }
  const ev = CallbackEventSchema.safeParse(json);
  if (!ev.success)
    return { ok: false, status: 400, reason: `callback event: ${ev.error.issues[0]?.message}` };
  return { ok: true, body, event: ev.data };
}

/** Body our APL workflow function posts (manifest/fxiaoke/deal-won-webhook.groovy). */
export const WorkflowBodySchema = z.object({
  source: z.literal('channel-incentives-apl'),
  apiName: z.string().min(1),
  dataId: z.string().min(1),
  event: z.string().min(1),
  /** The record's last_modified_time: a redelivery of the same change has the same key. */
  version: z.union([z.number(), z.string()]).nullish(),
  ts: z.number().optional(),
});
export type WorkflowBody = z.infer<typeof WorkflowBodySchema>;

export const WORKFLOW_SECRET_HEADER = 'x-ci-webhook-secret';

export type EntityOf = (apiName: string) => ChangeEvent['entity'] | null;

/** Event types other than "update" are UNVERIFIED: the delete-like ones come from settings. */
export const DEFAULT_DELETE_EVENT_TYPES = ['delete', 'deleted', 'remove', 'invalid', 'invalidate'];

function operationOf(eventType: string, deleteTypes: readonly string[]): ChangeEvent['operation'] {
  // 作废 (invalid) takes the record out of every list, like a delete; add/update/recover re-read it.
  return deleteTypes.some((t) => t.toLowerCase() === eventType.toLowerCase()) ? 'delete' : 'upsert';
}

export interface VerifySecrets {
  callbackAesKey?: string | undefined;
  webhookSecret?: string | undefined;
}

function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name] ?? req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Authenticates and parses either push kind. The eventKey is the callback's messageId
 * (the inbox dedupes on it, so a replay maps onto the same row), or for the workflow
 * function apiName:dataId:version.
 */
export function verifyFxiaokePush(
  req: WebhookRequest,
  secrets: VerifySecrets,
  entityOf: EntityOf,
  opts: { now: number; maxAgeMs?: number | null; deleteEventTypes?: readonly string[] },
): WebhookVerdict {
  const deleteTypes = opts.deleteEventTypes ?? DEFAULT_DELETE_EVENT_TYPES;
  let raw: unknown;
  try {
    raw = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'push body is not JSON' };
  }
  if (raw && typeof raw === 'object' && 'encryptedContent' in raw) {
    if (!secrets.callbackAesKey)
      return { ok: false, status: 401, reason: 'no callback aesKey configured for this tenant' };
    const d = decodeCallback(raw, secrets.callbackAesKey, { now: opts.now, maxAgeMs: opts.maxAgeMs ?? null });
    if (!d.ok) return d;
    const reply = { status: 200, body: callbackReply(secrets.callbackAesKey, opts.now) };
    const entity = entityOf(d.event.apiName);
    if (!entity) return { ok: true, events: [], reply };
    return {
      ok: true,
      events: [
        {
          eventKey: d.body.messageId,
          entity,
          operation: operationOf(d.event.eventType, deleteTypes),
          ids: [d.event.dataId],
        },
      ],
      reply,
    };
  }
  const given = header(req, WORKFLOW_SECRET_HEADER);
  if (!secrets.webhookSecret)
    return { ok: false, status: 401, reason: 'no workflow webhook secret configured for this tenant' };
  if (!given || !safeEqual(given, secrets.webhookSecret)) {
    return { ok: false, status: 401, reason: `missing or wrong ${WORKFLOW_SECRET_HEADER} header` };
  }
  const wf = WorkflowBodySchema.safeParse(raw);
  if (!wf.success) {
    const i = wf.error.issues[0];
    return {
      ok: false,
      status: 400,
      reason: `workflow body: ${i?.path.join('.') || '(root)'}: ${i?.message}`,
    };
  }
  const entity = entityOf(wf.data.apiName);
  if (!entity) return { ok: true, events: [], reply: { status: 200, body: { ok: true } } };
  const version = wf.data.version ?? wf.data.ts ?? 'na';
  return {
    ok: true,
    events: [
      {
        eventKey: `wf:${wf.data.apiName}:${wf.data.dataId}:${version}`,
        entity,
        operation: operationOf(wf.data.event, deleteTypes),
        ids: [wf.data.dataId],
      },
    ],
    reply: { status: 200, body: { ok: true } },
  };
}
