// Verifying pushes (fact sheet §5). Zoho signs neither watch callbacks nor workflow
// webhooks, so a push is genuine only if it carries the per-tenant secret we put in
// the URL (`k`), and — for watch callbacks — our channel id and token. All three
// compared in constant time. Callbacks carry ids only: the job layer re-reads them.
import { hash } from 'node:crypto';
import type { ChangeEvent, WebhookRequest, WebhookVerdict } from '../contract.js';
import { safeEqual } from '../safe-equal.js';

export interface WebhookExpectations {
  secret: string | null;
  channelId: string;
  token: string | null;
  dealModule: string;
  partnerModule: string;
  now: Date;
}

/** A watch callback's fields we use, checked (readWatchCallback). */
interface WatchCallback {
  server_time?: number;
  module: string;
  ids: string[];
  operation: string;
  channel_id: string;
  token?: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringOrNumber = (v: unknown): v is string | number =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/**
 * The watch callback's shape, checked by hand (zod was ~3 % of the API's CPU per push):
 * `server_time` a number if present, `query_params` an object if present, `module` and
 * `operation` strings, `ids` 1–10,000 strings or numbers, `channel_id` a string or
 * number, `token` a string or null if present. Returns the first problem as
 * "field: what is wrong", or the callback with ids and channel id as strings.
 */
function readWatchCallback(b: Record<string, unknown>): WatchCallback | string {
  if (b.server_time !== undefined && !(typeof b.server_time === 'number' && Number.isFinite(b.server_time)))
    return 'server_time: expected a number';
  if (b.query_params !== undefined && !isRecord(b.query_params)) return 'query_params: expected an object';
  if (typeof b.module !== 'string') return 'module: expected a string';
  if (!Array.isArray(b.ids)) return 'ids: expected an array';
  if (b.ids.length < 1) return 'ids: expected at least 1 id';
  if (b.ids.length > 10_000) return 'ids: expected at most 10000 ids';
  const ids: string[] = new Array(b.ids.length);
  for (let i = 0; i < b.ids.length; i++) {
    const id: unknown = b.ids[i];
    if (!isStringOrNumber(id)) return `ids.${i}: expected a string or a number`;
    ids[i] = String(id);
  }
  if (typeof b.operation !== 'string') return 'operation: expected a string';
  if (!isStringOrNumber(b.channel_id)) return 'channel_id: expected a string or a number';
  if (b.token !== undefined && b.token !== null && typeof b.token !== 'string')
    return 'token: expected a string or null';
  return {
    ...(b.server_time === undefined ? {} : { server_time: b.server_time as number }),
    module: b.module,
    ids,
    operation: b.operation,
    channel_id: String(b.channel_id),
    token: b.token as string | null | undefined,
  };
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(req: WebhookRequest): Record<string, unknown> | null {
  const type = String(one(req.headers['content-type']) ?? '');
  const text = req.rawBody.toString('utf8');
  if (type.includes('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function entityOf(module: string, e: WebhookExpectations): ChangeEvent['entity'] | null {
  if (module === e.dealModule) return 'deal';
  if (module === e.partnerModule) return 'partner';
  return null;
}

export function verifyZohoWebhook(req: WebhookRequest, e: WebhookExpectations): WebhookVerdict {
  if (!e.secret) return { ok: false, status: 401, reason: 'no webhook secret configured for this tenant' };
  const body = parseBody(req);
  const secret = req.query.k ?? (typeof body?.k === 'string' ? body.k : undefined);
  if (!safeEqual(secret, e.secret)) return { ok: false, status: 401, reason: 'secret missing or wrong' };
  if (!body) return { ok: false, status: 400, reason: 'body is not JSON or form data' };

  if ('channel_id' in body) {
    const cb = readWatchCallback(body);
    if (typeof cb === 'string') return { ok: false, status: 400, reason: `watch callback ${cb}` };
    if (!safeEqual(cb.channel_id, e.channelId) || !safeEqual(cb.token ?? null, e.token)) {
      return { ok: false, status: 401, reason: 'channel id or token does not match this tenant' };
    }
    const entity = entityOf(cb.module, e);
    if (!entity) return { ok: true, events: [] };
    const ids = cb.ids.filter((id) => /^\d{1,19}$/.test(id));
    if (ids.length === 0)
      return { ok: false, status: 400, reason: 'watch callback names no valid record id' };
    const op = cb.operation.toLowerCase();
    const operation = op === 'delete' ? 'delete' : 'upsert';
    const digest = hash('sha256', ids.join(','), 'hex').slice(0, 16);
    return {
      ok: true,
      events: [
        {
          eventKey: `zoho:watch:${cb.channel_id}:${cb.server_time ?? 'na'}:${op}:${digest}`,
          entity,
          operation,
          ids,
        },
      ],
    };
  }

  // Workflow-rule webhook: the admin configures module params such as
  // ids=${Deals.Deal Id} (and optionally modified=${Deals.Modified Time}).
  const rawIds = body.ids ?? body.id ?? body.deal_id;
  const ids = (Array.isArray(rawIds) ? rawIds : String(rawIds ?? '').split(','))
    .map((x) => String(x).trim())
    .filter((x) => /^\d{1,19}$/.test(x));
  if (ids.length === 0)
    return { ok: false, status: 400, reason: 'workflow webhook names no record id (ids / id / deal_id)' };
  const module = typeof body.module === 'string' ? body.module : e.dealModule;
  const entity = entityOf(module, e);
  if (!entity) return { ok: false, status: 400, reason: `module "${module}" is not synced` };
  // Zoho sends no event id; the record's modified time (when configured) makes retries of one
  // change collapse while a later change of the same deal still counts as new.
  const stamp = typeof body.modified === 'string' && body.modified ? body.modified : String(e.now.getTime());
  return {
    ok: true,
    events: [
      { eventKey: `zoho:workflow:${module}:${ids.join(',')}:${stamp}`, entity, operation: 'upsert', ids },
    ],
  };
}
