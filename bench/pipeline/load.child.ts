// The push load generator, run as a child process of the pipeline benchmark so its
// work does not share an event loop with anything it measures. Reads a LoadPlan
// (JSON, argv[2]), POSTs Zoho watch callbacks to the webhook URL at a fixed rate
// (open loop: request i is due at i / rate whatever earlier answers did), and prints
// one JSON LoadResult on stdout. Each body is the genuine callback of the tenant's
// channel with its own server_time and deal id, so every push is a new inbox event.
//
// Why raw sockets and not node:http's client: on a 2-core machine the generator shares
// the CPU with the API it measures, and node:http's client cost ~0.3 ms of CPU per
// request (0.6 of a core at 2,000/s). Here every request's bytes are built before the
// clock starts and a keep-alive connection (one request at a time on it, no pipelining,
// as an HTTP/1.1 client does) only writes them and reads the status line, the
// Content-Length and the body. Latency is measured from when a push was DUE, so a late
// send (a busy generator, every connection in use) counts against the answer rather
// than hiding it (no coordinated omission).
import { connect, type Socket } from 'node:net';
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
  /** From when the push was due to the whole answer, measured pushes only (ms). */
  latency: ReturnType<typeof spread>;
  /** How late the generator started requests against their schedule (ms). */
  lag: ReturnType<typeof spread>;
  /** Acknowledgements per second over the measured window. */
  ackRate: number;
  windowMs: number;
  /** The generator's own CPU (user + system) per request, warm-up included (ms). */
  cpuMsPerRequest: number;
  /** Connections the generator had to open (more than a few: answers were slow). */
  connections: number;
}

const TIMEOUT_MS = 30_000;
const plan = JSON.parse(process.argv[2]!) as LoadPlan;
const target = new URL(plan.url);
const port = Number(target.port || 80);
const baseTime = Number(plan.body.server_time);

const total = Math.round(plan.rate * (plan.warmupSeconds + plan.seconds));
const warm = Math.round(plan.rate * plan.warmupSeconds);

