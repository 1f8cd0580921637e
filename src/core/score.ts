// Scores every partner of the input for one period: the results document of
// docs/incentive-model.md §4. Pure and deterministic: the clock (computedAt) is an
// argument, and the output does not depend on the order of the input records.
import { type Evaluation, evaluatePartner, metricConditionMet, tierConditionMet } from './evaluate.js';
import { explainLines } from './explain.js';
import { feedback, gateMessage } from './feedback.js';
import { canonicalJson, sha256Hex } from './hash.js';
import { valueText } from './labels.js';
import { Decimal, moneyText, roundedNumber, ZERO } from './money.js';
import { nextTier } from './next-tier.js';
import { type Period, parsePeriod } from './periods.js';
import type { Plan } from './plan.schema.js';
import { type Credit, cmp, type Prepared, prepare } from './prepare.js';
import { rankAll } from './rank.js';
import type {
  Adjustment,
  AwardResult,
  MetricResult,
  PartnerResult,
  RankResult,
  RecordError,
  ResultsDocument,
} from './results.js';

/** A usage mistake (such as a period key that does not fit the plan), not bad data. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ScoreOptions {
  /** Period key for the plan's period type: `2027-Q1`, `2027-H2`, `2027-03`, `2027`. */
  period: string;
  /** Stamped on the document; the core reads no clock. */
  computedAt?: string;
}

export function resolvePeriod(plan: Plan, key: string): Period {
  const parsed = parsePeriod(plan.period, plan.timezone, key);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed.period;
}

export function score(plan: Plan, input: unknown, options: ScoreOptions): ResultsDocument {
  const period = resolvePeriod(plan, options.period);
  return scorePrepared(plan, prepare(plan, input), period, options.computedAt);
}

/** Fields every ranking covers (the leaderboard filters by them) plus those awards rank within. */
function rankFields(plan: Plan): string[] {
  const fields = new Set(['region', 'level']);
  for (const award of plan.awards) {
    if ('rank' in award.when && award.when.rank.within) fields.add(award.when.rank.within);
  }
  return [...fields];
}

interface StatementPeriod {
  period: Period;
  payout: Decimal;
}

function statementPeriods(plan: Plan, prepared: Prepared, scored: Period, errors: RecordError[]) {
  const out = new Map<string, StatementPeriod[]>();
  for (const [partnerId, statements] of prepared.statements) {
    for (const s of statements) {
      const parsed = parsePeriod(plan.period, plan.timezone, s.period);
      if (!parsed.ok) {
        errors.push({ type: 'statement', id: `${partnerId}/${s.period}`, reason: parsed.message });
        continue;
      }
      // Only earlier periods are settled against; a statement of this or a later period changes nothing here.
      if (parsed.period.startMs >= scored.startMs) continue;
      const list = out.get(partnerId) ?? [];
      list.push({ period: parsed.period, payout: new Decimal(s.payout) });
      out.set(partnerId, list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a.period.startMs - b.period.startMs);
  return out;
}

export function scorePrepared(
  plan: Plan,
  prepared: Prepared,
  period: Period,
  computedAt?: string,
): ResultsDocument {
  const errors = [...prepared.errors];
  const settled = statementPeriods(plan, prepared, period, errors);
  const planHash = sha256Hex(canonicalJson(plan));

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
    const earlier = (settled.get(e.partner.id) ?? []).map((s) => ({
      ...s,
      evaluation: evaluatePartner(plan, prepared, e.partner, s.period),
    }));
    return partnerResult(plan, prepared, e, ranks.get(e.partner.id)!, earlier, planHash);
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
  earlier: (StatementPeriod & { evaluation: Evaluation })[],
  planHash: string,
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

  const metrics: Record<string, MetricResult> = {};
  for (const m of e.metrics) {
    const entry: MetricResult = {
      kind: m.metric.kind,
      actual: m.actual.value === null ? null : valueText(m.metric, m.actual.value, currency),
      target: m.target === null ? null : m.target.toString(),
      targetSource: m.targetSource,
      attainment: m.attainment === null ? null : roundedNumber(m.attainment, 4),
      weight: m.metric.weight,
      points:
        m.attainment === null
          ? null
          : roundedNumber(m.attainment.times(m.metric.weight).times(100).div(e.weightSum), 2),
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
      message: gateMessage(plan, g),
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
    feedback: feedback(plan, e),
    explain: explainLines(plan, e, { adjustments, total: totalText, awards, rank }),
    inputsHash: inputsHash(prepared, e, earlier, rank, planHash),
  };
}

/**
 * sha256 of everything the result depends on: the plan, the period, the partner,
 * the credited won deals of the scored and settled periods, the accounts and
 * first-won facts behind customer metrics, the rates used, the statements, and the
 * rank (it decides rank awards), so an unchanged hash means unchanged CRM fields.
 */
function inputsHash(
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
  return sha256Hex(
    canonicalJson({
      plan: planHash,
      period: e.period.key,
      partner: e.partner,
      deals: credits.map((c) => ({ deal: c.deal, share: c.share?.toString() ?? null })),
      accounts: accountIds.map((id) => prepared.accounts.get(id) ?? id),
      firstWon: accountIds.map((id) => prepared.firstWon.get(id) ?? null),
      rates: currencies.map((c) => [c, prepared.rates.get(c)?.toString() ?? null]),
      statements: earlier.map((s) => [s.period.key, s.payout.toString()]),
      rank,
    }),
  );
}
