// Push acknowledgement: genuine Zoho watch callbacks POSTed to the tenant's webhook
// route at a fixed rate by a load generator in its own process (load.child.ts); the
// API process answers each after verifying it, recording it in the inbox and handing
// it to the queue. Figures: acknowledgements per second and their latency.
import { spawn } from 'node:child_process';
import type { LoadPlan, LoadResult } from './load.child.js';
import { cpuMs, peakRssMb } from './servers.js';
import type { Stack } from './stack.js';

export interface AckFigures extends LoadResult {
  rate: number;
  apiCpuMs: number | null;
  apiPeakRssMb: number | null;
  /** Inbox rows the pushes left (one per push: each is a new event). */
  inboxRows: number;
}

const CHILD = new URL('./load.child.ts', import.meta.url).pathname;

export async function pushAck(
  stack: Stack,
  opts: { rate: number; seconds: number; warmupSeconds: number },
): Promise<AckFigures> {
  const { sb } = stack;
  const channel = [...sb.watch.channels.values()][0];
  if (!channel) throw new Error('the tenant has no watch channel in the sandbox');
  const dealIds = sb.org.module('Deals')!.ids.slice(0, 5000);
  const plan: LoadPlan = {
    url: channel.notify_url,
    body: sb.watch.callbackBody(channel, 'Deals', 'edit', [dealIds[0]!], ['Stage']),
    dealIds,
    rate: opts.rate,
    warmupSeconds: opts.warmupSeconds,
    seconds: opts.seconds,
    maxSockets: 256,
  };
  const before = await inboxCount(stack);
  const pid = stack.api.child.pid;
  const cpu0 = cpuMs(pid);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`load generator exited ${code}`);
  const result = JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
  const cpu1 = cpuMs(pid);
  return {
    ...result,
    rate: opts.rate,
    apiCpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
    apiPeakRssMb: peakRssMb(pid),
    inboxRows: (await inboxCount(stack)) - before,
  };
}

async function inboxCount(stack: Stack): Promise<number> {
  const rows = await stack.db.query<{ n: string }>('select count(*) as n from inbox where tenant_id = $1', [
    stack.tenantId,
  ]);
  return Number(rows[0]?.n ?? 0);
}
