// The server's clock. Production reads the system clock. For chaos and end-to-end
// tests only, CLOCK_OFFSET_FILE names a file holding an offset in milliseconds that
// is added to the system clock: rewriting the file makes a running server's clock
// jump (across a period end, for example) without touching the machine's clock.
// Period logic (current period, period close) reads this clock; BullMQ's timers and
// the CRMs keep real time, as they would after an NTP step on one host.
import { readFileSync } from 'node:fs';

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Re-reads the offset at most every `refreshMs`; a missing or unreadable file means 0. */
export function offsetClock(file: string, refreshMs = 250): Clock {
  let offset = 0;
  let readAt = Number.NEGATIVE_INFINITY;
  return () => {
    const real = Date.now();
    if (real - readAt >= refreshMs) {
      readAt = real;
      try {
        const n = Number(readFileSync(file, 'utf8').trim() || '0');
        offset = Number.isFinite(n) ? n : 0;
      } catch {
        offset = 0;
      }
    }
    return new Date(real + offset);
  };
}
