// `channel-incentives sandbox zoho`: runs the local Zoho CRM stand-in until stopped.
import { parseArgs } from 'node:util';
import type { Command } from '../cli.js';
import type { CommandIo } from './io.js';

const HELP = `usage: channel-incentives sandbox zoho [--port P] [--host H] [--seed N]
                                      [--partners N] [--deals N] [--edition E]
                                      [--latency MS] [--json]

Starts a local HTTP server that behaves like one Zoho CRM org (OAuth, REST v8
records, COQL, Fields, watch notifications, credits and limits), seeded with
deterministic sample data, and prints its URLs and client credentials.

  --port P       port to listen on (default 4100; 0 = any free port)
  --host H       interface (default 127.0.0.1)
  --seed N       random seed (default 1)
  --partners N   partner accounts (default 200)
  --deals N      deals (default 5000)
  --edition E    free|standard|professional|enterprise|ultimate (concurrency; default enterprise)
  --latency MS   delay each API call (default 0)
  --json         print one JSON document with the URLs and credentials
Stop with Ctrl-C.
`;

export const command: Command = {
  summary: 'run a local Zoho CRM sandbox seeded with sample partners and deals',
  async run(argv: string[], io: CommandIo): Promise<number> {
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({
        args: argv,
        options: {
          port: { type: 'string' },
          host: { type: 'string' },
          seed: { type: 'string' },
          partners: { type: 'string' },
          deals: { type: 'string' },
          edition: { type: 'string' },
          latency: { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }).values;
    } catch (e) {
      io.err(`sandbox zoho: ${(e as Error).message}\n${HELP}`);
      return 2;
    }
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const int = (name: string, fallback: number): number | null => {
      const raw = values[name];
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) {
        io.err(`sandbox zoho: --${name} must be a non-negative integer, got "${String(raw)}"\n`);
        return null;
      }
      return n;
    };
    const port = int('port', 4100);
    const seed = int('seed', 1);
    const partners = int('partners', 200);
    const deals = int('deals', 5000);
    const latency = int('latency', 0);
    if (port === null || seed === null || partners === null || deals === null || latency === null) return 2;
    const editions = ['free', 'standard', 'professional', 'enterprise', 'ultimate'] as const;
    const edition = (values.edition as string | undefined) ?? 'enterprise';
    if (!(editions as readonly string[]).includes(edition)) {
      io.err(`sandbox zoho: --edition must be one of ${editions.join(', ')}, got "${edition}"\n`);
      return 2;
    }
    const { ZohoSandbox } = await import('../../connectors/zoho/sandbox/sandbox.server.js');
    let sb: InstanceType<typeof ZohoSandbox>;
    try {
      sb = await ZohoSandbox.start({
        port,
        host: (values.host as string | undefined) ?? '127.0.0.1',
        seed: { seed, partners, deals },
        edition: edition as (typeof editions)[number],
        latencyMs: latency,
      });
    } catch (e) {
      io.err(`sandbox zoho: cannot start: ${(e as Error).message}\n`);
      return 1;
    }
    const refreshToken = sb.oauth.issueRefreshToken(sb.clientId);
    const info = {
      url: sb.url,
      accountsUrl: sb.url,
      apiDomain: sb.url,
      clientId: sb.clientId,
      clientSecret: sb.clientSecret,
      refreshToken,
      seed: {
        seed,
        partners: sb.seedSummary.partners,
        customers: sb.seedSummary.customers,
        deals: sb.seedSummary.deals,
      },
      edition,
      endpoints: {
        stats: `${sb.url}/__sandbox/stats`,
        setStage: `${sb.url}/__sandbox/deals/{id}/stage`,
        grantCode: `${sb.url}/__sandbox/oauth/grant`,
      },
    };
    if (values.json) {
      io.out(`${JSON.stringify(info)}\n`);
    } else {
      io.out(
        [
          `Zoho sandbox listening on ${sb.url}`,
          `  accounts URL / api_domain: ${sb.url}`,
          `  client id: ${sb.clientId}   client secret: ${sb.clientSecret}`,
          `  refresh token: ${refreshToken}`,
          `  seeded: ${info.seed.partners} partners, ${info.seed.customers} customers, ${info.seed.deals} deals (seed ${seed})`,
          `  counters: GET ${info.endpoints.stats}`,
          `  close a deal: POST ${info.endpoints.setStage} {"stage":"Closed Won"}`,
          'Ctrl-C stops it.',
          '',
        ].join('\n'),
      );
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await sb.close();
    return 0;
  },
};
