// Push intake: POST /webhooks/:crm/:tenantId/:webhookToken.
//
// The URL is unguessable per tenant (tenants.webhook_token, compared in constant
// time); an unknown tenant, another CRM or a wrong token all get the same 404, so the
// route is no oracle for tenant ids. Then the tenant's connector verifies the push its
// CRM's way (Zoho: secret + channel token; Fxiaoke: signature) on the raw bytes, the
// events are recorded in the inbox (unique per tenant + event key: a duplicate is a
// no-op), and only the NEW rows are handed to the queue. The inbox row is the
// acknowledgement's durability: if the queue is down or slow the push is still
// answered 2xx and the reconciler (src/jobs/inbox-reconciler.ts) enqueues it later.
//
// Bursts (a CRM pushes thousands a second): the tenant's webhook target and connector
// are looked up once per LOOKUP_TTL_MS, not per push, and concurrent pushes of a
// tenant share their inbox insert and their handover (group commit: one statement and
// one enqueue for the pushes that arrived while the previous one ran), so a burst
// costs a few round trips per batch instead of six per push.
import type { FastifyPluginAsync } from 'fastify';
import type { CrmConnector, WebhookVerdict } from '../../../connectors/contract.js';
import { safeEqual } from '../../../connectors/safe-equal.js';
import type { ConnectorFactory } from '../../jobs/connectors.js';
import { chunks, handOver, SYNC_BATCH } from '../../jobs/inbox-intake.js';
import type { Queues } from '../../jobs/queue-factory.js';
import { WEBHOOK_PREFIX } from '../../jobs/webhook-url.js';
import { groupCommit } from '../../lib/group-commit.js';
import { ttlMemo } from '../../lib/ttl-memo.js';
import { TENANT_ID_PATTERN, type TenantId } from '../../store/ids.js';
import { type InboxEvent, type RecordedKey, recordInboxKeys } from '../../store/repos/inbox.repo.js';
import { getWebhookTarget } from '../../store/repos/tenants.repo.js';
import type { Database } from '../../store/sql.js';
import { lazyChildLogger } from '../lazy-child-logger.js';
import { API_SECURITY_HEADERS } from '../security-headers.js';

/** Pushes name records, not data; Zoho's largest (10,000 ids) is about 200 KiB. */
export const WEBHOOK_BODY_LIMIT = 512 * 1024;

/** How long a push waits for its enqueue before being answered anyway (the row is safe). */
export const ENQUEUE_BUDGET_MS = 1000;

/** How long a tenant's webhook target and connector are reused (a settings change applies after this). */
export const LOOKUP_TTL_MS = 2000;

export interface WebhookDeps {
  db: Database;
  queues: Queues;
  connectors: ConnectorFactory;
  bodyLimit?: number;
  enqueueBudgetMs?: number;
}

export { WEBHOOK_PREFIX, webhookUrl } from '../../jobs/webhook-url.js';

const NOT_FOUND = { error: { code: 'not_found', message: 'not found' } };

function firstValues(q: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((q ?? {}) as Record<string, unknown>)) {
    out[k] = Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  }
  return out;
}

