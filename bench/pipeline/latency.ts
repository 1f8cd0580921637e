// Push-to-write-back latency: deals close in the CRM at a steady rate (each one a
// user's edit in the sandbox, whose watch channel then POSTs the notification to our
// webhook), and each push's clock stops when the partner's record in the CRM shows
// it — when the revenue actual in the partner's Incentive_Details moves. A rank-only
// rewrite of that partner (another partner's deal moved it) does not stop the clock:
// ranks are not in the metrics. Each partner gets one push per run, so every
// change of its actual belongs to exactly one push.
import type { Rec } from '../../connectors/zoho/sandbox/sandbox.data.js';
import type { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import type { Stack } from './stack.js';
import { type Spread, spread } from './stats.js';

export interface LatencyFigures {
  rate: number;
  pushes: number;
  /** Pushes whose write-back was seen, in ms from the deal's change in the CRM. */
  latency: Spread;
  missing: number;
  /** CRM calls during the run (reads of the pushed deals, write batches, token refreshes). */
  calls: number;
  writeCalls: number;
  notificationsSent: number;
  notificationsFailed: number;
  /** Per push: the deal, its partner, when it was pushed and when it was seen written (epoch ms). */
  traces: PushTrace[];
}

export interface PushTrace {
  dealId: string;
  partnerId: string;
  pushedAt: number;
  writtenAt: number | null;
}

const revenueActual = (rec: Rec | undefined): string | null => {
  try {
    const d = JSON.parse(String(rec?.Incentive_Details ?? '{}')) as {
      metrics?: Record<string, { actual: string | null }>;
    };
    return d.metrics?.revenue?.actual ?? null;
  } catch {
    return null;
  }
};

/** Open deals with an amount and a partner, one per partner, not used before. */
export function pickDeals(sb: ZohoSandbox, count: number, used: Set<string>): string[] {
  const partners = new Set<string>();
  const out: string[] = [];
  for (const d of sb.org.module('Deals')!.records.values()) {
    if (out.length >= count) break;
    const partner = (d.Channel_Partner as { id?: string } | null)?.id;
    const amount = Number(d.Amount);
    if (!partner || partners.has(partner) || used.has(d.id as string)) continue;
    if (d.Stage === 'Closed Won' || d.Stage === 'Closed Lost' || !(amount > 0)) continue;
    if (!sb.org.module('Accounts')!.records.has(partner)) continue;
    partners.add(partner);
    out.push(d.id as string);
    used.add(d.id as string);
  }
  if (out.length < count) throw new Error(`only ${out.length} open deals with distinct partners left`);
  return out;
}

/** Today in the plan's time zone: a deal closed today counts in the current period. */
export const todayInPlanZone = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

export async function pushToWriteBack(
  stack: Stack,
  opts: { rate: number; seconds: number; used: Set<string>; timeoutMs?: number },
): Promise<LatencyFigures> {
  const { sb } = stack;
  const count = Math.round(opts.rate * opts.seconds);
  const dealIds = pickDeals(sb, count, opts.used);
  const deals = sb.org.module('Deals')!.records;
  const accounts = sb.org.module('Accounts')!;
  const pending = new Map<string, { at: number; before: string | null; trace: PushTrace }>();
  const latencies: number[] = [];
  const traces: PushTrace[] = [];

  // Every write of a partner record goes through the module's put: watch it there.
  const put = accounts.put.bind(accounts);
  accounts.put = (rec: Rec) => {
    put(rec);
    const p = pending.get(rec.id as string);
    if (p && revenueActual(rec) !== p.before) {
      latencies.push(performance.now() - p.at);
      p.trace.writtenAt = Date.now();
      pending.delete(rec.id as string);
    }
  };
  sb.resetStats();
  const today = todayInPlanZone();
  try {
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / opts.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const deal = deals.get(dealIds[i]!)!;
      const partner = (deal.Channel_Partner as { id: string }).id;
      const trace: PushTrace = {
        dealId: dealIds[i]!,
        partnerId: partner,
        pushedAt: Date.now(),
        writtenAt: null,
      };
      traces.push(trace);
      pending.set(partner, {
        at: performance.now(),
        before: revenueActual(accounts.records.get(partner)),
        trace,
      });
      sb.userUpdate('Deals', dealIds[i]!, { Stage: 'Closed Won', Closing_Date: today });
    }
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  } finally {
    accounts.put = put;
  }
  const stats = sb.getStats();
  return {
    rate: opts.rate,
    pushes: count,
    latency: spread(latencies),
    missing: pending.size,
    calls: stats.calls,
    writeCalls: stats.byEndpoint['PUT /crm/v8/Accounts']?.calls ?? 0,
    notificationsSent: stats.notifications.sent,
    notificationsFailed: stats.notifications.failed,
    traces,
  };
}
