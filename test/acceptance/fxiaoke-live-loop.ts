// The Fxiaoke side of the live loop (issue 5 acceptance), through the real server and
// CLI: tenant add with the app credentials and the callback key → install-fields (the
// admin created the fields by hand, as Fxiaoke requires; found by label) → the admin
// installs the APL write function and switches write-back to it → plan upload →
// sync --full --wait → the admin enters our push URL as the app's data-change
// callback → an opportunity marked 赢单 in the sandbox → the encrypted callback
// reaches our webhook route → the partner's result fields in the CRM change.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FxiaokeSandbox,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import type { Runtime } from '../../src/main.js';
import { tenantId as asTenantId } from '../../src/store/ids.js';
import { runCli } from '../runtime/helpers/cli.js';
import { fxiaokeAdminSettings, fxiaokeTenantAdd, startEmbeddedServer } from './sandbox-admin.js';
import { cliOk, type StepFigures, waitFor } from './zoho-live-loop.js';

type Rec = Record<string, unknown>;
const PLAN = new URL('../../examples/plan.yaml', import.meta.url).pathname;

export interface FxLoopReport {
  steps: StepFigures[];
  closed: { dealId: string; partnerId: string; before: Rec; after: Rec };
}

export async function fxiaokeLiveLoop(opts: {
  partners: number;
  accounts: number;
  opportunities: number;
  progress?: (line: string) => void;
}): Promise<FxLoopReport> {
  const say = opts.progress ?? (() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'ci-fx-loop-'));
  const saved = { ...process.env };
  const sb: FxiaokeSandbox = await startFxiaokeSandbox({
    seed: 2026,
    partners: opts.partners,
    accounts: opts.accounts,
    opportunities: opts.opportunities,
    resultFields: 'labels',
    // The APL controller function the admin installs from manifest/fxiaoke.
    aplFunction: 'func_ci_write_results__c',
  });
  let runtime: Runtime | null = null;
  const steps: StepFigures[] = [];
  const step = async <T>(name: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T> => {
    sb.resetCalls();
    const t0 = performance.now();
    const v = await fn();
    const fig = { step: name, ms: Math.round(performance.now() - t0), calls: sb.calls.total, credits: 0 };
    steps.push(detail ? { ...fig, detail: detail(v) } : fig);
    say(`${name}: ${fig.ms} ms, ${fig.calls} calls`);
    return v;
  };
  try {
    runtime = await startEmbeddedServer(join(dir, 'data'));
    say(`server on ${runtime.url}; sandbox ${sb.url}`);
    const aesKey = randomBytes(32).toString('base64');
    const added = await step(
      'tenant add (corpAccessToken, operator from mobile)',
      async () =>
        JSON.parse(cliOk(await runCli(...fxiaokeTenantAdd(sb, aesKey)), 'tenant add').out) as {
          id: string;
          webhookUrl: string;
        },
    );
    const tenant = asTenantId(added.id);
    await step('install-fields (found by label)', async () =>
      cliOk(await runCli('tenant', 'install-fields', '--tenant', tenant, '--json'), 'install-fields'),
    );
    await fxiaokeAdminSettings(runtime.store.db, tenant);
    cliOk(await runCli('plan', 'upload', '--tenant', tenant, PLAN, '--activate', '--json'), 'plan upload');
    await step(
      'full sync + score + write-back (sync --full --wait)',
      async () =>
        JSON.parse(
          cliOk(await runCli('sync', '--tenant', tenant, '--full', '--wait', '--json'), 'sync --full --wait')
            .out,
        ) as { progress?: Rec },
      (run) => JSON.stringify(run.progress ?? {}),
    );
    // The admin enters the push URL and the key in the app's data-change callback settings.
    sb.push.callback = { url: added.webhookUrl, aesKey, enterpriseAccount: SANDBOX_TENANT.enterpriseAccount };

    const opps = sb.tables.get('NewOpportunityObj')!.rows;
    const target = opps.find((r) => r.sales_status === '1' && r.partner_id && Number(r.amount) > 0)!;
    const partnerId = String(target.partner_id);
    const partner = () => sb.tables.get('PartnerObj')!.rows.find((r) => r._id === partnerId)!;
    const fields = (r: Rec) => Object.fromEntries(Object.entries(r).filter(([k]) => /^field_|^ci_/.test(k)));
    const before = fields(partner());
    await step(
      '赢单 → encrypted callback → our webhook → sync → recalc → rank → write-back',
      async () => {
        sb.winOpportunity(String(target._id));
        return waitFor(
          'partner fields to change',
          async () => JSON.stringify(fields(partner())) !== JSON.stringify(before),
          30_000,
        );
      },
      () => `opportunity ${target._id}, partner ${partnerId}`,
    );
    return { steps, closed: { dealId: String(target._id), partnerId, before, after: fields(partner()) } };
  } finally {
    await runtime?.stop(5000);
    await sb.close();
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  }
}
