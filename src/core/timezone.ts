// Wall-clock ↔ instant conversion for IANA time zones with nothing but Intl, which
// both Node and browsers carry (no I/O, no tz database of our own).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading in `timeZone` at the instant `utcMs`. */
export function wallClockAt(timeZone: string, utcMs: number): WallClock {
  const parts = formatter(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of `timeZone` from UTC at `utcMs`, in ms (Asia/Shanghai: +8 h). */
export function offsetAt(timeZone: string, utcMs: number): number {
  const w = wallClockAt(timeZone, utcMs);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/**
 * The instant at which clocks in `timeZone` read the given wall time. In a DST gap
 * (a wall time that never happens) this returns the instant just after the jump.
 */
export function instantOf(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const first = offsetAt(timeZone, guess);
  const candidate = guess - first;
  const second_ = offsetAt(timeZone, candidate);
  if (second_ === first) return candidate;
  const other = guess - second_;
  if (offsetAt(timeZone, other) === second_) return other;
  // Neither offset reads this wall time: it falls in a gap. The later reading is the
  // instant the clocks jump (00:00 that never happens → the first instant of the day).
  return Math.max(candidate, other);
}
