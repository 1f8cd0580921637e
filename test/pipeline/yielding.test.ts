// collectYielding gives the event loop back between items once a slice is used up, so
// timers (BullMQ's lock renewal) run during a long scoring; the items come out whole and in order.
// batchesYielding does the same in arrays, each read only after the one before is handled.
import { describe, expect, it } from 'vitest';
import { batchesYielding, collectYielding } from '../../src/jobs/pipeline/yielding.js';

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

describe('batchesYielding', () => {
  it('hands out every item in order, in arrays of the size asked (the last shorter), one at a time', async () => {
    let read = 0;
    function* items() {
      for (let i = 0; i < 23; i++) {
        read++;
        yield i;
      }
    }
    const batches: number[][] = [];
    const readWhenHanded: number[] = [];
    for await (const batch of batchesYielding(items(), 10)) {
      readWhenHanded.push(read);
      batches.push(batch);
    }
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batches.flat()).toEqual([...Array(23).keys()]);
    // Nothing past a batch is read before its consumer asks for the next.
    expect(readWhenHanded).toEqual([10, 20, 23]);
  });

  it('lets a timer run inside a batch of CPU-bound items', async () => {
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    let firedInsideFirstBatch = false;
    function* items() {
      for (let i = 0; i < 20; i++) {
        if (i < 19) firedInsideFirstBatch ||= fired;
        const until = performance.now() + 2;
        while (performance.now() < until);
        yield i;
      }
    }
    const batches: number[][] = [];
    for await (const batch of batchesYielding(items(), 20, 1)) batches.push(batch);
    expect(batches).toHaveLength(1);
    expect(firedInsideFirstBatch).toBe(true);
  });

  it('an empty source gives no batch', async () => {
    const batches: number[][] = [];
    for await (const batch of batchesYielding([], 5)) batches.push(batch);
    expect(batches).toEqual([]);
  });
});
