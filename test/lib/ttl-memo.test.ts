import { describe, expect, it } from 'vitest';
import { ttlMemo } from '../../src/lib/ttl-memo.js';

describe('ttlMemo', () => {
  it('reuses a lookup within the ttl and looks again after it', async () => {
    const clock = { now: 0 };
    let loads = 0;
    const get = ttlMemo(async (k) => `${k}${++loads}`, { ttlMs: 1000, now: () => clock.now });
    expect(await get('a')).toBe('a1');
    clock.now = 999;
    expect(await get('a')).toBe('a1');
    expect(await get('b')).toBe('b2');
    clock.now = 1000;
    expect(await get('a')).toBe('a3');
  });

  it('does not keep null answers or failures', async () => {
    let loads = 0;
    const get = ttlMemo(
      async () => {
        loads++;
        if (loads === 1) return null;
        if (loads === 2) throw new Error('down');
        return 'ok';
      },
      { ttlMs: 60_000 },
    );
    expect(await get('t')).toBeNull();
    await expect(get('t')).rejects.toThrow('down');
    expect(await get('t')).toBe('ok');
    expect(loads).toBe(3);
  });
});
