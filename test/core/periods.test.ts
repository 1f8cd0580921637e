// Periods: fiscal years starting in any month, keys per period type, boundaries at
// local midnight in the plan's IANA time zone (DST included), and deals assigned by
// their close instant as read in that zone.
import { describe, expect, it } from 'vitest';
import {
  makePeriod,
  type PeriodSpec,
  type PeriodType,
  parsePeriod,
  periodOfInstant,
  periodOfLocalDate,
  resolvePeriod,
  score,
  shiftPeriod,
  UsageError,
} from '../../src/core/index.js';
import { instantOf } from '../../src/core/timezone.js';
import { input, makePlan, partner, resultOf, won } from './helpers.js';

const iso = (ms: number) => new Date(ms).toISOString();
const spec = (type: PeriodType, fiscalYearStartMonth = 1): PeriodSpec => ({ type, fiscalYearStartMonth });

describe('period keys and ranges (fiscal year starting in April)', () => {
  const cases: [PeriodType, string, string, string][] = [
    ['quarter', '2027-Q1', '2027-04-01', '2027-07-01'],
    ['quarter', '2027-Q3', '2027-10-01', '2028-01-01'],
    ['quarter', '2027-Q4', '2028-01-01', '2028-04-01'],
    ['half', '2027-H1', '2027-04-01', '2027-10-01'],
    ['half', '2027-H2', '2027-10-01', '2028-04-01'],
    ['month', '2027-01', '2027-04-01', '2027-05-01'],
    ['month', '2027-03', '2027-06-01', '2027-07-01'],
    ['month', '2027-10', '2028-01-01', '2028-02-01'],
    ['month', '2027-12', '2028-03-01', '2028-04-01'],
    ['year', '2027', '2027-04-01', '2028-04-01'],
  ];
  it.each(cases)('%s %s runs from %s to %s', (type, key, start, end) => {
    const parsed = parsePeriod(spec(type, 4), 'Asia/Shanghai', key);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.period).toMatchObject({ key, startDate: start, endDate: end });
    // Local midnight in Shanghai (UTC+8) is 16:00 UTC the day before.
    const dayBefore = new Date(`${start}T00:00:00Z`).getTime() - 8 * 3600_000;
    expect(parsed.period.startMs).toBe(dayBefore);
  });

  it('finds the period of a local date in the fiscal year it belongs to', () => {
    expect(periodOfLocalDate(spec('quarter', 4), 'UTC', 2028, 2).key).toBe('2027-Q4');
    expect(periodOfLocalDate(spec('quarter', 4), 'UTC', 2028, 4).key).toBe('2028-Q1');
    expect(periodOfLocalDate(spec('month', 4), 'UTC', 2027, 4).key).toBe('2027-01');
    expect(periodOfLocalDate(spec('half', 7), 'UTC', 2027, 6).key).toBe('2026-H2');
    expect(periodOfLocalDate(spec('year', 10), 'UTC', 2027, 9).key).toBe('2026');
    expect(periodOfLocalDate(spec('quarter'), 'UTC', 2027, 12).key).toBe('2027-Q4');
  });

  it('shifts periods across fiscal years', () => {
    const q4 = makePeriod(spec('quarter', 4), 'UTC', 2027, 4);
    expect(shiftPeriod(spec('quarter', 4), 'UTC', q4, 1).key).toBe('2028-Q1');
    expect(shiftPeriod(spec('quarter', 4), 'UTC', q4, -4).key).toBe('2026-Q4');
    const jan = makePeriod(spec('month'), 'UTC', 2027, 1);
    expect(shiftPeriod(spec('month'), 'UTC', jan, -1).key).toBe('2026-12');
  });

  const badKeys: [PeriodType, string][] = [
    ['quarter', '2027-Q5'],
    ['quarter', '2027-Q0'],
    ['quarter', '2027-03'],
    ['quarter', '2027-H1'],
    ['quarter', '27-Q1'],
    ['month', '2027-13'],
    ['month', '2027-00'],
    ['month', '2027-Q1'],
    ['half', '2027-H3'],
    ['year', '2027-Q1'],
  ];
  it.each(badKeys)('a %s plan refuses the key %s with a UsageError naming the expected form', (type, key) => {
    const plan = makePlan({ period: { type, fiscalYearStartMonth: 1 } });
    expect(() => resolvePeriod(plan, key)).toThrow(UsageError);
    expect(() => score(plan, input({}), { period: key })).toThrow(
      /does not name a .* of this plan \(expected a key like/,
    );
  });
});

