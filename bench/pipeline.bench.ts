// npm run bench:pipeline [-- --quick] [-- --only sync,latency,calls,ack]
//
// The live pipeline in production mode against the Zoho sandbox answering like a real
// CRM (each call 50–150 ms): PostgreSQL and Redis of the machine (a database and a key
// prefix of its own, removed afterwards), the API and a worker as separate `serve`
// processes (bench/pipeline/stack.ts). Prints, each with its goal (issue 6):
// - full sync + score + write-back of 2,000 partners / 200,000 deals, worker peak RSS;
// - push-to-write-back latency p50/p95/p99 at 50 and 500 pushes/s (goal p95 < 2 s at 50/s);
// - CRM calls for 1,000 changed partners (goal ceil(N/100) write calls) and for a
//   recalculation that changes nothing (goal: zero);
// - push acknowledgements per second and p99 ack latency at 2,000 pushes/s (goal < 50 ms).
// --quick: 600 partners / 20,000 deals and shorter runs (a smoke run, not the figures).
// BENCH_PARTNERS, BENCH_DEALS, BENCH_LATENCY_MS (50), BENCH_JITTER_MS (100), BENCH_SLOW_SECONDS
// (the 50/s run's length, 20) override.
// PostgreSQL: a server of its own (bench/pipeline/stack.ts); BENCH_DATABASE=machine for
// the machine's, BENCH_PG_STATS=1 prints the statements of the 50/s run by time.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { reportFigure } from './figures.js';
import { pushAck } from './pipeline/ack.js';
import { callsPerChange } from './pipeline/calls.js';
import { pushToWriteBack } from './pipeline/latency.js';
import { pgStatements } from './pipeline/pg-statements.js';
import { queueTiming } from './pipeline/queue-timing.js';
import { startStack } from './pipeline/stack.js';
import { pushTimeline } from './pipeline/timeline.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, only: { type: 'string' }, diagnose: { type: 'boolean' } },
  strict: true,
});
const quick = values.quick === true;
const only = new Set((values.only ?? 'sync,latency,calls,ack').split(','));
const size = {
  partners: Number(process.env.BENCH_PARTNERS ?? (quick ? 600 : 2000)),
  deals: Number(process.env.BENCH_DEALS ?? (quick ? 20_000 : 200_000)),
};
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 50);
const jitterMs = Number(process.env.BENCH_JITTER_MS ?? 100);
const run = {
  // BENCH_SLOW_SECONDS: a longer 50/s run, to see the steady state (a rank sweep every 30 s).
  slow: { rate: 50, seconds: Number(process.env.BENCH_SLOW_SECONDS ?? (quick ? 4 : 20)) },
  fast: { rate: 500, seconds: quick ? 1 : 3 },
  changes: quick ? 200 : 1000,
  ack: { rate: 2000, seconds: quick ? 2 : 10, warmupSeconds: quick ? 0.5 : 2 },
};
const say = (l: string) => process.stderr.write(`  ${l}\n`);
const f0 = (n: number) => n.toFixed(0);
const crm = `Zoho sandbox, ${latencyMs}–${latencyMs + jitterMs} ms per call`;
const prod = 'PostgreSQL + Redis, `serve --role api` + `serve --role worker` processes';

