// Applies the plain-SQL files in ./migrations in name order, each once, each in its
// own transaction, recorded in schema_migrations. Concurrent starters serialize on
// an advisory lock (real PostgreSQL); the embedded gateway serializes anyway.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database, Sql } from './sql.js';

const LOCK_KEY = 7_340_611; // arbitrary, stable

/** The .sql files live in src/; the compiled module finds them from dist/ too. */
function migrationsDir(): string {
  const beside = fileURLToPath(new URL('./migrations/', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../../src/store/migrations/', import.meta.url));
}

export async function migrate(db: Database): Promise<string[]> {
  const dir = migrationsDir();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await scope(db, tx);
    await tx.query(
      'create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())',
    );
  });
  for (const file of files) {
    const id = file.replace(/\.sql$/, '');
    const sql = await readFile(`${dir}${file}`, 'utf8');
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await scope(db, tx);
      const seen = await tx.query('select 1 from schema_migrations where id = $1', [id]);
      if (seen.length > 0) return false;
      await tx.query(sql);
      await tx.query('insert into schema_migrations (id) values ($1)', [id]);
      return true;
    });
    if (done) applied.push(id);
  }
  return applied;
}

/**
 * In the embedded session the search_path starts with BullMQ's schema (the socket
 * ignores per-connection options, so it is set once for the shared session); our
 * tables belong in public. Unqualified queries still find them through the path.
 */
async function scope(db: Database, tx: Sql): Promise<void> {
  if (db.kind === 'embedded') await tx.query('set local search_path to public');
}
