// Verifying pushes (fact sheet §5). Zoho signs neither watch callbacks nor workflow
// webhooks, so a push is genuine only if it carries the per-tenant secret we put in
// the URL (`k`), and — for watch callbacks — our channel id and token. All three
// compared in constant time. Callbacks carry ids only: the job layer re-reads them.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ChangeEvent, WebhookRequest, WebhookVerdict } from '../contract.js';

export interface WebhookExpectations {
  secret: string | null;
  channelId: string;
  token: string | null;
  dealModule: string;
  partnerModule: string;
  now: Date;
}

const WatchCallbackSchema = z.object({
  server_time: z.number().optional(),
  query_params: z.record(z.string(), z.unknown()).optional(),
  module: z.string(),
  ids: z
    .array(z.union([z.string(), z.number()]).transform(String))
    .min(1)
    .max(10_000),
  operation: z.string(),
  channel_id: z.union([z.string(), z.number()]).transform(String),
  token: z.string().nullable().optional(),
  affected_fields: z.unknown().optional(),
});

/** Constant-time string equality (hashing first makes lengths equal). */
export function safeEqual(a: string | null | undefined, b: string | null | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
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
    const parsed = WatchCallbackSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return { ok: false, status: 400, reason: `watch callback ${issue.path.join('.')}: ${issue.message}` };
    }
    const cb = parsed.data;
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
    const digest = createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 16);
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
