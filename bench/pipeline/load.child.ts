// The push load generator, run as a child process of the pipeline benchmark so its
// work does not share an event loop with anything it measures. Reads a LoadPlan
// (JSON, argv[2]), POSTs Zoho watch callbacks to the webhook URL at a fixed rate
// (open loop: request i is due at i / rate whatever earlier answers did), and prints
// one JSON LoadResult on stdout. Each body is the genuine callback of the tenant's
// channel with its own server_time and deal id, so every push is a new inbox event.
import { Agent, request } from 'node:http';
import { spread } from './stats.js';

export interface LoadPlan {
  url: string;
  /** A callback body as the sandbox's watch channel sends it. */
  body: Record<string, unknown>;
  dealIds: string[];
  rate: number;
  warmupSeconds: number;
  seconds: number;
  maxSockets: number;
}

export interface LoadResult {
  sent: number;
  acked: number;
  failed: number;
  statuses: Record<string, number>;
  /** From the request's start to the whole answer, measured pushes only (ms). */
  latency: ReturnType<typeof spread>;
  /** How late the generator started requests against their schedule (ms). */
  lag: ReturnType<typeof spread>;
  /** Acknowledgements per second over the measured window. */
  ackRate: number;
  windowMs: number;
}

const plan = JSON.parse(process.argv[2]!) as LoadPlan;
const agent = new Agent({ keepAlive: true, maxSockets: plan.maxSockets });
const target = new URL(plan.url);
const baseTime = Number(plan.body.server_time);

const total = Math.round(plan.rate * (plan.warmupSeconds + plan.seconds));
const warm = Math.round(plan.rate * plan.warmupSeconds);
const latencies: number[] = [];
const lags: number[] = [];
const statuses: Record<string, number> = {};
let done = 0;
let acked = 0;
let failed = 0;
let firstMeasured = 0;
let lastAck = 0;

function send(i: number, due: number) {
  const body = JSON.stringify({
    ...plan.body,
    server_time: baseTime + i,
    ids: [plan.dealIds[i % plan.dealIds.length]],
  });
  const started = performance.now();
  const measured = i >= warm;
  if (measured) {
    lags.push(started - due);
    if (i === warm) firstMeasured = started;
  }
  const finish = (status: string) => {
    const end = performance.now();
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (measured) {
      latencies.push(end - started);
      if (status.startsWith('2')) {
        acked++;
        lastAck = end;
      } else failed++;
    }
    if (++done === total) report();
  };
  const req = request(
    {
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      timeout: 30_000,
    },
    (res) => {
      res.resume();
      res.on('end', () => finish(String(res.statusCode)));
    },
  );
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => finish(`error:${(e as NodeJS.ErrnoException).code ?? e.message}`));
  req.end(body);
}

function report() {
  const windowMs = lastAck - firstMeasured;
  const result: LoadResult = {
    sent: total - warm,
    acked,
    failed,
    statuses,
    latency: spread(latencies),
    lag: spread(lags),
    ackRate: windowMs > 0 ? (acked * 1000) / windowMs : 0,
    windowMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  agent.destroy();
}

const start = performance.now() + 50;
let next = 0;
function tick() {
  const now = performance.now();
  while (next < total) {
    const due = start + (next * 1000) / plan.rate;
    if (due > now) break;
    send(next++, due);
  }
  if (next < total) setTimeout(tick, 1);
}
tick();
