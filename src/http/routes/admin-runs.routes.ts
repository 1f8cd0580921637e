// /api/admin/tenants/:tenantId/{sync,recalc,runs}: start a full or incremental sync
// or a full recalculation in the background (202 with the run id), and watch runs.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestRun } from '../../jobs/pipeline/runs.service.js';
import type { Queues } from '../../jobs/queue-factory.js';
import type { TenantId } from '../../store/ids.js';
import { getRun, listRuns, RUN_ID_PATTERN } from '../../store/repos/runs.repo.js';
import { getTenant } from '../../store/repos/tenants.repo.js';
import type { Sql } from '../../store/sql.js';
import { errorResponses, notFound } from '../errors.js';
import { TenantParams } from './admin-schemas.js';

const Period = z.string().regex(/^\d{4}(-(H[12]|Q[1-4]|\d{2}))?$/, 'must be a period such as 2027-Q1');

const SyncBody = z.object({ full: z.boolean().optional() }).strict();
const RecalcBody = z.object({ period: Period.optional(), rescoreClosed: z.boolean().optional() }).strict();
const RunParams = TenantParams.extend({ runId: z.string().regex(RUN_ID_PATTERN, 'must be a run id') });

export const RunSchema = z.object({
  runId: z.string(),
  tenantId: z.string(),
  kind: z.enum(['full', 'incremental', 'recalc']),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  options: z.object({ period: z.string().optional(), rescoreClosed: z.boolean().optional() }),
  progress: z.record(z.string(), z.union([z.number(), z.string()])),
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});

const Started = z.object({ runId: z.string() });

export const adminRunRoutes =
  (deps: { db: Sql; queues: Queues }): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, queues } = deps;
    const tags = ['admin: sync and runs'];
    const tenantOr404 = async (id: string) => {
      if (!(await getTenant(db, id as TenantId))) throw notFound(`tenant ${id}`);
      return id as TenantId;
    };

    app.post(
      '/tenants/:tenantId/sync',
      {
        schema: {
          tags,
          description:
            'Starts a sync in the background: `full` re-reads everything, scores the tenant and writes the results back; otherwise what changed since the last sync. Poll the run for progress.',
          params: TenantParams,
          body: SyncBody.optional(),
          response: { 202: Started, ...errorResponses },
        },
      },
      async (req, reply) => {
        const tenantId = await tenantOr404(req.params.tenantId);
        const run = await requestRun(db, queues, tenantId, req.body?.full ? 'full' : 'incremental');
        return reply.status(202).send({ runId: run.runId });
      },
    );

    app.post(
      '/tenants/:tenantId/recalc',
      {
        schema: {
          tags,
          description:
            'Recalculates a period (default: the current one) for every partner in one pass and writes changed results back. A closed period (statements frozen) is re-scored only with `rescoreClosed: true`.',
          params: TenantParams,
          body: RecalcBody.optional(),
          response: { 202: Started, ...errorResponses },
        },
      },
      async (req, reply) => {
        const tenantId = await tenantOr404(req.params.tenantId);
        const run = await requestRun(db, queues, tenantId, 'recalc', {
          ...(req.body?.period ? { period: req.body.period } : {}),
          ...(req.body?.rescoreClosed ? { rescoreClosed: true } : {}),
        });
        return reply.status(202).send({ runId: run.runId });
      },
    );

    app.get(
      '/tenants/:tenantId/runs',
      {
        schema: {
          tags,
          params: TenantParams,
          response: { 200: z.object({ runs: z.array(RunSchema) }), ...errorResponses },
        },
      },
      async (req) => ({ runs: await listRuns(db, await tenantOr404(req.params.tenantId)) }),
    );

    app.get(
      '/tenants/:tenantId/runs/:runId',
      { schema: { tags, params: RunParams, response: { 200: RunSchema, ...errorResponses } } },
      async (req) => {
        const tenantId = await tenantOr404(req.params.tenantId);
        const run = await getRun(db, tenantId, req.params.runId);
        if (!run) throw notFound(`run ${req.params.runId}`);
        return run;
      },
    );
  };
