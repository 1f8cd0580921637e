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
    const gate = () => {
      let open!: () => void;
      const p = new Promise<void>((r) => {
        open = r;
      });
      return { p, open };
    };
    const aHolds = gate();
    const aRelease = gate();
    let bStarted = false;
    const a = locks.withLock('k', async () => {
      aHolds.open();
      await aRelease.p;
      return 'a';
    });
    await aHolds.p;
    const b = locks.withLock('k', async () => {
      bStarted = true;
      return 'b';
    });
    // Another key is not blocked by a.
    expect(await locks.withLock('other', async () => 'c')).toBe('c');
    // The same key is: b waits while a holds (and times out when asked to).
    await expect(locks.withLock('k', async () => 'never', { timeoutMs: 100 })).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    expect(bStarted).toBe(false);
    aRelease.open();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    // After a timeout the lock still works.
    expect(await locks.withLock('k', async () => 'ok')).toBe('ok');
  });
});
