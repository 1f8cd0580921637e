// Money and other exact quantities. Everything the core adds, multiplies or
// compares for payouts is a Decimal; floats appear only in presentation fields
// (attainment, score) after rounding.
import { minorUnitsOf } from './currencies.js';
import { Decimal } from './fixed-decimal.js';

export { Decimal };

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);
export const HUNDRED = new Decimal(100);

const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export function isDecimalText(text: unknown): text is string {
  return typeof text === 'string' && DECIMAL_TEXT.test(text);
}

/** Reads a plan or input value given as a decimal string or a (finite) JSON number. */
export function toDecimal(value: string | number): Decimal {
  return new Decimal(typeof value === 'number' ? String(value) : value);
}

export const minorUnitsFor = minorUnitsOf;

/** Rounds half-up to the currency's minor unit (JPY: whole yen; KWD: 3 places). */
export function roundMoney(value: Decimal, currency: string): Decimal {
  return value.toDecimalPlaces(minorUnitsOf(currency), Decimal.ROUND_HALF_UP);
}

/** The canonical string of a money amount: fixed to the currency's minor unit. */
export function moneyText(value: Decimal, currency: string): string {
  const units = minorUnitsOf(currency);
  return value.toFixed(units, Decimal.ROUND_HALF_UP);
}

/** A quantity that is not money: up to `places` decimals, trailing zeros dropped. */
export function quantityText(value: Decimal, places = 4): string {
  return value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toString();
}

/** A presentation number rounded half-up (attainment, score, points). */
export function roundedNumber(value: Decimal, places: number): number {
  return value.toRoundedNumber(places);
}

/** "1250000.5" → "1,250,000.5": locale-free grouping so results are byte-identical everywhere. */
export function groupThousands(text: string): string {
  const sign = text.charCodeAt(0) === 45 ? '-' : '';
  const start = sign ? 1 : 0;
  const dot = text.indexOf('.');
  const end = dot === -1 ? text.length : dot;
  if (end - start <= 3) return text;
  let out = '';
  for (let i = start; i < end; i++) {
    if (i > start && (end - i) % 3 === 0) out += ',';
    out += text[i];
  }
  return sign + out + (dot === -1 ? '' : text.slice(dot));
}
