// Money: exact decimals, half-up rounding to the currency's minor unit once at the
// end, currencies without (JPY) or with three (KWD) minor digits, conversion through
// the input's rates, and errors for unknown currencies and missing rates.
import { describe, expect, it } from 'vitest';
import { score } from '../../src/core/index.js';
import { Decimal, moneyText, roundMoney } from '../../src/core/money.js';
import { input, makePlan, partner, resultOf, won } from './helpers.js';

/** One flat tier paying `rate` of revenue: the payout base is rate × revenue, nothing else. */
const flatPlan = (currency: string, rate: string) =>
  makePlan({
    currency,
    tiers: { basis: 'score', mode: 'retroactive', levels: [{ name: 'Flat', min: 0, rate }] },
  });

const payoutOf = (currency: string, rate: string, deals: Record<string, unknown>[], rates = {}) => {
  const doc = score(flatPlan(currency, rate), input({ partners: [partner('P1')], deals, rates }), {
    period: '2027-Q1',
  });
  return { doc, result: resultOf(doc, 'P1') };
};

describe('rounding', () => {
  it.each([
    ['CNY', '0.125', '0.13'],
    ['CNY', '0.135', '0.14'],
    ['CNY', '2.5049', '2.50'],
    ['JPY', '2.5', '3'],
    ['JPY', '3.5', '4'],
    ['KWD', '1.0005', '1.001'],
    ['KWD', '1.0004', '1.000'],
    ['CLF', '0.00005', '0.0001'],
  ])('%s %s rounds half-up to %s', (currency, value, expected) => {
    expect(moneyText(roundMoney(new Decimal(value), currency), currency)).toBe(expected);
  });

  it('rounds the payout once at the end, not per deal', () => {
    // 3 × 10.10 = 30.30; × 5% = 1.515 → 1.52. Rounding each deal's 0.505 first would give 1.53.
    const { result } = payoutOf('CNY', '0.05', [
      won('D1', 'P1', '10.10', '2027-01-10'),
      won('D2', 'P1', '10.10', '2027-01-11'),
      won('D3', 'P1', '10.10', '2027-01-12'),
    ]);
    expect(result.metrics.revenue!.actual).toBe('30.30');
    expect(result.payout.base).toBe('1.52');
    expect(result.payout.total).toBe('1.52');
  });

  it('keeps split shares exact until the end', () => {
    // 100.01 × 0.5 = 50.005 per partner: the actual shows 50.01, the payout uses 50.005 × 10% = 5.0005 → 5.00.
    const doc = score(
      flatPlan('CNY', '0.1'),
      input({
        partners: [partner('P1'), partner('P2')],
        deals: [
          won('D1', 'P1', '100.01', '2027-01-10', {
            splits: [
              { partnerId: 'P1', share: '0.5' },
              { partnerId: 'P2', share: '0.5' },
            ],
          }),
        ],
      }),
      { period: '2027-Q1' },
    );
    expect(resultOf(doc, 'P1').metrics.revenue!.actual).toBe('50.01');
    expect(resultOf(doc, 'P1').payout.base).toBe('5.00');
  });

  it('adds decimal strings without binary float error', () => {
    const { result } = payoutOf('CNY', '1', [
      won('D1', 'P1', '0.1', '2027-01-10'),
      won('D2', 'P1', '0.2', '2027-01-11'),
    ]);
    expect(result.metrics.revenue!.actual).toBe('0.30');
    expect(result.payout.base).toBe('0.30');
  });

  it('reads a rate written as a plain number by its decimal text, not as a binary float', () => {
    // 0.015 as a double is 0.01499999…; read as text it is exactly 0.015: 1.00 × 0.015 = 0.015 → 0.02.
    const plan = makePlan({
      tiers: { basis: 'score', mode: 'retroactive', levels: [{ name: 'Flat', min: 0, rate: 0.015 }] },
    });
    const doc = score(
      plan,
      input({ partners: [partner('P1')], deals: [won('D1', 'P1', '1.00', '2027-01-10')] }),
      {
        period: '2027-Q1',
      },
    );
    expect(resultOf(doc, 'P1').payout.base).toBe('0.02');
  });

  it('pays whole yen in a JPY plan', () => {
    // 1,234,567 × 3.5% = 43,209.845 → 43,210.
    const { result } = payoutOf('JPY', '0.035', [
      won('D1', 'P1', '1234567', '2027-02-01', { currency: 'JPY' }),
    ]);
    expect(result.metrics.revenue!.actual).toBe('1234567');
    expect(result.payout).toMatchObject({ base: '43210', tierBonus: '0', capReduction: '0', total: '43210' });
  });

  it('pays to the fils in a KWD plan', () => {
    // 1,000.1 × 1.25% = 12.50125 → 12.501.
    const { result } = payoutOf('KWD', '0.0125', [
      won('D1', 'P1', '1000.1', '2027-02-01', { currency: 'KWD' }),
    ]);
    expect(result.metrics.revenue!.actual).toBe('1000.100');
    expect(result.payout.base).toBe('12.501');
    expect(result.payout.total).toBe('12.501');
  });
});

