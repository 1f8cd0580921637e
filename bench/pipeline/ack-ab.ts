// Push acknowledgement A/B: one stack (bench/pipeline/stack.ts, small: 100 partners /
// 5,000 deals, worker stopped) and one `serve --role api` per checkout named in AB_ROOTS
// (e.g. AB_ROOTS=/work/main,/work/wt-x), answering in turn: each round runs the load
// generator (1 s warm-up + AB_SECONDS at AB_RATE) against every API. On a shared,
// loaded machine an interleaved comparison on one stack says more than two separate
// benchmark runs. Prints per run: latency, acks/s, the API's CPU per push, the
// generator's, and PostgreSQL's (the backends of the stack's database). The first round
// is JIT warm-up. AB_PROFILE=dir writes each API's CPU profile.
//   node --import tsx bench/pipeline/ack-ab.ts
import { spawn } from 'node:child_process';
import { closedPort } from '../../test/runtime/helpers/redis.js';
import type { LoadPlan, LoadResult } from './load.child.js';
import { cpuMs } from './servers.js';
import { startStack } from './stack.js';

const roots = (process.env.AB_ROOTS ?? new URL('../../', import.meta.url).pathname).split(',');
const rate = Number(process.env.AB_RATE ?? 2000);
const seconds = Number(process.env.AB_SECONDS ?? 3);
const rounds = Number(process.env.AB_ROUNDS ?? 3);
const say = (l: string) => process.stderr.write(`  ${l}\n`);
const stack = await startStack({ partners: 100, deals: 5000, latencyMs: 50, jitterMs: 100, say });
await stack.stopWorker();
const servers: { root: string; pid: number; port: number; kill: () => void }[] = [];
try {
  for (const root of roots) {
    const port = await closedPort();
    const child = spawn(
      process.execPath,
      [
        ...(process.env.AB_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.AB_PROFILE}`] : []),
        '--import',
        'tsx',
        '-e',
        `import('./src/cli.ts').then((m) => m.main(['serve', '--role', 'api']))`,
      ],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          LOG_LEVEL: 'warn',
          ...stack.env,
          PORT: String(port),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    for (let tries = 0; ; tries++) {
      if (child.exitCode !== null || tries > 300) throw new Error(`api from ${root} did not start`);
      const r = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
      if (r?.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    servers.push({ root, pid: child.pid!, port, kill: () => child.kill('SIGTERM') });
  }
  const channel = [...stack.sb.watch.channels.values()][0]!;
  const dealIds = stack.sb.org.module('Deals')!.ids.slice(0, 5000);
  let base = Date.now();
  const out: Record<string, string[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const s of servers) {
      const url = new URL(channel.notify_url);
      url.port = String(s.port);
      const body = stack.sb.watch.callbackBody(channel, 'Deals', 'edit', [dealIds[0]!], ['Stage']);
      body.server_time = base;
      base += 1_000_000;
      const plan: LoadPlan = {
        url: url.toString(),
        body,
        dealIds,
        rate,
        warmupSeconds: 1,
        seconds,
        maxSockets: 256,
      };
      const dbName = new URL(stack.env.DATABASE_URL!).pathname.slice(1);
      const pgPids = async () =>
        (
          await stack.db.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [
            dbName,
          ])
        ).map((r) => r.pid);
      const pgCpu = (pids: number[]) => pids.reduce((a, p) => a + (cpuMs(p) ?? 0), 0);
      const pids0 = await pgPids();
      const p0 = pgCpu(pids0);
      const c0 = cpuMs(s.pid)!;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', new URL('./load.child.ts', import.meta.url).pathname, JSON.stringify(plan)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      await new Promise((r) => child.once('exit', r));
      const r = JSON.parse(text.trim().split('\n').pop()!) as LoadResult;
      const c1 = cpuMs(s.pid)!;
      const pg1 = pgCpu(pids0);
      const pushes = rate * (seconds + 1);
      const line = `p50 ${r.latency.p50.toFixed(1)} p99 ${r.latency.p99.toFixed(1)} max ${r.latency.max.toFixed(0)} ms; ${r.ackRate.toFixed(0)}/s; failed ${r.failed}; api ${((c1 - c0) / pushes).toFixed(3)} ms/push; gen ${r.cpuMsPerRequest.toFixed(3)} ms/push; pg ${((pg1 - p0) / pushes).toFixed(3)} ms/push (${pids0.length} backends); conns ${r.connections}; load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`;
      say(`${s.root}: ${line}`);
      out[s.root] = [...(out[s.root] ?? []), line];
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  console.log(JSON.stringify(out, null, 1));
} finally {
  for (const s of servers) s.kill();
  await new Promise((r) => setTimeout(r, 2000));
  await stack.close();
}
process.exit(0);
