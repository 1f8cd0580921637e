// Plan upload and activation shared by the admin API and the CLI.
import type { PlanProblem } from '../core/index.js';
import type { TenantId } from '../store/ids.js';
import { audit } from '../store/repos/audit.repo.js';
import { activatePlanVersion, addPlanVersion, type PlanVersion } from '../store/repos/plans.repo.js';
import type { Sql } from '../store/sql.js';
import { type PlanFormat, parsePlanSource } from './plan-source.js';

export type UploadOutcome = { ok: true; version: PlanVersion } | { ok: false; problems: PlanProblem[] };

export async function uploadPlan(
  sql: Sql,
  tenantId: TenantId,
  source: string,
  format: PlanFormat | undefined,
  actor: string,
  opts: { activate?: boolean } = {},
): Promise<UploadOutcome> {
  const parsed = parsePlanSource(source, format);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const version = await sql.transaction(async (tx) => {
    const v = await addPlanVersion(tx, tenantId, {
      format: parsed.format,
      source,
      plan: parsed.plan,
      createdBy: actor,
    });
    await audit(tx, tenantId, actor, 'plan.uploaded', { version: v.version, format: parsed.format });
    if (opts.activate) {
      await activatePlanVersion(tx, tenantId, v.version);
      await audit(tx, tenantId, actor, 'plan.activated', { version: v.version });
      return { ...v, active: true };
    }
    return v;
  });
  return { ok: true, version };
}

export async function activatePlan(
  sql: Sql,
  tenantId: TenantId,
  version: number,
  actor: string,
): Promise<boolean> {
  return sql.transaction(async (tx) => {
    const ok = await activatePlanVersion(tx, tenantId, version);
    if (ok) await audit(tx, tenantId, actor, 'plan.activated', { version });
    return ok;
  });
}
