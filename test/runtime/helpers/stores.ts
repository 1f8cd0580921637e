// Test stores: the embedded PGlite (in memory, through the gateway, as in production)
// and a real PostgreSQL database of our own (random name, dropped afterwards).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../../src/config.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { MIGRATIONS } from '../../../src/store/migrations/index.js';

export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type StoreKind = 'pglite' | 'postgres';

export interface TestStore extends Store {
  /** DATABASE_URL of the random database (postgres kind only). */
  url?: string;
  dispose(): Promise<void>;
}

export async function createTestStore(
  kind: StoreKind,
  opts: { idleInTransactionMs?: number; adminUrl?: string } = {},
): Promise<TestStore> {
  if (kind === 'pglite') {
    const store = await openStore(loadConfig({}), {
      mode: 'serve',
      memory: true,
      idleInTransactionMs: opts.idleInTransactionMs,
      loadDataDir: await migratedSnapshot(),
    });
    return { ...store, dispose: () => store.db.close() };
  }
  const name = `ci_test_${randomBytes(6).toString('hex')}`;
  const adminUrl = opts.adminUrl ?? PG_ADMIN_URL;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const store = await openStore(loadConfig({ DATABASE_URL: url, ENCRYPTION_KEYS: TEST_KEYS }), {
    mode: 'serve',
  });
  return {
    ...store,
    url,
    async dispose() {
      await store.db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export const TEST_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

/**
 * A dump of a freshly migrated embedded database, cached in the temp directory and
 * keyed by the migrations' content: starting from it skips PGlite's initdb (seconds
 * on a busy machine) while every test still gets its own database.
 */
async function migratedSnapshot(): Promise<Blob> {
  const hash = createHash('sha256');
  for (const m of MIGRATIONS) hash.update(m.id).update(m.sql);
  const file = join(tmpdir(), `ci-pglite-snapshot-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const store = await openStore(loadConfig({}), { mode: 'serve', memory: true });
  const blob = await store.embedded!.dump!();
  await store.db.close();
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, Buffer.from(await blob.arrayBuffer()));
  await rename(tmp, file);
  return blob;
}
