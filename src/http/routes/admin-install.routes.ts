// POST /api/admin/tenants/:tenantId/install-fields: the admin console's "check fields"
// button. Same work as `channel-incentives tenant install-fields` (onboarding.service):
// Zoho creates the result fields, Fxiaoke lists what an admin must create; discovered
// mappings are merged into the tenant's settings. 200 either way (`ok` says whether
// fields are missing); the CRM refusing answers 502 with its message.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CrmError } from '../../../connectors/contract.js';
import type { ConnectorContext } from '../../jobs/connector-deps.js';
import { UnknownTenantError } from '../../jobs/connectors.js';
import { installTenantFields } from '../../jobs/onboarding.service.js';
import type { TenantId } from '../../store/ids.js';
import { actorOf } from '../auth.js';
import { ApiError, ErrorSchema, errorResponses, notFound } from '../errors.js';
import { TenantParams } from './admin-schemas.js';

const InstallSchema = z.object({
  tenantId: z.string(),
  crm: z.enum(['zoho', 'fxiaoke']),
  ok: z.boolean(),
  created: z.array(z.string()),
  present: z.array(z.string()),
  missing: z.array(
    z.object({ label: z.string(), apiName: z.string(), type: z.string(), note: z.string().optional() }),
  ),
  keptSettings: z.array(z.string()),
});

export const adminInstallRoutes =
  (ctx: ConnectorContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/tenants/:tenantId/install-fields',
      {
        schema: {
          tags: ['admin: tenants'],
          summary: 'create (Zoho) or check (Fxiaoke) the result fields and store the discovered mapping',
          params: TenantParams,
          response: { 200: InstallSchema, ...errorResponses, 502: ErrorSchema },
        },
      },
      async (req) => {
        try {
          const r = await installTenantFields(ctx, req.params.tenantId as TenantId, actorOf(req));
          const { settings: _settings, ...rest } = r;
          return { ...rest, ok: r.missing.length === 0 };
        } catch (e) {
          if (e instanceof UnknownTenantError) throw notFound(`tenant ${req.params.tenantId}`);
          if (e instanceof CrmError)
            throw new ApiError(502, 'crm_error', e.message, { kind: e.classification.kind });
          throw e;
        }
      },
    );
  };
