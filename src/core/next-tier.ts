// The gap to the next tier: the score gap, and per metric the smallest increase of
// that metric alone (others fixed, caps respected) that reaches it.
import { compile } from './compiled.js';
import { type Evaluation, exactWeightedSum, type MetricEval } from './evaluate.js';
import { isCountMetric, valueText } from './labels.js';
import { Decimal, HUNDRED, minorUnitsFor, roundedNumber } from './money.js';
import type { Plan } from './plan.schema.js';
import type { NextTier } from './results.js';

export function nextTier(plan: Plan, e: Evaluation): NextTier | null {
  const next = plan.tiers.levels[e.basisTier + 1];
  if (!next) return null;
  const byMetric: Record<string, string | null> = {};
  for (const m of e.metrics) {
    const needed = neededAttainment(plan, e, m, e.basisTier + 1);
    byMetric[m.metric.key] =
      needed === null
        ? null
        : plan.tiers.basis === 'score'
          ? exactIncreaseText(plan, e, m, e.basisTier + 1)
          : increaseText(plan, m, needed);
  }
  return { name: next.name, scoreGap: roundedNumber(new Decimal(next.min).minus(e.basisValue), 2), byMetric };
}

/** Attainment the metric must reach alone, or null when it cannot. */
function neededAttainment(plan: Plan, e: Evaluation, m: MetricEval, level: number): Decimal | null {
  if (m.attainment === null || m.target === null) return null;
  const compiled = compile(plan);
  const basis = plan.tiers.basis;
  let needed: Decimal;
  if (basis === 'score') {
    // Σ(w·a)/Σw must reach (min − 0.005)/100 with only this metric's a changing.
    const weight = compiled.weight.get(m.metric.key)!;
    const others = e.weightedSum.minus(m.attainment.times(weight));
    needed = compiled.levels[level]!.scoreShare.times(e.weightSum).minus(others).div(weight);
  } else {
    if (basis.attainment !== m.metric.key) return null;
    needed = compiled.levels[level]!.min.div(HUNDRED);
  }
  const cap = compiled.cap.get(m.metric.key) ?? null;
  if (cap !== null && needed.gt(cap)) return null;
  if (needed.lte(m.attainment)) return null;
  return needed;
}

function increaseText(plan: Plan, m: MetricEval, needed: Decimal): string | null {
  const current = m.actual.value!;
  const increase = needed.times(m.target!).minus(current);
  // Round up: the increase must reach the tier, not fall a fraction short of it.
  const places =
    m.metric.kind === 'wonAmount' ? minorUnitsFor(plan.currency) : isCountMetric(m.metric.kind) ? 0 : 2;
  const rounded = increase.toDecimalPlaces(places, Decimal.ROUND_UP);
  return valueText(m.metric, rounded, plan.currency);
}

const SCALE = 10n ** 18n;
/** 10^0 … 10^18 as BigInts, so no power is recomputed per metric and partner. */
const POW10: bigint[] = Array.from({ length: 19 }, (_, i) => 10n ** BigInt(i));

/**
 * The increase on a score basis from exact fractions. The other metrics' attainments
 * (1/3, 1/4.5, a mean of three deals) are held to 18 places; the needed amount then
 * lands a hair above a minor unit or a whole count it really equals, and rounding up
 * would ask for one cent, or one customer, more than the tier needs.
 */
function exactIncreaseText(plan: Plan, e: Evaluation, m: MetricEval, level: number): string {
  const compiled = compile(plan);
  const w = compiled.weight.get(m.metric.key)!.units;
  const [n, d] = exactWeightedSum(e.metrics, compiled.weight, m);
  // w·a + n/d ≥ share · Σw  →  a ≥ (share·Σw·d − n·SCALE) / (SCALE·d·w), everything in Decimal units.
  const p = compiled.levels[level]!.scoreShare.units * e.weightSum.units * d - n * SCALE;
  const q = SCALE * d * w;
  // increase = a·target − current; current is sum/count for an average.
  const [currentNum, count] = m.actual.mean
    ? [m.actual.mean.sum.units, BigInt(m.actual.mean.count)]
    : [m.actual.value!.units, 1n];
  const places =
    m.metric.kind === 'wonAmount' ? minorUnitsFor(plan.currency) : isCountMetric(m.metric.kind) ? 0 : 2;
  const top = (p * m.target!.units * count - currentNum * q) * POW10[places]!;
  const bottom = q * SCALE * count;
  // Round up (away from zero): the increase must reach the tier, not fall short of it.
  const steps = top <= 0n ? 0n : (top + bottom - 1n) / bottom;
  const increase = Decimal.fromUnits(steps * POW10[18 - places]!);
  return valueText(m.metric, increase, plan.currency);
}