export const webhookRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const bodyLimit = deps.bodyLimit ?? WEBHOOK_BODY_LIMIT;
    const webhookTarget = ttlMemo((id) => getWebhookTarget(deps.db, id as TenantId), {
      ttlMs: LOOKUP_TTL_MS,
    });
    const tenantConnector = ttlMemo<CrmConnector>(
      async (id) => (await deps.connectors.forTenant(id as TenantId)).connector,
      { ttlMs: LOOKUP_TTL_MS },
    );
    // One insert for the pushes that arrived together; each gets the rows its events
    // created (an event key two of them share is recorded once, for the first).
    const record = groupCommit<InboxEvent[], RecordedKey[]>(
      async (tenantId, pushes) => {
        const rows = await recordInboxKeys(deps.db, tenantId as TenantId, pushes.flat());
        const byKey = new Map(rows.map((r) => [r.eventKey, r]));
        return pushes.map((events) =>
          events.flatMap((e) => {
            const row = byKey.get(e.eventKey);
            byKey.delete(e.eventKey);
            return row ? [row] : [];
          }),
        );
      },
      { maxItems: 200 },
    );
    // A push names a handful of events; a batch still makes jobs of bounded size.
    const handOverAll = groupCommit<string[], true>(
      async (tenantId, pushes) => {
        await Promise.all(
          chunks(pushes.flat(), SYNC_BATCH).map((batch) =>
            handOver(deps.db, deps.queues, tenantId as TenantId, batch),
          ),
        );
        return pushes.map(() => true as const);
      },
      { maxItems: 1000 },
    );
    // Signatures are over the exact bytes: keep every body as a Buffer, whatever its
    // type (JSON, form data, text, none). Only inside this plugin's scope.
    app.removeAllContentTypeParsers();
    // Fastify's per-request child logger, made only when a push logs something (see lazy-child-logger.ts).
    app.setChildLoggerFactory(lazyChildLogger);
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

    app.post<{ Params: { crm: string; tenantId: string; webhookToken: string } }>(
      `${WEBHOOK_PREFIX}/:crm/:tenantId/:webhookToken`,
      {
        bodyLimit,
        // CRMs push in bursts from a few shared addresses; the per-IP API limit would
        // drop genuine pushes. A forged URL costs one indexed lookup and a 404.
        config: { rateLimit: false },
        schema: { hide: true },
        // The same headers as every API response (deny framing), set from constants: the
        // global helmet hook rebuilds its middleware per request (src/http/security-headers.ts).
        helmet: false,
        onRequest: (_req, reply, done) => {
          reply.headers(API_SECURITY_HEADERS);
          done();
        },
      },
      async (req, reply) => {
        const { crm, webhookToken } = req.params;
        const tenantId = req.params.tenantId as TenantId;
        const target = TENANT_ID_PATTERN.test(tenantId) ? await webhookTarget(tenantId) : null;
        // Compare even when there is no tenant, so timing does not tell tenants apart.
        const tokenOk = safeEqual(webhookToken, target?.webhookToken ?? '\u0000no-tenant');
        if (!target || !tokenOk || target.crm !== crm) return reply.status(404).send(NOT_FOUND);

        // Not req.log.child(): a child logger with redaction costs more CPU than the rest of the
        // push (measured in bench:pipeline); the tenant and CRM go with each line instead.
        const at = { tenantId, crm };
        const log = req.log;
        let verdict: WebhookVerdict;
        try {
          const connector = await tenantConnector(tenantId);
          if (!connector) throw new Error(`tenant ${tenantId} has no connector`);
          verdict = await connector.verifyWebhook({
            headers: req.headers,
            query: firstValues(req.query),
            rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          });
        } catch (err) {
          // E.g. credentials that no longer decrypt: nothing to check the push against.
          log.warn({ ...at, reason: (err as Error).message }, 'push could not be verified');
          return reply.status(401).send({ error: { code: 'unauthorized', message: 'push not verified' } });
        }
        if (!verdict.ok) {
          log.warn({ ...at, status: verdict.status, reason: verdict.reason }, 'push rejected');
          return verdict.status === 401
            ? reply.status(401).send({ error: { code: 'unauthorized', message: 'push not verified' } })
            : reply.status(400).send({ error: { code: 'invalid_request', message: verdict.reason } });
        }

        const rows =
          verdict.events.length === 0
            ? []
            : await record(
                tenantId,
                verdict.events.map((e) => ({
                  eventKey: e.eventKey,
                  entity: e.entity,
                  operation: e.operation,
                  recordIds: e.ids,
                })),
              );
        if (rows.length > 0) {
          const ids = rows.map((r) => r.id);
          const handed = handOverAll(tenantId, ids).then(
            () => true,
            (err: Error) => {
              log.warn(
                { ...at, rows: ids.length, reason: err.message },
                'push recorded, enqueue failed (reconciler retries)',
              );
              return false;
            },
          );
          // Answer within the budget whatever the queue does; the handover finishes in the background.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            handed,
            new Promise((r) => {
              timer = setTimeout(r, deps.enqueueBudgetMs ?? ENQUEUE_BUDGET_MS);
            }),
          ]);
          clearTimeout(timer);
        }
        log.info(
          {
            ...at,
            events: verdict.events.length,
            recorded: rows.length,
            duplicates: verdict.events.length - rows.length,
          },
          'push accepted',
        );
        if (verdict.reply) return reply.status(verdict.reply.status).send(verdict.reply.body);
        return reply.status(200).send({ ok: true, recorded: rows.length });
      },
    );
  };
