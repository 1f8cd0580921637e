import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatMetricValue,
  formatMoney,
  formatPercent,
  formatSignedMoney,
} from '../../widgets/shared/format.js';
import { messageKeys, pickLocale, t, tierLabel } from '../../widgets/shared/i18n.js';

describe('locale formatting', () => {
  it('formats money per locale and currency, dropping .00 but keeping real cents', () => {
    expect(formatMoney('en', 'CNY', '1318000.00')).toBe('¥1,318,000');
    expect(formatMoney('zh-CN', 'CNY', '1318000.00')).toBe('¥1,318,000');
    expect(formatMoney('en', 'CNY', '1234.5')).toBe('¥1,234.50');
    expect(formatMoney('en', 'USD', '12000.00')).toBe('$12,000');
    expect(formatMoney('en', 'JPY', '1200')).toBe('¥1,200');
  });

  it('signs deltas', () => {
    expect(formatSignedMoney('en', 'CNY', '-66000.00')).toBe('-¥66,000');
    expect(formatSignedMoney('en', 'CNY', '40000.00')).toBe('+¥40,000');
    expect(formatSignedMoney('en', 'CNY', '0.00')).toBe('¥0');
  });

  it('formats percentages and metric values', () => {
    expect(formatPercent('en', 1.0983)).toBe('110%');
    expect(formatPercent('zh-CN', 0.75)).toBe('75%');
    expect(formatPercent('en', 0.0412)).toBe('4.1%');
    expect(formatMetricValue('en', 'newCustomers', '3', 'CNY')).toBe('3');
    expect(formatMetricValue('en', 'averageDeal', '4.5667', 'CNY')).toBe('4.57');
    expect(formatMetricValue('zh-CN', 'wonAmount', '2700000.00', 'CNY')).toBe('¥2,700,000');
  });

  it('formats dates and instants per locale', () => {
    expect(formatDate('en', '2027-03-31')).toBe('Mar 31, 2027');
    expect(formatDate('zh-CN', '2027-03-31')).toBe('2027年3月31日');
    expect(formatDateTime('en', '2027-03-15T08:00:00.000Z', 'Asia/Shanghai')).toBe('Mar 15, 2027, 4:00 PM');
    expect(formatDateTime('zh-CN', '2027-03-15T08:00:00.000Z', 'Asia/Shanghai')).toBe('2027年3月15日 16:00');
  });
});

describe('strings', () => {
  it('has every key in both languages, none empty, and fills placeholders', () => {
    expect(messageKeys('zh-CN')).toEqual(messageKeys('en'));
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const key of messageKeys(locale)) expect(t(locale, key).trim(), `${locale} ${key}`).not.toBe('');
    }
    expect(t('en', 'rankOverall', { rank: 2, of: 5 })).toBe('#2 of 5');
    expect(t('zh-CN', 'rankOverall', { rank: 2, of: 5 })).toBe('第 2 名 / 共 5 名');
  });

  it('picks the locale from CRM and browser spellings', () => {
    expect(pickLocale('zh_CN')).toBe('zh-CN');
    expect(pickLocale(null, 'zh-Hans-CN')).toBe('zh-CN');
    expect(pickLocale('en-GB')).toBe('en');
    expect(pickLocale('fr-FR', undefined)).toBe('en');
    expect(tierLabel('zh-CN', 'Platinum')).toBe('白金');
    expect(tierLabel('zh-CN', 'Elite')).toBe('Elite');
    expect(tierLabel('en', 'Gold')).toBe('Gold');
  });
});
