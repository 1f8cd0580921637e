// Opens the store: real PostgreSQL when DATABASE_URL is set, otherwise the embedded
// PGlite under DATA_DIR served on a loopback port by PgliteGateway. Either way the
// caller gets a `pg`-backed Database plus the connection BullMQ's PostgreSQL backend
// should use (the same database, reached the same way: one path).
//
// DATA_DIR/server.json records which process serves the embedded database and on
// which port. A second process (a CLI command while `npm start` runs) connects to
// that port instead of opening the files a second time.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Config } from '../config.js';
import { migrate } from './migrate.js';
import { PgliteGateway } from './pglite-gateway.js';
import { type Database, poolDatabase } from './sql.js';

export const SERVER_FILE = 'server.json';

/** What BullMQ's PostgreSQL backend needs (a pg pool config or connection string). */
export type PgConnection = pg.PoolConfig & { connectionString?: string };

export interface Store {
  db: Database;
  /** Connection for BullMQ's PostgreSQL backend (same database as the store). */
  pgConnection: PgConnection;
  /** Set in the embedded mode: the gateway port, and whether this process owns the files. */
  embedded?: {
    port: number;
    owner: boolean;
    dataDir: string | null;
    /** A copy of the whole database (owner only; taken under the gateway's lock). */
    dump?: () => Promise<Blob>;
  };
}

export interface OpenOptions {
  /** `serve`: must own the embedded database; `client`: reuse a running server when there is one. */
  mode: 'serve' | 'client';
  /** Embedded only: keep the database in memory (tests). */
  memory?: boolean;
  /** Embedded in-memory only: start from a dump (tests skip initdb this way). */
  loadDataDir?: Blob;
  /** Embedded only: see GatewayOptions.idleInTransactionMs. */
  idleInTransactionMs?: number;
  /** Pool size for the store. */
  max?: number;
  onError?: (err: Error) => void;
}

interface ServerRecord {
  pid: number;
  port: number | null;
  startedAt: string;
}

export class StoreInUseError extends Error {}

export async function openStore(config: Config, opts: OpenOptions): Promise<Store> {
  const onError = opts.onError ?? (() => undefined);
  if (config.databaseUrl) {
    const poolConfig: PgConnection = { connectionString: config.databaseUrl, connectionTimeoutMillis: 5000 };
    const pool = new pg.Pool({ ...poolConfig, max: opts.max ?? 10 });
    pool.on('error', onError);
    const db = poolDatabase(pool, 'postgres');
    await migrate(db);
    return { db, pgConnection: poolConfig };
  }
  if (opts.memory) return openEmbedded(null, opts, onError);

  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const record = await readServerRecord(dataDir);
  // A client in the serving process itself (a CLI command run in-process while the
  // runtime serves, as tests do) also goes through the gateway: opening the files twice breaks PGlite.
  const servedHere = record?.pid === process.pid && opts.mode === 'client' && record.port !== null;
  if (record && isAlive(record.pid) && (record.pid !== process.pid || servedHere)) {
    if (opts.mode === 'serve' || record.port === null) {
      throw new StoreInUseError(
        `DATA_DIR ${dataDir} is in use by process ${record.pid}` +
          (record.port ? ` (serving on 127.0.0.1:${record.port})` : '') +
          '; stop it first or point DATA_DIR elsewhere',
      );
    }
    return connectToRunning(dataDir, record.port, opts, onError);
  }
  // Claim the directory before opening the files (stale records are replaced).
  await writeServerRecord(dataDir, { pid: process.pid, port: null, startedAt: new Date().toISOString() });
  try {
    return await openEmbedded(dataDir, opts, onError);
  } catch (err) {
    await rm(join(dataDir, SERVER_FILE), { force: true });
    throw err;
  }
}

async function openEmbedded(dataDir: string | null, opts: OpenOptions, onError: (e: Error) => void) {
  const pglite = dataDir
    ? await PGlite.create(join(dataDir, 'pgdata'))
    : await PGlite.create(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {});
  // The only direct query, before any client connects: the shared session's
  // search_path (the gateway cannot honour per-connection `-c search_path`).
  await pglite.exec('create schema if not exists bullmq; set search_path to bullmq, public');
  const gateway = new PgliteGateway(pglite, { onError, idleInTransactionMs: opts.idleInTransactionMs });
  const port = await gateway.start();
  if (dataDir) {
    await writeServerRecord(dataDir, { pid: process.pid, port, startedAt: new Date().toISOString() });
  }
  const pgConnection: PgConnection = { host: gateway.host, port, user: 'postgres', database: 'postgres' };
  const pool = new pg.Pool({ ...pgConnection, max: opts.max ?? 4 });
  pool.on('error', onError);
  const db = poolDatabase(pool, 'embedded', async () => {
    await gateway.stop();
    await pglite.close();
    if (dataDir) await rm(join(dataDir, SERVER_FILE), { force: true });
  });
  await migrate(db);
  const dump = () => gateway.exclusive(() => pglite.dumpDataDir('none'));
  return { db, pgConnection, embedded: { port, owner: true, dataDir, dump } };
}

async function connectToRunning(
  dataDir: string,
  port: number,
  opts: OpenOptions,
  onError: (e: Error) => void,
): Promise<Store> {
  const pgConnection: PgConnection = { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' };
  const pool = new pg.Pool({ ...pgConnection, max: opts.max ?? 2, connectionTimeoutMillis: 5000 });
  pool.on('error', onError);
  const db = poolDatabase(pool, 'embedded');
  await db.ping(5000);
  return { db, pgConnection, embedded: { port, owner: false, dataDir } };
}

async function readServerRecord(dataDir: string): Promise<ServerRecord | null> {
  try {
    return JSON.parse(await readFile(join(dataDir, SERVER_FILE), 'utf8')) as ServerRecord;
  } catch {
    return null;
  }
}

async function writeServerRecord(dataDir: string, record: ServerRecord): Promise<void> {
  await writeFile(join(dataDir, SERVER_FILE), `${JSON.stringify(record)}\n`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
