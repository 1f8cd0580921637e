// Authentication and CORS of the widget API (docs/widget.md §2). A session token —
// `Authorization: Bearer <token>` — stands for one tenant and one CRM user; a request
// without one, or with an unknown or expired one, gets 401. CORS answers only the CRM
// widget origins, and allows only what the widget sends (GET/POST, authorization and
// content-type for the JSON session exchange); no cookies, so no credentials mode.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WidgetSession } from '../../store/repos/widget-sessions.repo.js';
import type { Sql } from '../../store/sql.js';
import { corsOriginAllowed } from '../../widget-api/embedding.js';
import { sessionOf } from '../../widget-api/sessions.js';
import { ApiError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    widgetSession?: WidgetSession;
  }
}

export function widgetSession(req: FastifyRequest): WidgetSession {
  if (!req.widgetSession) throw new ApiError(401, 'unauthorized', 'widget session required');
  return req.widgetSession;
}

/** Adds CORS headers for allowed origins; answers preflights itself. */
export function installWidgetCors(app: FastifyInstance, extraOrigins: readonly string[]): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    const allowed = typeof origin === 'string' && corsOriginAllowed(origin, extraOrigins);
    reply.header('vary', 'origin');
    if (allowed) reply.header('access-control-allow-origin', origin);
    if (req.method === 'OPTIONS') {
      if (allowed) {
        reply.header('access-control-allow-methods', 'GET, POST');
        reply.header('access-control-allow-headers', 'authorization, content-type');
        reply.header('access-control-max-age', '600');
      }
      return reply.status(204).send();
    }
  });
}

/** Per-route onRequest hook: the bearer token must be a live session. */
export function requireWidgetSession(db: Sql, now: () => Date) {
  return async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new ApiError(401, 'unauthorized', 'missing widget session: send "Authorization: Bearer <token>"');
    }
    const session = await sessionOf(db, match[1]!, now());
    if (!session) throw new ApiError(401, 'unauthorized', 'widget session is invalid or has expired');
    req.widgetSession = session;
  };
}
