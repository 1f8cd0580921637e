// /api/admin/tenants/:tenantId/plans: upload (validated), validate only, list, show, activate.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { previewPlan } from '../../jobs/plan-preview.js';
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

const Amount = z.string().describe('decimal string in the plan currency');
const PreviewSchema = z.object({
  period: z.string(),
  activeVersion: z.number().int().nullable(),
  currency: z.object({ before: z.string().nullable(), after: z.string() }),
  partners: z.array(
    z.object({
      partnerId: z.string(),
      name: z.string(),
      tierBefore: z.string().nullable(),
      tierAfter: z.string(),
      move: z.enum(['up', 'down', 'same', 'new']),
      scoreBefore: z.number().nullable(),
      scoreAfter: z.number(),
      payoutBefore: Amount,
      payoutAfter: Amount,
      delta: Amount,
    }),
  ),
  totals: z.object({ payoutBefore: Amount, payoutAfter: Amount, delta: Amount }),
  counts: z.object({
    partners: z.number().int(),
    up: z.number().int(),
    down: z.number().int(),
    same: z.number().int(),
    new: z.number().int(),
  }),
  recordErrors: z.number().int(),
});

const VersionParams = TenantParams.extend({ version: z.coerce.number().int().min(1) });

export const adminPlanRoutes =
  (deps: { db: Sql; now?: () => Date }): FastifyPluginAsyncZod =>
  async (app) => {
    const { db } = deps;
    const now = deps.now ?? (() => new Date());
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

    app.post(
      '/tenants/:tenantId/plans/preview',
      {
        schema: {
          tags,
          description:
            'Score a period (default: the last ended one) of the stored records with the active plan and with a ' +
            'candidate plan, and compare tiers and payouts per partner. Writes nothing. Payouts are what the ' +
            'period earns on its own (no clawback/true-up). An invalid candidate or period answers 422.',
          params: TenantParams,
          body: PlanBody.omit({ activate: true }).extend({
            period: z.string().min(1).max(20).optional().describe('period key such as 2027-Q1'),
          }),
          response: { 200: PreviewSchema, ...errorResponses },
        },
      },
      async (req) => {
        const tenantId = await tenantOr404(req.params.tenantId);
        const out = await previewPlan(db, tenantId, { ...req.body, now: now() });
        if (!out.ok)
          throw new ApiError(
            422,
            'invalid_plan',
            `the preview has ${out.problems.length} problem(s)`,
            out.problems,
          );
        return out.preview;
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
