// Scores one partner for one period: actuals, targets, attainment, score, tier,
// gates and the period's own payout (docs/incentive-model.md §3). Everything stays
// exact (Decimal) until the payout components are rounded, once, at the end.

import { compile } from './compiled.js';
import type { Partner } from './input.js';
import { type Actual, computeActual, numericValue } from './metrics.js';
import { Decimal, groupThousands, HUNDRED, roundMoney, toDecimal, ZERO } from './money.js';
import type { Period } from './periods.js';
import type { Gate, Metric, Plan } from './plan.schema.js';
import type { Credit, Prepared } from './prepare.js';

export interface MetricEval {
  metric: Metric;
  actual: Actual;
  target: Decimal | null;
  targetSource: string | null;
  /** actual ÷ target before the cap (null when left out). */
  rawAttainment: Decimal | null;
  /** Capped attainment; what the score and conditions use. */
  attainment: Decimal | null;
  excluded?: 'no target' | 'no value';
}

export interface GateEval {
  gate: Gate;
  actual: Decimal | null;
}

export interface PayoutEval {
  base: Decimal;
  /** Explain text for the base (rates and bands). */
  baseSteps: string[];
  tierBonus: Decimal;
  bonuses: { name: string; amount: Decimal; because: string }[];
  capReduction: Decimal;
  /** The period's own payout: base + tier bonus + bonuses − cap reduction (rounded parts). */
  own: Decimal;
  withheld: boolean;
}

export interface Evaluation {
  partner: Partner;
  period: Period;
  credits: Credit[];
  metrics: MetricEval[];
  /** Σ weights of the metrics in the score. */
  weightSum: Decimal;
  /** Σ weight × attainment of the metrics in the score. */
  weightedSum: Decimal;
  scoreExact: Decimal;
  score: number;
  /** Score, or attainment × 100 of the basis metric. */
  basisValue: Decimal;
  /** Tier index reached by the basis, before gates. */
  basisTier: number;
  /** Tier index after gates. */
  tier: number;
  gatesFailed: GateEval[];
  payout: PayoutEval;
}

export function creditsIn(credits: Credit[] | undefined, period: Period): Credit[] {
  if (!credits) return [];
  // Plain loops, no closure per call: this runs for every partner and period.
  const { startMs, endMs } = period;
  let all = true;
  for (let i = 0; i < credits.length; i++) {
    const closedMs = credits[i]!.closedMs;
    if (closedMs < startMs || closedMs >= endMs) {
      all = false;
      break;
    }
  }
  // Usually every credit is in the period (no settled periods): share the list, which
  // nothing changes, instead of copying it for every partner.
  if (all) return credits;
  const out: Credit[] = [];
  for (const c of credits) if (c.closedMs >= startMs && c.closedMs < endMs) out.push(c);
  return out;
}

/**
 * The evaluation of the metric with this key, or undefined. A loop rather than
 * `metrics.find(m => …)`: this runs several times per partner, and a closure per call
 * is garbage (and, where the code is transformed to keep function names, a property
 * definition per closure).
 */
export function metricWithKey<T extends { metric: { key: string } }>(
  metrics: T[],
  key: string,
): T | undefined {
  for (let i = 0; i < metrics.length; i++) if (metrics[i]!.metric.key === key) return metrics[i];
  return undefined;
}

/** Position of the tier level with this name, or −1. */
function levelIndex(plan: Plan, name: string): number {
  const levels = plan.tiers.levels;
  for (let i = 0; i < levels.length; i++) if (levels[i]!.name === name) return i;
  return -1;
}

export function resolveTarget(
  plan: Plan,
  partner: Partner,
  key: string,
): { value: Decimal; source: string } | null {
  const attribute = plan.targets.fromAttribute?.[key];
  if (attribute !== undefined) {
    const value = numericValue(partner.attributes[attribute]);
    if (value !== null) return { value, source: `attribute ${attribute}` };
  }
  const c = compile(plan);
  const level = partner.level ? c.levelTarget.get(partner.level)?.get(key) : undefined;
  if (level !== undefined) return { value: level, source: `level ${partner.level}` };
  const fallback = c.defaultTarget.get(key);
  if (fallback !== undefined) return { value: fallback, source: 'default' };
  return null;
}

export function tierIndexFor(plan: Plan, basisValue: Decimal): number {
  const levels = compile(plan).levels;
  let index = 0;
  for (let i = 0; i < levels.length; i++) if (basisValue.gte(levels[i]!.min)) index = i;
  return index;
}

function evaluateMetric(plan: Plan, partner: Partner, credits: Credit[], metric: Metric): MetricEval {
  const actual = computeActual(metric, partner, credits, plan.currency);
  const target = resolveTarget(plan, partner, metric.key);
  // Object literals written out (no spread): this runs for every metric of every partner.
  const value = target?.value ?? null;
  const targetSource = target?.source ?? null;
  if (!target?.value.gt(0)) {
    return {
      metric,
      actual,
      target: value,
      targetSource,
      rawAttainment: null,
      attainment: null,
      excluded: 'no target',
    };
  }
  if (actual.value === null) {
    return {
      metric,
      actual,
      target: value,
      targetSource,
      rawAttainment: null,
      attainment: null,
      excluded: 'no value',
    };
  }
  const rawAttainment = actual.value.div(target.value);
  const cap = compile(plan).cap.get(metric.key) ?? null;
  const attainment = cap !== null && rawAttainment.gt(cap) ? cap : rawAttainment;
  return { metric, actual, target: value, targetSource, rawAttainment, attainment };
}

