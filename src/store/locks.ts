// Named locks across processes (single-flight token refresh, one sync per tenant).
// - PostgreSQL: a session-level advisory lock on a dedicated connection, taken with
//   pg_try_advisory_lock in a bounded polling loop (no connection waits forever).
// - Embedded: only the process that serves DATA_DIR runs workers, so an in-process
//   keyed mutex is exact there (PGlite has a single session: advisory locks taken
//   through it would not exclude one another).
import type { Store } from './database.js';

export interface Locks {
  /**
   * Runs `fn` holding the lock. `stillHeld` tells whether the lock is still ours (a
   * session lock lapses with its connection): long work checks it before each side effect.
   */
  withLock<T>(
    key: string,
    fn: (stillHeld: () => Promise<boolean>) => Promise<T>,
    opts?: { timeoutMs?: number },
  ): Promise<T>;
}

export class LockTimeoutError extends Error {}

export function createLocks(store: Store): Locks {
  if (store.db.kind === 'embedded') return inProcessLocks();
  const db = store.db;
  // Waiters of this process queue in memory first, so at most one of them per key holds
  // a pooled connection (polling for the advisory lock) while the others wait for free.
  const local = inProcessLocks();
  return {
    async withLock(key, fn, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 30_000;
      const deadline = Date.now() + timeoutMs;
      return local.withLock(key, () => advisory(key, deadline, timeoutMs, fn), { timeoutMs });
    },
  };

  function advisory<T>(
    key: string,
    deadline: number,
    timeoutMs: number,
    fn: (stillHeld: () => Promise<boolean>) => Promise<T>,
  ) {
    return db.session(async (s) => {
      for (;;) {
        const [row] = await s.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [
          key,
        ]);
        if (row?.ok) break;
        if (Date.now() > deadline)
          throw new LockTimeoutError(`lock "${key}" not acquired within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
      }
      // A session lock is released only by unlock or by the session's end: while the
      // session answers, the lock is ours.
      const stillHeld = () =>
        s.query('select 1').then(
          () => true,
          () => false,
        );
      try {
        return await fn(stillHeld);
      } finally {
        await s.query('select pg_advisory_unlock(hashtext($1))', [key]);
      }
    });
  }
}

function inProcessLocks(): Locks {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withLock(key, fn, opts = {}) {
      const previous = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((r) => {
        release = r;
      });
      const tail = previous.then(() => mine);
      tails.set(key, tail);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          previous,
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new LockTimeoutError(`lock "${key}" not acquired within ${opts.timeoutMs ?? 30_000} ms`),
                ),
              opts.timeoutMs ?? 30_000,
            );
          }),
        ]);
      } catch (err) {
        // Give up our place without blocking those behind us.
        previous.then(release, release);
        throw err;
      } finally {
        clearTimeout(timer);
      }
      try {
        return await fn(async () => true);
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