// Every request's bytes, before the clock starts.
const head = (length: number) =>
  `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
  `Content-Type: application/json\r\nContent-Length: ${length}\r\nConnection: keep-alive\r\n\r\n`;
const requests: Buffer[] = [];
for (let i = 0; i < total; i++) {
  const body = JSON.stringify({
    ...plan.body,
    server_time: baseTime + i,
    ids: [plan.dealIds[i % plan.dealIds.length]],
  });
  requests.push(Buffer.from(head(Buffer.byteLength(body)) + body));
}

const latencies: number[] = [];
const lags: number[] = [];
const statuses: Record<string, number> = {};
let done = 0;
let acked = 0;
let failed = 0;
let firstMeasured = 0;
let lastAck = 0;
let connections = 0;

interface InFlight {
  i: number;
  due: number;
  started: number;
}

/** One keep-alive connection: one request at a time. */
class Conn {
  readonly socket: Socket;
  current: InFlight | null = null;
  private buf: Buffer | null = null;
  constructor(first: InFlight) {
    connections++;
    this.current = first;
    this.socket = connect({ host: target.hostname, port, noDelay: true }, () => {
      if (this.current) this.socket.write(requests[this.current.i]!);
    });
    this.socket.on('data', (c: Buffer) => this.onData(c));
    this.socket.on('error', (e: NodeJS.ErrnoException) => this.fail(`error:${e.code ?? e.message}`));
    this.socket.on('close', () => this.fail('error:closed'));
  }
  send(r: InFlight) {
    this.current = r;
    this.socket.write(requests[r.i]!);
  }
  private onData(chunk: Buffer) {
    const buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      this.buf = buf;
      return;
    }
    const headText = buf.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headText)?.[1] ?? Number.NaN);
    if (!Number.isFinite(length)) {
      // Not what the API sends (it always names the length); count it and drop the connection.
      this.fail('error:no-content-length');
      return;
    }
    if (buf.length < end + 4 + length) {
      this.buf = buf;
      return;
    }
    this.buf = null;
    const status = headText.slice(9, 12);
    const r = this.current;
    this.current = null;
    if (!r) {
      this.fail('error:unasked-answer');
      return;
    }
    if (/\r\nconnection:\s*close/i.test(headText)) this.retire();
    else idle.push(this);
    finish(r, status);
    pump();
  }
  private fail(why: string) {
    this.retire();
    const r = this.current;
    this.current = null;
    if (r) finish(r, why);
    pump();
  }
  private retire() {
    const k = idle.indexOf(this);
    if (k >= 0) idle.splice(k, 1);
    open.delete(this);
    this.socket.destroy();
  }
  timedOut(now: number) {
    return this.current !== null && now - this.current.started > TIMEOUT_MS;
  }
  expire() {
    this.fail('error:timeout');
  }
}

const idle: Conn[] = [];
const open = new Set<Conn>();
/** Due requests waiting for a connection (all maxSockets busy). */
const waiting: InFlight[] = [];

function finish(r: InFlight, status: string) {
  const end = performance.now();
  statuses[status] = (statuses[status] ?? 0) + 1;
  if (r.i >= warm) {
    latencies.push(end - r.due);
    if (status.startsWith('2')) {
      acked++;
      lastAck = end;
    } else failed++;
  }
  if (++done === total) report();
  else nextPhase();
}

function dispatch(r: InFlight) {
  r.started = performance.now();
  if (r.i >= warm) {
    lags.push(r.started - r.due);
    if (r.i === warm) firstMeasured = r.due;
  }
  const conn = idle.pop();
  if (conn) conn.send(r);
  else open.add(new Conn(r));
}

function pump() {
  while (waiting.length > 0 && (idle.length > 0 || open.size < plan.maxSockets)) dispatch(waiting.shift()!);
}

function report() {
  clearInterval(sweeper);
  const windowMs = lastAck - firstMeasured;
  const cpu = process.cpuUsage(cpu0);
  const result: LoadResult = {
    sent: total - warm,
    acked,
    failed,
    statuses,
    latency: spread(latencies),
    lag: spread(lags),
    ackRate: windowMs > 0 ? (acked * 1000) / windowMs : 0,
    windowMs,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / total,
    connections,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const c of open) c.socket.destroy();
}

// One timer for every request's timeout instead of one per request.
const sweeper = setInterval(() => {
  const now = performance.now();
  for (const c of [...open]) if (c.timedOut(now)) c.expire();
}, 1000);

const cpu0 = process.cpuUsage();
// Two phases on one schedule rule (push i due at phaseStart + i / rate): the warm-up
// pushes, then — once every warm-up push is answered, so the measured window does not
// start with the backlog of a cold process (JIT, connections being opened) — the
// measured ones. A server that cannot sustain the rate still builds its backlog inside
// the measured window, where it counts.
let phaseStart = performance.now() + 50;
let phaseFirst = 0;
let phaseEnd = warm > 0 ? warm : total;
let next = 0;
function tick() {
  const now = performance.now();
  while (next < phaseEnd) {
    const due = phaseStart + ((next - phaseFirst) * 1000) / plan.rate;
    if (due > now) break;
    const r: InFlight = { i: next++, due, started: 0 };
    if (waiting.length === 0 && (idle.length > 0 || open.size < plan.maxSockets)) dispatch(r);
    else waiting.push(r);
  }
  if (next < phaseEnd) setTimeout(tick, 1);
}
/** Called as answers arrive: starts the measured phase once the warm-up is all answered. */
function nextPhase() {
  if (phaseEnd !== total && done === warm) {
    phaseStart = performance.now() + 100;
    phaseFirst = warm;
    phaseEnd = total;
    setTimeout(tick, 100);
  }
}
tick();
