// Zoho OAuth for the admin console (fact sheet §1.1): start → Zoho's consent page in
// the org's data centre → callback with the grant code.
//
// - `GET /oauth/zoho/start?tenant=T` (re)connects an existing tenant with the client
//   stored for it; `POST /oauth/zoho/start` {dataCentre, clientId, clientSecret, …}
//   connects a new org (operator key: it creates a tenant; the secret travels in a
//   body, never a URL). Both need the admin key and answer the authorize URL
//   (302, or JSON for `Accept: application/json` and for POST).
// - `GET /oauth/zoho/callback` carries no key (Zoho's redirect cannot): the signed,
//   10-minute `state` names the tenant (or holds the new org's client, sealed with the
//   server's key) and the redirect URI. `accounts-server` must be a Zoho data centre
//   or the tenant's configured override, so a forged redirect cannot make us send the
//   client secret elsewhere; `location` picks the data centre.
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  accountsFromRedirect,
  buildAuthorizeUrl,
  createInstallState,
  isZohoDataCentre,
  verifyInstallState,
  ZOHO_DATA_CENTRE_IDS,
  ZOHO_DATA_CENTRES,
  ZohoConnectError,
  type ZohoDataCentre,
} from '../../../connectors/zoho/index.js';
import { connectTenant, reconnectZohoTenant } from '../../jobs/onboarding.service.js';
import { TenantConflictError } from '../../jobs/tenants.service.js';
import { open, seal } from '../../secrets/cipher.js';
import type { Keyring } from '../../secrets/keyring.js';
import { credentialVault } from '../../secrets/vault.js';
import type { TenantId } from '../../store/ids.js';
import { TENANT_ID_PATTERN } from '../../store/ids.js';
import { authenticateAdminKey } from '../../store/repos/admin-keys.repo.js';
import { getSettings } from '../../store/repos/settings.repo.js';
import { getTenant } from '../../store/repos/tenants.repo.js';
import type { Sql } from '../../store/sql.js';
import { ApiError, ErrorSchema, errorResponses, notFound } from '../errors.js';

const NEW_ORG_AAD = 'zoho-oauth-new-org';

/** The state's HMAC secret per key of the keyring: a rotated key still verifies a state it signed. */
const stateSecrets = (keyring: Keyring) =>
  [keyring.activeId, ...[...keyring.keys.keys()].filter((k) => k !== keyring.activeId)].map((id) =>
    createHmac('sha256', keyring.keys.get(id)!).update('zoho-oauth-state').digest('base64url'),
  );

const StatePayload = z.union([
  z.object({ tenant: z.string().regex(TENANT_ID_PATTERN), redirectUri: z.string().url() }),
  z.object({ org: z.object({ keyId: z.string(), data: z.string() }), redirectUri: z.string().url() }),
]);

const NewOrg = z.object({
  dataCentre: z.enum(ZOHO_DATA_CENTRE_IDS as [ZohoDataCentre, ...ZohoDataCentre[]]),
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
  accountsUrl: z.string().url().optional(),
  apiDomain: z.string().url().optional(),
  name: z.string().max(200).optional(),
});

const StoredClient = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  dataCentre: z.string().default('us'),
  accountsUrl: z.string().url().nullable().optional(),
});

const StartAnswer = z.object({ authorizeUrl: z.string(), expiresInSeconds: z.number() });
const Connected = z.object({ tenantId: z.string(), orgId: z.string(), created: z.boolean() });

