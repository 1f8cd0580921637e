// Presentation values of each metric, computed once per partner and shared by the
// results, the feedback and the explain lines (decimal maths is the costly part of
// scoring ten thousand partners, so nothing here is computed twice).
import type { Evaluation, MetricEval } from './evaluate.js';
import { valueText } from './labels.js';
import { groupThousands, HUNDRED, roundedNumber } from './money.js';
import type { Plan } from './plan.schema.js';

export interface MetricView {
  m: MetricEval;
  /** Canonical text of the actual (money to minor units), or null. */
  actualText: string | null;
  /** The actual as people read it: grouped, with the currency for money. */
  actualDisplay: string;
  /** The target as the plan or attribute gave it ("1000000"). */
  targetText: string | null;
  targetDisplay: string | null;
  rawAttainment: number | null;
  attainment: number | null;
  points: number | null;
  /** Uncapped attainment as a whole percentage ("125%"). */
  percent: string | null;
}

export function display(m: MetricEval, text: string, currency: string): string {
  const grouped = groupThousands(text);
  return m.metric.kind === 'wonAmount' ? `${grouped} ${currency}` : grouped;
}

export function metricViews(plan: Plan, e: Evaluation): MetricView[] {
  const currency = plan.currency;
  return e.metrics.map((m) => {
    const actualText = m.actual.value === null ? null : valueText(m.metric, m.actual.value, currency);
    const targetDisplayText = m.target === null ? null : valueText(m.metric, m.target, currency);
    const scored = m.attainment !== null && m.rawAttainment !== null;
    return {
      m,
      actualText,
      actualDisplay: actualText === null ? 'no value' : display(m, actualText, currency),
      targetText: m.target === null ? null : m.target.toString(),
      targetDisplay: targetDisplayText === null ? null : display(m, targetDisplayText, currency),
      rawAttainment: scored ? roundedNumber(m.rawAttainment!, 4) : null,
      attainment: scored ? roundedNumber(m.attainment!, 4) : null,
      points: scored
        ? roundedNumber(m.attainment!.times(m.metric.weight).times(HUNDRED).div(e.weightSum), 2)
        : null,
      percent: scored ? `${m.rawAttainment!.times(HUNDRED).toDecimalPlaces(0).toString()}%` : null,
    };
  });
}
