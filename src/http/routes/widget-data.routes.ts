// The widget's data (docs/widget.md §3, §8): one partner's payload and the programme
// overview (JSON and CSV). Every request is scoped to its session's tenant; anything not
// the tenant's is 404, exactly like something that does not exist.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Sql } from '../../store/sql.js';
import { overview, overviewCsv } from '../../widget-api/overview.js';
import { NoPayload, partnerPayload } from '../../widget-api/partner-payload.js';
import { ApiError, errorResponses } from '../errors.js';
import { requireWidgetSession, widgetSession } from './widget-auth.js';

const PeriodKey = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9-]+$/, 'must be a period key such as 2027-Q1');
const Filter = z.object({
  period: PeriodKey.optional(),
  region: z.string().min(1).max(200).optional(),
  level: z.string().min(1).max(200).optional(),
});

const notFound = (e: unknown) => {
  if (e instanceof NoPayload) return new ApiError(404, 'not_found', e.message);
  return e;
};

export const widgetDataRoutes =
  (deps: { db: Sql; now: () => Date }): FastifyPluginAsyncZod =>
  async (app) => {
    const auth = requireWidgetSession(deps.db, deps.now);
    const security = [{ widgetSession: [] }];

    app.get(
      '/partners/:partnerId',
      {
        onRequest: auth,
        schema: {
          tags: ['widget'],
          description:
            'The partner widget payload (docs/widget.md §3; WidgetPayloadSchema in widgets/shared/payload.schema.ts).',
          security,
          params: z.object({ partnerId: z.string().min(1).max(200) }),
          querystring: z.object({ period: PeriodKey.optional() }),
          response: { 200: z.unknown(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const s = widgetSession(req);
        try {
          const payload = await partnerPayload(
            deps.db,
            s.tenantId,
            req.params.partnerId,
            req.query.period,
            deps.now(),
          );
          return reply.header('cache-control', 'no-store').send(payload);
        } catch (e) {
          throw notFound(e);
        }
      },
    );

    app.get(
      '/overview',
      {
        onRequest: auth,
        schema: {
          tags: ['widget'],
          description:
            'Programme overview: leaderboard, tier distribution, payout vs budget, partners close to the next tier, gate risks.',
          security,
          querystring: Filter,
          response: { 200: z.unknown(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const s = widgetSession(req);
        try {
          return reply
            .header('cache-control', 'no-store')
            .send(await overview(deps.db, s.tenantId, req.query, deps.now()));
        } catch (e) {
          throw notFound(e);
        }
      },
    );

    app.get(
      '/overview.csv',
      {
        onRequest: auth,
        schema: { tags: ['widget'], description: 'The leaderboard as CSV.', security, querystring: Filter },
      },
      async (req, reply) => {
        const s = widgetSession(req);
        let o: Awaited<ReturnType<typeof overview>>;
        try {
          o = await overview(deps.db, s.tenantId, req.query, deps.now());
        } catch (e) {
          throw notFound(e);
        }
        const name = ['incentives', o.period, o.filter.region, o.filter.level]
          .filter(Boolean)
          .join('-')
          .replace(/[^A-Za-z0-9._-]+/g, '_');
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}.csv"`)
          .header('cache-control', 'no-store')
          .send(overviewCsv(o));
      },
    );
  };
