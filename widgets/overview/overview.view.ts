// The programme overview page: filters (period, region, level), summary (partners, payout vs
// budget), tier distribution, leaderboard table, partners close to the next tier, gate risks,
// CSV download. Text via textContent only (dom.ts); numbers formatted per locale (format.ts).
import { h } from '../shared/dom.js';
import { formatDateTime, formatMoney, formatNumber, formatPercent } from '../shared/format.js';
import { tierLabel } from '../shared/i18n.js';
import type { Locale } from '../shared/types.js';
import { tierClass } from '../shared/view.parts.js';
import type { OverviewData, OverviewFilter } from './overview.data.js';
import { type OverviewKey, ot } from './overview.i18n.js';

export interface OverviewHandlers {
  onFilter(filter: OverviewFilter): void;
  onDownload(): void;
  onRetry(): void;
}

function select(
  id: string,
  label: string,
  options: { value: string; text: string }[],
  value: string,
  onChange: (v: string) => void,
): HTMLElement {
  const el = h(
    'select',
    { id, class: 'period-select', onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) },
    options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.text)),
  );
  return h('div', { class: 'ov-filter' }, h('label', { for: id }, label), el);
}

function stat(label: string, value: string, note: string | null, testid: string): HTMLElement {
  return h(
    'div',
    { class: 'stat' },
    h('h2', { class: 'stat-label' }, label),
    h('p', { class: 'stat-value', 'data-testid': testid }, value),
    note ? h('p', { class: 'muted small' }, note) : null,
  );
}

