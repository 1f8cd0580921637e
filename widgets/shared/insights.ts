// Plain-language readings of a result: the gap to the next tier per metric, the awards within
// reach, metric labels. Pure functions of (plan, result, locale) so they are unit-tested alone.
import type { Metric, PartnerResult } from '../../src/core/index.js';
import { formatMetricValue, formatMoney, formatNumber, formatPercent } from './format.js';
import { t, tierLabel } from './i18n.js';
import type { Locale, PlanView } from './types.js';

const DEFAULT_LABELS: Record<Metric['kind'], { en: string; 'zh-CN': string }> = {
  wonAmount: { en: 'Revenue', 'zh-CN': '销售额' },
  wonCount: { en: 'Won deals', 'zh-CN': '赢单数' },
  newCustomers: { en: 'New customers', 'zh-CN': '新客户' },
  distinctAccounts: { en: 'Market coverage', 'zh-CN': '市场覆盖' },
  averageDeal: { en: 'Average', 'zh-CN': '平均' },
  partnerAttribute: { en: '', 'zh-CN': '' },
};

/** `newCustomers` → `New customers`: a readable fallback when no plan names the metric. */
export function humanize(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The metric's label from the plan, else a default by kind, else its key made readable. */
export function metricLabel(plan: PlanView | null, key: string, locale: Locale): string {
  const metric = plan?.metrics.find((m) => m.key === key);
  if (!metric) return humanize(key);
  if (typeof metric.label === 'string') return metric.label;
  const own = metric.label?.[locale];
  if (own) return own;
  const field = 'field' in metric ? metric.field : '';
  if (metric.kind === 'averageDeal') return `${DEFAULT_LABELS.averageDeal[locale]} ${field}`.trim();
  if (metric.kind === 'partnerAttribute') return field || key;
  return DEFAULT_LABELS[metric.kind][locale];
}

export interface GapOption {
  metric: string;
  /** The increase, formatted (`¥241,880`, `3`). */
  amount: string;
  /** The phrase for the sentence (`¥241,880 more revenue`). */
  text: string;
}

/** One phrase per metric that alone reaches the next tier, in plan order. */
export function gapOptions(
  plan: PlanView | null,
  result: PartnerResult,
  locale: Locale,
  currency: string,
): GapOption[] {
  const next = result.nextTier;
  if (!next) return [];
  const order = plan ? plan.metrics.map((m) => m.key) : Object.keys(next.byMetric);
  const out: GapOption[] = [];
  for (const key of order) {
    const increase = next.byMetric[key];
    if (increase === null || increase === undefined) continue;
    const kind = result.metrics[key]?.kind ?? plan?.metrics.find((m) => m.key === key)?.kind ?? '';
    const label = metricLabel(plan, key, locale);
    const labelInSentence = locale === 'en' ? label.toLowerCase() : label;
    let amount: string;
    let text: string;
    if (kind === 'wonAmount') {
      amount = formatMoney(locale, currency, increase);
      text = t(locale, 'gapMoney', { amount, label: labelInSentence });
    } else if (kind === 'distinctAccounts') {
      amount = formatNumber(locale, increase);
      text = t(locale, 'gapCoverage', { amount, label: labelInSentence });
    } else if (kind === 'averageDeal' || kind === 'partnerAttribute') {
      amount = formatNumber(locale, increase);
      text = t(locale, 'gapRaise', { amount, label });
    } else {
      amount = formatNumber(locale, increase);
      text = t(locale, 'gapCount', { amount, label: labelInSentence });
    }
    out.push({ metric: key, amount, text });
  }
  return out;
}

/** "¥300,000 more revenue, or 3 more new customers, reaches Platinum." — or null at the top tier. */
export function gapSentence(
  plan: PlanView | null,
  result: PartnerResult,
  locale: Locale,
  currency: string,
): string | null {
  const next = result.nextTier;
  if (!next) return null;
  const options = gapOptions(plan, result, locale, currency);
  const tier = tierLabel(locale, next.name);
  if (options.length === 0) {
    return `${t(locale, 'nextTierScore', { gap: formatNumber(locale, next.scoreGap), tier })} ${t(locale, 'gapNone')}`;
  }
  // English sets the alternatives off with a comma: "A, or B, reaches Platinum."
  const joined =
    options.map((o) => o.text).join(t(locale, 'nextTierOr')) +
    (locale === 'en' && options.length > 1 ? ',' : '');
  const sentence = t(locale, 'nextTierGap', { options: joined, tier });
  return locale === 'en' ? sentence.charAt(0).toUpperCase() + sentence.slice(1) : sentence;
}

export type NearCondition =
  | { kind: 'tier'; tier: string }
  | { kind: 'attainment'; metric: string; needed: number; current: number }
  | { kind: 'actual'; metric: string; needed: number; current: number }
  | { kind: 'rank'; top: number; within: string | null; rank: number };

export interface NearAward {
  type: string;
  name: string;
  condition: NearCondition;
}

/** How close "within reach" is: 80% of an attainment or actual threshold, 2 places of rank. */
export const NEAR_RATIO = 0.8;
export const NEAR_RANKS = 2;

/**
 * Awards the partner has not earned but is close to: a tier condition that is the next tier,
 * an attainment or actual condition already at ≥ 80% of its threshold, a rank condition at
 * most two places away. Earned awards (by name) are never "near".
 */
export function nearAwards(plan: PlanView | null, result: PartnerResult): NearAward[] {
  if (!plan) return [];
  const earned = new Set(result.awards.map((a) => a.name));
  const out: NearAward[] = [];
  for (const award of plan.awards) {
    if (earned.has(award.name)) continue;
    const when = award.when as Record<string, unknown>;
    if (typeof when.tierAtLeast === 'string') {
      if (result.nextTier?.name === when.tierAtLeast) {
        out.push({ type: award.type, name: award.name, condition: { kind: 'tier', tier: when.tierAtLeast } });
      }
    } else if (typeof when.metric === 'string' && typeof when.attainmentAtLeast === 'number') {
      const current = result.metrics[when.metric]?.attainment;
      if (typeof current === 'number' && current >= when.attainmentAtLeast * NEAR_RATIO) {
        out.push({
          type: award.type,
          name: award.name,
          condition: { kind: 'attainment', metric: when.metric, needed: when.attainmentAtLeast, current },
        });
      }
    } else if (typeof when.metric === 'string' && typeof when.actualAtLeast === 'number') {
      const actual = result.metrics[when.metric]?.actual;
      const current = actual === null || actual === undefined ? null : Number(actual);
      if (current !== null && current >= when.actualAtLeast * NEAR_RATIO) {
        out.push({
          type: award.type,
          name: award.name,
          condition: { kind: 'actual', metric: when.metric, needed: when.actualAtLeast, current },
        });
      }
    } else if (when.rank && typeof when.rank === 'object') {
      const rank = when.rank as { top: number; within?: string };
      const mine = rank.within ? result.rank.within[rank.within] : result.rank.overall;
      if (typeof mine === 'number' && mine > rank.top && mine - rank.top <= NEAR_RANKS) {
        out.push({
          type: award.type,
          name: award.name,
          condition: { kind: 'rank', top: rank.top, within: rank.within ?? null, rank: mine },
        });
      }
    }
  }
  return out;
}

export function nearAwardText(
  plan: PlanView | null,
  near: NearAward,
  result: PartnerResult,
  locale: Locale,
  currency: string,
): string {
  const c = near.condition;
  switch (c.kind) {
    case 'tier':
      return t(locale, 'nearTier', { tier: tierLabel(locale, c.tier) });
    case 'attainment':
      return t(locale, 'nearAttainment', {
        label: metricLabel(plan, c.metric, locale),
        pct: formatPercent(locale, c.needed),
        now: formatPercent(locale, c.current),
      });
    case 'actual': {
      const kind = result.metrics[c.metric]?.kind ?? '';
      return t(locale, 'nearActual', {
        label: metricLabel(plan, c.metric, locale),
        amount: formatMetricValue(locale, kind, c.needed, currency),
        now: formatMetricValue(locale, kind, c.current, currency),
      });
    }
    case 'rank': {
      const field = c.within ? rankFieldLabel(locale, c.within) : '';
      return t(locale, 'nearRank', {
        top: c.top,
        rank: c.rank,
        within: c.within ? t(locale, 'nearRankWithin', { field }) : '',
      });
    }
  }
}

export function rankFieldLabel(locale: Locale, field: string): string {
  if (field === 'region') return t(locale, 'rankField_region');
  if (field === 'level') return t(locale, 'rankField_level');
  return field;
}

/** The tier ladder: names and mins, ascending, with the score of the next tier. */
export function tierLadder(plan: PlanView | null): { name: string; min: number }[] {
  return plan ? plan.tiers.levels.map((l) => ({ name: l.name, min: l.min })) : [];
}
