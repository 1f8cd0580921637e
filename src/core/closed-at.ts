// Reads a deal's `closedAt`: an ISO-8601 instant (with Z or an offset), a local
// date-time without offset (read in the plan's time zone), or a calendar date
// (that day in the plan's time zone, as Zoho stores Closing_Date). This runs for
// every won deal, so the common shapes are read by position, not by regex, and
// calendar days (which repeat heavily) are converted once per reader.
import { instantOf } from './timezone.js';

export type ClosedAtReader = (text: string) => number | undefined;

/** Digits at [from, from+count) as a number, or -1 when any is not a digit. */
function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Days from 1970-01-01 to a valid calendar date, as Date.UTC counts them (years 0–99
 * are 1900–1999 there, so here too): integer arithmetic instead of a Date.UTC call
 * for every timestamped deal. Checked equal to Date.UTC for every date of years 0–9999.
 */
function daysSinceEpoch(year: number, month: number, date: number): number {
  let y = year >= 0 && year <= 99 ? year + 1900 : year;
  if (month <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + date - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Midnight of each date per time zone, shared by every reader: finding it asks Intl
 * for the zone's offset two or three times (a few microseconds each), which was half
 * of a single partner's rescore when each scoring started with an empty cache. The
 * answer depends only on the zone and the date, so sharing changes no result.
 */
const dayStarts = new Map<string, Map<number, number | undefined>>();
/** Dates kept per zone before that zone's cache starts over (≈ 270 years of days). */
const DAYS_KEPT = 100_000;

function dayStartsOf(timeZone: string): Map<number, number | undefined> {
  let m = dayStarts.get(timeZone);
  if (!m || m.size >= DAYS_KEPT) {
    m = new Map();
    dayStarts.set(timeZone, m);
  }
  return m;
}

/** Returns a function mapping `closedAt` text to epoch ms, or undefined when malformed. */
export function closedAtReader(timeZone: string): ClosedAtReader {
  // Keyed by yyyymmdd as a number: no substring and no string hashing per deal.
  const dayStart = dayStartsOf(timeZone);

  /** Midnight in the zone of the date at the start of `text`, or undefined when it is no date. */
  const day = (text: string): number | undefined => {
    if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const date = digits(text, 8, 2);
    if (year < 0 || month < 1 || month > 12 || date < 1) return undefined;
    const key = year * 10_000 + month * 100 + date;
    let ms = dayStart.get(key);
    if (ms === undefined && !dayStart.has(key)) {
      ms = date <= daysIn(year, month) ? instantOf(timeZone, year, month, date) : undefined;
      dayStart.set(key, ms);
    }
    return ms;
  };

  return (text) => {
    if (text.length === 10) return day(text);
    // YYYY-MM-DDTHH:MM[:SS[.fff…]][Z|±HH:MM]
    // Characters compared by code (T 84, : 58, . 46, Z 90, + 43, - 45).
    if (text.length < 16 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return undefined;
    const midnight = day(text);
    if (midnight === undefined) return undefined;
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    let pos = 16;
    let second = 0;
    let fraction = 0;
    if (text.charCodeAt(pos) === 58) {
      second = digits(text, pos + 1, 2);
      pos += 3;
      if (text.charCodeAt(pos) === 46) {
        let end = pos + 1;
        while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
        if (end === pos + 1) return undefined;
        fraction = Math.floor(Number(`0${text.slice(pos, end)}`) * 1000);
        pos = end;
      }
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
    const y = digits(text, 0, 4);
    const mo = digits(text, 5, 2);
    const d = digits(text, 8, 2);
    if (pos === text.length) {
      // No offset: a wall-clock time in the plan's zone.
      return instantOf(timeZone, y, mo, d, hour, minute, second, fraction);
    }
    // The date is valid (day() checked it) and the time in range: Date.UTC(y, mo − 1, d,
    // hour, minute, second, fraction), written out.
    const wall =
      daysSinceEpoch(y, mo, d) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + fraction;
    const mark = text.charCodeAt(pos);
    if (mark === 90 && pos + 1 === text.length) return wall;
    const sign = mark === 43 ? 1 : mark === 45 ? -1 : 0;
    if (sign === 0 || text.length !== pos + 6 || text.charCodeAt(pos + 3) !== 58) return undefined;
    const offH = digits(text, pos + 1, 2);
    const offM = digits(text, pos + 4, 2);
    if (offH < 0 || offH > 23 || offM < 0 || offM > 59) return undefined;
    return wall - sign * (offH * 60 + offM) * 60_000;
  };
}
