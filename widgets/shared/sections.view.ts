// The detail sections of the partner view: metric bars, awards earned and near, feedback.
import type { PartnerResult } from '../../src/core/index.js';
import { h } from './dom.js';
import { formatMetricValue, formatNumber, formatPercent } from './format.js';
import { type MessageKey, t, tierLabel } from './i18n.js';
import { gapOptions, metricLabel, nearAwards, nearAwardText } from './insights.js';
import type { Locale, WidgetPayload } from './types.js';
import { card, planOf } from './view.parts.js';

export function metrics(p: WidgetPayload, locale: Locale): HTMLElement {
  const r = p.result;
  const alone = new Map(gapOptions(planOf(p), r, locale, p.currency).map((o) => [o.metric, o.amount]));
  const plan = planOf(p);
  const order = plan ? plan.metrics.map((m) => m.key).filter((k) => k in r.metrics) : Object.keys(r.metrics);
  const rows = order.map((key) => {
    const m = r.metrics[key]!;
    const cap = planOf(p)?.metrics.find((x) => x.key === key)?.cap ?? 1.5;
    const label = metricLabel(planOf(p), key, locale);
    const raw =
      m.actual !== null && m.target !== null && Number(m.target) > 0
        ? Number(m.actual) / Number(m.target)
        : null;
    const scale = Math.max(cap, 1);
    const width = raw === null ? 0 : Math.min(raw, scale) / scale;
    const excluded = (m as { excluded?: string }).excluded;
    const note =
      excluded === 'no target'
        ? t(locale, 'metricNoTarget')
        : excluded === 'no value' || m.actual === null
          ? t(locale, 'metricNoValue')
          : t(locale, 'metricTarget', {
              actual: formatMetricValue(locale, m.kind, m.actual, p.currency),
              target: m.target === null ? '—' : formatMetricValue(locale, m.kind, m.target, p.currency),
            });
    const extra = alone.get(key);
    const id = `ci-m-${key}`;
    return h(
      'li',
      { class: 'metric', 'data-metric': key },
      h(
        'div',
        { class: 'metric-head' },
        h('span', { class: 'metric-name', id }, label),
        h('span', { class: 'metric-pct' }, raw === null ? '—' : formatPercent(locale, raw)),
      ),
      h(
        'div',
        {
          class: `bar${raw !== null && raw >= 1 ? ' bar-met' : ''}`,
          role: 'progressbar',
          'aria-labelledby': id,
          'aria-valuemin': 0,
          'aria-valuemax': Math.round(scale * 100),
          'aria-valuenow': raw === null ? 0 : Math.round(Math.min(raw, scale) * 100),
          'aria-valuetext':
            raw === null ? note : `${t(locale, 'attainment', { pct: formatPercent(locale, raw) })}; ${note}`,
        },
        h('div', { class: 'bar-fill', style: `width:${(width * 100).toFixed(2)}%` }),
        h('div', { class: 'bar-target', style: `left:${((1 / scale) * 100).toFixed(2)}%` }),
      ),
      h(
        'div',
        { class: 'metric-foot muted small' },
        h('span', null, note),
        h('span', null, t(locale, 'metricWeight', { weight: formatNumber(locale, m.weight) })),
      ),
      extra && r.nextTier
        ? h(
            'p',
            { class: 'metric-alone small' },
            t(locale, 'barAlone', { amount: extra, tier: tierLabel(locale, r.nextTier.name) }),
          )
        : null,
    );
  });
  return card(t(locale, 'metrics'), [h('ul', { class: 'metrics' }, rows)], 'card-metrics');
}

export function awards(p: WidgetPayload, locale: Locale): HTMLElement {
  const earned = p.result.awards;
  const near = nearAwards(planOf(p), p.result);
  const chip = (type: string, name: string, cls: string, detail?: string) =>
    h(
      'li',
      { class: `award ${cls}` },
      h('span', { class: 'award-type' }, t(locale, `awardType_${type}` as MessageKey)),
      h('span', { class: 'award-name' }, name),
      detail ? h('span', { class: 'award-detail muted small' }, detail) : null,
    );
  return card(
    t(locale, 'awards'),
    [
      h('h3', { class: 'sub' }, t(locale, 'awardsEarned')),
      earned.length
        ? h(
            'ul',
            { class: 'awards', 'data-testid': 'awards-earned' },
            earned.map((a) => chip(a.type, a.name, 'award-earned')),
          )
        : h('p', { class: 'muted small' }, t(locale, 'awardsNone')),
      near.length ? h('h3', { class: 'sub' }, t(locale, 'awardsNear')) : null,
      near.length
        ? h(
            'ul',
            { class: 'awards', 'data-testid': 'awards-near' },
            near.map((a) =>
              chip(a.type, a.name, 'award-near', nearAwardText(planOf(p), a, p.result, locale, p.currency)),
            ),
          )
        : null,
    ],
    'card-awards',
  );
}

export function feedback(p: WidgetPayload, locale: Locale): HTMLElement {
  const list = (items: PartnerResult['feedback']['strengths'], cls: string) =>
    items.length
      ? h(
          'ul',
          { class: `feedback ${cls}` },
          items.map((i) => h('li', null, i.message[locale])),
        )
      : h('p', { class: 'muted small' }, t(locale, 'nothingYet'));
  return card(
    `${t(locale, 'strengths')} · ${t(locale, 'improvements')}`,
    [
      h('h3', { class: 'sub' }, t(locale, 'strengths')),
      list(p.result.feedback.strengths, 'fb-strength'),
      h('h3', { class: 'sub' }, t(locale, 'improvements')),
      list(p.result.feedback.improvements, 'fb-improve'),
    ],
    'card-feedback',
  );
}
