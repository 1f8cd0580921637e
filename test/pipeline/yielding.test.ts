// collectYielding gives the event loop back between items once a slice is used up, so
// timers (BullMQ's lock renewal) run during a long scoring; the items come out whole and in order.
import { describe, expect, it } from 'vitest';
import { collectYielding } from '../../src/jobs/pipeline/yielding.js';

describe('collectYielding', () => {
  it('lets a timer run between items and returns every item in order', async () => {
    let fired = false;
    const seenBeforeTimer: number[] = [];
    setTimeout(() => {
      fired = true;
    }, 0);
    function* items() {
      for (let i = 0; i < 50; i++) {
        if (!fired) seenBeforeTimer.push(i);
        const until = performance.now() + 2;
        while (performance.now() < until); // CPU-bound, as scoring a partner is
        yield i;
      }
    }
    const out = await collectYielding(items(), 1);
    expect(out).toEqual([...Array(50).keys()]);
    expect(fired).toBe(true);
    expect(seenBeforeTimer.length).toBeLessThan(50);
  });

  it('without yielding (one slice for everything) the timer waits until the end', async () => {
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    let firedDuring = false;
    function* items() {
      for (let i = 0; i < 5; i++) {
        firedDuring ||= fired;
        yield i;
      }
    }
    await collectYielding(items(), 60_000);
    expect(firedDuring).toBe(false);
  });
});