describe('conversion through rates', () => {
  it('converts each deal into the plan currency with the input rate', () => {
    // 80,000 USD × 7.10 + 1,000 EUR × 7.8 + 5,000 CNY = 568,000 + 7,800 + 5,000 = 580,800.
    const { result } = payoutOf(
      'CNY',
      '0.01',
      [
        won('D1', 'P1', '80000.00', '2027-01-10', { currency: 'USD' }),
        won('D2', 'P1', '1000', '2027-01-11', { currency: 'EUR' }),
        won('D3', 'P1', '5000.00', '2027-01-12'),
      ],
      { USD: '7.10', EUR: '7.8' },
    );
    expect(result.metrics.revenue!.actual).toBe('580800.00');
    expect(result.payout.base).toBe('5808.00');
  });

  it('keeps converted amounts exact before rounding', () => {
    // 1000.005 USD × 7.1 = 7,100.0355 → shown 7,100.04; 5% of the exact value = 355.001775 → 355.00.
    const { result } = payoutOf(
      'CNY',
      '0.05',
      [won('D1', 'P1', '1000.005', '2027-01-10', { currency: 'USD' })],
      {
        USD: '7.1',
      },
    );
    expect(result.metrics.revenue!.actual).toBe('7100.04');
    expect(result.payout.base).toBe('355.00');
  });

  it('converts into a JPY plan and rounds to whole yen', () => {
    // 999.99 USD × 150.25 = 150,248.4975 JPY; × 2% = 3,004.96995 → 3,005.
    const { result } = payoutOf(
      'JPY',
      '0.02',
      [won('D1', 'P1', '999.99', '2027-01-10', { currency: 'USD' })],
      {
        USD: '150.25',
      },
    );
    expect(result.metrics.revenue!.actual).toBe('150248');
    expect(result.payout.base).toBe('3005');
  });

  it('reports a won deal in a currency without a rate and leaves it out', () => {
    const { doc, result } = payoutOf('CNY', '0.1', [
      won('D1', 'P1', '100.00', '2027-01-10', { currency: 'EUR' }),
      won('D2', 'P1', '50.00', '2027-01-10'),
    ]);
    expect(doc.errors).toEqual([{ type: 'deal', id: 'D1', reason: 'no exchange rate for EUR' }]);
    expect(result.metrics.revenue!.actual).toBe('50.00');
  });

  it('needs no rate for open and lost deals', () => {
    const { doc } = payoutOf('CNY', '0.1', [
      { id: 'D1', partnerId: 'P1', amount: '100', currency: 'EUR', status: 'open' },
      { id: 'D2', partnerId: 'P1', amount: '100', currency: 'EUR', status: 'lost', closedAt: '2027-01-02' },
    ]);
    expect(doc.errors).toEqual([]);
  });

  it('reports unknown currencies, bad rates and float amounts', () => {
    const { doc, result } = payoutOf(
      'CNY',
      '0.1',
      [
        won('D1', 'P1', '100.00', '2027-01-10', { currency: 'XXY' }),
        won('D2', 'P1', '100.00', '2027-01-10', { currency: 'usd' }),
        { ...won('D3', 'P1', '0', '2027-01-10'), amount: 100.5 },
        won('D4', 'P1', '1.00', '2027-01-10'),
      ],
      { ABC: '1.5', GBP: '0', CHF: 8.1 as unknown as string },
    );
    expect(doc.errors).toEqual([
      { type: 'deal', id: 'D1', reason: 'unknown currency "XXY"' },
      { type: 'deal', id: 'D2', reason: 'unknown currency "usd"' },
      {
        type: 'deal',
        id: 'D3',
        reason: 'amount must be a decimal number written as a string, e.g. "1250.00"',
      },
      { type: 'rate', id: 'ABC', reason: 'unknown currency "ABC"' },
      { type: 'rate', id: 'CHF', reason: 'rate must be a positive decimal string such as "7.10"' },
      { type: 'rate', id: 'GBP', reason: 'rate must be a positive decimal string such as "7.10"' },
    ]);
    expect(result.metrics.revenue!.actual).toBe('1.00');
  });
});
