import { describe, expect, it } from 'vitest';
import { ratesInto } from '../../../connectors/zoho/zoho.currencies.js';

describe('zoho currency table → core rates', () => {
  it('converts base-relative rates into plan-currency rates', () => {
    const perBase = [
      { iso: 'USD', rate: '1.000000000' },
      { iso: 'CNY', rate: '7.100000000' },
      { iso: 'JPY', rate: '150.000000000' },
    ];
    expect(ratesInto('CNY', perBase)).toEqual({ USD: '7.1', JPY: '0.0473333333333' });
    expect(ratesInto('USD', perBase)).toEqual({ CNY: '0.140845070423', JPY: '0.00666666666667' });
  });
  it('names the missing plan currency', () => {
    expect(() => ratesInto('EUR', [{ iso: 'USD', rate: '1' }])).toThrow(/no EUR/);
  });
});
