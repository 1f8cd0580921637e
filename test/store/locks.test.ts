import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocks, LockTimeoutError } from '../../src/store/locks.js';
import { createTestStore, type StoreKind, type TestStore } from '../runtime/helpers/stores.js';

describe.each<StoreKind>(['pglite', 'postgres'])('named locks on %s', (kind) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(kind);
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('serializes holders of one key, lets other keys run, and times out waiters', async () => {
    const locks = createLocks(store);
    const events: string[] = [];
    const hold = (name: string, key: string, ms: number) =>
      locks.withLock(key, async () => {
        events.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`${name}-`);
        return name;
      });
    const results = await Promise.all([hold('a', 'k', 150), hold('b', 'k', 10), hold('c', 'other', 10)]);
    expect(results).toEqual(['a', 'b', 'c']);
    // b starts only after a ended; c did not wait for a.
    expect(events.indexOf('b+')).toBeGreaterThan(events.indexOf('a-'));
    expect(events.indexOf('c+')).toBeLessThan(events.indexOf('a-'));

    const long = hold('d', 'busy', 400);
    await new Promise((r) => setTimeout(r, 50));
    await expect(locks.withLock('busy', async () => 'never', { timeoutMs: 100 })).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    await long;
    // After a timeout the lock still works.
    expect(await locks.withLock('busy', async () => 'ok')).toBe('ok');
  });
});