export function renderOverview(o: OverviewData, locale: Locale, handlers: OverviewHandlers): HTMLElement {
  const t = (k: OverviewKey, p?: Record<string, string | number>) => ot(locale, k, p);
  const money = (v: string) => formatMoney(locale, o.currency, v);
  const filter: OverviewFilter = {
    period: o.period,
    region: o.filter.region ?? undefined,
    level: o.filter.level ?? undefined,
  };
  const all = { value: '', text: t('all') };
  const filters = h(
    'div',
    { class: 'ov-filters' },
    select(
      'ov-period',
      t('period'),
      o.periods.map((p) => ({ value: p, text: p })),
      o.period,
      (v) => handlers.onFilter({ ...filter, period: v }),
    ),
    select(
      'ov-region',
      t('region'),
      [all, ...o.regions.map((r) => ({ value: r, text: r }))],
      filter.region ?? '',
      (v) => handlers.onFilter({ ...filter, region: v || undefined }),
    ),
    select(
      'ov-level',
      t('level'),
      [all, ...o.levels.map((l) => ({ value: l, text: l }))],
      filter.level ?? '',
      (v) => handlers.onFilter({ ...filter, level: v || undefined }),
    ),
    h(
      'button',
      { type: 'button', class: 'ov-download', onclick: () => handlers.onDownload() },
      t('download'),
    ),
  );

  const maxTier = Math.max(1, ...o.tiers.map((x) => x.partners));
  const tiers = h(
    'section',
    { class: 'card' },
    h('h2', { class: 'card-title' }, t('tiers')),
    h(
      'ul',
      { class: 'ov-tiers', 'data-testid': 'tiers' },
      o.tiers.map((x) =>
        h(
          'li',
          null,
          h('span', { class: `tier-badge ${tierClass(x.name)}` }, tierLabel(locale, x.name)),
          h(
            'span',
            { class: 'ov-tier-bar', 'aria-hidden': 'true' },
            h('span', { style: `width:${(100 * x.partners) / maxTier}%` }),
          ),
          h('span', { class: 'ov-tier-count' }, t('tierCount', { count: x.partners })),
        ),
      ),
    ),
  );

  const head = (k: OverviewKey, num = false) => h('th', { scope: 'col', class: num ? 'num' : null }, t(k));
  const table = h(
    'section',
    { class: 'card ov-board' },
    h('h2', { class: 'card-title' }, t('leaderboard')),
    h(
      'div',
      { class: 'ov-scroll' },
      h(
        'table',
        { 'data-testid': 'leaderboard' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            head('colPosition', true),
            head('colPartner'),
            head('colTier'),
            head('colScore', true),
            head('colPayout', true),
            head('colNext'),
          ),
        ),
        h(
          'tbody',
          null,
          o.leaderboard.map((r) =>
            h(
              'tr',
              { 'data-partner': r.partnerId },
              h('td', { class: 'num' }, String(r.position)),
              h(
                'th',
                { scope: 'row' },
                r.name,
                r.region || r.level
                  ? h(
                      'span',
                      { class: 'muted small' },
                      ` · ${[r.region, r.level].filter(Boolean).join(' · ')}`,
                    )
                  : null,
              ),
              h(
                'td',
                null,
                h('span', { class: `tier-badge ov-tier ${tierClass(r.tier)}` }, tierLabel(locale, r.tier)),
              ),
              h('td', { class: 'num' }, formatNumber(locale, r.score)),
              h('td', { class: 'num' }, money(r.payout)),
              h(
                'td',
                null,
                r.nextTier && r.scoreGap !== null
                  ? t('closeItem', {
                      gap: formatNumber(locale, r.scoreGap),
                      tier: tierLabel(locale, r.nextTier),
                    })
                  : '—',
              ),
            ),
          ),
        ),
      ),
    ),
  );

  const close = h(
    'section',
    { class: 'card' },
    h('h2', { class: 'card-title' }, t('close')),
    o.closeToNextTier.length
      ? h(
          'ul',
          { class: 'ov-list', 'data-testid': 'close' },
          o.closeToNextTier.map((c) =>
            h(
              'li',
              null,
              h('strong', null, c.name),
              ' — ',
              t('closeItem', { gap: formatNumber(locale, c.scoreGap), tier: tierLabel(locale, c.nextTier) }),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('closeNone')),
  );

  const risks = h(
    'section',
    { class: 'card' },
    h('h2', { class: 'card-title' }, t('risks')),
    o.gateRisks.length
      ? h(
          'ul',
          { class: 'ov-list', 'data-testid': 'risks' },
          o.gateRisks.map((g) => {
            const p = {
              metric: g.metric,
              actual: g.actual === null ? '—' : formatNumber(locale, g.actual),
              min: formatNumber(locale, g.min),
            };
            return h(
              'li',
              { class: g.failing ? 'ov-failing' : null },
              h('strong', null, g.name),
              ' — ',
              t(g.failing ? 'riskFailing' : 'riskNear', p),
            );
          }),
        )
      : h('p', { class: 'muted' }, t('risksNone')),
  );

  return h(
    'main',
    { class: 'widget', 'data-state': 'ready', lang: locale },
    h(
      'header',
      { class: 'head' },
      h('h1', { class: 'partner-name' }, t('title')),
      o.computedAt
        ? h(
            'p',
            { class: 'muted small', 'data-testid': 'updated' },
            t('updated', { time: formatDateTime(locale, o.computedAt) }),
          )
        : null,
    ),
    filters,
    h(
      'div',
      { class: 'summary ov-summary' },
      stat(t('partners'), formatNumber(locale, o.partners, 0), null, 'partners'),
      stat(t('totalPayout'), money(o.payout.total), null, 'total-payout'),
      stat(
        t('budget'),
        o.payout.budget ? money(o.payout.budget) : '—',
        o.payout.budget
          ? o.payout.share === null
            ? null
            : t('budgetShare', { share: formatPercent(locale, o.payout.share) })
          : t('noBudget'),
        'budget',
      ),
    ),
    h(
      'div',
      { class: 'columns' },
      h('div', { class: 'col' }, tiers),
      h('div', { class: 'col' }, close, risks),
    ),
    table,
  );
}

export function renderOverviewState(
  locale: Locale,
  state: 'loading' | { error: string },
  onRetry: () => void,
): HTMLElement {
  if (state === 'loading') {
    return h(
      'main',
      { class: 'widget', 'data-state': 'loading', 'aria-busy': 'true' },
      h('p', { class: 'muted' }, ot(locale, 'loading')),
    );
  }
  const key =
    (`error_${state.error}` as OverviewKey) in
    { error_unauthorized: 1, 'error_not-found': 1, error_unreachable: 1, 'error_bad-response': 1 }
      ? (`error_${state.error}` as OverviewKey)
      : 'error_unreachable';
  return h(
    'main',
    { class: 'widget', 'data-state': 'error', lang: locale },
    h('div', { class: 'alert', role: 'alert' }, h('p', { 'data-testid': 'error-message' }, ot(locale, key))),
    h('button', { type: 'button', onclick: onRetry }, ot(locale, 'retry')),
  );
}
