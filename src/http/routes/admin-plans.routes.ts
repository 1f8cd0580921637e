// /api/admin/tenants/:tenantId/plans: upload (validated), validate only, list, show, activate.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parsePlanSource } from '../../jobs/plan-source.js';
import { activatePlan, uploadPlan } from '../../jobs/plans.service.js';
import type { TenantId } from '../../store/ids.js';
import { getPlanVersion, listPlanVersions } from '../../store/repos/plans.repo.js';
import { getTenant } from '../../store/repos/tenants.repo.js';
import type { Sql } from '../../store/sql.js';
import { actorOf } from '../auth.js';
import { ApiError, errorResponses, notFound } from '../errors.js';
import { PlanVersionSchema, ProblemSchema, TenantParams } from './admin-schemas.js';

const PlanBody = z
  .object({
    source: z.string().min(1),
    format: z.enum(['yaml', 'json']).optional(),
    activate: z.boolean().optional(),
  })
  .strict();

const VersionParams = TenantParams.extend({ version: z.coerce.number().int().min(1) });

export const adminPlanRoutes =
  (deps: { db: Sql }): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps;
    const tags = ['admin: plans'];
    const tenantOr404 = async (id: string) => {
      if (!(await getTenant(db, id as TenantId))) throw notFound(`tenant ${id}`);
      return id as TenantId;
    };

    app.get(
      '/tenants/:tenantId/plans',
      {
        schema: {
          tags,
          params: TenantParams,
          response: { 200: z.object({ versions: z.array(PlanVersionSchema) }), ...errorResponses },
        },
      },
      async (req) => ({ versions: await listPlanVersions(db, await tenantOr404(req.params.tenantId)) }),
    );

    app.post(
      '/tenants/:tenantId/plans',
      {
        schema: {
          tags,
          description:
            'Upload a plan (YAML or JSON text). Invalid plans answer 422 with every problem and its path.',
          params: TenantParams,
          body: PlanBody,
          response: { 201: PlanVersionSchema, ...errorResponses },
        },
      },
      async (req, reply) => {
        const tenantId = await tenantOr404(req.params.tenantId);
        const out = await uploadPlan(db, tenantId, req.body.source, req.body.format, actorOf(req), {
          activate: req.body.activate,
        });
        if (!out.ok)
          throw new ApiError(
            422,
            'invalid_plan',
            `the plan has ${out.problems.length} problem(s)`,
            out.problems,
          );
        return reply.status(201).send(out.version);
      },
    );

    app.post(
      '/tenants/:tenantId/plans/validate',
      {
        schema: {
          tags,
          params: TenantParams,
          body: PlanBody.omit({ activate: true }),
          response: {
            200: z.object({ ok: z.boolean(), problems: z.array(ProblemSchema) }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        await tenantOr404(req.params.tenantId);
        const r = parsePlanSource(req.body.source, req.body.format);
        return r.ok ? { ok: true, problems: [] } : { ok: false, problems: r.problems };
      },
    );

    app.get(
      '/tenants/:tenantId/plans/:version',
      {
        schema: {
          tags,
          params: VersionParams,
          response: { 200: PlanVersionSchema.extend({ source: z.string() }), ...errorResponses },
        },
      },
      async (req) => {
        const p = await getPlanVersion(db, req.params.tenantId as TenantId, req.params.version);
        if (!p) throw notFound(`plan version ${req.params.version}`);
        const { plan: _plan, ...rest } = p;
        return rest;
      },
    );

    app.post(
      '/tenants/:tenantId/plans/:version/activate',
      { schema: { tags, params: VersionParams, response: { 200: PlanVersionSchema, ...errorResponses } } },
      async (req) => {
        const tenantId = req.params.tenantId as TenantId;
        if (!(await activatePlan(db, tenantId, req.params.version, actorOf(req)))) {
          throw notFound(`plan version ${req.params.version}`);
        }
        const { plan: _p, source: _s, ...rest } = (await getPlanVersion(db, tenantId, req.params.version))!;
        return rest;
      },
    );
  };
