// `channel-incentives sandbox fxiaoke`: runs the local Fxiaoke OpenAPI sandbox until interrupted.
import { parseArgs } from 'node:util';
import type { Command } from '../cli.js';
import type { CommandIo } from './io.js';

const HELP = `usage: channel-incentives sandbox fxiaoke [options]

Runs a local Fxiaoke (纷享销客) OpenAPI sandbox with a seeded tenant
(partners, customers across provinces, opportunities in CNY).

options:
  --port P              port to listen on (default 4620; 0 = any free port)
  --host H              address to bind (default 127.0.0.1)
  --seed N              data seed; the same seed gives the same tenant (default 42)
  --partners N          partners to seed (default 200)
  --accounts N          customers to seed (default = partners × 4)
  --opportunities N     opportunities to seed (default 5000)
  --result-fields M     none | apiNames | labels: whether the admin already created
                        the result fields (default apiNames)
  --no-apl              do not install the APL write function func_ci_write_results__c
  --latency MS          added to every API answer (default 0)
  --json                print one JSON document with the URL and credentials
  -h, --help            this help

Sandbox-only routes: GET /sandbox/info, GET /sandbox/calls, POST /sandbox/opportunity/win {"id"},
POST /sandbox/callback {"url","aesKey"}, POST /sandbox/workflow {"url","secret"}, GET /sandbox/deliveries.
`;

function int(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a non-negative integer, got "${v}"`);
  return Number(v);
}

export async function startFromArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      partners: { type: 'string' },
      accounts: { type: 'string' },
      opportunities: { type: 'string' },
      'result-fields': { type: 'string' },
      'no-apl': { type: 'boolean' },
      latency: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true as const };
  const mode = values['result-fields'] ?? 'apiNames';
  if (!['none', 'apiNames', 'labels'].includes(mode)) {
    throw new Error(`--result-fields must be none, apiNames or labels, got "${mode}"`);
  }
  const partners = int('partners', values.partners, 200);
  const opts = {
    port: int('port', values.port, 4620),
    host: values.host ?? '127.0.0.1',
    seed: int('seed', values.seed, 42),
    partners,
    accounts: int('accounts', values.accounts, partners * 4),
    opportunities: int('opportunities', values.opportunities, 5_000),
    resultFields: mode as 'none' | 'apiNames' | 'labels',
    aplFunction: values['no-apl'] ? null : 'func_ci_write_results__c',
    latencyMs: int('latency', values.latency, 0),
  };
  const { startFxiaokeSandbox, SANDBOX_APP, SANDBOX_TENANT } = await import(
    '../../connectors/fxiaoke/sandbox/sandbox.server.js'
  );
  const sandbox = await startFxiaokeSandbox(opts);
  const info = {
    url: sandbox.url,
    seed: opts.seed,
    counts: Object.fromEntries([...sandbox.tables].map(([k, t]) => [k, t.rows.length])),
    credentials: { ...SANDBOX_APP },
    settings: { baseUrl: sandbox.url, operator: { openUserId: SANDBOX_TENANT.admin.openUserId } },
    admin: SANDBOX_TENANT.admin,
    aplFunction: opts.aplFunction,
  };
  return { help: false as const, sandbox, info, json: values.json === true };
}

export const command: Command = {
  summary: 'run a local Fxiaoke OpenAPI sandbox with seeded Chinese-language data',
  async run(argv: string[], io: CommandIo): Promise<number> {
    let started: Awaited<ReturnType<typeof startFromArgs>>;
    try {
      started = await startFromArgs(argv);
    } catch (e) {
      io.err(`sandbox fxiaoke: ${e instanceof Error ? e.message : String(e)}\n`);
      io.err('Run "channel-incentives sandbox fxiaoke --help" for the options.\n');
      return 2;
    }
    if (started.help) {
      io.out(HELP);
      return 0;
    }
    const { sandbox, info, json } = started;
    if (json) io.out(`${JSON.stringify(info)}\n`);
    else {
      io.out(
        [
          `Fxiaoke sandbox listening on ${info.url} (seed ${info.seed})`,
          `  records: ${Object.entries(info.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
          `  appId ${info.credentials.appId}  appSecret ${info.credentials.appSecret}  permanentCode ${info.credentials.permanentCode}`,
          `  operator openUserId ${info.admin.openUserId} (mobile ${info.admin.mobile})`,
          `  API calls so far: GET ${info.url}/sandbox/calls`,
          '  Ctrl-C to stop.',
          '',
        ].join('\n'),
      );
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await sandbox.close();
    return 0;
  },
};