console.log(
  `pipeline benchmark${quick ? ' (quick)' : ''}: ${size.partners} partners, ${size.deals} deals; ${crm}; ${prod}; ` +
    `${cpus().length} × ${cpus()[0]?.model}`,
);
const stack = await startStack({ ...size, latencyMs, jitterMs, say });
const used = new Set<string>();
/** Waits for the previous step's work to finish; when it does not within 5 min, says so in the next figure. */
async function settle(): Promise<string> {
  try {
    await stack.idle();
    return '';
  } catch (err) {
    say(`${(err as Error).message}: going on`);
    return ' (started while the previous step was still being worked off)';
  }
}
try {
  if (only.has('sync')) {
    const s = stack.fullSync;
    reportFigure({
      bench: 'pipeline',
      name: `full sync + score + write-back, ${size.partners} partners / ${size.deals} deals`,
      value: `${(s.ms / 1000).toFixed(1)} s, ${s.calls} CRM calls, ${s.credits} credits`,
      goal: null,
      met: null,
      setup: `\`sync --full --wait\`; ${crm}; ${prod}`,
    });
    reportFigure({
      bench: 'pipeline',
      name: 'worker peak RSS after the full sync',
      value: `${s.workerPeakRssMb ?? '?'} MB (worker CPU ${s.workerCpuMs === null ? '?' : f0(s.workerCpuMs)} ms)`,
      goal: null,
      met: null,
    });
  }
  if (only.has('latency')) {
    for (const r of [run.slow, run.fast]) {
      const backlog = await settle();
      say(`push-to-write-back at ${r.rate}/s for ${r.seconds} s …`);
      // BENCH_PG_STATS=1 (stack.ts): the statements printed at the end are the 50/s run's.
      if (process.env.BENCH_PG_STATS === '1' && r === run.slow)
        await stack.db.query('select pg_stat_statements_reset()');
      const since = Date.now();
      const l = await pushToWriteBack(stack, { ...r, used });
      if (process.env.BENCH_PG_STATS === '1' && r === run.slow)
        for (const line of await pgStatements(stack.db)) say(line);
      if (values.diagnose) {
        for (const line of await queueTiming(stack.queues, since)) say(line);
        for (const line of await pushTimeline(stack.db, stack.queues, stack.tenantId, l.traces, since))
          say(line);
      }
      const goal = r.rate === 50 ? 'p95 < 2 s' : null;
      reportFigure({
        bench: 'pipeline',
        name: `push-to-write-back at ${r.rate} pushes/s (p50 / p95 / p99 / max)`,
        value:
          `${f0(l.latency.p50)} / ${f0(l.latency.p95)} / ${f0(l.latency.p99)} / ${f0(l.latency.max)} ms ` +
          `over ${l.latency.n} of ${l.pushes} pushes${l.missing ? ` (${l.missing} not written within 120 s)` : ''}; ` +
          `${l.calls} CRM calls, ${l.writeCalls} of them writes; notifications ${l.notificationsSent} delivered, ${l.notificationsFailed} failed${backlog}`,
        goal,
        met: goal ? l.missing === 0 && l.latency.p95 < 2000 : null,
        setup: `a deal set to Closed Won in the sandbox → its notification → our webhook → … → the partner's fields; ${crm}; ${prod}`,
      });
    }
  }
  if (only.has('calls')) {
    const backlog = await settle();
    say(`${run.changes} deals of ${run.changes} partners closed in one mass update …`);
    const since = Date.now();
    const c = await callsPerChange(stack, { changes: run.changes, used });
    if (values.diagnose) for (const line of await queueTiming(stack.queues, since)) say(line);
    reportFigure({
      bench: 'pipeline',
      name: `CRM write calls for ${c.changedDeals} changed partners`,
      value:
        `${c.writeCalls} write calls for ${c.partnersWritten} partners written (ranks moved others) — ` +
        `${c.readCalls} reads, ${c.otherCalls} other calls; ${(c.ms / 1000).toFixed(1)} s${backlog}`,
      goal: `ceil(${c.partnersWritten}/100) = ${c.writeFloor}`,
      met: c.writeCalls <= c.writeFloor,
      setup: 'one mass-update notification naming every deal',
    });
    reportFigure({
      bench: 'pipeline',
      name: 'CRM calls of a recalculation that changes nothing (`recalc --wait`)',
      value: `${c.unchanged.calls} calls (${c.unchanged.writeCalls} writes); ${(c.unchanged.ms / 1000).toFixed(1)} s`,
      goal: '0',
      met: c.unchanged.calls === 0,
    });
  }
  if (only.has('ack')) {
    const backlog = await settle();
    // The API alone: the worker would otherwise re-read every pushed deal meanwhile and
    // the two would share this machine's cores (production runs them apart).
    await stack.stopWorker();
    say(`push acknowledgement at ${run.ack.rate}/s for ${run.ack.seconds} s (worker stopped) …`);
    const a = await pushAck(stack, run.ack);
    // CPU per push (warm-up included) says what a core of its own could sustain, whatever the machine's load.
    const pushes = Math.round(run.ack.rate * (run.ack.seconds + run.ack.warmupSeconds));
    const cpuPerPush = a.apiCpuMs === null ? '?' : (a.apiCpuMs / pushes).toFixed(2);
    reportFigure({
      bench: 'pipeline',
      name: `push acknowledgement at ${a.rate} pushes/s offered (p50 / p95 / p99 / max)`,
      value:
        `${a.latency.p50.toFixed(1)} / ${a.latency.p95.toFixed(1)} / ${a.latency.p99.toFixed(1)} / ${f0(a.latency.max)} ms; ` +
        `${f0(a.ackRate)} acks/s; ${a.acked} of ${a.sent} acknowledged, ${a.inboxRows} inbox rows; ` +
        `generator lag p99 ${f0(a.lag.p99)} ms, CPU ${a.cpuMsPerRequest.toFixed(2)} ms per push, ${a.connections} connections; API CPU ${cpuPerPush} ms per push, peak RSS ${a.apiPeakRssMb} MB${backlog}`,
      goal: 'p99 < 50 ms',
      met: a.failed === 0 && a.latency.p99 < 50,
      setup: `genuine watch callbacks over HTTP keep-alive from a child process, ${run.ack.seconds} s measured after ${run.ack.warmupSeconds} s warm-up; \`serve --role api\` alone (worker stopped); PostgreSQL + Redis`,
    });
    if (a.failed) say(`answers: ${JSON.stringify(a.statuses)}`);
  }
} finally {
  await stack.close();
}
process.exit(0);
