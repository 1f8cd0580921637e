// Plan change preview: scores one period of the tenant's stored records with the
// active plan and with a candidate plan (the pure core, nothing written) and says who
// changes tier and how payouts move. Both sides leave out statements, so each payout is
// what the period earns on its own under that plan — clawbacks and true-ups against
// earlier frozen statements would compare the candidate with history it never governed.
import { Decimal } from 'decimal.js';
import {
  type Input,
  type Plan,
  type PlanProblem,
  periodOfInstant,
  type ResultsDocument,
  resolvePeriod,
  score,
  shiftPeriod,
  UsageError,
} from '../core/index.js';
import type { TenantId } from '../store/ids.js';
import { getActivePlan } from '../store/repos/plans.repo.js';
import type { Sql } from '../store/sql.js';
import { sha256 } from './pipeline/context.js';
import { tenantInput } from './pipeline/load-input.js';
import { type PlanFormat, parsePlanSource } from './plan-source.js';

export type Move = 'up' | 'down' | 'same' | 'new';

export interface PartnerPreview {
  partnerId: string;
  name: string;
  tierBefore: string | null;
  tierAfter: string;
  move: Move;
  scoreBefore: number | null;
  scoreAfter: number;
  payoutBefore: string;
  payoutAfter: string;
  delta: string;
}

export interface PlanPreview {
  period: string;
  /** The plan version compared against (null: the tenant has no active plan yet). */
  activeVersion: number | null;
  currency: { before: string | null; after: string };
  partners: PartnerPreview[];
  totals: { payoutBefore: string; payoutAfter: string; delta: string };
  counts: { partners: number; up: number; down: number; same: number; new: number };
  /** Records the core could not use (the same for both plans unless their currencies differ). */
  recordErrors: number;
}

export type PreviewOutcome = { ok: true; preview: PlanPreview } | { ok: false; problems: PlanProblem[] };

/** The period before the one containing `now`, in the plan's calendar. */
export function lastClosedPeriod(plan: Plan, now: Date): string {
  const current = periodOfInstant(plan.period, plan.timezone, now.getTime());
  return shiftPeriod(plan.period, plan.timezone, current, -1).key;
}

export async function previewPlan(
  sql: Sql,
  tenantId: TenantId,
  req: { source: string; format?: PlanFormat; period?: string; now: Date },
): Promise<PreviewOutcome> {
  const parsed = parsePlanSource(req.source, req.format);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const candidate = parsed.plan as Plan;
  const row = await getActivePlan(sql, tenantId);
  const active = row ? (row.plan as Plan) : null;
  const period = req.period ?? lastClosedPeriod(active ?? candidate, req.now);
  for (const [plan, which] of [
    [candidate, 'candidate'],
    [active, 'active'],
  ] as const) {
    if (!plan) continue;
    try {
      resolvePeriod(plan, period);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      return { ok: false, problems: [{ path: 'period', message: `${which} plan: ${e.message}` }] };
    }
  }

  const inputs = new Map<string, Input>();
  const inputFor = async (currency: string) => {
    let input = inputs.get(currency);
    if (!input) {
      input = { ...(await tenantInput(sql, tenantId, currency)), statements: [] };
      inputs.set(currency, input);
    }
    return input;
  };
  const run = async (plan: Plan) => score(plan, await inputFor(plan.currency), { period, sha256 });
  const after = await run(candidate);
  const before = active ? await run(active) : null;
  const names = new Map((await inputFor(candidate.currency)).partners.map((p) => [p.id, p.name ?? p.id]));
  return {
    ok: true,
    preview: compare(period, row?.version ?? null, active, candidate, before, after, names),
  };
}

function compare(
  period: string,
  activeVersion: number | null,
  active: Plan | null,
  candidate: Plan,
  before: ResultsDocument | null,
  after: ResultsDocument,
  names: Map<string, string>,
): PlanPreview {
  // Tiers are compared on the candidate's ladder when both names are on it, else by
  // their position on their own plan's ladder.
  const ladder = (plan: Plan | null) => (plan ? plan.tiers.levels.map((l) => l.name) : []);
  const next = ladder(candidate);
  const prev = ladder(active);
  const moveOf = (from: string | null, to: string): Move => {
    if (from === null) return 'new';
    const a = next.includes(from) ? next.indexOf(from) : prev.indexOf(from);
    const b = next.indexOf(to);
    return b > a ? 'up' : b < a ? 'down' : 'same';
  };
  const was = new Map((before?.results ?? []).map((r) => [r.partnerId, r]));
  const counts = { partners: after.results.length, up: 0, down: 0, same: 0, new: 0 };
  let totalBefore = new Decimal(0);
  let totalAfter = new Decimal(0);
  const partners = after.results.map((r): PartnerPreview => {
    const b = was.get(r.partnerId) ?? null;
    const move = moveOf(b?.tier ?? null, r.tier);
    counts[move]++;
    const payoutBefore = b?.payout.total ?? '0';
    totalBefore = totalBefore.plus(payoutBefore);
    totalAfter = totalAfter.plus(r.payout.total);
    return {
      partnerId: r.partnerId,
      name: names.get(r.partnerId) ?? r.partnerId,
      tierBefore: b?.tier ?? null,
      tierAfter: r.tier,
      move,
      scoreBefore: b?.score ?? null,
      scoreAfter: r.score,
      payoutBefore,
      payoutAfter: r.payout.total,
      delta: new Decimal(r.payout.total).minus(payoutBefore).toFixed(),
    };
  });
  // Biggest changes first; ties by partner id so the order is stable.
  partners.sort(
    (x, y) =>
      new Decimal(y.delta).abs().cmp(new Decimal(x.delta).abs()) || (x.partnerId < y.partnerId ? -1 : 1),
  );
  return {
    period,
    activeVersion,
    currency: { before: active?.currency ?? null, after: candidate.currency },
    partners,
    totals: {
      payoutBefore: totalBefore.toFixed(),
      payoutAfter: totalAfter.toFixed(),
      delta: totalAfter.minus(totalBefore).toFixed(),
    },
    counts,
    recordErrors: after.errors.length,
  };
}
