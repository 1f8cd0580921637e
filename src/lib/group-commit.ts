// Group commit: callers each submit one item under a key; while a flush for that key
// is under way, new items wait and go together in the next flush. An idle key flushes
// a lone item at once (no added latency); under load the batches grow by themselves,
// so N concurrent requests cost a few round trips instead of N. Each caller gets its
// own item's outcome; a failed flush fails every item of that batch.
export type Flush<I, O> = (key: string, items: I[]) => Promise<O[]>;

interface Waiting<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export function groupCommit<I, O>(
  flush: Flush<I, O>,
  opts: { maxItems: number },
): (key: string, item: I) => Promise<O> {
  const queues = new Map<string, Waiting<I, O>[]>();
  const run = async (key: string, queue: Waiting<I, O>[]) => {
    while (queue.length > 0) {
      const batch = queue.splice(0, opts.maxItems);
      try {
        const out = await flush(
          key,
          batch.map((w) => w.item),
        );
        if (out.length !== batch.length)
          throw new Error(`flush returned ${out.length} outcomes for ${batch.length} items`);
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(out[i]!);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    queues.delete(key);
  };
  return (key, item) =>
    new Promise<O>((resolve, reject) => {
      const queue = queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      const fresh = [{ item, resolve, reject }];
      queues.set(key, fresh);
      void run(key, fresh);
    });
}
