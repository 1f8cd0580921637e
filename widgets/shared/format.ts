// Locale formatting lives here, in the UI layer only: the core writes locale-free decimal
// strings (byte-identical everywhere) and the widget turns them into what people read.
import type { MetricKind } from '../../src/core/index.js';
import type { Locale } from './types.js';

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

/** Decimal text → number for display only (never for arithmetic: the core did that). */
function num(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

function isWhole(value: string | number): boolean {
  return Number.isInteger(num(value));
}

/** `1318000.00` CNY → `¥1,318,000` (en) / `¥1,318,000` (zh-CN); cents kept when there are any. */
export function formatMoney(locale: Locale, currency: string, value: string | number): string {
  return nf(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: isWhole(value) ? 0 : undefined,
    maximumFractionDigits: isWhole(value) ? 0 : undefined,
  }).format(num(value));
}

/** Money with an explicit sign, for deltas: `+¥10,000`, `−¥66,000`. */
export function formatSignedMoney(locale: Locale, currency: string, value: string | number): string {
  return nf(locale, {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    signDisplay: 'exceptZero',
    minimumFractionDigits: isWhole(value) ? 0 : undefined,
    maximumFractionDigits: isWhole(value) ? 0 : undefined,
  }).format(num(value));
}

export function formatNumber(locale: Locale, value: string | number, maxFraction = 2): string {
  return nf(locale, { maximumFractionDigits: maxFraction }).format(num(value));
}

/** 1.0983 → `110%`; 0.0412 → `4.1%` (one decimal below 10%). */
export function formatPercent(locale: Locale, ratio: number): string {
  return nf(locale, { style: 'percent', maximumFractionDigits: Math.abs(ratio) < 0.1 ? 1 : 0 }).format(ratio);
}

/** A metric's value as people read it: money for wonAmount, counts and averages otherwise. */
export function formatMetricValue(
  locale: Locale,
  kind: MetricKind | string,
  value: string | number,
  currency: string,
): string {
  if (kind === 'wonAmount') return formatMoney(locale, currency, value);
  return formatNumber(locale, value, kind === 'averageDeal' ? 2 : 2);
}

export function formatDateTime(locale: Locale, iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}

/** `2027-03-31` (a calendar day) or an instant → a medium date. */
export function formatDate(locale: Locale, value: string, timeZone?: string): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = new Date(day ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: day ? 'UTC' : timeZone }).format(
    date,
  );
}
