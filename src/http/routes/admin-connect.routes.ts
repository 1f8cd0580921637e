// POST /api/admin/connect/fxiaoke: the admin console's "connect Fxiaoke" form. The same
// work as `channel-incentives tenant connect --crm fxiaoke` (onboarding.service): the app
// credentials are checked against the Fxiaoke OpenAPI before a tenant is created with them
// sealed. Operator keys only (it creates a tenant). Zoho connects through /oauth/zoho/start.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FxiaokeConnectError } from '../../../connectors/fxiaoke/index.js';
import { connectTenant } from '../../jobs/onboarding.service.js';
import { TenantConflictError } from '../../jobs/tenants.service.js';
import { webhookUrl } from '../../jobs/webhook-url.js';
import type { Keyring } from '../../secrets/keyring.js';
import { getWebhookToken } from '../../store/repos/tenants.repo.js';
import type { Sql } from '../../store/sql.js';
import { actorOf, requireOperator } from '../auth.js';
import { ApiError, ErrorSchema, errorResponses } from '../errors.js';
import { TenantSchema } from './admin-schemas.js';

const FxiaokeConnectBody = z
  .object({
    appId: z.string().min(1).max(200),
    appSecret: z.string().min(1).max(500),
    permanentCode: z.string().min(1).max(500),
    operatorUserId: z.string().min(1).max(200).optional(),
    adminMobile: z.string().min(5).max(30).optional(),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    name: z.string().max(200).optional(),
    callbackAesKey: z.string().max(200).optional(),
    webhookSecret: z.string().min(16).max(500).optional(),
  })
  .strict()
  .refine((b) => !b.operatorUserId !== !b.adminMobile, {
    message: 'give exactly one of operatorUserId (FSUID_…) and adminMobile',
    path: ['operatorUserId'],
  });

export const adminConnectRoutes =
  (deps: { db: Sql; keyring: Keyring; publicUrl: string | null }): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, keyring } = deps;
    app.post(
      '/connect/fxiaoke',
      {
        schema: {
          tags: ['admin: tenants'],
          summary: 'connect a Fxiaoke enterprise: check the app credentials, then create its tenant',
          body: FxiaokeConnectBody,
          response: {
            201: z.object({
              tenant: TenantSchema,
              orgId: z.string(),
              operatorOpenUserId: z.string().optional(),
              webhookUrl: z.string().nullable().describe('the push URL to enter in the app (a secret)'),
            }),
            ...errorResponses,
            502: ErrorSchema,
          },
        },
      },
      async (req, reply) => {
        requireOperator(req);
        try {
          const { tenant, learned } = await connectTenant(
            db,
            keyring,
            { crm: 'fxiaoke', ...req.body },
            actorOf(req),
          );
          const token = await getWebhookToken(db, tenant.id);
          return reply.status(201).send({
            tenant,
            orgId: learned.orgId,
            operatorOpenUserId: learned.operatorOpenUserId,
            webhookUrl: deps.publicUrl && token ? webhookUrl(deps.publicUrl, tenant, token) : null,
          });
        } catch (e) {
          if (e instanceof TenantConflictError) throw new ApiError(409, 'conflict', e.message);
          if (e instanceof FxiaokeConnectError)
            throw e.reason === 'network' || e.reason === 'retryable'
              ? new ApiError(502, 'fxiaoke_unavailable', e.message)
              : new ApiError(422, 'fxiaoke_refused', e.message, { reason: e.reason });
          throw e;
        }
      },
    );
  };
