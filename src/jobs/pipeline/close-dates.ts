// Calendar-date bounds on deals' `closed_at` for the database, so reads of deals skip
// the ones that cannot matter. Every closedAt the core reads starts with its calendar
// date (2027-03-31, 2027-03-31T23:30:00+08:00), so `left(closed_at, 10)` compares as a
// date. That date is in the deal's own offset or the plan's time zone, at most 14 hours
// from UTC: the bounds are two days wider than the instants, and the exact test stays
// with the caller (or the core). A deal whose closedAt the core cannot read is left out
// by them; the core would report and skip it.
import { type Period, type Plan, resolvePeriod } from '../../core/index.js';

const DAY = 86_400_000;
const EVERY = { from: '0000-01-01', to: '9999-12-31' };

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The periods' windows, or null when the plan cannot read one of the keys (a stored
 * period key of another plan: the callers then bound nothing, and the core reports it).
 */
export function periodWindows(plan: Plan, periodKeys: string[]): Period[] | null {
  try {
    return periodKeys.map((k) => resolvePeriod(plan, k));
  } catch {
    return null;
  }
}

/** Dates from two days before the earliest window to two days after the latest; every date for none. */
export function spanOf(windows: Pick<Period, 'startMs' | 'endMs'>[] | null): { from: string; to: string } {
  if (!windows || windows.length === 0) return EVERY;
  return {
    from: dateOf(Math.min(...windows.map((w) => w.startMs)) - 2 * DAY),
    to: dateOf(Math.max(...windows.map((w) => w.endMs)) + 2 * DAY),
  };
}

/** The date two days after an instant (every date for an unbounded one). */
export function lastDateOf(ms: number): string {
  return Number.isFinite(ms) ? dateOf(ms + 2 * DAY) : EVERY.to;
}

/**
 * Whether calendar date `later` is at least `days` days after `earlier` (both as
 * `left(closed_at, 10)` gives them); false when either is no date.
 */
export function datesApart(earlier: string, later: string, days: number): boolean {
  const a = Date.parse(`${earlier}T00:00:00Z`);
  const b = Date.parse(`${later}T00:00:00Z`);
  return Number.isFinite(a) && Number.isFinite(b) && b - a >= days * DAY;
}
