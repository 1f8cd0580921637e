// Scores every partner of the input for one period: the results document of
// docs/incentive-model.md §4. Pure and deterministic: the clock (computedAt) is an
// argument, and the output does not depend on the order of the input records.
import { type Evaluation, evaluatePartner, metricConditionMet, tierConditionMet } from './evaluate.js';
import { explainLines } from './explain.js';
import { feedback, gateMessage } from './feedback.js';
import { canonicalJson, sha256Hex } from './hash.js';
import { type Decimal, moneyText, ZERO } from './money.js';
import { nextTier } from './next-tier.js';
import { type Period, parsePeriod } from './periods.js';
import type { Plan } from './plan.schema.js';
import { type Credit, cmp, type Prepared, prepare, type Settled } from './prepare.js';
import { rankAll } from './rank.js';
import type {
  Adjustment,
  AwardResult,
  MetricResult,
  PartnerResult,
  RankResult,
  ResultsDocument,
} from './results.js';
import { metricViews } from './view.js';

/** A usage mistake (such as a period key that does not fit the plan), not bad data. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ScoreOptions {
  /** Period key for the plan's period type: `2027-Q1`, `2027-H2`, `2027-03`, `2027`. */
  period: string;
  /** Stamped on the document; the core reads no clock. */
  computedAt?: string;
  /**
   * sha256 as lowercase hex. Defaults to a pure-JS implementation (runs in the
   * browser); servers pass node:crypto's, which is several times faster. Both give
   * the same hashes.
   */
  sha256?: (text: string) => string;
}

export function resolvePeriod(plan: Plan, key: string): Period {
  const parsed = parsePeriod(plan.period, plan.timezone, key);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed.period;
}

export function score(plan: Plan, input: unknown, options: ScoreOptions): ResultsDocument {
  const period = resolvePeriod(plan, options.period);
  return scorePrepared(plan, prepare(plan, input, period), period, options);
}

/** Fields every ranking covers (the leaderboard filters by them) plus those awards rank within. */
function rankFields(plan: Plan): string[] {
  const fields = new Set(['region', 'level']);
  for (const award of plan.awards) {
    if ('rank' in award.when && award.when.rank.within) fields.add(award.when.rank.within);
  }
  return [...fields];
}

export function scorePrepared(
  plan: Plan,
  prepared: Prepared,
  period: Period,
  options: Omit<ScoreOptions, 'period'> = {},
): ResultsDocument {
  const { computedAt } = options;
  const hash = options.sha256 ?? sha256Hex;
  const errors = [...prepared.errors];
  const planHash = hash(canonicalJson(plan));

  const partners = [...prepared.partners.values()].sort((a, b) => cmp(a.id, b.id));
  const evaluations = partners.map((p) => evaluatePartner(plan, prepared, p, period));
  const ranks = rankAll(
    evaluations.map((e) => ({
      partner: e.partner,
      scoreExact: e.scoreExact,
      score: e.score,
      baseActual: e.metrics.find((m) => m.metric.key === plan.payout.base)?.actual.value ?? ZERO,
    })),
    rankFields(plan),
  );

  const results = evaluations.map((e) => {
    const earlier = (prepared.settled.get(e.partner.id) ?? []).map((s) => ({
      ...s,
      evaluation: evaluatePartner(plan, prepared, e.partner, s.period),
    }));
    return partnerResult(plan, prepared, e, ranks.get(e.partner.id)!, earlier, planHash, hash);
  });

  errors.sort((a, b) => cmp(a.type, b.type) || cmp(a.id, b.id) || cmp(a.reason, b.reason));
  return {
    planId: plan.id,
    planVersion: plan.version,
    period: period.key,
    currency: plan.currency,
    ...(computedAt !== undefined ? { computedAt } : {}),
    results,
    errors,
  };
}

function awardsFor(plan: Plan, e: Evaluation, rank: RankResult) {
  const earned: { award: AwardResult; because: string }[] = [];
  for (const award of plan.awards) {
    const when = award.when;
    let check: { met: boolean; because: string };
    if ('tierAtLeast' in when) check = tierConditionMet(plan, e.tier, when.tierAtLeast);
    else if ('rank' in when) {
      const position = when.rank.within ? (rank.within[when.rank.within] ?? null) : rank.overall;
      const scope = when.rank.within ? `by ${when.rank.within}` : 'overall';
      check = {
        met: position !== null && position <= when.rank.top,
        because: `rank ${position ?? 'n/a'} ${scope} ${position !== null && position <= when.rank.top ? '≤' : '>'} ${when.rank.top}`,
      };
    } else check = metricConditionMet(e, when);
    if (!check.met) continue;
    const result: AwardResult = { type: award.type, name: award.name };
    if (award.description !== undefined) result.description = award.description;
    earned.push({ award: result, because: check.because });
  }
  return earned;
}

