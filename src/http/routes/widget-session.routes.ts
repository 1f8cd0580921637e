// POST /api/widget/session: a Zoho widget trades the proof its Zoho Function signed
// (connectors/zoho/zoho.widget.ts) for a session token. Fxiaoke sessions are made by the
// OAuth code flow behind /fxiaoke/start instead (widget-fxiaoke.routes.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyProof } from '../../../connectors/zoho/zoho.widget.js';
import { open } from '../../secrets/cipher.js';
import type { Keyring } from '../../secrets/keyring.js';
import { TENANT_ID_PATTERN, type TenantId } from '../../store/ids.js';
import { getTenant } from '../../store/repos/tenants.repo.js';
import { getWidgetSecret } from '../../store/repos/widget-sessions.repo.js';
import type { Sql } from '../../store/sql.js';
import { issueSession } from '../../widget-api/sessions.js';
import { ApiError, errorResponses } from '../errors.js';

const ZohoProof = z.object({
  tenant: z.string().regex(TENANT_ID_PATTERN, 'must be a tenant id'),
  user: z.string().min(1).max(320),
  time: z.coerce.number().int().positive(),
  signature: z.string().min(1).max(128),
});

const SessionBody = z.discriminatedUnion('crm', [
  z
    .object({
      crm: z.literal('zoho'),
      /** The Zoho Function's answer: the map itself or its JSON text (Deluge returns text). */
      proof: z.union([ZohoProof, z.string().max(2000)]),
    })
    .strict(),
  z.object({ crm: z.literal('fxiaoke') }).strict(),
]);

export const widgetSessionRoutes =
  (deps: { db: Sql; keyring: Keyring; now: () => Date; ttlMs: number }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/session',
      {
        schema: {
          tags: ['widget'],
          description:
            'Trade a Zoho Function proof ({tenant, user, time, signature}) for a widget session token (docs/widget.md §2).',
          body: SessionBody,
          response: { 200: z.object({ token: z.string(), expiresAt: z.string() }), ...errorResponses },
        },
      },
      async (req) => {
        const body = req.body;
        if (body.crm === 'fxiaoke') {
          throw new ApiError(
            400,
            'invalid_request',
            'Fxiaoke widget sessions come from the sign-in flow: open /fxiaoke/start?tenant=…&partnerId=…',
          );
        }
        let proof: z.infer<typeof ZohoProof>;
        if (typeof body.proof === 'string') {
          let raw: unknown;
          try {
            raw = JSON.parse(body.proof);
          } catch {
            throw new ApiError(400, 'invalid_request', 'proof: not JSON');
          }
          const parsed = ZohoProof.safeParse(raw);
          if (!parsed.success) {
            throw new ApiError(
              400,
              'invalid_request',
              `proof: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`,
            );
          }
          proof = parsed.data;
        } else proof = body.proof;
        // One answer for an unknown tenant, a tenant without a secret and a bad signature:
        // the endpoint must not tell which tenant ids exist. The log says which it was.
        const refuse = (why: string) => {
          req.log.info({ tenant: proof.tenant, why }, 'widget session refused');
          return new ApiError(401, 'unauthorized', 'the Zoho proof was not accepted');
        };
        const tenant = await getTenant(deps.db, proof.tenant as TenantId);
        if (tenant?.crm !== 'zoho') throw refuse('no such Zoho tenant');
        const sealed = await getWidgetSecret(deps.db, tenant.id);
        if (!sealed) throw refuse('the tenant has no widget secret (admin: POST …/widget/zoho-function)');
        const check = verifyProof(open(deps.keyring, tenant.id, sealed), proof, deps.now());
        if (!check.ok) throw refuse(check.reason);
        return issueSession(
          deps.db,
          { tenantId: tenant.id, crm: 'zoho', crmUserId: proof.user },
          deps.now(),
          deps.ttlMs,
        );
      },
    );
  };
