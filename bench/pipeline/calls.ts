// CRM calls per change. N deals of N different partners close in one mass update
// (one notification naming all N ids, as Zoho sends it); when the pipeline is idle
// again the sandbox's counters say what it cost: re-reading the deals (100 per call)
// and writing the results (100 per call — the goal is ceil(written / 100) write
// calls). Then a recalculation of the period with nothing changed: every result's
// inputsHash matches what the CRM shows, so it must cost no CRM call at all.
import { pickDeals, todayInPlanZone } from './latency.js';
import type { Stack } from './stack.js';

export interface CallsFigures {
  changedDeals: number;
  ms: number;
  readCalls: number;
  writeCalls: number;
  otherCalls: number;
  partnersWritten: number;
  /** ceil(partnersWritten / 100): the fewest write calls Zoho's 100-record limit allows. */
  writeFloor: number;
  unchanged: { ms: number; calls: number; writeCalls: number };
}

const WRITE = 'PUT /crm/v8/Accounts';

export async function callsPerChange(
  stack: Stack,
  opts: { changes: number; used: Set<string> },
): Promise<CallsFigures> {
  const { sb } = stack;
  const ids = pickDeals(sb, opts.changes, opts.used);
  const accounts = sb.org.module('Accounts')!;
  const put = accounts.put.bind(accounts);
  const written = new Set<string>();
  accounts.put = (rec) => {
    put(rec);
    written.add(rec.id as string);
  };
  sb.resetStats();
  const t0 = performance.now();
  try {
    sb.userMassUpdate('Deals', ids, { Stage: 'Closed Won', Closing_Date: todayInPlanZone() });
    await sb.watch.idle();
    await stack.idle();
  } finally {
    accounts.put = put;
  }
  const ms = Math.round(performance.now() - t0);
  const s = sb.getStats();
  const writeCalls = s.byEndpoint[WRITE]?.calls ?? 0;
  const readCalls = Object.entries(s.byEndpoint)
    .filter(([k]) => k.startsWith('GET /crm/v8/Deals') || k === 'POST /crm/v8/coql')
    .reduce((a, [, v]) => a + v.calls, 0);

  sb.resetStats();
  const t1 = performance.now();
  const recalc = await stack.cli('recalc', '--tenant', stack.tenantId, '--wait', '--json');
  if (recalc.code !== 0) throw new Error(`recalc --wait exited ${recalc.code}: ${recalc.err}`);
  await stack.idle();
  const u = sb.getStats();
  return {
    changedDeals: ids.length,
    ms,
    readCalls,
    writeCalls,
    otherCalls: s.calls - readCalls - writeCalls,
    partnersWritten: written.size,
    writeFloor: Math.ceil(written.size / 100),
    unchanged: {
      ms: Math.round(performance.now() - t1),
      calls: u.calls,
      writeCalls: u.byEndpoint[WRITE]?.calls ?? 0,
    },
  };
}
