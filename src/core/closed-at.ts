// Reads a deal's `closedAt`: an ISO-8601 instant (with Z or an offset), a local
// date-time without offset (read in the plan's time zone), or a calendar date
// (that day in the plan's time zone, as Zoho stores Closing_Date). Dates repeat
// heavily across deals, so their instants are cached per reader.
import { instantOf } from './timezone.js';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;

function realDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

export type ClosedAtReader = (text: string) => number | undefined;

/** Returns a function mapping `closedAt` text to epoch ms, or undefined when malformed. */
export function closedAtReader(timeZone: string): ClosedAtReader {
  const dayStart = new Map<string, number | undefined>();
  return (text) => {
    if (text.length === 10) {
      const cached = dayStart.get(text);
      if (cached !== undefined || dayStart.has(text)) return cached;
      const m = DATE_ONLY.exec(text);
      let ms: number | undefined;
      if (m) {
        const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
        ms = realDate(year, month, day) ? instantOf(timeZone, year, month, day) : undefined;
      }
      dayStart.set(text, ms);
      return ms;
    }
    const m = DATE_TIME.exec(text);
    if (!m) return undefined;
    const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const second = m[6] ? Number(m[6]) : 0;
    if (!realDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
    if (m[8]) {
      const ms = Date.parse(text);
      return Number.isNaN(ms) ? undefined : ms;
    }
    const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
    return instantOf(timeZone, year, month, day, hour, minute, second, Math.floor(fraction));
  };
}
