// Strengths (attainment ≥ 1) and improvements (attainment < 1, weakest first), each
// with a plain-language message in English and Simplified Chinese.
import type { GateEval } from './evaluate.js';
import { flat } from './flat-text.js';
import { metricLabel, valueText } from './labels.js';
import { Decimal, ONE } from './money.js';
import type { Plan } from './plan.schema.js';
import type { FeedbackItem, Message } from './results.js';
import { sortInPlace } from './small-sort.js';
import { display, type MetricView } from './view.js';

export function feedback(
  plan: Plan,
  views: MetricView[],
): { strengths: FeedbackItem[]; improvements: FeedbackItem[] } {
  // Plain loops and module-level comparators: no closures per partner.
  const strong: MetricView[] = [];
  const weak: MetricView[] = [];
  for (const v of views) {
    if (v.rawAttainment === null) continue;
    if (v.m.rawAttainment!.gte(ONE)) strong.push(v);
    else weak.push(v);
  }
  sortInPlace(strong, byAttainmentDescending);
  sortInPlace(weak, byAttainmentAscending);
  const strengths: FeedbackItem[] = new Array(strong.length);
  for (let i = 0; i < strong.length; i++) strengths[i] = strength(strong[i]!);
  const improvements: FeedbackItem[] = new Array(weak.length);
  for (let i = 0; i < weak.length; i++) improvements[i] = improvement(plan, weak[i]!);
  return { strengths, improvements };
}

function byAttainmentDescending(a: MetricView, b: MetricView): number {
  return b.m.rawAttainment!.comparedTo(a.m.rawAttainment!);
}

function byAttainmentAscending(a: MetricView, b: MetricView): number {
  return a.m.rawAttainment!.comparedTo(b.m.rawAttainment!);
}

function strength(v: MetricView): FeedbackItem {
  const label = metricLabel(v.m.metric);
  return {
    metric: v.m.metric.key,
    attainment: v.rawAttainment!,
    message: {
      en: flat(`${label.en}: ${v.percent} of target (${v.actualDisplay} of ${v.targetDisplay}).`),
      'zh-CN': flat(
        `${label['zh-CN']}：完成目标的 ${v.percent}（${v.actualDisplay} / ${v.targetDisplay}）。`,
      ),
    },
  };
}

function improvement(plan: Plan, v: MetricView): FeedbackItem {
  const label = metricLabel(v.m.metric);
  const gap = valueText(v.m.metric, v.m.target!.minus(v.m.actual.value!), plan.currency);
  const gapDisplay = display(v.m, gap, plan.currency);
  return {
    metric: v.m.metric.key,
    attainment: v.rawAttainment!,
    gap,
    message: {
      en: flat(
        `${label.en}: ${v.percent} of target (${v.actualDisplay} of ${v.targetDisplay}); ${gapDisplay} more reaches the target.`,
      ),
      'zh-CN': flat(
        `${label['zh-CN']}：完成目标的 ${v.percent}（${v.actualDisplay} / ${v.targetDisplay}），再增加 ${gapDisplay} 即可达标。`,
      ),
    },
  };
}

export function gateMessage(plan: Plan, views: MetricView[], g: GateEval): Message {
  let found: MetricView | undefined;
  for (const v of views) {
    if (v.m.metric.key === g.gate.metric) {
      found = v;
      break;
    }
  }
  const view = found!;
  const label = metricLabel(view.m.metric);
  const actual = g.actual === null ? null : view.actualDisplay;
  const min = display(
    view.m,
    valueText(view.m.metric, new Decimal(g.gate.min), plan.currency),
    plan.currency,
  );
  const effect =
    g.gate.effect === 'noPayout'
      ? { en: 'no payout this period', zh: '本期不发放奖励' }
      : { en: `tier limited to ${g.gate.effect.maxTier}`, zh: `等级最高为 ${g.gate.effect.maxTier}` };
  return {
    en: flat(`${label.en} is ${actual ?? 'not recorded'}, below the required ${min}: ${effect.en}.`),
    'zh-CN': flat(
      `${label['zh-CN']}${actual === null ? '暂无数据' : `为 ${actual}`}，低于要求的 ${min}：${effect.zh}。`,
    ),
  };
}
