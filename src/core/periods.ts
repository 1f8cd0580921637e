// Incentive periods: months, quarters, halves and years of a fiscal year that may
// start in any month, bounded by local midnight in the plan's time zone.
// The fiscal year is labelled by the calendar year it starts in.
import { instantOf, wallClockAt } from './timezone.js';

export type PeriodType = 'month' | 'quarter' | 'half' | 'year';

export interface PeriodSpec {
  type: PeriodType;
  fiscalYearStartMonth: number;
}

export interface Period {
  key: string;
  fiscalYear: number;
  /** 1-based position inside the fiscal year. */
  index: number;
  /** Local calendar date of the first day, `YYYY-MM-DD`. */
  startDate: string;
  /** Local calendar date of the first day after the period (exclusive). */
  endDate: string;
  /** Instants (ms since epoch) of local midnight at the start and just after the end. */
  startMs: number;
  endMs: number;
}

const MONTHS: Record<PeriodType, number> = { month: 1, quarter: 3, half: 6, year: 12 };
const PER_YEAR: Record<PeriodType, number> = { month: 12, quarter: 4, half: 2, year: 1 };

const KEY_PATTERNS: Record<PeriodType, RegExp> = {
  year: /^(\d{4})$/,
  half: /^(\d{4})-H([12])$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  month: /^(\d{4})-(0[1-9]|1[0-2])$/,
};

const KEY_EXAMPLES: Record<PeriodType, string> = {
  year: '2027',
  half: '2027-H1',
  quarter: '2027-Q1',
  month: '2027-03',
};

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function periodKey(spec: PeriodSpec, fiscalYear: number, index: number): string {
  switch (spec.type) {
    case 'year':
      return String(fiscalYear);
    case 'half':
      return `${fiscalYear}-H${index}`;
    case 'quarter':
      return `${fiscalYear}-Q${index}`;
    case 'month':
      return `${fiscalYear}-${pad(index)}`;
  }
}

/** Calendar (year, month) of the first month of period `index` of `fiscalYear`. */
function firstMonth(spec: PeriodSpec, fiscalYear: number, index: number): { year: number; month: number } {
  const offset = spec.fiscalYearStartMonth - 1 + (index - 1) * MONTHS[spec.type];
  return { year: fiscalYear + Math.floor(offset / 12), month: (offset % 12) + 1 };
}

export function makePeriod(spec: PeriodSpec, timeZone: string, fiscalYear: number, index: number): Period {
  const start = firstMonth(spec, fiscalYear, index);
  const endOffset = start.month - 1 + MONTHS[spec.type];
  const end = { year: start.year + Math.floor(endOffset / 12), month: (endOffset % 12) + 1 };
  return {
    key: periodKey(spec, fiscalYear, index),
    fiscalYear,
    index,
    startDate: `${pad(start.year, 4)}-${pad(start.month)}-01`,
    endDate: `${pad(end.year, 4)}-${pad(end.month)}-01`,
    startMs: instantOf(timeZone, start.year, start.month, 1),
    endMs: instantOf(timeZone, end.year, end.month, 1),
  };
}

/** Parses `2027-Q1` (etc.) for the plan's period type, or says what is wrong. */
export function parsePeriod(
  spec: PeriodSpec,
  timeZone: string,
  key: string,
): { ok: true; period: Period } | { ok: false; message: string } {
  const match = KEY_PATTERNS[spec.type].exec(key);
  if (!match) {
    return {
      ok: false,
      message: `period "${key}" does not name a ${spec.type} of this plan (expected a key like ${KEY_EXAMPLES[spec.type]})`,
    };
  }
  const fiscalYear = Number(match[1]);
  const index = spec.type === 'year' ? 1 : Number(match[2]);
  return { ok: true, period: makePeriod(spec, timeZone, fiscalYear, index) };
}

/** The period containing a local calendar date. */
export function periodOfLocalDate(spec: PeriodSpec, timeZone: string, year: number, month: number): Period {
  const offset = (month - spec.fiscalYearStartMonth + 12) % 12;
  const fiscalYear = month >= spec.fiscalYearStartMonth ? year : year - 1;
  return makePeriod(spec, timeZone, fiscalYear, Math.floor(offset / MONTHS[spec.type]) + 1);
}

/** The period containing an instant, judged by the wall clock in the plan's time zone. */
export function periodOfInstant(spec: PeriodSpec, timeZone: string, utcMs: number): Period {
  const wall = wallClockAt(timeZone, utcMs);
  return periodOfLocalDate(spec, timeZone, wall.year, wall.month);
}

export function shiftPeriod(spec: PeriodSpec, timeZone: string, period: Period, by: number): Period {
  const per = PER_YEAR[spec.type];
  const ordinal = period.fiscalYear * per + (period.index - 1) + by;
  return makePeriod(spec, timeZone, Math.floor(ordinal / per), (ordinal % per) + 1);
}

/** Negative when `a` is earlier than `b` (same plan). */
export function comparePeriods(a: Period, b: Period): number {
  return a.startMs - b.startMs;
}
