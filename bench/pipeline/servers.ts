// The product as it is deployed: `channel-incentives serve --role api|worker` in child
// processes of their own (so the benchmark's sandbox and load generator do not share
// their event loops), and what the kernel says about them (peak RSS, CPU time).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ServerProcess {
  role: string;
  child: ChildProcess;
  url: string;
  stderr(): string;
  stop(): Promise<void>;
}

const ROOT = new URL('../../', import.meta.url).pathname;

export async function startServer(
  role: 'api' | 'worker' | 'all',
  env: Record<string, string>,
  /** Called when the process exits without being stopped (a crash, an OOM). */
  onCrash: (message: string) => void = () => {},
) {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      // BENCH_PROFILE_DIR: CPU profiles of the server processes (written when they stop).
      ...(process.env.BENCH_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
        : []),
      ...(process.env.BENCH_WORKER_HEAP_MB && role !== 'api'
        ? [`--max-old-space-size=${process.env.BENCH_WORKER_HEAP_MB}`]
        : []),
      '--import',
      'tsx',
      '-e',
      `import('./src/cli.ts').then((m) => m.main(['serve', '--role', '${role}']))`,
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`serve --role ${role} exited (${code ?? signal}):\n${err.slice(-4000)}\n`);
    onCrash(`serve --role ${role} exited (${code ?? signal})`);
  });
  let stopping = false;
  for (;;) {
    const m = /running on (http:\/\/[^\s]+) /.exec(err);
    if (m) {
      const url = m[1]!;
      const res = await fetch(`${url}/health/ready`).catch(() => null);
      if (res?.status === 200) {
        return {
          role,
          child,
          url,
          stderr: () => err,
          async stop() {
            if (child.exitCode !== null) return;
            stopping = true;
            child.kill('SIGTERM');
            await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
            if (child.exitCode === null) child.kill('SIGKILL');
            await exited;
          },
        } satisfies ServerProcess;
      }
    }
    if (child.exitCode !== null || Date.now() - started > 60_000)
      throw new Error(`serve --role ${role} did not start:\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Peak resident set size of a process so far (Linux VmHWM), in MB; null elsewhere. */
export function peakRssMb(pid: number | undefined): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** User + system CPU time a process has used so far, in ms (Linux); null elsewhere. */
export function cpuMs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}
