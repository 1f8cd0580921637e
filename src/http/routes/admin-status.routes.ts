// /api/admin/tenants/:tenantId/{settings,sync,subscription,errors,audit}.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TenantId } from '../../store/ids.js';
import { audit, listAudit } from '../../store/repos/audit.repo.js';
import { inboxCounts } from '../../store/repos/inbox.repo.js';
import { recentQuarantine } from '../../store/repos/quarantine.repo.js';
import { countRecords } from '../../store/repos/records.repo.js';
import { getSettings, getSyncStates, putSettings } from '../../store/repos/settings.repo.js';
import { getSubscription } from '../../store/repos/subscriptions.repo.js';
import { getTenant } from '../../store/repos/tenants.repo.js';
import type { Sql } from '../../store/sql.js';
import { actorOf } from '../auth.js';
import { errorResponses, notFound } from '../errors.js';
import { JsonObject, Limit, TenantParams, TenantSchema } from './admin-schemas.js';

export const adminStatusRoutes =
  (deps: { db: Sql }): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps;
    const tenantOr404 = async (id: string) => {
      const t = await getTenant(db, id as TenantId);
      if (!t) throw notFound(`tenant ${id}`);
      return t;
    };

    app.get(
      '/tenants/:tenantId/settings',
      {
        schema: {
          tags: ['admin: settings'],
          params: TenantParams,
          response: { 200: z.object({ settings: JsonObject }), ...errorResponses },
        },
      },
      async (req) => {
        const t = await tenantOr404(req.params.tenantId);
        return { settings: await getSettings(db, t.id) };
      },
    );

    app.put(
      '/tenants/:tenantId/settings',
      {
        schema: {
          tags: ['admin: settings'],
          description: 'Replace the tenant settings (field mapping and options) as a whole.',
          params: TenantParams,
          body: z.object({ settings: JsonObject }).strict(),
          response: { 200: z.object({ settings: JsonObject }), ...errorResponses },
        },
      },
      async (req) => {
        const t = await tenantOr404(req.params.tenantId);
        await db.transaction(async (tx) => {
          await putSettings(tx, t.id, req.body.settings);
          await audit(tx, t.id, actorOf(req), 'settings.replaced', {
            keys: Object.keys(req.body.settings).sort(),
          });
        });
        return { settings: req.body.settings };
      },
    );

    const Count = z.number().int();
    app.get(
      '/tenants/:tenantId/sync',
      {
        schema: {
          tags: ['admin: status'],
          params: TenantParams,
          response: {
            200: z.object({
              tenant: TenantSchema,
              entities: z.array(
                z.object({
                  entity: z.string(),
                  cursor: z.string().nullable(),
                  lastStartedAt: z.string().nullable(),
                  lastFinishedAt: z.string().nullable(),
                  lastError: z.string().nullable(),
                }),
              ),
              records: z.object({ partner: Count, account: Count, deal: Count }),
              inbox: z.object({ pending: Count, enqueued: Count, done: Count, failed: Count }),
              writeback: z.record(z.string(), Count),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const t = await tenantOr404(req.params.tenantId);
        const [entities, records, inbox, wb] = await Promise.all([
          getSyncStates(db, t.id),
          countRecords(db, t.id),
          inboxCounts(db, t.id),
          db.query<{ writeback_status: string; n: string }>(
            'select writeback_status, count(*) as n from results where tenant_id = $1 group by writeback_status',
            [t.id],
          ),
        ]);
        return {
          tenant: t,
          entities,
          records,
          inbox,
          writeback: Object.fromEntries(wb.map((r) => [r.writeback_status, Number(r.n)])),
        };
      },
    );

    app.get(
      '/tenants/:tenantId/subscription',
      {
        schema: {
          tags: ['admin: status'],
          description:
            'The push subscription held at the CRM (renewed by the maintenance job); null until the first one.',
          params: TenantParams,
          response: {
            200: z.object({
              subscription: z
                .object({
                  channelId: z.string(),
                  expiresAt: z.string().nullable(),
                  expired: z.boolean(),
                  renewedAt: z.string(),
                  lastError: z.string().nullable(),
                })
                .nullable(),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const t = await tenantOr404(req.params.tenantId);
        const s = await getSubscription(db, t.id);
        if (!s) return { subscription: null };
        // The notify URL hash stays internal: it only tells the renewal job the URL changed.
        const { notifyUrlHash: _hash, ...rest } = s;
        return {
          subscription: { ...rest, expired: s.expiresAt !== null && Date.parse(s.expiresAt) <= Date.now() },
        };
      },
    );

    app.get(
      '/tenants/:tenantId/errors',
      {
        schema: {
          tags: ['admin: status'],
          description: 'Recent errors: quarantined CRM records and failed write-backs.',
          params: TenantParams,
          querystring: Limit,
          response: {
            200: z.object({
              quarantine: z.array(
                z.object({
                  id: z.string(),
                  entity: z.string(),
                  recordId: z.string(),
                  reason: z.string(),
                  createdAt: z.string(),
                }),
              ),
              writeback: z.array(
                z.object({ partnerId: z.string(), period: z.string(), error: z.string().nullable() }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const t = await tenantOr404(req.params.tenantId);
        const [quarantine, failed] = await Promise.all([
          recentQuarantine(db, t.id, req.query.limit),
          db.query<{ partner_id: string; period: string; writeback_error: string | null }>(
            `select partner_id, period, writeback_error from results
             where tenant_id = $1 and writeback_status = 'failed' order by computed_at desc limit $2`,
            [t.id, req.query.limit],
          ),
        ]);
        return {
          quarantine: quarantine.map(({ raw: _raw, ...q }) => q),
          writeback: failed.map((r) => ({
            partnerId: r.partner_id,
            period: r.period,
            error: r.writeback_error,
          })),
        };
      },
    );

    app.get(
      '/tenants/:tenantId/audit',
      {
        schema: {
          tags: ['admin: status'],
          params: TenantParams,
          querystring: Limit,
          response: {
            200: z.object({
              entries: z.array(
                z.object({
                  id: z.string(),
                  actor: z.string(),
                  action: z.string(),
                  detail: JsonObject,
                  at: z.string(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const t = await tenantOr404(req.params.tenantId);
        return { entries: await listAudit(db, t.id, req.query.limit) };
      },
    );
  };
