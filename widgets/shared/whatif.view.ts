// The what-if panel: open deals to tick, an amount to type, and the live result region.
import { h } from './dom.js';
import { formatDate, formatMoney, formatNumber, formatSignedMoney } from './format.js';
import { t, tierLabel } from './i18n.js';
import type { Locale, WidgetPayload } from './types.js';
import { card, type ViewHandlers } from './view.parts.js';
import type { WhatIfOutcome } from './whatif.js';

export function whatIfPanel(p: WidgetPayload, locale: Locale, on: ViewHandlers): HTMLElement {
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
