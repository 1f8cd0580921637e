// Admin API authentication. Runs at onRequest — before the body is parsed or
// validated — so a request without a valid key gets 401, and a tenant key asking
// for another tenant's resources gets 404 (never a hint that the tenant exists).
// Operator keys (no tenant) may act on every tenant; tenant keys only on their own.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantId } from '../store/ids.js';
import { authenticateAdminKey } from '../store/repos/admin-keys.repo.js';
import type { Sql } from '../store/sql.js';
import { ApiError, notFound } from './errors.js';

export interface AdminPrincipal {
  keyId: string;
  /** null = operator key. */
  tenantId: TenantId | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
  }
}

export function principal(req: FastifyRequest): AdminPrincipal {
  if (!req.admin) throw new ApiError(401, 'unauthorized', 'admin API key required');
  return req.admin;
}

/** The audit actor for a request. */
export const actorOf = (req: FastifyRequest) => `admin-key:${principal(req).keyId}`;

export function requireOperator(req: FastifyRequest): void {
  if (principal(req).tenantId !== null) {
    throw new ApiError(403, 'forbidden', 'this action needs an operator key (admin-key create --operator)');
  }
}

export function installAdminAuth(app: FastifyInstance, db: Sql): void {
  // Added per route (after the rate limiter's own per-route hook), so unauthenticated
  // floods — key guessing — are rate limited too.
  app.addHook('onRoute', (route) => {
    // Documented in OpenAPI as needing the admin key.
    route.schema = { ...route.schema, security: [{ adminKey: [] }] };
    const existing = route.onRequest
      ? Array.isArray(route.onRequest)
        ? route.onRequest
        : [route.onRequest]
      : [];
    route.onRequest = [...existing, authenticate];
  });
  const authenticate = async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new ApiError(401, 'unauthorized', 'missing admin API key: send "Authorization: Bearer <key>"');
    }
    const key = await authenticateAdminKey(db, match[1]!);
    if (!key) throw new ApiError(401, 'unauthorized', 'invalid or revoked admin API key');
    req.admin = { keyId: key.keyId, tenantId: key.tenantId };
    const wanted = (req.params as { tenantId?: string } | undefined)?.tenantId;
    if (wanted !== undefined && key.tenantId !== null && key.tenantId !== wanted) {
      throw notFound(`tenant ${wanted}`);
    }
  };
}
