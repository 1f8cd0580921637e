// Presentation values of each metric, computed once per partner and shared by the
// results, the feedback and the explain lines (decimal maths is the costly part of
// scoring ten thousand partners, so nothing here is computed twice).

import { compile } from './compiled.js';
import type { Evaluation, MetricEval } from './evaluate.js';
import { valueText } from './labels.js';
import { type Decimal, groupThousands, roundedNumber } from './money.js';
import type { Metric, Plan } from './plan.schema.js';

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
  // The plan's weights as Decimals (the same values as new Decimal(metric.weight)).
  const weights = compile(plan).weight;
  const views: MetricView[] = new Array(e.metrics.length);
  for (let i = 0; i < views.length; i++) {
    const m = e.metrics[i]!;
    const actualText = m.actual.value === null ? null : valueText(m.metric, m.actual.value, currency);
    const target = m.target === null ? null : targetTexts(m, m.target, currency);
    const scored = m.attainment !== null && m.rawAttainment !== null;
    views[i] = {
      m,
      actualText,
      actualDisplay: actualText === null ? 'no value' : display(m, actualText, currency),
      targetText: target === null ? null : target.text,
      targetDisplay: target === null ? null : target.display,
      rawAttainment: scored ? roundedNumber(m.rawAttainment!, 4) : null,
      attainment: scored ? roundedNumber(m.attainment!, 4) : null,
      points: scored
        ? roundedNumber(m.attainment!.times(weights.get(m.metric.key)!).timesHundred().div(e.weightSum), 2)
        : null,
      percent: scored ? `${m.rawAttainment!.timesHundred().toDecimalPlaces(0).toString()}%` : null,
    };
  }
  return views;
}

interface TargetTexts {
  decimal: Decimal;
  currency: string;
  text: string;
  display: string;
}

/**
 * A target's texts, remembered per metric for the last target met. Most partners
 * share a target (the plan's default or their level's, the same Decimal object each
 * time), so its texts are written once rather than once per partner.
 */
const lastTarget = new WeakMap<Metric, TargetTexts>();

function targetTexts(m: MetricEval, target: Decimal, currency: string): TargetTexts {
  const last = lastTarget.get(m.metric);
  if (last !== undefined && last.decimal === target && last.currency === currency) return last;
  const texts = {
    decimal: target,
    currency,
    text: target.toString(),
    display: display(m, valueText(m.metric, target, currency), currency),
  };
  lastTarget.set(m.metric, texts);
  return texts;
}
