// CPU-bound loops of a job hand the event loop back every few milliseconds: BullMQ
// renews a job's lock from a timer on that loop, so scoring thousands of partners in
// one go on a busy machine outlived the lock — the job was taken over as stalled while
// still running, and the run executed twice side by side.
const SLICE_MS = 20;

/** Reads `items` to an array, yielding to the event loop whenever a slice of `sliceMs` is used up. */
export async function collectYielding<T>(items: Iterable<T>, sliceMs = SLICE_MS): Promise<T[]> {
  // One batch with no size limit: the slicing lives in batchesYielding alone.
  for await (const all of batchesYielding(items, Number.POSITIVE_INFINITY, sliceMs)) return all;
  return [];
}

/**
 * Reads `items` in arrays of `size` (the last may be shorter), yielding to the event
 * loop as collectYielding does: a caller saves each array before the next is read, so
 * only one is held at a time.
 */
export async function* batchesYielding<T>(
  items: Iterable<T>,
  size: number,
  sliceMs = SLICE_MS,
): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let since = performance.now();
  for (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
      since = performance.now();
    } else if (performance.now() - since >= sliceMs) {
      await new Promise(setImmediate);
      since = performance.now();
    }
  }
  if (batch.length > 0) yield batch;
}
