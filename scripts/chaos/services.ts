// The chaos run's own Redis and PostgreSQL: started in a temporary directory on free
// ports, so they can be killed and restarted without touching the machine's shared
// services. Redis runs without persistence (a restart loses every key); PostgreSQL
// is stopped in immediate mode (as a crash: no checkpoint) and started again.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from '../../test/runtime/helpers/redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OwnRedis {
  url: string;
  /** SIGKILL, then a fresh empty server on the same port. Resolves when it answers. */
  restart(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function ownRedis(dir: string): Promise<OwnRedis> {
  const port = await closedPort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error(`own redis on ${port} did not start`);
  };
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    async restart() {
      await kill();
      await start();
    },
    stop: kill,
  };
}

export interface OwnPostgres {
  /** The maintenance database (`postgres`) on the own server. */
  adminUrl: string;
  /** `pg_ctl stop -m immediate` (no checkpoint: a crash as far as clients can tell). */
  crash(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function pgBin(): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, version, 'bin');
}

/** `fsync: true` for figures (the benchmark); the chaos runs go without it (they count outcomes, not time). */
export async function ownPostgres(
  dir: string,
  opts: { fsync?: boolean; settings?: string[] } = {},
): Promise<OwnPostgres> {
  const bin = pgBin();
  const port = await closedPort();
  const data = join(dir, 'pgdata');
  mkdirSync(data, { recursive: true });
  // initdb refuses to run as root: run the server as the postgres user then.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o777);
    execFileSync('chown', ['-R', 'postgres', dir]);
  }
  const run = (cmd: string, args: string[]) => {
    if (asRoot) {
      const line = [join(bin, cmd), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
      return execFileSync('su', ['postgres', '-c', line], { stdio: 'pipe' });
    }
    return execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = async () => {
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'pg.log'),
      '-o',
      [
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${opts.fsync ? 'on' : 'off'}`,
        '-c max_connections=200',
        ...(opts.settings ?? []).map((s) => `-c ${s}`),
      ].join(' '),
      '-w',
      'start',
    ]);
  };
  await start();
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    async crash() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    },
    async stop() {
      run('pg_ctl', ['-D', data, '-m', 'fast', 'stop']);
    },
  };
}
