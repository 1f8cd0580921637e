// An exact decimal number: a BigInt counting units of 10^-18. Money, targets and
// attainment are decimals, never floats; this type does their arithmetic.
//
// Why our own and not decimal.js: scoring ten thousand partners takes ~150 decimal
// operations per partner, and decimal.js (digit arrays, configurable precision)
// spends about 1 µs on each — most of the core's time. BigInt fixed-point does the
// same work several times faster, in Node and in every browser, with no dependency.
//
// Exactness: addition, subtraction and comparison are exact. Values are held to 18
// decimal places: inputs with more places, and products or quotients that need more
// (1/3, a rate with 16 places times a split share), are rounded half-up at the 18th
// place — a billionth of a billionth of a currency unit, far below any minor unit.
const PLACES = 18;
const SCALE = 10n ** BigInt(PLACES);
const POW10: bigint[] = Array.from({ length: PLACES * 2 + 1 }, (_, i) => 10n ** BigInt(i));

const TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export type DecimalValue = Decimal | string | number;

/** n ÷ d rounded half away from zero (d > 0). */
function divHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  // The remainder has n's sign, as n − q·d does; one BigInt operation instead of two.
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  return twice >= d ? (n < 0n ? q - 1n : q + 1n) : q;
}

/** n ÷ d rounded away from zero (d > 0). */
function divUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d === n ? q : n < 0n ? q - 1n : q + 1n;
}

/**
 * Plain text such as "1250.00" or "-3.5" with at most 15 digits, read digit by digit
 * into a safe integer (no regex, no intermediate strings): every deal amount, so it
 * is the common case. Anything else (more digits, exponents, spaces) returns
 * undefined and goes through `parse`, which gives the same units for this text.
 */
function parsePlain(text: string): bigint | undefined {
  const length = text.length;
  const first = text.charCodeAt(0);
  let i = first === 45 || first === 43 ? 1 : 0;
  let n = 0;
  let digits = 0;
  let fraction = -1; // digits after the point; -1 before the point
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && fraction === -1) {
      fraction = 0;
      continue;
    }
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
    digits++;
    if (fraction >= 0) fraction++;
  }
  if (digits === 0 || digits > 15 || fraction > PLACES) return undefined;
  const units = BigInt(n) * POW10[PLACES - (fraction === -1 ? 0 : fraction)]!;
  return first === 45 ? -units : units;
}

function parse(text: string): bigint {
  const plain = parsePlain(text);
  if (plain !== undefined) return plain;
  const m = TEXT.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
    throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  }
  const digits = m[2]! + (m[3] ?? '');
  const exponent = (m[4] ? Number(m[4]) : 0) - (m[3]?.length ?? 0);
  let units: bigint;
  if (exponent + PLACES >= 0) units = BigInt(digits || '0') * 10n ** BigInt(exponent + PLACES);
  else units = divHalfUp(BigInt(digits || '0'), 10n ** BigInt(-(exponent + PLACES)));
  return m[1] === '-' ? -units : units;
}

export class Decimal {
  static readonly ROUND_UP = 0;
  static readonly ROUND_DOWN = 1;
  static readonly ROUND_HALF_UP = 4;

  /** The value in units of 10^-18. */
  readonly units: bigint;

