// Prometheus exposition. Queue depths are sampled at scrape time (bounded wait).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queues } from '../../jobs/queue-factory.js';
import { queueDepth, registry } from '../../metrics.js';

export const metricsRoutes =
  (deps: { queues: Queues }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/metrics',
      {
        config: { rateLimit: false },
        schema: { tags: ['health'], response: { 200: z.string() } },
      },
      async (req, reply) => {
        try {
          const depths = await Promise.race([
            deps.queues.depths(),
            new Promise<never>((_, reject) =>
              setTimeout(() => reject(new Error('queue depth timeout')), 1500),
            ),
          ]);
          for (const [queue, counts] of Object.entries(depths)) {
            for (const [state, n] of Object.entries(counts)) queueDepth.set({ queue, state }, n);
          }
        } catch (err) {
          req.log.warn({ reason: (err as Error).message }, 'queue depths unavailable for /metrics');
        }
        return reply.type(registry.contentType).send(await registry.metrics());
      },
    );
  };
