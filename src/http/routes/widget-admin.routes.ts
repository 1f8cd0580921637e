// POST /api/admin/tenants/:tenantId/widget/zoho-function: makes a new per-tenant widget
// secret and answers the Zoho Function (Deluge) that signs the signed-in user with it
// (connectors/zoho/zoho.widget.ts). The secret is shown only inside that source, once;
// calling again replaces it (the old function stops working: paste the new one).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { delugeSessionFunction, ZOHO_SESSION_FUNCTION } from '../../../connectors/zoho/zoho.widget.js';
import { seal } from '../../secrets/cipher.js';
import type { Keyring } from '../../secrets/keyring.js';
import type { TenantId } from '../../store/ids.js';
import { audit } from '../../store/repos/audit.repo.js';
import { getTenant } from '../../store/repos/tenants.repo.js';
import { putWidgetSecret } from '../../store/repos/widget-sessions.repo.js';
import type { Sql } from '../../store/sql.js';
import { newSecret } from '../../widget-api/sessions.js';
import { actorOf } from '../auth.js';
import { ApiError, errorResponses, notFound } from '../errors.js';
import { TenantParams } from './admin-schemas.js';

export const widgetAdminRoutes =
  (deps: { db: Sql; keyring: Keyring }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/tenants/:tenantId/widget/zoho-function',
      {
        schema: {
          tags: ['admin: widget'],
          description:
            'New widget secret for a Zoho tenant; answers the Deluge source of the session function to paste into Zoho.',
          params: TenantParams,
          response: {
            200: z.object({ name: z.string(), source: z.string() }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const tenant = await getTenant(deps.db, req.params.tenantId as TenantId);
        if (!tenant) throw notFound(`tenant ${req.params.tenantId}`);
        if (tenant.crm !== 'zoho') {
          throw new ApiError(
            409,
            'conflict',
            'only Zoho tenants use a session function (Fxiaoke signs in by OAuth)',
          );
        }
        const secret = newSecret();
        // Sealed like the CRM credentials: AES-GCM bound to the tenant id.
        const sealed = seal(deps.keyring, tenant.id, secret);
        await deps.db.transaction(async (tx) => {
          await putWidgetSecret(tx, tenant.id, sealed);
          await audit(tx, tenant.id, actorOf(req), 'widget.secret.replaced', {});
        });
        return { name: ZOHO_SESSION_FUNCTION, source: delugeSessionFunction(tenant.id, secret) };
      },
    );
  };
