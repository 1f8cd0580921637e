// The gap to the next tier: the score gap, and per metric the smallest increase of
// that metric alone (others fixed, caps respected) that reaches it.
import type { Evaluation, MetricEval } from './evaluate.js';
import { isCountMetric, valueText } from './labels.js';
import { Decimal, HUNDRED, minorUnitsFor, roundedNumber } from './money.js';
import type { Plan } from './plan.schema.js';
import type { NextTier } from './results.js';

/** A score rounds half-up to 2 places: it reaches `min` once the exact value is min − 0.005. */
const ROUNDING_SLACK = new Decimal('0.005');

export function nextTier(plan: Plan, e: Evaluation): NextTier | null {
  const next = plan.tiers.levels[e.basisTier + 1];
  if (!next) return null;
  const byMetric: Record<string, string | null> = {};
  for (const m of e.metrics) {
    const needed = neededAttainment(plan, e, m, next.min);
    byMetric[m.metric.key] = needed === null ? null : increaseText(plan, m, needed);
  }
  return { name: next.name, scoreGap: roundedNumber(new Decimal(next.min).minus(e.basisValue), 2), byMetric };
}

/** Attainment the metric must reach alone, or null when it cannot. */
function neededAttainment(plan: Plan, e: Evaluation, m: MetricEval, min: number): Decimal | null {
  if (m.attainment === null || m.target === null) return null;
  const basis = plan.tiers.basis;
  let needed: Decimal;
  if (basis === 'score') {
    const others = e.weightedSum.minus(m.attainment.times(m.metric.weight));
    needed = new Decimal(min)
      .minus(ROUNDING_SLACK)
      .times(e.weightSum)
      .div(HUNDRED)
      .minus(others)
      .div(m.metric.weight);
  } else {
    if (basis.attainment !== m.metric.key) return null;
    needed = new Decimal(min).div(HUNDRED);
  }
  if (m.metric.cap !== undefined && needed.gt(m.metric.cap)) return null;
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
