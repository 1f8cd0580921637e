// Renders the partner view from a payload: header, summary cards, next tier, gates, then the
// sections; plus the loading skeleton and the error state. Pure DOM construction, no fetching.
import { h } from './dom.js';
import { formatDateTime, formatMoney, formatNumber, formatSignedMoney } from './format.js';
import { type MessageKey, t, tierLabel } from './i18n.js';
import { gapSentence, rankFieldLabel, tierLadder } from './insights.js';
import { awards, feedback, metrics } from './sections.view.js';
import { trendChart } from './trend.js';
import type { Locale, WidgetPayload } from './types.js';
import { card, planOf, tierClass, type ViewHandlers } from './view.parts.js';
import { whatIfPanel } from './whatif.view.js';

export type { ViewHandlers } from './view.parts.js';
export { renderWhatIfOutcome } from './whatif.view.js';

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
          : next
            ? t(locale, 'scoreGapTo', {
                gap: formatNumber(locale, next.scoreGap),
                tier: tierLabel(locale, next.name),
              })
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
