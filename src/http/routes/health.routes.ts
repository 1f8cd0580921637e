// Liveness (the process answers) and readiness (store and queue reachable).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queues } from '../../jobs/queue-factory.js';
import type { Database } from '../../store/sql.js';

const Check = z.enum(['ok', 'down']);
const Ready = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({ store: Check, queue: Check }),
});

export interface HealthDeps {
  db: Database;
  queues: Queues;
}

export const healthRoutes =
  (deps: HealthDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/health/live',
      {
        config: { rateLimit: false },
        schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } },
      },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/health/ready',
      {
        config: { rateLimit: false },
        schema: { tags: ['health'], response: { 200: Ready, 503: Ready } },
      },
      async (req, reply) => {
        const check = async (name: string, fn: () => Promise<void>) => {
          try {
            await fn();
            return 'ok' as const;
          } catch (err) {
            req.log.warn({ check: name, reason: (err as Error).message }, 'readiness check failed');
            return 'down' as const;
          }
        };
        const [store, queue] = await Promise.all([
          check('store', () => deps.db.ping(1500)),
          check('queue', () => deps.queues.ping(1500)),
        ]);
        const ok = store === 'ok' && queue === 'ok';
        return reply
          .status(ok ? 200 : 503)
          .send({ status: ok ? 'ready' : 'unavailable', checks: { store, queue } });
      },
    );
  };