export const oauthZohoRoutes =
  (deps: { db: Sql; keyring: Keyring; publicUrl: string | null; now?: () => Date }): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, keyring } = deps;
    const now = deps.now ?? (() => new Date());
    const tags = ['oauth: zoho'];

    async function adminKey(req: FastifyRequest) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      const key = m ? await authenticateAdminKey(db, m[1]!) : null;
      if (!key)
        throw new ApiError(401, 'unauthorized', 'admin API key required: send "Authorization: Bearer <key>"');
      return key;
    }

    const callbackUrl = (req: FastifyRequest) =>
      `${(deps.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '')}/oauth/zoho/callback`;

    const state = (payload: z.infer<typeof StatePayload>) =>
      createInstallState(stateSecrets(keyring)[0]!, JSON.stringify(payload), now());

    app.get(
      '/oauth/zoho/start',
      {
        schema: {
          tags,
          summary: 'reconnect a Zoho tenant: redirect to the consent page of its data centre',
          security: [{ adminKey: [] }],
          querystring: z.object({ tenant: z.string().regex(TENANT_ID_PATTERN, 'must be a tenant id') }),
          response: { 200: StartAnswer, ...errorResponses },
        },
      },
      async (req, reply) => {
        const key = await adminKey(req);
        const id = req.query.tenant as TenantId;
        const tenant = key.tenantId === null || key.tenantId === id ? await getTenant(db, id) : null;
        if (tenant?.crm !== 'zoho') throw notFound(`Zoho tenant ${id}`);
        let client: z.infer<typeof StoredClient>;
        try {
          client = StoredClient.parse(await credentialVault(db, keyring, tenant.id).read());
        } catch {
          throw new ApiError(
            422,
            'no_client',
            `tenant ${id} has no Zoho client id and secret stored: connect it with POST /oauth/zoho/start`,
          );
        }
        const dc = isZohoDataCentre(client.dataCentre) ? client.dataCentre : 'us';
        const redirectUri = callbackUrl(req);
        const url = buildAuthorizeUrl({
          accountsUrl: client.accountsUrl ?? ZOHO_DATA_CENTRES[dc].accounts,
          clientId: client.clientId,
          redirectUri,
          state: state({ tenant: tenant.id, redirectUri }),
        });
        if ((req.headers.accept ?? '').includes('application/json'))
          return { authorizeUrl: url, expiresInSeconds: 600 };
        return reply.redirect(url, 302);
      },
    );

    app.post(
      '/oauth/zoho/start',
      {
        schema: {
          tags,
          summary: 'connect a new Zoho org: the consent URL of its data centre (operator key)',
          security: [{ adminKey: [] }],
          body: NewOrg.strict(),
          response: { 200: StartAnswer, ...errorResponses },
        },
      },
      async (req) => {
        const key = await adminKey(req);
        if (key.tenantId !== null)
          throw new ApiError(403, 'forbidden', 'connecting a new org creates a tenant: use an operator key');
        const redirectUri = callbackUrl(req);
        const sealed = seal(keyring, NEW_ORG_AAD, JSON.stringify(req.body));
        const url = buildAuthorizeUrl({
          accountsUrl: req.body.accountsUrl ?? ZOHO_DATA_CENTRES[req.body.dataCentre].accounts,
          clientId: req.body.clientId,
          redirectUri,
          state: state({ org: sealed, redirectUri }),
        });
        return { authorizeUrl: url, expiresInSeconds: 600 };
      },
    );

    app.get(
      '/oauth/zoho/callback',
      {
        schema: {
          tags,
          summary: "Zoho's redirect after consent (authenticated by the signed state)",
          querystring: z.looseObject({
            state: z.string().max(4000).optional(),
            code: z.string().max(500).optional(),
            error: z.string().max(200).optional(),
            location: z.string().max(20).optional(),
            'accounts-server': z.string().max(200).optional(),
          }),
          description:
            'Answers the new or reconnected tenant as JSON; a browser (Accept: text/html) is sent on to ' +
            'the admin console (303 to /admin?connected=<tenant>).',
          response: { 200: Connected, ...errorResponses, 502: ErrorSchema },
        },
      },
      async (req, reply) => {
        // A browser coming back from Zoho's consent page lands in the admin console with the
        // tenant chosen; API clients get the JSON answer.
        const done = (r: z.infer<typeof Connected>) =>
          (req.headers.accept ?? '').includes('text/html')
            ? reply.redirect(`/admin?${new URLSearchParams({ connected: r.tenantId })}`, 303)
            : r;
        const q = req.query as Record<string, string | undefined>;
        let verified: { tenantId: string } | null = null;
        for (const secret of stateSecrets(keyring)) {
          verified = q.state ? verifyInstallState(secret, q.state, now()) : null;
          if (verified) break;
        }
        const parsed = verified ? StatePayload.safeParse(JSON.parse(verified.tenantId)) : null;
        if (!parsed?.success)
          throw new ApiError(
            401,
            'invalid_state',
            'missing, forged or expired state: start the connection again',
          );
        if (q.error)
          throw new ApiError(400, 'consent_refused', `Zoho answered "${q.error}": consent was not given`);
        if (!q.code) throw new ApiError(400, 'invalid_request', 'the redirect carries no code');
        const p = parsed.data;
        try {
          if ('tenant' in p) {
            const tenant = await getTenant(db, p.tenant as TenantId);
            if (!tenant) throw notFound(`tenant ${p.tenant}`);
            const stored = StoredClient.safeParse(await credentialVault(db, keyring, tenant.id).read());
            if (!stored.success)
              throw new ApiError(409, 'no_client', `tenant ${tenant.id} no longer has a Zoho client stored`);
            const client = stored.data;
            const settings = await getSettings(db, tenant.id);
            const where = redirectTarget(q, client.accountsUrl ?? null, client.dataCentre);
            const apiDomain = (settings.allowedApiDomains as string[] | undefined)?.find(
              (u) => u !== where.accountsUrl,
            );
            const r = await reconnectZohoTenant(
              db,
              keyring,
              tenant,
              {
                ...where,
                apiDomain: apiDomain ?? null,
                clientId: client.clientId,
                clientSecret: client.clientSecret,
                grantCode: q.code,
                redirectUri: p.redirectUri,
              },
              'oauth:zoho',
            );
            return done({ tenantId: r.tenant.id, orgId: r.learned.orgId, created: false });
          }
          const org = NewOrg.parse(JSON.parse(open(keyring, NEW_ORG_AAD, p.org)));
          const where = redirectTarget(q, org.accountsUrl ?? null, org.dataCentre);
          const r = await connectTenant(
            db,
            keyring,
            {
              crm: 'zoho',
              name: org.name,
              ...where,
              apiDomain: org.apiDomain ?? null,
              clientId: org.clientId,
              clientSecret: org.clientSecret,
              grantCode: q.code,
              redirectUri: p.redirectUri,
            },
            'oauth:zoho',
          );
          return done({ tenantId: r.tenant.id, orgId: r.learned.orgId, created: true });
        } catch (e) {
          if (e instanceof ZohoConnectError)
            throw e.reason === 'network'
              ? new ApiError(502, 'zoho_unavailable', e.message)
              : new ApiError(422, 'zoho_refused', e.message);
          if (e instanceof TenantConflictError) throw new ApiError(409, 'conflict', e.message);
          throw e;
        }
      },
    );
  };

/** The data centre and accounts host the redirect names, checked against the known ones. */
function redirectTarget(
  q: Record<string, string | undefined>,
  override: string | null,
  fallbackDc: string,
): { dataCentre: ZohoDataCentre; accountsUrl: string | null } {
  let where: { dataCentre: string; accountsUrl: string };
  try {
    where = q['accounts-server']
      ? accountsFromRedirect(q, override)
      : { dataCentre: fallbackDc, accountsUrl: override ?? '' };
  } catch (e) {
    throw new ApiError(400, 'invalid_accounts_server', (e as Error).message);
  }
  const dc = isZohoDataCentre(where.dataCentre)
    ? where.dataCentre
    : isZohoDataCentre(fallbackDc)
      ? fallbackDc
      : 'us';
  const isOverride = !!override && where.accountsUrl.replace(/\/+$/, '') === override.replace(/\/+$/, '');
  return { dataCentre: dc, accountsUrl: isOverride ? override : null };
}
