// Renders the partner view from a payload. Pure DOM construction: no fetching, no timers;
// app.ts owns state and calls these. Every section has a heading so screen readers can jump.
import type { PartnerResult } from '../../src/core/index.js';
import { h } from './dom.js';
import {
  formatDate,
  formatDateTime,
  formatMetricValue,
  formatMoney,
  formatNumber,
  formatPercent,
  formatSignedMoney,
} from './format.js';
import { type MessageKey, t, tierLabel } from './i18n.js';
import {
  gapOptions,
  gapSentence,
  metricLabel,
  nearAwards,
  nearAwardText,
  rankFieldLabel,
  tierLadder,
} from './insights.js';
import { trendChart } from './trend.js';
import type { Locale, PlanView, WidgetPayload } from './types.js';
import type { WhatIfOutcome } from './whatif.js';

export interface ViewHandlers {
  onPeriod(period: string): void;
  onWhatIf(dealIds: string[], typed: string): void;
  onRetry(): void;
}

/** The plan for display: the full plan, or the summary a stored CRM result carries. */
function planOf(p: WidgetPayload): PlanView | null {
  return p.plan ?? p.planView ?? null;
}

function tierClass(tier: string): string {
  return `tier-${tier.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

function card(title: string, body: (HTMLElement | null)[], extra = ''): HTMLElement {
  return h('section', { class: `card ${extra}`.trim() }, h('h2', { class: 'card-title' }, title), body);
}

function header(p: WidgetPayload, locale: Locale, on: ViewHandlers): HTMLElement {
  const select = h(
    'select',
    {
      id: 'ci-period',
      class: 'period-select',
      onchange: (e: Event) => on.onPeriod((e.target as HTMLSelectElement).value),
    },
    p.periods.map((o) =>
      h(
        'option',
        { value: o.key, selected: o.key === p.period },
        t(locale, o.status === 'current' ? 'periodCurrent' : 'periodFrozen', { period: o.key }),
      ),
    ),
  );
  return h(
    'header',
    { class: 'head' },
    h(
      'div',
      { class: 'head-title' },
      h('h1', { class: 'partner-name' }, p.partner.name),
      h(
        'p',
        { class: 'muted', 'data-testid': 'updated' },
        p.computedAt
          ? t(locale, 'lastUpdated', { time: formatDateTime(locale, p.computedAt) })
          : t(locale, 'notYetComputed'),
      ),
    ),
    h('div', { class: 'head-period' }, h('label', { for: 'ci-period' }, t(locale, 'period')), select),
  );
}

function ladder(p: WidgetPayload, locale: Locale): HTMLElement | null {
  const levels = tierLadder(planOf(p));
  if (levels.length < 2 || planOf(p)?.tiers.basis !== 'score') return null;
  const fill = ladderPosition(levels, p.result.score);
  return h(
    'div',
    { class: 'ladder', 'aria-hidden': 'true' },
    h(
      'div',
      { class: 'ladder-track' },
      levels.map((l) => h('span', { class: `ladder-seg ${tierClass(l.name)}` }, tierLabel(locale, l.name))),
      h('span', { class: 'ladder-fill', style: `width:${(fill * 100).toFixed(2)}%` }),
    ),
  );
}

/** Where a score sits on a ladder of equal-width tier segments (0..1); the top segment spans 20% above its min. */
export function ladderPosition(levels: { min: number }[], score: number): number {
  const n = levels.length;
  for (let i = n - 1; i >= 0; i--) {
    const lo = levels[i]!.min;
    if (score < lo && i > 0) continue;
    const hi = i + 1 < n ? levels[i + 1]!.min : Math.max(lo * 1.2, lo + 10);
    const within = Math.min(1, Math.max(0, (score - lo) / (hi - lo)));
    return (i + within) / n;
  }
  return 0;
}

function summary(p: WidgetPayload, locale: Locale): HTMLElement {
  const r = p.result;
  const frozen = p.periods.find((o) => o.key === p.period)?.status === 'frozen';
  const payoutLines: [string, string][] = [];
  if (Number(r.payout.base) !== 0)
    payoutLines.push([t(locale, 'payoutBase'), formatMoney(locale, p.currency, r.payout.base)]);
  if (Number(r.payout.tierBonus) !== 0)
    payoutLines.push([t(locale, 'payoutTierBonus'), formatMoney(locale, p.currency, r.payout.tierBonus)]);
  for (const b of r.payout.bonuses) payoutLines.push([b.name, formatMoney(locale, p.currency, b.amount)]);
  const capReduction = (r.payout as { capReduction?: string }).capReduction;
  if (capReduction && Number(capReduction) !== 0)
    payoutLines.push([t(locale, 'payoutCap'), formatSignedMoney(locale, p.currency, `-${capReduction}`)]);
  for (const a of r.payout.adjustments)
    payoutLines.push([
      t(locale, a.kind === 'clawback' ? 'adjustmentClawback' : 'adjustmentTrueUp', { period: a.period }),
      formatSignedMoney(locale, p.currency, a.amount),
    ]);
  const next = r.nextTier;
  const nextMin = next ? tierLadder(planOf(p)).find((l) => l.name === next.name)?.min : undefined;
  const within = Object.entries(r.rank.within).filter(([, v]) => typeof v === 'number');
  return h(
    'div',
    { class: 'summary' },
    h(
      'section',
      { class: 'stat stat-tier', 'aria-labelledby': 'ci-tier-h' },
      h('h2', { class: 'stat-label', id: 'ci-tier-h' }, t(locale, 'tier')),
      h('p', { class: `tier-badge ${tierClass(r.tier)}`, 'data-testid': 'tier' }, tierLabel(locale, r.tier)),
      p.partner.level
        ? h('p', { class: 'muted small' }, t(locale, 'partnerLevel', { level: p.partner.level }))
        : null,
    ),
    h(
      'section',
      { class: 'stat stat-score', 'aria-labelledby': 'ci-score-h' },
      h('h2', { class: 'stat-label', id: 'ci-score-h' }, t(locale, 'score')),
      h('p', { class: 'stat-value', 'data-testid': 'score' }, formatNumber(locale, r.score)),
      h(
        'p',
        { class: 'muted small' },
        next && nextMin !== undefined
          ? t(locale, 'scoreOf', { max: formatNumber(locale, nextMin), tier: tierLabel(locale, next.name) })
          : t(locale, 'topTier'),
      ),
      ladder(p, locale),
    ),
    h(
      'section',
      { class: 'stat stat-payout', 'aria-labelledby': 'ci-payout-h' },
      h('h2', { class: 'stat-label', id: 'ci-payout-h' }, t(locale, frozen ? 'payoutSettled' : 'payout')),
      h(
        'p',
        { class: 'stat-value', 'data-testid': 'payout' },
        formatMoney(locale, p.currency, r.payout.total),
      ),
      payoutLines.length
        ? h(
            'dl',
            { class: 'breakdown' },
            payoutLines.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
          )
        : null,
    ),
    h(
      'section',
      { class: 'stat stat-rank', 'aria-labelledby': 'ci-rank-h' },
      h('h2', { class: 'stat-label', id: 'ci-rank-h' }, t(locale, 'rank')),
      h(
        'p',
        { class: 'stat-value', 'data-testid': 'rank' },
        t(locale, 'rankOverall', { rank: r.rank.overall, of: r.rank.of.overall }),
      ),
      within.map(([field, rank]) =>
        h(
          'p',
          { class: 'muted small' },
          t(locale, 'rankWithin', { rank: rank as number, field: rankFieldLabel(locale, field) }),
        ),
      ),
    ),
  );
}

function nextTierCallout(p: WidgetPayload, locale: Locale): HTMLElement | null {
  const sentence = gapSentence(planOf(p), p.result, locale, p.currency);
  if (!sentence) return null;
  return h(
    'section',
    { class: 'callout', 'aria-labelledby': 'ci-next-h' },
    h('h2', { class: 'callout-title', id: 'ci-next-h' }, t(locale, 'nextTier')),
    h('p', { 'data-testid': 'gap' }, sentence),
  );
}

function gates(p: WidgetPayload, locale: Locale): HTMLElement | null {
  if (!p.result.gatesFailed.length) return null;
  return h(
    'section',
    { class: 'alert', role: 'alert', 'aria-labelledby': 'ci-gates-h' },
    h('h2', { class: 'alert-title', id: 'ci-gates-h' }, t(locale, 'gates')),
    h(
      'ul',
      null,
      p.result.gatesFailed.map((g) => h('li', { 'data-testid': 'gate' }, g.message[locale])),
    ),
  );
}

function metrics(p: WidgetPayload, locale: Locale): HTMLElement {
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

function awards(p: WidgetPayload, locale: Locale): HTMLElement {
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

function feedback(p: WidgetPayload, locale: Locale): HTMLElement {
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

function whatIfPanel(p: WidgetPayload, locale: Locale, on: ViewHandlers): HTMLElement {
  if (!p.plan || !p.input) {
    return card(
      t(locale, 'whatIf'),
      [h('p', { class: 'muted small' }, t(locale, p.degraded ? 'whatIfNeedsServer' : 'whatIfUnavailable'))],
      'card-whatif',
    );
  }
  const form = h('form', { class: 'whatif-form', onsubmit: (e: Event) => e.preventDefault() });
  const emit = () => {
    const ids = Array.from(
      form.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked'),
      (c) => c.value,
    );
    const typed = (form.querySelector<HTMLInputElement>('#ci-whatif-amount')?.value ?? '').trim();
    on.onWhatIf(ids, typed);
  };
  const deals = p.openDeals.length
    ? h(
        'ul',
        { class: 'deals' },
        p.openDeals.map((d) =>
          h(
            'li',
            null,
            h(
              'label',
              { class: 'deal' },
              h('input', { type: 'checkbox', value: d.id, 'data-deal': d.id, onchange: emit }),
              h(
                'span',
                { class: 'deal-main' },
                h('span', { class: 'deal-name' }, d.name),
                h(
                  'span',
                  { class: 'muted small' },
                  [
                    d.accountName,
                    d.expectedClose
                      ? t(locale, 'expectedClose', { date: formatDate(locale, d.expectedClose) })
                      : null,
                  ]
                    .filter(Boolean)
                    .join(' · '),
                ),
              ),
              h('span', { class: 'deal-amount' }, formatMoney(locale, d.currency, d.amount)),
            ),
          ),
        ),
      )
    : h('p', { class: 'muted small' }, t(locale, 'whatIfNoDeals'));
  form.append(
    h('fieldset', null, h('legend', { class: 'sub' }, t(locale, 'whatIfDeals')), deals),
    h(
      'div',
      { class: 'amount-row' },
      h('label', { for: 'ci-whatif-amount' }, t(locale, 'whatIfAmount', { currency: p.currency })),
      h('input', {
        id: 'ci-whatif-amount',
        type: 'text',
        inputmode: 'decimal',
        autocomplete: 'off',
        placeholder: '0',
        oninput: emit,
      }),
    ),
    h(
      'button',
      {
        type: 'reset',
        class: 'btn btn-quiet',
        onclick: () => queueMicrotask(() => on.onWhatIf([], '')),
      },
      t(locale, 'whatIfReset'),
    ),
  );
  return card(
    t(locale, 'whatIf'),
    [
      h('p', { class: 'muted small' }, t(locale, 'whatIfHelp')),
      form,
      h('div', {
        class: 'whatif-out',
        id: 'ci-whatif-out',
        'aria-live': 'polite',
        'data-testid': 'whatif-out',
      }),
    ],
    'card-whatif',
  );
}

/** Fills the what-if result region (called on every tick without re-rendering the form). */
export function renderWhatIfOutcome(
  region: HTMLElement,
  p: WidgetPayload,
  locale: Locale,
  outcome: WhatIfOutcome | null,
  error: string | null,
): void {
  region.replaceChildren();
  if (error) {
    region.append(h('p', { class: 'whatif-error' }, t(locale, 'whatIfError', { message: error })));
    return;
  }
  if (!outcome) return;
  const b = outcome.baseline;
  region.append(
    h(
      'div',
      { class: `whatif-result${outcome.tierChanged ? ' whatif-up' : ''}` },
      h('h3', { class: 'sub' }, t(locale, 'whatIfResult')),
      h(
        'p',
        { class: 'whatif-tier', 'data-testid': 'whatif-tier' },
        outcome.tierChanged
          ? t(locale, 'whatIfTierUp', {
              from: tierLabel(locale, b.tier),
              to: tierLabel(locale, outcome.tier),
            })
          : t(locale, 'whatIfTierSame', { tier: tierLabel(locale, outcome.tier) }),
      ),
      h(
        'p',
        null,
        t(locale, 'whatIfScore', {
          from: formatNumber(locale, b.score),
          to: formatNumber(locale, outcome.score),
        }),
      ),
      h(
        'p',
        { 'data-testid': 'whatif-payout' },
        t(locale, 'whatIfPayout', {
          from: formatMoney(locale, p.currency, b.payout),
          to: formatMoney(locale, p.currency, outcome.payout),
          delta: formatSignedMoney(locale, p.currency, outcome.deltaPayout),
        }),
      ),
    ),
  );
}

export function renderView(
  p: WidgetPayload,
  locale: Locale,
  on: ViewHandlers,
  degraded: boolean,
): HTMLElement {
  const history =
    p.history.length > 1
      ? card(t(locale, 'trend'), [trendChart(p.history, locale, p.currency)], 'card-trend')
      : null;
  return h(
    'main',
    { class: 'widget', lang: locale, 'data-state': 'ready', 'aria-busy': 'false' },
    header(p, locale, on),
    degraded ? h('p', { class: 'notice', role: 'status' }, t(locale, 'degraded')) : null,
    summary(p, locale),
    nextTierCallout(p, locale),
    gates(p, locale),
    h(
      'div',
      { class: 'columns' },
      h('div', { class: 'col' }, metrics(p, locale), whatIfPanel(p, locale, on)),
      h('div', { class: 'col' }, awards(p, locale), feedback(p, locale), history),
    ),
    planOf(p)
      ? h(
          'footer',
          { class: 'foot muted small' },
          t(locale, 'plan', { name: planOf(p)!.name, version: planOf(p)!.version }),
        )
      : null,
  );
}

/** Placeholder with the same outer sizes as the loaded view, so nothing jumps when data arrives. */
export function renderSkeleton(locale: Locale): HTMLElement {
  const block = (cls: string) => h('div', { class: `sk ${cls}` });
  return h(
    'main',
    { class: 'widget', lang: locale, 'data-state': 'loading', 'aria-busy': 'true' },
    h(
      'header',
      { class: 'head' },
      h('div', { class: 'head-title' }, block('sk-title'), block('sk-line')),
      h('div', { class: 'head-period' }, block('sk-select')),
    ),
    h('p', { class: 'visually-hidden', role: 'status' }, t(locale, 'loading')),
    h(
      'div',
      { class: 'summary' },
      [0, 1, 2, 3].map(() => h('div', { class: 'stat' }, block('sk-line'), block('sk-big'))),
    ),
    h('div', { class: 'callout' }, block('sk-line'), block('sk-line')),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'col' },
        h(
          'div',
          { class: 'card' },
          [0, 1, 2, 3].map(() => block('sk-bar')),
        ),
      ),
      h('div', { class: 'col' }, h('div', { class: 'card' }, block('sk-line'), block('sk-block'))),
    ),
  );
}

export function renderError(locale: Locale, reason: string, on: ViewHandlers): HTMLElement {
  const key = `error_${reason}` as MessageKey;
  return h(
    'main',
    { class: 'widget', lang: locale, 'data-state': 'error', 'aria-busy': 'false' },
    h(
      'section',
      { class: 'error-box', role: 'alert' },
      h('h1', { class: 'error-title' }, t(locale, 'errorTitle')),
      h('p', { 'data-testid': 'error-message' }, t(locale, key)),
      h('button', { type: 'button', class: 'btn', onclick: () => on.onRetry() }, t(locale, 'retry')),
    ),
  );
}
