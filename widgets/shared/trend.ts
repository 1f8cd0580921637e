// The trend chart: payout as bars, score as a line, over the last periods. Inline SVG with a
// text alternative (a visually hidden table) so screen readers get the same numbers.
import { h, s } from './dom.js';
import { formatMoney, formatNumber } from './format.js';
import { t, tierLabel } from './i18n.js';
import type { HistoryPoint, Locale } from './types.js';

const W = 320;
const H = 120;
const PAD = { left: 8, right: 8, top: 12, bottom: 22 };

export interface TrendGeometry {
  bars: { x: number; y: number; width: number; height: number }[];
  points: { x: number; y: number }[];
}

/** Pure geometry (unit-tested): payout bars scaled to the largest payout, score to max(score, 100). */
export function trendGeometry(history: HistoryPoint[]): TrendGeometry {
  const n = Math.max(history.length, 1);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / n;
  const maxPayout = Math.max(1, ...history.map((p) => Math.max(0, Number(p.payout))));
  const maxScore = Math.max(100, ...history.map((p) => p.score));
  const bars = history.map((p, i) => {
    const height = (Math.max(0, Number(p.payout)) / maxPayout) * innerH;
    const width = slot * 0.56;
    return { x: PAD.left + i * slot + (slot - width) / 2, y: PAD.top + innerH - height, width, height };
  });
  const points = history.map((p, i) => ({
    x: PAD.left + i * slot + slot / 2,
    y: PAD.top + innerH - (Math.max(0, p.score) / maxScore) * innerH,
  }));
  return { bars, points };
}

export function trendChart(history: HistoryPoint[], locale: Locale, currency: string): HTMLElement {
  const g = trendGeometry(history);
  const r = (v: number) => Math.round(v * 10) / 10;
  const last = g.points[g.points.length - 1];
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, class: 'trend-svg', 'aria-hidden': 'true', focusable: 'false' },
    s('line', {
      x1: PAD.left,
      x2: W - PAD.right,
      y1: H - PAD.bottom,
      y2: H - PAD.bottom,
      class: 'trend-axis',
    }),
    g.bars.map((b) =>
      s('rect', { x: r(b.x), y: r(b.y), width: r(b.width), height: r(b.height), rx: 2, class: 'trend-bar' }),
    ),
    g.points.length > 1
      ? s('polyline', { points: g.points.map((p) => `${r(p.x)},${r(p.y)}`).join(' '), class: 'trend-line' })
      : null,
    g.points.map((p) => s('circle', { cx: r(p.x), cy: r(p.y), r: 2.6, class: 'trend-dot' })),
    history.map((p, i) =>
      s('text', { x: r(g.points[i]!.x), y: H - 6, class: 'trend-label', 'text-anchor': 'middle' }, p.period),
    ),
    // The latest score, written next to its point.
    last
      ? s(
          'text',
          { x: r(last.x - 6), y: r(Math.max(10, last.y - 6)), class: 'trend-value', 'text-anchor': 'end' },
          formatNumber(locale, history[history.length - 1]!.score),
        )
      : null,
    // Hover tooltips: one transparent column per period.
    history.map((p, i) =>
      s(
        'rect',
        {
          x: r(PAD.left + (i * (W - PAD.left - PAD.right)) / history.length),
          y: 0,
          width: r((W - PAD.left - PAD.right) / history.length),
          height: H,
          class: 'trend-hit',
        },
        s(
          'title',
          null,
          `${p.period} · ${t(locale, 'trendScore')} ${formatNumber(locale, p.score)} · ${tierLabel(locale, p.tier)} · ${t(locale, 'trendPayout')} ${formatMoney(locale, currency, p.payout)}`,
        ),
      ),
    ),
  );
  const table = h(
    'table',
    { class: 'visually-hidden' },
    h('caption', null, t(locale, 'trendCaption', { n: history.length })),
    h(
      'tr',
      null,
      h('th', { scope: 'col' }, t(locale, 'period')),
      h('th', { scope: 'col' }, t(locale, 'trendScore')),
      h('th', { scope: 'col' }, t(locale, 'tier')),
      h('th', { scope: 'col' }, t(locale, 'trendPayout')),
    ),
    history.map((p) =>
      h(
        'tr',
        null,
        h('th', { scope: 'row' }, p.period),
        h('td', null, formatNumber(locale, p.score)),
        h('td', null, tierLabel(locale, p.tier)),
        h('td', null, formatMoney(locale, currency, p.payout)),
      ),
    ),
  );
  return h(
    'figure',
    { class: 'trend' },
    svg,
    table,
    h(
      'figcaption',
      { class: 'trend-legend' },
      h('span', { class: 'legend-line' }, t(locale, 'trendScore')),
      h('span', { class: 'legend-bar' }, t(locale, 'trendPayout')),
    ),
  );
}
