// The whole product against the Zoho sandbox, the way an admin runs it: the server
// (`startRuntime`, embedded default, a temp DATA_DIR), the CLI for every admin step
// (tenant add with a grant code → install-fields → plan upload → sync --full --wait),
// the push subscription created by the maintenance task, and then a deal set to
// Closed Won in the CRM: the notification reaches our webhook route, and the
// partner's result fields in the CRM change. Every step reports the CRM calls and
// credits the sandbox counted. Used by the acceptance test (small org) and by
// `npm run bench:acceptance` (2,000 partners, 50,000 deals).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import type { Runtime } from '../../src/main.js';
import { tenantId as asTenantId } from '../../src/store/ids.js';
import { getSubscription } from '../../src/store/repos/subscriptions.repo.js';
import { runCli } from '../runtime/helpers/cli.js';
import { startEmbeddedServer, zohoTenantAdd } from './sandbox-admin.js';

export interface StepFigures {
  step: string;
  ms: number;
  calls: number;
  credits: number;
  detail?: string;
}

export interface LiveLoopReport {
  steps: StepFigures[];
  partners: number;
  deals: number;
  /** The partner whose deal was closed, with its CRM fields before and after. */
  closed: { dealId: string; partnerId: string; before: Rec; after: Rec };
}

type Rec = Record<string, unknown>;

const PLAN = new URL('../../examples/plan.yaml', import.meta.url).pathname;

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function cliOk(r: { code: number; out: string; err: string }, what: string) {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.err.trim()}`);
  return r;
}

const resultFields = (rec: Rec) =>
  Object.fromEntries(
    Object.entries(rec).filter(([k]) => k.startsWith('Incentive_') && k !== 'Incentive_Details'),
  );

export async function zohoLiveLoop(opts: {
  partners: number;
  deals: number;
  seed?: number;
  progress?: (line: string) => void;
  /** Called before teardown, with the server still up (diagnostics). */
  inspect?: (runtime: Runtime, tenantId: string, partnerId: string) => Promise<void>;
}): Promise<LiveLoopReport> {
  const say = opts.progress ?? (() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'ci-live-loop-'));
  const saved = { ...process.env };
  const sb = await ZohoSandbox.start({
    seed: { seed: opts.seed ?? 42, partners: opts.partners, deals: opts.deals },
  });
  let runtime: Runtime | null = null;
  const steps: StepFigures[] = [];
  const step = async <T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> => {
    sb.resetStats();
    const t0 = performance.now();
    const v = await fn();
    const s = sb.getStats();
    const fig = { step: name, ms: Math.round(performance.now() - t0), calls: s.calls, credits: s.credits };
    steps.push(detail ? { ...fig, detail: detail(v) } : fig);
    say(`${name}: ${fig.ms} ms, ${fig.calls} calls, ${fig.credits} credits`);
    return v;
  };
  try {
    runtime = await startEmbeddedServer(join(dir, 'data'));
    say(`server on ${runtime.url}; sandbox ${sb.url} with ${opts.partners} partners, ${opts.deals} deals`);

    const added = await step('tenant add (grant code → tokens, org id)', async () =>
      cliOk(await runCli(...(await zohoTenantAdd(sb))), 'tenant add'),
    );
    const tenant = asTenantId((JSON.parse(added.out) as { id: string }).id);
    await step('install result fields', async () =>
      cliOk(await runCli('tenant', 'install-fields', '--tenant', tenant, '--json'), 'install-fields'),
    );
    cliOk(await runCli('plan', 'upload', '--tenant', tenant, PLAN, '--activate', '--json'), 'plan upload');
    const sync = await step(
      'full sync + score + write-back (sync --full --wait)',
      async () =>
        JSON.parse(
          cliOk(await runCli('sync', '--tenant', tenant, '--full', '--wait', '--json'), 'sync --full --wait')
            .out,
        ) as { progress?: Record<string, unknown> },
      (run) => JSON.stringify(run.progress ?? {}),
    );
    void sync;

    // The subscription: what the maintenance schedule does for a new tenant (its round
    // comes within 30 s; the loop asks for it at once).
    await step('push subscription (Notifications API)', async () => {
      await runtime!.queues.add('maintenance', { tenantId: tenant, task: 'renew-subscription' });
      return waitFor('subscription', () => getSubscription(runtime!.store.db, tenant), 30_000);
    });

    const deals = sb.org.module('Deals')!.records;
    const target = [...deals.values()].find(
      (d) => d.Stage !== 'Closed Won' && d.Stage !== 'Closed Lost' && d.Amount != null && d.Channel_Partner,
    )!;
    const partnerId = (target.Channel_Partner as { id: string }).id;
    const account = () => sb.org.module('Accounts')!.records.get(partnerId)!;
    const before = resultFields(account());
    const beforeHash = JSON.parse(String(account().Incentive_Details ?? '{}')).inputsHash;
    await step(
      'deal Closed Won → notification → our webhook → sync → recalc → rank → write-back',
      async () => {
        // As a sales rep closes a deal: stage Closed Won, closing date today (the plan's
        // time zone), so it counts in the current period.
        const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
        sb.userUpdate('Deals', target.id as string, { Stage: 'Closed Won', Closing_Date: today });
        return waitFor(
          'partner fields to change',
          async () => JSON.parse(String(account().Incentive_Details ?? '{}')).inputsHash !== beforeHash,
          30_000,
        ).catch(async (err: Error) => {
          const db = runtime!.store.db;
          const state = {
            notifications: sb.getStats().notifications,
            inbox: await db.query('select status, count(*) from inbox where tenant_id = $1 group by status', [
              tenant,
            ]),
            result: await db.query(
              'select period, writeback_status, writeback_error, inputs_hash from results where tenant_id = $1 and partner_id = $2',
              [tenant, partnerId],
            ),
            queues: await runtime!.queues.depths(),
          };
          throw new Error(`${err.message}; state: ${JSON.stringify(state)}`);
        });
      },
      () => `deal ${target.id}, partner ${partnerId}`,
    );
    await opts.inspect?.(runtime, tenant, partnerId);
    return {
      steps,
      partners: opts.partners,
      deals: opts.deals,
      closed: { dealId: target.id as string, partnerId, before, after: resultFields(account()) },
    };
  } finally {
    await runtime?.stop(5000);
    await sb.close();
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  }
}
