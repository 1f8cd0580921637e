// The programme overview (GET /api/widget/overview): for one period, the leaderboard
// (optionally one region or level), the tier distribution, the total estimated payout against
// the budget, the partners closest to their next tier (where a push pays most) and the
// partners failing or near a gate. Built from stored results only; money summed with decimal.js.
import { Decimal } from 'decimal.js';
import type { PartnerResult, Plan } from '../core/index.js';
import type { TenantId } from '../store/ids.js';
import { periodsWithResults, resultsForPeriod } from '../store/repos/widget.repo.js';
import type { Sql } from '../store/sql.js';
import { activePlan, NoPayload, sortPeriods } from './partner-payload.js';

/** A partner this many score points (or fewer) below its next tier counts as close. */
export const CLOSE_TO_TIER_POINTS = 10;
/** A gated metric within this share above its minimum counts as at risk. */
export const GATE_RISK_MARGIN = 0.1;

export interface OverviewFilter {
  period?: string;
  region?: string;
  level?: string;
}

export interface LeaderboardRow {
  position: number;
  partnerId: string;
  name: string;
  level: string | null;
  region: string | null;
  tier: string;
  score: number;
  payout: string;
  /** Rank in the whole programme (the core's), whatever the filter. */
  rank: number;
  nextTier: string | null;
  scoreGap: number | null;
  gatesFailed: string[];
}

export interface Overview {
  period: string;
  periods: string[];
  computedAt: string | null;
  currency: string;
  filter: { region: string | null; level: string | null };
  regions: string[];
  levels: string[];
  partners: number;
  leaderboard: LeaderboardRow[];
  tiers: { name: string; partners: number }[];
  payout: { total: string; budget: string | null; share: number | null };
  closeToNextTier: {
    partnerId: string;
    name: string;
    tier: string;
    nextTier: string;
    scoreGap: number;
    byMetric: Record<string, string | null>;
  }[];
  gateRisks: {
    partnerId: string;
    name: string;
    metric: string;
    min: number;
    actual: string | null;
    failing: boolean;
  }[];
}

/** The plan's budget, when the plan format carries one (today's PlanSchema does not). */
function budgetOf(plan: Plan): string | null {
  const b = (plan as { budget?: unknown }).budget ?? (plan.payout as { budget?: unknown }).budget;
  return typeof b === 'string' && /^\d+(\.\d+)?$/.test(b) ? b : null;
}

export async function overview(
  sql: Sql,
  tenantId: TenantId,
  filter: OverviewFilter,
  now: Date,
): Promise<Overview> {
  const { plan, current } = await activePlan(sql, tenantId, now);
  const periods = sortPeriods(plan, [current, ...(await periodsWithResults(sql, tenantId))]).reverse();
  const period = filter.period ?? current;
  if (!periods.includes(period)) throw new NoPayload(`period ${period} has no results`);
  const all = await resultsForPeriod(sql, tenantId, period);
  const rows = all.filter(
    (r) => (!filter.region || r.region === filter.region) && (!filter.level || r.level === filter.level),
  );
  const results = rows.map((r) => ({ ...r, result: r.result as PartnerResult }));
  results.sort((a, b) => b.result.score - a.result.score || (a.partnerId < b.partnerId ? -1 : 1));

  const leaderboard: LeaderboardRow[] = results.map((r, i) => ({
    position: i + 1,
    partnerId: r.partnerId,
    name: r.name || r.partnerId,
    level: r.level,
    region: r.region,
    tier: r.result.tier,
    score: r.result.score,
    payout: r.result.payout.total,
    rank: r.result.rank.overall,
    nextTier: r.result.nextTier?.name ?? null,
    scoreGap: r.result.nextTier?.scoreGap ?? null,
    gatesFailed: r.result.gatesFailed.map((g) => g.metric),
  }));

  const byTier = new Map(plan.tiers.levels.map((l) => [l.name, 0]));
  for (const r of results) byTier.set(r.result.tier, (byTier.get(r.result.tier) ?? 0) + 1);

  const total = results.reduce((sum, r) => sum.plus(r.result.payout.total), new Decimal(0));
  const budget = budgetOf(plan);

  const closeToNextTier = results
    .filter((r) => r.result.nextTier && r.result.nextTier.scoreGap <= CLOSE_TO_TIER_POINTS)
    .map((r) => ({
      partnerId: r.partnerId,
      name: r.name || r.partnerId,
      tier: r.result.tier,
      nextTier: r.result.nextTier!.name,
      scoreGap: r.result.nextTier!.scoreGap,
      byMetric: r.result.nextTier!.byMetric,
    }))
    .sort((a, b) => a.scoreGap - b.scoreGap || (a.partnerId < b.partnerId ? -1 : 1));

  const gateRisks: Overview['gateRisks'] = [];
  for (const r of results) {
    for (const gate of plan.gates) {
      const actual = r.result.metrics[gate.metric]?.actual ?? null;
      const failing = r.result.gatesFailed.some((g) => g.metric === gate.metric);
      const near =
        !failing &&
        actual !== null &&
        new Decimal(actual).lte(new Decimal(gate.min).times(1 + GATE_RISK_MARGIN));
      if (failing || near) {
        gateRisks.push({
          partnerId: r.partnerId,
          name: r.name || r.partnerId,
          metric: gate.metric,
          min: gate.min,
          actual,
          failing,
        });
      }
    }
  }
  gateRisks.sort((a, b) => Number(b.failing) - Number(a.failing) || (a.partnerId < b.partnerId ? -1 : 1));

  const distinct = (values: (string | null)[]) =>
    [...new Set(values.filter((v): v is string => !!v))].sort((a, b) => a.localeCompare(b));
  return {
    period,
    periods,
    computedAt: all.reduce<string | null>((m, r) => (m === null || r.at > m ? r.at : m), null),
    currency: plan.currency,
    filter: { region: filter.region ?? null, level: filter.level ?? null },
    regions: distinct(all.map((r) => r.region)),
    levels: distinct(all.map((r) => r.level)),
    partners: results.length,
    leaderboard,
    tiers: [...byTier].map(([name, partners]) => ({ name, partners })),
    payout: {
      total: total.toFixed(2),
      budget,
      share: budget && !new Decimal(budget).isZero() ? total.div(budget).toDecimalPlaces(4).toNumber() : null,
    },
    closeToNextTier,
    gateRisks,
  };
}

const CSV_COLUMNS = [
  'position',
  'partner_id',
  'name',
  'level',
  'region',
  'tier',
  'score',
  'payout',
  'currency',
  'rank',
  'next_tier',
  'score_gap',
  'gates_failed',
] as const;

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
function cell(value: string | number | null, text: boolean): string {
  if (value === null) return '';
  let s = String(value);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The leaderboard as CSV (RFC 4180, CRLF, UTF-8 with a BOM so spreadsheets read Chinese names). */
export function overviewCsv(o: Overview): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of o.leaderboard) {
    lines.push(
      [
        cell(r.position, false),
        cell(r.partnerId, true),
        cell(r.name, true),
        cell(r.level, true),
        cell(r.region, true),
        cell(r.tier, true),
        cell(r.score, false),
        cell(r.payout, false),
        cell(o.currency, true),
        cell(r.rank, false),
        cell(r.nextTier, true),
        cell(r.scoreGap, false),
        cell(r.gatesFailed.join(' '), true),
      ].join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
