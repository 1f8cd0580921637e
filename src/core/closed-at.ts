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

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Returns a function mapping `closedAt` text to epoch ms, or undefined when malformed. */
export function closedAtReader(timeZone: string): ClosedAtReader {
  // Keyed by yyyymmdd as a number: no substring and no string hashing per deal.
  const dayStart = new Map<number, number | undefined>();

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
    if (text.length < 16 || text[10] !== 'T' || text[13] !== ':') return undefined;
    const midnight = day(text);
    if (midnight === undefined) return undefined;
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    let pos = 16;
    let second = 0;
    let fraction = 0;
    if (text[pos] === ':') {
      second = digits(text, pos + 1, 2);
      pos += 3;
      if (text[pos] === '.') {
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
    const wall = Date.UTC(y, mo - 1, d, hour, minute, second, fraction);
    if (pos === text.length) {
      // No offset: a wall-clock time in the plan's zone.
      return instantOf(timeZone, y, mo, d, hour, minute, second, fraction);
    }
    if (text[pos] === 'Z' && pos + 1 === text.length) return wall;
    const sign = text[pos] === '+' ? 1 : text[pos] === '-' ? -1 : 0;
    if (sign === 0 || text.length !== pos + 6 || text[pos + 3] !== ':') return undefined;
    const offH = digits(text, pos + 1, 2);
    const offM = digits(text, pos + 4, 2);
    if (offH < 0 || offH > 23 || offM < 0 || offM > 59) return undefined;
    return wall - sign * (offH * 60 + offM) * 60_000;
  };
}