describe('the period a deal falls in is decided in the plan time zone', () => {
  const plan = makePlan();
  const q1 = (closedAt: string) => {
    const data = input({ partners: [partner('P1')], deals: [won('D1', 'P1', '100.00', closedAt)] });
    return {
      q1: resultOf(score(plan, data, { period: '2027-Q1' }), 'P1').metrics.revenue!.actual,
      q2: resultOf(score(plan, data, { period: '2027-Q2' }), 'P1').metrics.revenue!.actual,
    };
  };

  it.each([
    ['2027-03-31T23:30:00+08:00', 'Q1'],
    ['2027-04-01T00:30:00+08:00', 'Q2'],
    ['2027-03-31T15:30:00Z', 'Q1'], // 23:30 in Shanghai
    ['2027-03-31T16:30:00Z', 'Q2'], // 00:30 on 1 April in Shanghai
    ['2027-03-31T16:00:00Z', 'Q2'], // exactly midnight: the new period starts
    ['2027-03-31', 'Q1'], // a calendar date is that day in the plan zone
    ['2027-04-01', 'Q2'],
    ['2027-03-31T23:30:00', 'Q1'], // no offset: wall time in the plan zone
    ['2027-04-01T00:30:00', 'Q2'],
    ['2027-01-01T00:00:00+08:00', 'Q1'],
    ['2026-12-31T23:59:59.999+08:00', 'neither'],
  ])('a deal closed at %s counts in %s', (closedAt, expected) => {
    const { q1: inQ1, q2: inQ2 } = q1(closedAt);
    expect(inQ1).toBe(expected === 'Q1' ? '100.00' : '0.00');
    expect(inQ2).toBe(expected === 'Q2' ? '100.00' : '0.00');
  });

  it('uses the wall time of the plan zone even when the deal carries another offset', () => {
    // 18:00 in New York on 31 March is 06:00 on 1 April in Shanghai.
    expect(q1('2027-03-31T18:00:00-04:00')).toEqual({ q1: '0.00', q2: '100.00' });
  });
});

describe('daylight saving time', () => {
  it('puts Berlin quarter boundaries at local midnight in winter (CET) and summer (CEST)', () => {
    const q1 = makePeriod(spec('quarter'), 'Europe/Berlin', 2027, 1);
    expect(iso(q1.startMs)).toBe('2026-12-31T23:00:00.000Z'); // CET, UTC+1
    expect(iso(q1.endMs)).toBe('2027-03-31T22:00:00.000Z'); // CEST since 28 March, UTC+2
    const q4 = makePeriod(spec('quarter'), 'Europe/Berlin', 2027, 4);
    expect(iso(q4.startMs)).toBe('2027-09-30T22:00:00.000Z');
    expect(iso(q4.endMs)).toBe('2027-12-31T23:00:00.000Z');
  });

  it('puts New York month boundaries at local midnight around the March and November changes', () => {
    const march = makePeriod(spec('month'), 'America/New_York', 2027, 3);
    expect(iso(march.startMs)).toBe('2027-03-01T05:00:00.000Z'); // EST
    expect(iso(march.endMs)).toBe('2027-04-01T04:00:00.000Z'); // EDT since 14 March
    const november = makePeriod(spec('month'), 'America/New_York', 2027, 11);
    expect(iso(november.startMs)).toBe('2027-11-01T04:00:00.000Z'); // still EDT
    expect(iso(november.endMs)).toBe('2027-12-01T05:00:00.000Z'); // EST since 7 November
  });

  it('assigns deals around a DST-shifted boundary by local wall time', () => {
    const plan = makePlan({
      timezone: 'America/New_York',
      period: { type: 'month', fiscalYearStartMonth: 1 },
    });
    const data = input({
      partners: [partner('P1')],
      deals: [
        won('D1', 'P1', '1.00', '2027-04-01T03:30:00Z'), // 23:30 EDT on 31 March
        won('D2', 'P1', '2.00', '2027-04-01T04:30:00Z'), // 00:30 EDT on 1 April
        won('D3', 'P1', '4.00', '2027-03-31'), // calendar date in New York
        won('D4', 'P1', '8.00', '2027-03-14T02:30:00'), // inside the spring-forward gap, still March
      ],
    });
    expect(resultOf(score(plan, data, { period: '2027-03' }), 'P1').metrics.revenue!.dealIds).toEqual([
      'D1',
      'D3',
      'D4',
    ]);
    expect(resultOf(score(plan, data, { period: '2027-04' }), 'P1').metrics.revenue!.dealIds).toEqual(['D2']);
  });

  it('reads a wall time inside a spring-forward gap as the instant just after the jump', () => {
    // 02:30 on 14 March 2027 never happens in New York: clocks go 01:59:59 EST → 03:00 EDT.
    expect(iso(instantOf('America/New_York', 2027, 3, 14, 2, 30))).toBe('2027-03-14T07:30:00.000Z');
    // Ambiguous fall-back time: the first (EDT) occurrence.
    expect(iso(instantOf('America/New_York', 2027, 11, 7, 1, 30))).toBe('2027-11-07T05:30:00.000Z');
  });

  it('starts a period at the first instant of its first day when local midnight does not exist', () => {
    // Paraguay moved clocks from 00:00 to 01:00 on 1 October 2023, so October began at 01:00 (UTC−3).
    const october = makePeriod(spec('month'), 'America/Asuncion', 2023, 10);
    expect(iso(october.startMs)).toBe('2023-10-01T04:00:00.000Z');
    const plan = makePlan({
      timezone: 'America/Asuncion',
      period: { type: 'month', fiscalYearStartMonth: 1 },
    });
    const data = input({
      partners: [partner('P1')],
      deals: [won('D1', 'P1', '1.00', '2023-09-30T23:30:00-04:00'), won('D2', 'P1', '2.00', '2023-10-01')],
    });
    expect(resultOf(score(plan, data, { period: '2023-09' }), 'P1').metrics.revenue!.dealIds).toEqual(['D1']);
    expect(resultOf(score(plan, data, { period: '2023-10' }), 'P1').metrics.revenue!.dealIds).toEqual(['D2']);
    expect(
      periodOfInstant(spec('month'), 'America/Asuncion', Date.parse('2023-09-30T23:30:00-04:00')).key,
    ).toBe('2023-09');
  });
});
