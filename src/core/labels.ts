// How metrics and quantities are named to people, in English and Simplified Chinese.
// Formatting is locale-free on purpose: results must be byte-identical everywhere.
import { type Decimal, groupThousands, moneyText, quantityText } from './money.js';
import type { Metric } from './plan.schema.js';
import type { Message } from './results.js';

const DEFAULT_LABELS: Record<Metric['kind'], (m: Metric) => Message> = {
  wonAmount: () => ({ en: 'Revenue', 'zh-CN': '销售额' }),
  wonCount: () => ({ en: 'Won deals', 'zh-CN': '赢单数' }),
  newCustomers: () => ({ en: 'New customers', 'zh-CN': '新客户' }),
  distinctAccounts: () => ({ en: 'Market coverage', 'zh-CN': '市场覆盖' }),
  averageDeal: (m) => ({
    en: `Average ${'field' in m ? m.field : ''}`,
    'zh-CN': `平均${'field' in m ? m.field : ''}`,
  }),
  partnerAttribute: (m) => ({ en: 'field' in m ? m.field : m.key, 'zh-CN': 'field' in m ? m.field : m.key }),
};

/** Labels per metric object: a plan's metrics are scored for every partner. */
const labels = new WeakMap<Metric, Message>();

/** The metric's label in both languages. The same object for a metric each time: do not change it. */
export function metricLabel(metric: Metric): Message {
  let label = labels.get(metric);
  if (label === undefined) {
    label = labelOf(metric);
    labels.set(metric, label);
  }
  return label;
}

function labelOf(metric: Metric): Message {
  const fallback = DEFAULT_LABELS[metric.kind](metric);
  if (typeof metric.label === 'string') return { en: metric.label, 'zh-CN': metric.label };
  return { en: metric.label?.en ?? fallback.en, 'zh-CN': metric.label?.['zh-CN'] ?? fallback['zh-CN'] };
}

/** Metrics counted in whole units: gaps round up to the next whole one. */
export function isCountMetric(kind: Metric['kind']): boolean {
  return kind === 'wonCount' || kind === 'newCustomers' || kind === 'distinctAccounts';
}

/** The canonical string of a metric value (money to minor units, others up to 4 places). */
export function valueText(metric: Metric, value: Decimal, currency: string): string {
  return metric.kind === 'wonAmount' ? moneyText(value, currency) : quantityText(value);
}

/** A value as people read it: grouped, with the currency for money. */
export function displayValue(metric: Metric, value: Decimal, currency: string): string {
  const text = groupThousands(valueText(metric, value, currency));
  return metric.kind === 'wonAmount' ? `${text} ${currency}` : text;
}

export function percent(attainment: Decimal): string {
  return `${attainment.times(100).toDecimalPlaces(0).toString()}%`;
}
