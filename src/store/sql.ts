// One query interface for the whole store. It is always `pg` underneath: against a
// real PostgreSQL (DATABASE_URL) or against the embedded PGlite through its loopback
// gateway (see pglite-gateway.ts), so repository code is identical in both modes.
import pg from 'pg';

export interface Sql {
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<T[]>;
  /**
   * Runs `fn` in one transaction (commit on success, rollback on throw).
   * Inside it, use only `tx`: in the embedded mode another connection waits until
   * this transaction ends, so awaiting the outer Sql (or a queue) here would deadlock.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export interface Database extends Sql {
  /** What the store runs on, for logs and health output (never the URL). */
  readonly kind: 'postgres' | 'embedded';
  /**
   * Runs `fn` on one dedicated connection outside any transaction (session-level
   * state such as advisory locks). Never hold it across slow work in the embedded
   * mode: there a session's transaction blocks every other client.
   */
  session<T>(fn: (s: Sql) => Promise<T>): Promise<T>;
  /** Round-trip check with a deadline; used by /health/ready. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

type Queryable = pg.Pool | pg.PoolClient;

function runner(q: Queryable) {
  return async <T extends Record<string, unknown>>(text: string, params?: readonly unknown[]) => {
    const result = await q.query<T>(text, params as unknown[] | undefined);
    return result.rows;
  };
}

function clientSql(client: pg.PoolClient): Sql {
  return {
    query: runner(client),
    transaction: async (fn) => {
      // Nested: a savepoint, so an inner failure can be handled by the caller.
      const name = `sp_${Math.random().toString(36).slice(2, 10)}`;
      await client.query(`savepoint ${name}`);
      try {
        const out = await fn(clientSql(client));
        await client.query(`release savepoint ${name}`);
        return out;
      } catch (err) {
        await client.query(`rollback to savepoint ${name}`);
        throw err;
      }
    },
  };
}

/**
 * Runs `fn` on a client checked out of the pool. A checked-out client is held across
 * other work (the write-back lock's session across CRM calls, a transaction between its
 * queries): a connection that drops meanwhile emits 'error' on it, which without a
 * listener ends the process (chaos: PostgreSQL crashed). The next query on it fails
 * instead, and the client is discarded, not returned to the pool.
 */
async function checkedOut<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

export function poolDatabase(pool: pg.Pool, kind: Database['kind'], onClose?: () => Promise<void>): Database {
  return {
    kind,
    query: runner(pool),
    transaction(fn) {
      return checkedOut(pool, async (client) => {
        try {
          await client.query('begin');
          const out = await fn(clientSql(client));
          await client.query('commit');
          return out;
        } catch (err) {
          await client.query('rollback').catch(() => undefined);
          throw err;
        }
      });
    },
    session(fn) {
      return checkedOut(pool, (client) => fn(clientSql(client)));
    },
    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`store did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([pool.query('select 1'), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await pool.end();
      await onClose?.();
    },
  };
}

// Return bigint/numeric as strings (money is never a float), timestamps as Date.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);