  constructor(value: DecimalValue) {
    if (value instanceof Decimal) this.units = value.units;
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
      // The shortest text that reads back as this number: 0.1 is exactly 0.1.
      this.units =
        Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER
          ? BigInt(value) * SCALE
          : parse(String(value));
    } else this.units = parse(value);
  }

  static fromUnits(units: bigint): Decimal {
    const d = Object.create(Decimal.prototype) as { units: bigint };
    d.units = units;
    return d as Decimal;
  }

  static min(a: Decimal, b: Decimal): Decimal {
    return a.units <= b.units ? a : b;
  }

  static max(a: Decimal, b: Decimal): Decimal {
    return a.units >= b.units ? a : b;
  }

  plus(other: DecimalValue): Decimal {
    return Decimal.fromUnits(this.units + of(other));
  }

  minus(other: DecimalValue): Decimal {
    return Decimal.fromUnits(this.units - of(other));
  }

  times(other: DecimalValue): Decimal {
    return Decimal.fromUnits(divHalfUp(this.units * of(other), SCALE));
  }

  /** × 100, which is exact: what times(100) gives, without its rounding division. */
  timesHundred(): Decimal {
    return Decimal.fromUnits(this.units * 100n);
  }

  div(other: DecimalValue): Decimal {
    let d = of(other);
    if (d === 0n) throw new Error('division by zero');
    let n = this.units * SCALE;
    if (d < 0n) {
      d = -d;
      n = -n;
    }
    return Decimal.fromUnits(divHalfUp(n, d));
  }

  negated(): Decimal {
    return Decimal.fromUnits(-this.units);
  }

  abs(): Decimal {
    return this.units < 0n ? this.negated() : this;
  }

  comparedTo(other: DecimalValue): number {
    const o = of(other);
    return this.units < o ? -1 : this.units > o ? 1 : 0;
  }

  eq(other: DecimalValue): boolean {
    return this.units === of(other);
  }

  gt(other: DecimalValue): boolean {
    return this.units > of(other);
  }

  gte(other: DecimalValue): boolean {
    return this.units >= of(other);
  }

  lt(other: DecimalValue): boolean {
    return this.units < of(other);
  }

  lte(other: DecimalValue): boolean {
    return this.units <= of(other);
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  isPositive(): boolean {
    return this.units > 0n;
  }

  /** Rounds to `places` decimals: half away from zero (default), away from zero, or toward zero. */
  toDecimalPlaces(places: number, rounding: number = Decimal.ROUND_HALF_UP): Decimal {
    if (places >= PLACES) return this;
    const factor = POW10[PLACES - places]!;
    return Decimal.fromUnits(roundTo(this.units, factor, rounding) * factor);
  }

  /** Plain decimal text with exactly `places` decimals (rounded), or all significant ones. */
  toFixed(places?: number, rounding: number = Decimal.ROUND_HALF_UP): string {
    if (places === undefined) return this.toString();
    if (places <= PLACES) {
      // Rounded to a whole number q of 10^-places, written with the point inserted.
      const q = roundTo(this.units, POW10[PLACES - places]!, rounding);
      const negative = q < 0n;
      const digits = (negative ? -q : q).toString();
      if (places === 0) return negative ? `-${digits}` : digits;
      const padded = digits.length > places ? digits : digits.padStart(places + 1, '0');
      const cut = padded.length - places;
      const text = `${padded.slice(0, cut)}.${padded.slice(cut)}`;
      return negative ? `-${text}` : text;
    }
    const rounded = this.toDecimalPlaces(places, rounding).units;
    const negative = rounded < 0n;
    const digits = (negative ? -rounded : rounded).toString().padStart(PLACES + 1, '0');
    const whole = digits.slice(0, digits.length - PLACES);
    const fraction = digits.slice(digits.length - PLACES, digits.length - PLACES + places);
    const text = places > 0 ? `${whole}.${fraction}` : whole;
    return negative && /[1-9]/.test(text) ? `-${text}` : text;
  }

  /** Shortest plain decimal text: "1318000", "0.75", "-25000.5"; never exponent notation. */
  toString(): string {
    const negative = this.units < 0n;
    const abs = negative ? -this.units : this.units;
    const rest = abs % SCALE;
    // Whole numbers (counts, targets, most amounts) need no fraction digits at all.
    let text = (abs / SCALE).toString();
    if (rest !== 0n) {
      const fraction = rest.toString().padStart(PLACES, '0');
      let end = PLACES;
      while (fraction.charCodeAt(end - 1) === 48) end--;
      text = `${text}.${fraction.slice(0, end)}`;
    }
    return negative ? `-${text}` : text;
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /**
   * The number nearest to this value rounded half-up to `places` (≤ 18) decimals:
   * Number(rounded.toString()) without the text. A safe integer q divided by an
   * exact power of ten is correctly rounded, as reading the decimal text is, so both
   * give the same number; larger values take the text route.
   */
  toRoundedNumber(places: number): number {
    const q = divHalfUp(this.units, POW10[PLACES - places]!);
    if (q <= MAX_SAFE && q >= -MAX_SAFE) return Number(q) / 10 ** places;
    return this.toDecimalPlaces(places).toNumber();
  }

  toJSON(): string {
    return this.toString();
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** units ÷ factor as a whole number, rounded as `rounding` says. */
function roundTo(units: bigint, factor: bigint, rounding: number): bigint {
  return rounding === Decimal.ROUND_HALF_UP
    ? divHalfUp(units, factor)
    : rounding === Decimal.ROUND_UP
      ? divUp(units, factor)
      : units / factor;
}

function of(value: DecimalValue): bigint {
  return value instanceof Decimal ? value.units : new Decimal(value).units;
}