const SCALE = 10n ** 18n; // 1 in Decimal units (10^-18)
const HUNDREDTH = 10n ** 16n; // 0.01 in Decimal units
const HALF_HUNDREDTH = HUNDREDTH / 2n;
const TIE_SLACK = 10n ** 6n; // 10^-12: far above the 18th-place error, far below any real gap

/** True when the score sits within 10^-12 of x.xx5, where rounding depends on the last digits. */
function nearRoundingTie(score: Decimal): boolean {
  const rest = score.units % HUNDREDTH;
  const off = rest - HALF_HUNDREDTH;
  return (off < 0n ? -off : off) <= TIE_SLACK;
}

/** A scored metric's (capped) attainment as an exact fraction num / den. */
export function attainmentFraction(m: MetricEval): [bigint, bigint] {
  if (m.attainment !== m.rawAttainment) return [m.attainment!.units, SCALE]; // capped
  if (m.actual.mean) return [m.actual.mean.sum.units, BigInt(m.actual.mean.count) * m.target!.units];
  return [m.actual.value!.units, m.target!.units];
}

/** Σ weight × attainment over the scored metrics (but `except`), as a fraction n / d in Decimal units. */
export function exactWeightedSum(
  metrics: MetricEval[],
  weights: Map<string, Decimal>,
  except: MetricEval | null,
): [bigint, bigint] {
  let n = 0n;
  let d = 1n;
  for (const m of metrics) {
    if (m.attainment === null || m === except) continue;
    const [num, den] = attainmentFraction(m);
    n = n * den + weights.get(m.metric.key)!.units * num * d;
    d *= den;
  }
  return [n, d];
}

/**
 * The score rounded half-up to 2 places from exact fractions. Quotients such as 1/3 are
 * held to 18 places, so a score that is exactly 59.995 (70 × 499,950/700,000 + 30 × 1/3)
 * can come out a hair short and round down; near a tie the score is recomputed exactly.
 */
function exactScore(metrics: MetricEval[], weights: Map<string, Decimal>, weightSum: Decimal): Decimal {
  const [n, d] = exactWeightedSum(metrics, weights, null);
  // score × 100 = 10^4 × (n / d) / weightSum, rounded half away from zero to whole hundredths.
  const top = 10n ** 4n * n;
  const bottom = d * weightSum.units;
  const magnitude = (2n * (top < 0n ? -top : top) + bottom) / (2n * bottom);
  return Decimal.fromUnits((top < 0n ? -magnitude : magnitude) * HUNDREDTH);
}

export function evaluatePartner(
  plan: Plan,
  prepared: Prepared,
  partner: Partner,
  period: Period,
): Evaluation {
  const credits = creditsIn(prepared.wonByPartner.get(partner.id), period);
  const metrics: MetricEval[] = new Array(plan.metrics.length);
  for (let i = 0; i < metrics.length; i++)
    metrics[i] = evaluateMetric(plan, partner, credits, plan.metrics[i]!);

  const weights = compile(plan).weight;
  let weightSum = ZERO;
  let weightedSum = ZERO;
  for (const m of metrics) {
    if (m.attainment === null) continue;
    const weight = weights.get(m.metric.key)!;
    weightSum = weightSum.plus(weight);
    weightedSum = weightedSum.plus(m.attainment.times(weight));
  }
  const scoreExact = weightSum.isZero() ? ZERO : weightedSum.timesHundred().div(weightSum);
  const scoreRounded = nearRoundingTie(scoreExact)
    ? exactScore(metrics, weights, weightSum)
    : scoreExact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

  const basis = plan.tiers.basis;
  const basisValue =
    basis === 'score'
      ? scoreRounded
      : (metricWithKey(metrics, basis.attainment)?.attainment ?? ZERO).timesHundred();
  const basisTier = tierIndexFor(plan, basisValue);

  let tier = basisTier;
  let withheld = false;
  const gatesFailed: GateEval[] = [];
  for (const gate of plan.gates) {
    const actual = metricWithKey(metrics, gate.metric)?.actual.value ?? null;
    if (actual?.gte(gate.min)) continue;
    gatesFailed.push({ gate, actual });
    if (gate.effect === 'noPayout') withheld = true;
    else {
      const cap = levelIndex(plan, (gate.effect as { maxTier: string }).maxTier);
      if (cap >= 0 && cap < tier) tier = cap;
    }
  }

  const score = scoreRounded.toRoundedNumber(2);
  const partial = {
    partner,
    period,
    credits,
    metrics,
    weightSum,
    weightedSum,
    scoreExact,
    score,
    basisValue,
    basisTier,
    tier,
    gatesFailed,
  };
  const payout = computePayout(plan, partial, withheld);
  return {
    partner,
    period,
    credits,
    metrics,
    weightSum,
    weightedSum,
    scoreExact,
    score,
    basisValue,
    basisTier,
    tier,
    gatesFailed,
    payout,
  };
}

