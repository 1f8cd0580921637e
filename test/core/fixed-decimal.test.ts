import { Decimal as Oracle } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/core/fixed-decimal.js';

// decimal.js at high precision is the oracle: on values within 18 decimal places
// our fixed-point type must agree with it exactly.
const O = Oracle.clone({ precision: 80, rounding: Oracle.ROUND_HALF_UP });
const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 6 }))
  .map(([negative, n, places]) => {
    const s = n.toString().padStart(places + 1, '0');
    const text = places ? `${s.slice(0, s.length - places)}.${s.slice(s.length - places)}` : s;
    return negative && n !== 0n ? `-${text}` : text;
  });

describe('fixed-point Decimal', () => {
  it('adds, subtracts, multiplies and compares exactly like a high-precision decimal library', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const x = new Decimal(a);
        const y = new Decimal(b);
        expect(x.plus(y).toString()).toBe(new O(a).plus(b).toFixed());
        expect(x.minus(y).toString()).toBe(new O(a).minus(b).toFixed());
        expect(x.times(y).toString()).toBe(new O(a).times(b).toFixed());
        expect(x.comparedTo(y)).toBe(new O(a).comparedTo(b));
      }),
      { numRuns: 500 },
    );
  });

  it('divides to 18 places, rounding half away from zero', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        fc.pre(!new O(b).isZero());
        const expected = new O(a).div(b).toDecimalPlaces(18, O.ROUND_HALF_UP).toFixed();
        expect(new Decimal(a).div(b).toString()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['2.345', 2, Decimal.ROUND_HALF_UP, '2.35'],
    ['-2.345', 2, Decimal.ROUND_HALF_UP, '-2.35'],
    ['2.344999', 2, Decimal.ROUND_HALF_UP, '2.34'],
    ['0.5', 0, Decimal.ROUND_HALF_UP, '1'],
    ['2.301', 2, Decimal.ROUND_UP, '2.31'],
    ['-2.301', 2, Decimal.ROUND_UP, '-2.31'],
    ['2.309', 2, Decimal.ROUND_DOWN, '2.30'],
    ['-0.001', 2, Decimal.ROUND_HALF_UP, '0.00'],
    ['1250000', 2, Decimal.ROUND_HALF_UP, '1250000.00'],
  ])('toFixed(%s, %i) → %s', (value, places, rounding, expected) => {
    expect(new Decimal(value).toFixed(places, rounding)).toBe(expected);
  });

  it('reads numbers through their shortest text and exponent notation', () => {
    expect(new Decimal(0.1).plus(0.2).toString()).toBe('0.3');
    expect(new Decimal(1e-7).toString()).toBe('0.0000001');
    expect(new Decimal('1e15').toString()).toBe('1000000000000000');
    expect(new Decimal(4.8).toString()).toBe('4.8');
    expect(new Decimal('-0.00').toString()).toBe('0');
    expect(new Decimal('.5').toString()).toBe('0.5');
  });

  it('rounds inputs beyond 18 places half-up and rejects text that is not a number', () => {
    expect(new Decimal('0.0000000000000000015').toString()).toBe('0.000000000000000002');
    expect(() => new Decimal('12a')).toThrow(/not a decimal number/);
    expect(() => new Decimal('')).toThrow(/not a decimal number/);
    expect(() => new Decimal(Number.NaN)).toThrow(/not a finite number/);
    expect(() => new Decimal(1).div(0)).toThrow(/division by zero/);
  });
});
