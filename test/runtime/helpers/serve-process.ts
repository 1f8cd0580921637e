// `channel-incentives serve` in a child process, as an operator runs it: started from
// the sources through tsx (no build step), ready when /health/ready answers 200, and
// stopped with SIGTERM — or killed with SIGKILL, as a crash or an OOM kill would.
// Shared by the runtime acceptance tests, the multi-process pipeline tests and
// `npm run chaos`.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ServeRole = 'api' | 'worker' | 'all';

export interface ServeProcess {
  role: ServeRole;
  pid: number;
  /** Where it listens (the API, or a worker's /health and /metrics). */
  url: string;
  /** Milliseconds from spawn to ready. */
  readyMs: number;
  child: ChildProcess;
  /** Everything it printed (stdout log lines and stderr), in order. */
  logs(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown, no lock release, connections dropped mid-call. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Spawns `serve --role ROLE` with only `env` (plus PATH/HOME) and waits for readiness. */
export async function startServe(
  env: Record<string, string>,
  opts: { role?: ServeRole; readyTimeoutMs?: number } = {},
): Promise<ServeProcess> {
  const role = opts.role ?? 'all';
  const timeout = opts.readyTimeoutMs ?? 30_000;
  const started = Date.now();
  const args = ['serve', ...(opts.role ? ['--role', role] : [])];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', `import('./src/cli.ts').then((m) => m.main(${JSON.stringify(args)}))`],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: 'pipe',
    },
  );
  let all = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => {
    all += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    all += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const fail = (why: string) => {
    if (child.exitCode === null) child.kill('SIGKILL');
    return new Error(`serve --role ${role} ${why}:\n${err}`);
  };
  let url: string | null = null;
  for (;;) {
    if (child.exitCode !== null) throw fail(`exited with ${child.exitCode}`);
    if (Date.now() - started > timeout) throw fail(`not ready within ${timeout} ms`);
    url ??= /running on (http:\/\/[^\s]+) /.exec(err)?.[1] ?? null;
    if (url) {
      const res = await fetch(`${url}/health/ready`).catch(() => null);
      if (res?.status === 200) break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    role,
    pid: child.pid!,
    url,
    readyMs: Date.now() - started,
    child,
    logs: () => all,
    stderr: () => err,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Completed jobs per queue, from a process's own /metrics (ci_job_duration_seconds_count). */
export async function completedJobs(p: ServeProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(
    /^ci_job_duration_seconds_count\{[^}]*queue="([^"]+)"[^}]*outcome="completed"[^}]*\} (\d+)/gm,
  )) {
    out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}