function partnerResult(
  plan: Plan,
  prepared: Prepared,
  e: Evaluation,
  rank: RankResult,
  earlier: (Settled & { evaluation: Evaluation })[],
  planHash: string,
  hash: (text: string) => string,
): PartnerResult {
  const currency = plan.currency;
  const adjustments: Adjustment[] = [];
  for (const s of earlier) {
    const amount = s.evaluation.payout.own.minus(s.payout);
    if (amount.isZero()) continue;
    adjustments.push({
      period: s.period.key,
      frozen: moneyText(s.payout, currency),
      recomputed: moneyText(s.evaluation.payout.own, currency),
      amount: moneyText(amount, currency),
      kind: amount.isNegative() ? 'clawback' : 'true-up',
    });
  }
  const total = adjustments.reduce((sum, a) => sum.plus(a.amount), e.payout.own);
  const totalText = moneyText(total, currency);

  const views = metricViews(plan, e);
  const metrics: Record<string, MetricResult> = {};
  for (const v of views) {
    const m = v.m;
    const entry: MetricResult = {
      kind: m.metric.kind,
      actual: v.actualText,
      target: v.targetText,
      targetSource: m.targetSource,
      attainment: v.attainment,
      weight: m.metric.weight,
      points: v.points,
      dealIds: m.actual.dealIds,
    };
    if (m.excluded) entry.excluded = m.excluded;
    metrics[m.metric.key] = entry;
  }

  const awards = awardsFor(plan, e, rank);
  return {
    partnerId: e.partner.id,
    score: e.score,
    tier: plan.tiers.levels[e.tier]!.name,
    metrics,
    gatesFailed: e.gatesFailed.map((g) => ({
      metric: g.gate.metric,
      min: g.gate.min,
      actual: g.actual === null ? null : g.actual.toDecimalPlaces(4).toString(),
      effect: g.gate.effect,
      message: gateMessage(plan, views, g),
    })),
    payout: {
      base: moneyText(e.payout.base, currency),
      tierBonus: moneyText(e.payout.tierBonus, currency),
      bonuses: e.payout.bonuses.map((b) => ({ name: b.name, amount: moneyText(b.amount, currency) })),
      capReduction: moneyText(e.payout.capReduction, currency),
      adjustments,
      total: totalText,
    },
    awards: awards.map((a) => a.award),
    rank,
    nextTier: nextTier(plan, e),
    feedback: feedback(plan, views),
    explain: explainLines(plan, e, views, { adjustments, total: totalText, awards, rank }),
    inputsHash: hash(hashedFacts(prepared, e, earlier, rank, planHash)),
  };
}

/**
 * The text whose sha256 is `inputsHash`: everything the result depends on — the
 * plan, the period, the partner, the credited won deals of the scored and settled
 * periods, the accounts and first-won facts behind customer metrics, the rates
 * used, the statements, and the rank (it decides rank awards) — so an unchanged
 * hash means unchanged CRM fields. Deals are written as compact tuples: this runs
 * for every partner on every recalculation.
 */
function hashedFacts(
  prepared: Prepared,
  e: Evaluation,
  earlier: { period: Period; payout: Decimal; evaluation: Evaluation }[],
  rank: RankResult,
  planHash: string,
): string {
  const credits: Credit[] = [...e.credits, ...earlier.flatMap((s) => s.evaluation.credits)];
  const accountIds = [
    ...new Set(credits.map((c) => c.deal.accountId).filter((id): id is string => !!id)),
  ].sort();
  const currencies = [...new Set(credits.map((c) => c.deal.currency))].sort();
  const attributes = (a: Record<string, unknown> | undefined) =>
    a && Object.keys(a).length > 0 ? canonicalJson(a) : '';
  const lines = [planHash, e.period.key];
  const p = e.partner;
  lines.push(JSON.stringify([p.id, p.name, p.level, p.region, p.agreementEnd, attributes(p.attributes)]));
  for (const c of credits) {
    const d = c.deal;
    lines.push(
      `${d.id}|${d.amount}|${d.currency}|${d.closedAt}|${d.accountId ?? ''}|${d.csat ?? ''}|${c.share?.toString() ?? ''}|${attributes(d.attributes)}`,
    );
  }
  for (const id of accountIds) {
    const a = prepared.accounts.get(id);
    const first = prepared.firstWon.get(id);
    lines.push(
      JSON.stringify([
        id,
        a?.region ?? null,
        a?.industry ?? null,
        attributes(a?.attributes),
        first?.dealId,
        first?.closedMs,
      ]),
    );
  }
  for (const c of currencies) lines.push(`${c}=${prepared.rates.get(c)?.toString() ?? ''}`);
  for (const st of earlier) lines.push(`${st.period.key}:${st.payout.toString()}`);
  // Object keys of the rank are built in a fixed order (rankAll), so plain JSON is canonical.
  lines.push(JSON.stringify(rank));
  return lines.join('\n');
}
