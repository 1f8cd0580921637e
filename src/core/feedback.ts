// Strengths (attainment ≥ 1) and improvements (attainment < 1, weakest first), each
// with a plain-language message in English and Simplified Chinese.
import type { Evaluation, GateEval, MetricEval } from './evaluate.js';
import { displayValue, metricLabel, percent, valueText } from './labels.js';
import { Decimal, ONE, roundedNumber } from './money.js';
import type { Plan } from './plan.schema.js';
import type { FeedbackItem, Message } from './results.js';

export function feedback(
  plan: Plan,
  e: Evaluation,
): { strengths: FeedbackItem[]; improvements: FeedbackItem[] } {
  const scored = e.metrics.filter((m) => m.rawAttainment !== null);
  const strengths = scored
    .filter((m) => m.rawAttainment!.gte(ONE))
    .sort((a, b) => b.rawAttainment!.comparedTo(a.rawAttainment!))
    .map((m) => strength(plan, m));
  const improvements = scored
    .filter((m) => m.rawAttainment!.lt(ONE))
    .sort((a, b) => a.rawAttainment!.comparedTo(b.rawAttainment!))
    .map((m) => improvement(plan, m));
  return { strengths, improvements };
}

function strength(plan: Plan, m: MetricEval): FeedbackItem {
  const label = metricLabel(m.metric);
  const actual = displayValue(m.metric, m.actual.value!, plan.currency);
  const target = displayValue(m.metric, m.target!, plan.currency);
  const pct = percent(m.rawAttainment!);
  return {
    metric: m.metric.key,
    attainment: roundedNumber(m.rawAttainment!, 4),
    message: {
      en: `${label.en}: ${pct} of target (${actual} of ${target}).`,
      'zh-CN': `${label['zh-CN']}：完成目标的 ${pct}（${actual} / ${target}）。`,
    },
  };
}

function improvement(plan: Plan, m: MetricEval): FeedbackItem {
  const label = metricLabel(m.metric);
  const actual = displayValue(m.metric, m.actual.value!, plan.currency);
  const target = displayValue(m.metric, m.target!, plan.currency);
  const gapValue = m.target!.minus(m.actual.value!);
  const gap = displayValue(m.metric, gapValue, plan.currency);
  const pct = percent(m.rawAttainment!);
  return {
    metric: m.metric.key,
    attainment: roundedNumber(m.rawAttainment!, 4),
    gap: valueText(m.metric, gapValue, plan.currency),
    message: {
      en: `${label.en}: ${pct} of target (${actual} of ${target}); ${gap} more reaches the target.`,
      'zh-CN': `${label['zh-CN']}：完成目标的 ${pct}（${actual} / ${target}），再增加 ${gap} 即可达标。`,
    },
  };
}

export function gateMessage(plan: Plan, g: GateEval): Message {
  const metric = plan.metrics.find((m) => m.key === g.gate.metric)!;
  const label = metricLabel(metric);
  const actual = g.actual === null ? null : displayValue(metric, g.actual, plan.currency);
  const min = displayValue(metric, new Decimal(g.gate.min), plan.currency);
  const effect =
    g.gate.effect === 'noPayout'
      ? { en: 'no payout this period', zh: '本期不发放奖励' }
      : { en: `tier limited to ${g.gate.effect.maxTier}`, zh: `等级最高为 ${g.gate.effect.maxTier}` };
  return {
    en: `${label.en} is ${actual ?? 'not recorded'}, below the required ${min}: ${effect.en}.`,
    'zh-CN': `${label['zh-CN']}${actual === null ? '暂无数据' : `为 ${actual}`}，低于要求的 ${min}：${effect.zh}。`,
  };
}
