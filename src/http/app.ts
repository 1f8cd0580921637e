// The Fastify application, built from its dependencies so tests can drive it with
// app.inject() and no port. Order: third-party plugins (helmet, rate limit, OpenAPI),
// then error handling, then route groups by audience.
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import type { ConnectorFactory } from '../jobs/connectors.js';
import type { Queues } from '../jobs/queue-factory.js';
import type { Logger } from '../log.js';
import { httpDuration } from '../metrics.js';
import type { Keyring } from '../secrets/keyring.js';
import { createLocks, type Locks } from '../store/locks.js';
import type { Database } from '../store/sql.js';
import type { WidgetOptions } from '../widget-api/options.js';
import { installAdminAuth } from './auth.js';
import { ApiError, installErrorHandling } from './errors.js';
import { adminConnectRoutes } from './routes/admin-connect.routes.js';
import { adminInstallRoutes } from './routes/admin-install.routes.js';
import { adminPlanRoutes } from './routes/admin-plans.routes.js';
import { adminRunRoutes } from './routes/admin-runs.routes.js';
import { adminStatusRoutes } from './routes/admin-status.routes.js';
import { adminTenantRoutes } from './routes/admin-tenants.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import { oauthZohoRoutes } from './routes/oauth-zoho.routes.js';
import { webhookRoutes } from './routes/webhooks.routes.js';
import { registerWidgetRoutes } from './routes/widget.routes.js';
import { widgetAdminRoutes } from './routes/widget-admin.routes.js';

export interface AppDeps {
  db: Database;
  queues: Queues;
  keyring: Keyring;
  logger: Logger;
  /** Bytes; default 256 KiB. */
  bodyLimit?: number;
  /** Requests per minute per client IP; 0 disables. `redisUrl` shares counters across instances. */
  rateLimit?: { perMinute: number; redisUrl?: string; namespace?: string };
  publicUrl?: string;
  /** `ops`: health and metrics only (what a `--role worker` process serves). */
  surface?: 'all' | 'ops';
  /** Tenant → connector; enables the push intake at /webhooks (outside the admin auth). */
  connectors?: ConnectorFactory;
  /** Cross-process locks for connector calls (default: built on `db`). */
  locks?: Locks;
  /** The partner widget: framing, CORS, files, session life (docs/widget.md). */
  widget?: WidgetOptions;
}

export interface RouteInfo {
  method: string;
  url: string;
}

export const ADMIN_PREFIX = '/api/admin';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance & { routesSeen: RouteInfo[] }> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 256 * 1024,
    requestIdHeader: false,
    trustProxy: false,
    // Errors Fastify raises before routing (a URL that is not valid percent-encoding)
    // get the same error shape as everything else.
    frameworkErrors: (err, _req, reply) => {
      (reply as FastifyReply)
        .code(400)
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ error: { code: 'invalid_url', message: err.message } }));
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Every route, as registered: the isolation tests generate their cases from this.
  const routesSeen: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routesSeen.push({ method, url: route.url });
  });

  app.addHook('onResponse', async (req, reply) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(helmet, {
    // The Swagger UI at /docs needs its own static CSP (set by the UI plugin).
    contentSecurityPolicy: { directives: { frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
  });

  const rl = deps.rateLimit ?? { perMinute: 600 };
  let rateRedis: Redis | null = null;
  if (rl.perMinute > 0) {
    if (rl.redisUrl) {
      rateRedis = new Redis(rl.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        retryStrategy: (n) => Math.min(n * 200, 2000),
      });
      rateRedis.on('error', () => undefined);
      app.addHook('onClose', async () => rateRedis?.disconnect());
    }
    await app.register(rateLimit, {
      max: rl.perMinute,
      timeWindow: 60_000,
      // Redis down must not take the API down with it.
      skipOnError: true,
      ...(rateRedis ? { redis: rateRedis, nameSpace: rl.namespace ?? 'ci-rate:' } : {}),
      errorResponseBuilder: (_req, ctx) =>
        new ApiError(ctx.statusCode, 'rate_limited', `rate limit exceeded; retry in ${ctx.after}`) as never,
    });
  }

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'channel-incentives',
        description: 'Admin API, health and metrics of the channel-incentives server.',
        version: '1',
      },
      servers: deps.publicUrl ? [{ url: deps.publicUrl }] : [],
      components: {
        securitySchemes: {
          adminKey: { type: 'http', scheme: 'bearer', description: 'admin API key' },
          widgetSession: { type: 'http', scheme: 'bearer', description: 'widget session token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  installErrorHandling(app);

  await app.register(healthRoutes({ db: deps.db, queues: deps.queues }));
  await app.register(metricsRoutes({ queues: deps.queues }));
  if (deps.surface === 'ops') return Object.assign(app, { routesSeen });
  if (deps.connectors) {
    await app.register(webhookRoutes({ db: deps.db, queues: deps.queues, connectors: deps.connectors }));
  }
  // install-fields and the OAuth callback build their connector per request (rare admin actions).
  const installContext = {
    store: { db: deps.db, pgConnection: {} },
    keyring: deps.keyring,
    locks: deps.locks ?? createLocks({ db: deps.db, pgConnection: {} }),
    logger: deps.logger,
  };
  await app.register(
    oauthZohoRoutes({ db: deps.db, keyring: deps.keyring, publicUrl: deps.publicUrl ?? null }),
  );
  await app.register(
    async (admin) => {
      installAdminAuth(admin, deps.db);
      await admin.register(adminTenantRoutes({ db: deps.db, keyring: deps.keyring }));
      await admin.register(
        adminConnectRoutes({ db: deps.db, keyring: deps.keyring, publicUrl: deps.publicUrl ?? null }),
      );
      await admin.register(adminPlanRoutes({ db: deps.db }));
      await admin.register(adminStatusRoutes({ db: deps.db }));
      await admin.register(adminRunRoutes({ db: deps.db, queues: deps.queues }));
      await admin.register(adminInstallRoutes(installContext));
      await admin.register(widgetAdminRoutes({ db: deps.db, keyring: deps.keyring }));
    },
    { prefix: ADMIN_PREFIX },
  );
  await registerWidgetRoutes(app, {
    db: deps.db,
    keyring: deps.keyring,
    publicUrl: deps.publicUrl ?? 'http://127.0.0.1:3000',
    options: deps.widget,
  });

  return Object.assign(app, { routesSeen });
}
