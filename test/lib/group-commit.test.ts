import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/lib/group-commit.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('groupCommit', () => {
  it('flushes a lone item at once and batches the items that arrive during a flush', async () => {
    const flushes: string[][] = [];
    const submit = groupCommit<string, string>(
      async (key, items) => {
        flushes.push(items.map((i) => `${key}:${i}`));
        await tick();
        return items.map((i) => i.toUpperCase());
      },
      { maxItems: 10 },
    );
    const first = submit('t1', 'a');
    const rest = ['b', 'c', 'd'].map((i) => submit('t1', i));
    const other = submit('t2', 'x');
    expect(await Promise.all([first, ...rest, other])).toEqual(['A', 'B', 'C', 'D', 'X']);
    expect(flushes).toEqual([['t1:a'], ['t2:x'], ['t1:b', 't1:c', 't1:d']]);
  });

  it('keeps batches within maxItems', async () => {
    const sizes: number[] = [];
    const submit = groupCommit<number, number>(
      async (_key, items) => {
        sizes.push(items.length);
        await tick();
        return items;
      },
      { maxItems: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((i) => submit('k', i)));
    expect(sizes).toEqual([1, 2, 2]);
  });

  it('a failed flush fails every item of its batch and not the next batch', async () => {
    let calls = 0;
    const submit = groupCommit<number, number>(
      async (_key, items) => {
        calls++;
        await tick();
        if (calls === 2) throw new Error('database went away');
        return items;
      },
      { maxItems: 10 },
    );
    const first = submit('k', 1);
    const batch = [submit('k', 2), submit('k', 3)];
    await expect(first).resolves.toBe(1);
    await expect(Promise.all(batch)).rejects.toThrow('database went away');
    await expect(submit('k', 4)).resolves.toBe(4);
  });

  it('a flush that returns the wrong number of outcomes fails its batch', async () => {
    const submit = groupCommit<number, number>(async () => [], { maxItems: 10 });
    await expect(submit('k', 1)).rejects.toThrow('flush returned 0 outcomes for 1 items');
  });
});
