// Acceptance of the runtime: `serve` (what `npm start` runs) in a child process,
// in the embedded default and against the machine's PostgreSQL + Redis:
// /health/ready = 200, a job round-trips through the server's queue, CLI commands
// work while the server runs (through its loopback gateway), SIGTERM stops it cleanly.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../../src/jobs/ping.worker.js';
import { createQueues } from '../../src/jobs/queue-factory.js';
import { generateKeyEntry } from '../../src/secrets/keyring.js';
import { runCli } from './helpers/cli.js';
import { planJson } from './helpers/plans.js';
import { REDIS_URL } from './helpers/redis.js';
import { type ServeProcess, type ServeRole, startServe } from './helpers/serve-process.js';
import { PG_ADMIN_URL } from './helpers/stores.js';

/** Acceptance: ready within 30 s of starting. */
async function startServer(env: Record<string, string>, args: string[] = []): Promise<ServeProcess> {
  const server = await startServe(env, { role: args[1] as ServeRole | undefined, readyTimeoutMs: 30_000 });
  expect(server.readyMs).toBeLessThan(30_000);
  return server;
}

const cli = runCli;

describe('serve in the embedded default (no DATABASE_URL, no REDIS_URL)', () => {
  let dir: string;
  let server: ServeProcess;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ci-serve-'));
    server = await startServer({ DATA_DIR: join(dir, 'data') });
    process.env.DATA_DIR = join(dir, 'data');
    delete process.env.DATABASE_URL;
    delete process.env.REDIS_URL;
    delete process.env.ENCRYPTION_KEYS;
  }, 60_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('says it generated a key, and round-trips a job through the embedded queue', async () => {
    expect(server.stderr()).toMatch(/generated an encryption key into .*encryption\.key/);
    const record = JSON.parse(await readFile(join(dir, 'data', 'server.json'), 'utf8'));
    const queues = createQueues({
      kind: 'postgres',
      connection: { host: '127.0.0.1', port: record.port, user: 'postgres', database: 'postgres' },
    });
    try {
      const { ms } = await roundTrip(queues);
      expect(ms).toBeLessThan(15_000);
    } finally {
      await queues.close();
    }
  });

  it('runs the CLI against the live server, and the admin API accepts the key it made', async () => {
    const t = JSON.parse((await cli('tenant', 'add', '--crm', 'fxiaoke', '--org', 'fx-live', '--json')).out);
    expect(t.id).toMatch(/^t_/);
    expect(JSON.parse((await cli('tenant', 'show', t.id, '--json')).out).orgId).toBe('fx-live');
    const paused = JSON.parse(
      (await cli('tenant', 'pause', t.id, '--until', '2031-01-01T00:00:00Z', '--json')).out,
    );
    expect(paused).toMatchObject({ status: 'paused', pausedUntil: '2031-01-01T00:00:00.000Z' });
    expect(JSON.parse((await cli('tenant', 'resume', t.id, '--json')).out).status).toBe('active');

    const plan = join(dir, 'plan.json');
    await writeFile(plan, planJson('live plan'));
    const v = JSON.parse((await cli('plan', 'upload', '--tenant', t.id, plan, '--activate', '--json')).out);
    expect(v).toMatchObject({ version: 1, format: 'json', active: true });
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'name: [oops\n');
    const rejected = await cli('plan', 'upload', '--tenant', t.id, bad);
    expect(rejected.code).toBe(1);
    expect(rejected.err).toContain('bad.yaml');
    expect(JSON.parse((await cli('plan', 'list', '--tenant', t.id, '--json')).out).versions).toHaveLength(1);
    expect((await cli('plan', 'activate', '--tenant', t.id, '7')).code).toBe(1);

    const key = JSON.parse((await cli('admin-key', 'create', '--tenant', t.id, '--json')).out);
    const res = await fetch(`${server.url}/api/admin/tenants/${t.id}/plans`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).versions[0]).toMatchObject({ version: 1, active: true });
    expect((await cli('admin-key', 'revoke', key.keyId, '--tenant', t.id)).code).toBe(0);
    const after = await fetch(`${server.url}/api/admin/tenants/${t.id}`, {
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(after.status).toBe(401);
  });

  it('a second server on the same DATA_DIR is refused', async () => {
    await expect(startServer({ DATA_DIR: join(dir, 'data') })).rejects.toThrow(/in use by process/);
  });

  it('stops cleanly on SIGTERM and releases DATA_DIR', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dir, 'data', 'server.json'))).toBe(false);
    expect(server.stderr()).toMatch(/SIGTERM received/);
  });
});

describe('serve with DATABASE_URL and REDIS_URL', () => {
  const db = `ci_test_${randomBytes(6).toString('hex')}`;
  const prefix = `ci-test-${randomBytes(5).toString('hex')}`;
  let server: ServeProcess;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${db}`);
    await admin.end();
    server = await startServer({
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      ENCRYPTION_KEYS: generateKeyEntry('k1'),
      DATA_DIR: join(tmpdir(), `ci-unused-${prefix}`),
    });
  }, 60_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
    await server?.exited;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${db} with (force)`);
    await admin.end();
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  it('is ready, round-trips a job through Redis and stops on SIGTERM', async () => {
    const queues = createQueues({ kind: 'redis', url: REDIS_URL, prefix });
    try {
      expect((await roundTrip(queues)).ms).toBeLessThan(15_000);
    } finally {
      await queues.close();
    }
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('a --role worker process serves health and metrics only', async () => {
    const worker = await startServer(
      {
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        ENCRYPTION_KEYS: generateKeyEntry('k1'),
        DATA_DIR: tmpdir(),
      },
      ['--role', 'worker'],
    );
    try {
      expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${worker.url}/api/admin/tenants`)).status).toBe(404);
      const queues = createQueues({ kind: 'redis', url: REDIS_URL, prefix });
      try {
        expect((await roundTrip(queues)).ms).toBeLessThan(15_000);
      } finally {
        await queues.close();
      }
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  });

  it('refuses to start without ENCRYPTION_KEYS when DATABASE_URL is set', async () => {
    await expect(
      startServer({ DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`, DATA_DIR: tmpdir() }),
    ).rejects.toThrow(/ENCRYPTION_KEYS: required/);
  });
});
