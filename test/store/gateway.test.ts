// The embedded mode's single path: many pg clients (store pool, BullMQ) share one
// PGlite session through PgliteGateway. These tests prove the serialization is safe.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundTrip, startPingWorker } from '../../src/jobs/ping.worker.js';
import { createQueues, type Queues } from '../../src/jobs/queue-factory.js';
import { createTestStore, type TestStore } from '../runtime/helpers/stores.js';

describe('embedded PGlite gateway', () => {
  let store: TestStore;
  let queues: Queues;

  beforeAll(async () => {
    store = await createTestStore('pglite', { idleInTransactionMs: 2000 });
    await store.db.query('create table public.probe (who text not null, n int not null)');
    queues = createQueues({ kind: 'postgres', connection: store.pgConnection });
    startPingWorker(queues);
  });
  afterAll(async () => {
    await queues?.close();
    await store?.dispose();
  });

  it('a rollback never swallows another writer’s row', async () => {
    let releaseA!: () => void;
    const holdA = new Promise<void>((r) => {
      releaseA = r;
    });
    let signalInserted!: () => void;
    const aInserted = new Promise<void>((r) => {
      signalInserted = r;
    });
    // A opens a transaction and writes; while A's transaction is open, B writes
    // outside any transaction; then A rolls back. B's row must survive.
    const a = store.db
      .transaction(async (tx) => {
        await tx.query(`insert into probe values ('a', 1)`);
        signalInserted();
        await holdA;
        throw new Error('roll back A');
      })
      .catch((e: Error) => e.message);
    await aInserted;
    let bDone = false;
    const b = store.db.query(`insert into probe values ('b', 1)`).then(() => {
      bDone = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    // B waits for A's transaction to end instead of running inside it.
    expect(bDone).toBe(false);
    releaseA();
    expect(await a).toBe('roll back A');
    await b;
    const rows = await store.db.query<{ who: string }>('select who from probe order by who');
    expect(rows.map((r) => r.who)).toEqual(['b']);
  });

  it('concurrent parameterized queries and transactions from many clients stay correct', async () => {
    await store.db.query('delete from probe');
    const clients = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const c = new pg.Client({ ...store.pgConnection });
        await c.connect();
        return c;
      }),
    );
    try {
      // Each client runs extended-protocol queries with distinct parameters; an
      // interleaved Parse/Bind would return another client's value.
      const work = clients.map(async (c, i) => {
        for (let n = 0; n < 25; n++) {
          const { rows } = await c.query('select $1::text as who, $2::int as n', [`c${i}`, n]);
          expect(rows[0]).toEqual({ who: `c${i}`, n });
          if (n % 5 === 0) {
            await c.query('begin');
            await c.query('insert into probe values ($1, $2)', [`c${i}`, n]);
            if (n % 10 === 0) await c.query('rollback');
            else await c.query('commit');
          }
        }
      });
      await Promise.all([...work, roundTrip(queues), roundTrip(queues)]);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    const rows = await store.db.query<{ n: string }>('select count(*)::text as n from probe');
    // Per client n ∈ {0,5,10,15,20}: 0,10,20 rolled back, 5 and 15 committed.
    expect(Number(rows[0]!.n)).toBe(6 * 2);
  });

  it('a client that disconnects inside a transaction is rolled back and releases the database', async () => {
    const c = new pg.Client({ ...store.pgConnection });
    c.on('error', () => undefined);
    await c.connect();
    await c.query('begin');
    await c.query(`insert into probe values ('ghost', 1)`);
    // Destroy the socket without COMMIT.
    (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const rows = await store.db.query(`select 1 from probe where who = 'ghost'`);
    expect(rows).toEqual([]);
    await roundTrip(queues);
  });

  it('disconnects a client idle inside a transaction so the others are not frozen', async () => {
    const c = new pg.Client({ ...store.pgConnection });
    const ended = new Promise<void>((r) => c.once('end', () => r()));
    c.on('error', () => undefined);
    await c.connect();
    await c.query('begin');
    await c.query(`insert into probe values ('idle', 1)`);
    // Nothing more from this client: the store's next query waits, then proceeds once
    // the gateway has dropped the idle client and rolled its transaction back.
    const rows = await store.db.query(`select 1 from probe where who = 'idle'`);
    expect(rows).toEqual([]);
    await ended;
  });

  it('keeps store tables in public and BullMQ in its own schema', async () => {
    const rows = await store.db.query<{ table_schema: string; table_name: string }>(
      `select table_schema, table_name from information_schema.tables
       where table_name in ('tenants', 'deals', 'job', 'schema_migrations')`,
    );
    const where = Object.fromEntries(rows.map((r) => [r.table_name, r.table_schema]));
    expect(where).toEqual({ tenants: 'public', deals: 'public', schema_migrations: 'public', job: 'bullmq' });
  });
});
