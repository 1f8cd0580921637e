// /api/admin/tenants: list, create (operator), show, pause/resume, replace credentials.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addTenant,
  changeTenantStatus,
  replaceCredentials,
  TenantConflictError,
} from '../../jobs/tenants.service.js';
import type { Keyring } from '../../secrets/keyring.js';
import type { TenantId } from '../../store/ids.js';
import { getTenant, listTenants } from '../../store/repos/tenants.repo.js';
import type { Sql } from '../../store/sql.js';
import { actorOf, principal, requireOperator } from '../auth.js';
import { ApiError, errorResponses, notFound } from '../errors.js';
import { JsonObject, TenantParams, TenantSchema } from './admin-schemas.js';

export const adminTenantRoutes =
  (deps: { db: Sql; keyring: Keyring }): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, keyring } = deps;
    const tags = ['admin: tenants'];

    app.get(
      '/tenants',
      {
        schema: { tags, response: { 200: z.object({ tenants: z.array(TenantSchema) }), ...errorResponses } },
      },
      async (req) => {
        const own = principal(req).tenantId;
        if (own === null) return { tenants: await listTenants(db) };
        const t = await getTenant(db, own);
        return { tenants: t ? [t] : [] };
      },
    );

    app.post(
      '/tenants',
      {
        schema: {
          tags,
          body: z
            .object({
              crm: z.enum(['zoho', 'fxiaoke']),
              orgId: z.string().min(1).max(200),
              region: z.string().max(200).optional(),
              name: z.string().max(200).optional(),
              credentials: JsonObject.optional(),
              settings: JsonObject.optional(),
            })
            .strict(),
          response: { 201: TenantSchema, ...errorResponses },
        },
      },
      async (req, reply) => {
        requireOperator(req);
        try {
          const tenant = await addTenant(db, keyring, req.body, actorOf(req));
          return reply.status(201).send(tenant);
        } catch (err) {
          if (err instanceof TenantConflictError) throw new ApiError(409, 'conflict', err.message);
          throw err;
        }
      },
    );

    app.get(
      '/tenants/:tenantId',
      { schema: { tags, params: TenantParams, response: { 200: TenantSchema, ...errorResponses } } },
      async (req) => {
        const t = await getTenant(db, req.params.tenantId as TenantId);
        if (!t) throw notFound(`tenant ${req.params.tenantId}`);
        return t;
      },
    );

    app.post(
      '/tenants/:tenantId/pause',
      {
        schema: {
          tags,
          params: TenantParams,
          body: z
            .object({
              reason: z.string().max(500).optional(),
              until: z.iso.datetime({ offset: true }).optional(),
            })
            .strict()
            .optional(),
          response: { 200: TenantSchema, ...errorResponses },
        },
      },
      async (req) => {
        const t = await changeTenantStatus(
          db,
          req.params.tenantId as TenantId,
          {
            status: 'paused',
            reason: req.body?.reason ?? 'paused by an admin',
            until: req.body?.until ? new Date(req.body.until) : null,
          },
          actorOf(req),
        );
        if (!t) throw notFound(`tenant ${req.params.tenantId}`);
        return t;
      },
    );

    app.post(
      '/tenants/:tenantId/resume',
      { schema: { tags, params: TenantParams, response: { 200: TenantSchema, ...errorResponses } } },
      async (req) => {
        const t = await changeTenantStatus(
          db,
          req.params.tenantId as TenantId,
          { status: 'active' },
          actorOf(req),
        );
        if (!t) throw notFound(`tenant ${req.params.tenantId}`);
        return t;
      },
    );

    app.put(
      '/tenants/:tenantId/credentials',
      {
        schema: {
          tags,
          params: TenantParams,
          body: z.object({ credentials: JsonObject }).strict(),
          response: { 200: z.object({ updated: z.literal(true) }), ...errorResponses },
        },
      },
      async (req) => {
        const ok = await replaceCredentials(
          db,
          keyring,
          req.params.tenantId as TenantId,
          req.body.credentials,
          actorOf(req),
        );
        if (!ok) throw notFound(`tenant ${req.params.tenantId}`);
        return { updated: true as const };
      },
    );
  };
