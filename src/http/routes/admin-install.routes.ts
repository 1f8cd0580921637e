// POST /api/admin/tenants/:tenantId/install-fields: the admin console's "check fields"
// button. Same work as `channel-incentives tenant install-fields` (onboarding.service):
// Zoho creates the result fields, Fxiaoke lists what an admin must create; discovered
// mappings are merged into the tenant's settings. 200 either way (`ok` says whether
// fields are missing). A CRM refusal is answered by what the admin can do about it:
// 409 reconnect first, 429 wait, 422 the CRM refused the request, 502 the CRM was unreachable.
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

function crmProblem(e: CrmError): ApiError {
  const c = e.classification;
  const details = { kind: c.kind, reason: c.reason };
  switch (c.kind) {
    case 'needsReauth':
      return new ApiError(409, 'needs_reauth', `${e.message}: reconnect the CRM first`, details);
    case 'rateLimited':
    case 'quotaExhausted':
      return new ApiError(429, 'crm_rate_limited', e.message, details);
    case 'retryable':
      return new ApiError(502, 'crm_unavailable', e.message, details);
    default:
      return new ApiError(422, 'crm_refused', e.message, details);
  }
}

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
          if (e instanceof CrmError) throw crmProblem(e);
          throw e;
        }
      },
    );
  };