/** Decimals of the plan's condition thresholds (numbers such as 1.2), read once each. */
const thresholds = new Map<number, Decimal>();

function threshold(value: number): Decimal {
  let decimal = thresholds.get(value);
  if (decimal === undefined) {
    decimal = new Decimal(value);
    if (thresholds.size < 1024) thresholds.set(value, decimal);
  }
  return decimal;
}

/**
 * Why a bonus's or award's metric condition is met, or null when it is not (rank
 * conditions are decided by the ranker). The text is written only for a met
 * condition: nothing reads it otherwise, and this runs for every partner.
 */
export function metricConditionMet(
  evaluation: Pick<Evaluation, 'metrics'>,
  when: { metric: string; attainmentAtLeast?: number | undefined; actualAtLeast?: number | undefined },
): string | null {
  const m = metricWithKey(evaluation.metrics, when.metric);
  if (when.attainmentAtLeast !== undefined) {
    const value = m?.attainment ?? null;
    if (value === null || !value.gte(threshold(when.attainmentAtLeast))) return null;
    return `${when.metric} attainment ${value.toDecimalPlaces(4).toString()} ≥ ${when.attainmentAtLeast}`;
  }
  const value = m?.actual.value ?? null;
  if (value === null || !value.gte(threshold(when.actualAtLeast ?? 0))) return null;
  return `${when.metric} ${value.toDecimalPlaces(4).toString()} ≥ ${when.actualAtLeast}`;
}

/** Why a tier condition is met, or null when it is not. */
export function tierConditionMet(plan: Plan, tier: number, name: string): string | null {
  const needed = levelIndex(plan, name);
  if (needed < 0 || tier < needed) return null;
  return `tier ${plan.tiers.levels[tier]?.name} ≥ ${name}`;
}

function computePayout(plan: Plan, e: Omit<Evaluation, 'payout'>, withheld: boolean): PayoutEval {
  const currency = plan.currency;
  const levels = plan.tiers.levels;
  const compiled = compile(plan);
  const baseMetric = metricWithKey(e.metrics, plan.payout.base);
  const baseActual = baseMetric?.actual.value ?? ZERO;
  const baseSteps: string[] = [];
  let base = ZERO;

  if (plan.tiers.mode === 'retroactive') {
    const rate = compiled.levels[e.tier]!.rate;
    base = rate.times(baseActual);
    baseSteps.push(`${compiled.levels[e.tier]!.ratePercent}% × ${groupThousands(baseActual.toFixed())}`);
  } else {
    // Bands: level i covers [min_i, min_{i+1}) as attainment of the base target; the
    // partner's own tier is the top band (a maxTier gate pays the excess at its rate).
    const target = baseMetric?.target?.gt(0) ? baseMetric.target : null;
    for (let i = 0; i <= e.tier; i++) {
      const rate = compiled.levels[i]!.rate;
      const lower = target ? target.times(levels[i]!.min).div(HUNDRED) : ZERO;
      const upper = i < e.tier && target ? target.times(levels[i + 1]!.min).div(HUNDRED) : null;
      if (baseActual.lte(lower) && i > 0) break;
      const top = upper === null ? baseActual : Decimal.min(baseActual, upper);
      const part = Decimal.max(top.minus(lower), ZERO);
      base = base.plus(rate.times(part));
      baseSteps.push(
        `${levels[i]!.name} band ${compiled.levels[i]!.ratePercent}% × ${groupThousands(part.toFixed())}`,
      );
    }
  }

  const tierBonus = compiled.levels[e.tier]!.bonus ?? ZERO;
  const bonuses: PayoutEval['bonuses'] = [];
  for (const bonus of plan.payout.bonuses) {
    const because =
      'tierAtLeast' in bonus.when
        ? tierConditionMet(plan, e.tier, bonus.when.tierAtLeast)
        : metricConditionMet(e, bonus.when);
    if (because !== null)
      bonuses.push({
        name: bonus.name,
        amount: roundMoney(toDecimal(bonus.amount), currency),
        because,
      });
  }

  if (withheld) {
    return { base: ZERO, baseSteps, tierBonus: ZERO, bonuses: [], capReduction: ZERO, own: ZERO, withheld };
  }
  const roundedBase = roundMoney(base, currency);
  const roundedTierBonus = roundMoney(tierBonus, currency);
  let subtotal = roundedBase.plus(roundedTierBonus);
  for (const b of bonuses) subtotal = subtotal.plus(b.amount);
  const cap = compiled.payoutCapMoney;
  const capReduction = cap !== null && subtotal.gt(cap) ? subtotal.minus(cap) : ZERO;
  return {
    base: roundedBase,
    baseSteps,
    tierBonus: roundedTierBonus,
    bonuses,
    capReduction,
    own: subtotal.minus(capReduction),
    withheld,
  };
}
