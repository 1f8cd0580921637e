// The outcome of a plan preview: who moves tier, payouts before/after and the change.
import { h } from '../shared/dom.js';
import { formatMoney, formatSignedMoney } from '../shared/format.js';
import type { Locale } from '../shared/types.js';
import type { PlanPreview } from './admin.api.js';
import type { T } from './admin.i18n.js';
import { table } from './ui.js';

const ARROW = { up: '▲', down: '▼', same: '＝', new: '＋' } as const;

export function renderPreview(p: PlanPreview, t: T, locale: Locale): HTMLElement {
  const money = (v: string, cur = p.currency.after) => formatMoney(locale, cur, v);
  const signed = (v: string) => formatSignedMoney(locale, p.currency.after, v);
  const deltaClass = (v: string) => (v.startsWith('-') ? 'adm-down' : v === '0' ? '' : 'adm-up');
  const stat = (label: string, value: string, cls = '', testid = '') =>
    h(
      'div',
      { class: 'adm-stat' },
      h('span', { class: 'muted small' }, label),
      h('strong', { class: cls, 'data-testid': testid || null }, value),
    );
  return h(
    'div',
    { class: 'adm-preview', 'data-testid': 'preview' },
    h('h3', null, t('previewTitle', { period: p.period })),
    h(
      'p',
      { class: 'muted small' },
      p.activeVersion === null ? t('previewNoActive') : t('previewVs', { version: p.activeVersion }),
    ),
    p.currency.before && p.currency.before !== p.currency.after
      ? h(
          'p',
          { class: 'adm-bad' },
          t('currencyChanged', { before: p.currency.before, after: p.currency.after }),
        )
      : null,
    h(
      'div',
      { class: 'adm-stats' },
      stat(t('movedUp'), String(p.counts.up), 'adm-up', 'moved-up'),
      stat(t('movedDown'), String(p.counts.down), 'adm-down', 'moved-down'),
      stat(t('unchanged'), String(p.counts.same)),
      stat(t('totalBefore'), money(p.totals.payoutBefore, p.currency.before ?? p.currency.after)),
      stat(t('totalAfter'), money(p.totals.payoutAfter)),
      stat(t('totalDelta'), signed(p.totals.delta), deltaClass(p.totals.delta), 'total-delta'),
    ),
    p.partners.length === 0
      ? h('p', { class: 'muted' }, t('previewEmpty'))
      : table(
          t('previewTitle', { period: p.period }),
          [t('colPartner'), t('colTier'), t('colBefore'), t('colAfter'), t('colDelta')],
          p.partners.map((r) => [
            h('span', null, r.name, h('span', { class: 'muted small' }, ` ${r.partnerId}`)),
            h(
              'span',
              { class: `adm-move adm-move-${r.move}`, 'data-partner': r.partnerId, 'data-move': r.move },
              h('span', { 'aria-hidden': 'true' }, `${ARROW[r.move]} `),
              h('span', { class: 'visually-hidden' }, `${t(`move_${r.move}`)}: `),
              r.tierBefore && r.tierBefore !== r.tierAfter ? `${r.tierBefore} → ${r.tierAfter}` : r.tierAfter,
            ),
            money(r.payoutBefore, p.currency.before ?? p.currency.after),
            money(r.payoutAfter),
            h('span', { class: deltaClass(r.delta) }, signed(r.delta)),
          ]),
          'adm-num-cols',
        ),
  );
}
