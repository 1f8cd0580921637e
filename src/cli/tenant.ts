// `tenant add|list|show|pause|resume`. `tenant add` either connects a CRM (Zoho
// grant code / refresh token, Fxiaoke app credentials: see tenant-connect.ts) or
// creates the generic tenant record (CRM kind, organisation, data centre / cloud
// host, sealed credentials) from what it is given.
import { readFile } from 'node:fs/promises';
import type { Command } from '../cli.js';
import { addTenant, changeTenantStatus } from '../jobs/tenants.service.js';
import { getTenant, listTenants, type Tenant } from '../store/repos/tenants.repo.js';
import { parse, printJson, runCommand, tenantArg, UsageError, withContext } from './context.js';
import type { CommandIo } from './io.js';
import {
  CONNECT_OPTIONS,
  connectInput,
  runConnect,
  strayConnectFlags,
  wantsConnect,
} from './tenant-connect.js';

const describe = (t: Tenant) =>
  [
    `${t.id}  ${t.crm}  org ${t.orgId}${t.region ? `  (${t.region})` : ''}  ${t.status}`,
    ...(t.name ? [`  name: ${t.name}`] : []),
    ...(t.statusReason
      ? [`  reason: ${t.statusReason}${t.pausedUntil ? ` until ${t.pausedUntil}` : ''}`]
      : []),
    `  credentials: ${t.hasCredentials ? `stored (key ${t.credentialsKeyId})` : 'none'}`,
  ].join('\n');

const ADD_HELP = `usage: channel-incentives tenant add --crm zoho --data-center DC --client-id ID --client-secret S
                                  (--grant-code CODE | --refresh-token TOKEN) [options]
       channel-incentives tenant add --crm fxiaoke --app-id ID --app-secret S --permanent-code C
                                  (--operator-user-id FSUID_… | --admin-mobile NUMBER) [--host H]
       channel-incentives tenant add --crm zoho|fxiaoke --org ORG_ID [--credentials-file F] [options]

Creates a tenant (one CRM organisation). The first two forms connect to the CRM:
they check the credentials, learn the organisation id and store the credentials
encrypted. The last form stores what it is given without calling the CRM.

Zoho (docs/install-zoho.md):
  --data-center DC        us, eu, in, au, cn, jp, ca or sa (where the org's accounts host is)
  --client-id ID          the API console client (Self Client or server-based)
  --client-secret S
  --grant-code CODE       a grant code (Self Client: valid 3-10 minutes, single use)
  --refresh-token TOKEN   or a refresh token you already have
  --redirect-uri URI      the redirect URI the code was requested with (none for Self Client)
  --accounts-url URL      accounts host override (sandbox, private deployment)
  --api-domain URL        REST host override, allowed besides *.zohoapis.* (sandbox)
Fxiaoke (docs/fxiaoke.md):
  --app-id ID             FSAID_… from the self-built app's detail page
  --app-secret S
  --permanent-code C      永久授权码
  --operator-user-id ID   the CRM admin our calls act as (FSUID_…)
  --admin-mobile NUMBER   or that admin's mobile number (resolved once)
  --host H                the enterprise's OpenAPI gateway (default open.fxiaoke.com)
  --org ID                record this enterprise account instead of the corpId the token names
  --callback-aes-key K    the data-change callback's AES key (app settings → 数据变更回调)
  --webhook-secret S      the secret the APL workflow function sends (≥ 16 characters)
Generic:
  --crm KIND              zoho or fxiaoke
  --org ID                the CRM organisation id (Zoho org id, Fxiaoke enterprise account)
  --region R              Zoho data centre (us, eu, in, au, cn, jp, ca, sa) or Fxiaoke cloud host
  --credentials-file F    JSON file with the CRM credentials (stored encrypted; "-" reads stdin)
  --settings-file F       JSON file with initial settings (field mapping)
All forms:
  --name NAME             display name
  --json                  print the tenant as one JSON document {"id": "t_…", …}
Exit codes: 0 created, 1 refused by the CRM (the message says what to fix), 2 bad usage.
`;

async function readJsonObject(path: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} file ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what} file ${path} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${what} file ${path} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const add: Command = {
  summary: 'create a tenant (CRM organisation) with encrypted credentials',
  run: (argv, io) =>
    runCommand(io, argv, ADD_HELP, async () => {
      const { values } = parse(argv, {
        crm: { type: 'string' },
        org: { type: 'string' },
        region: { type: 'string' },
        name: { type: 'string' },
        'credentials-file': { type: 'string' },
        'settings-file': { type: 'string' },
        ...CONNECT_OPTIONS,
      });
      if (values.crm !== 'zoho' && values.crm !== 'fxiaoke')
        throw new UsageError('--crm must be zoho or fxiaoke');
      if (wantsConnect(values)) {
        if (values['settings-file'] !== undefined)
          throw new UsageError('--settings-file belongs to the generic form; settings are discovered');
        return runConnect(io, connectInput(values), values.json === true);
      }
      if (!values.org)
        throw new UsageError(
          values.crm === 'zoho'
            ? '--org is required (or connect with --grant-code / --refresh-token)'
            : '--org is required (or connect with --app-id …)',
        );
      const stray = strayConnectFlags(values);
      if (stray.length > 0)
        throw new UsageError(
          `${stray.join(', ')} need the connecting form (${values.crm === 'zoho' ? '--grant-code or --refresh-token' : '--app-id …'}), not --org`,
        );
      const credentials = values['credentials-file']
        ? await readJsonObject(values['credentials-file'], 'credentials')
        : undefined;
      const settings = values['settings-file']
        ? await readJsonObject(values['settings-file'], 'settings')
        : undefined;
      return withContext(io, async ({ store, keyring }) => {
        const t = await addTenant(
          store.db,
          keyring,
          {
            crm: values.crm as 'zoho' | 'fxiaoke',
            orgId: values.org!,
            region: values.region,
            name: values.name,
            credentials,
            settings,
          },
          'cli',
        );
        if (values.json) printJson(io, t);
        else io.out(`created tenant\n${describe(t)}\n`);
        return 0;
      });
    }),
};

export const list: Command = {
  summary: 'list tenants',
  run: (argv, io) =>
    runCommand(io, argv, 'usage: channel-incentives tenant list [--json]\n', async () => {
      const { values } = parse(argv, {});
      return withContext(io, async ({ store }) => {
        const tenants = await listTenants(store.db);
        if (values.json) printJson(io, { tenants });
        else
          io.out(
            tenants.length ? `${tenants.map(describe).join('\n')}\n` : 'no tenants yet (tenant add --help)\n',
          );
        return 0;
      });
    }),
};

const tenantFrom = (values: { tenant?: string | boolean }, positionals: string[]) =>
  tenantArg((values.tenant as string | undefined) ?? positionals[0]);

export const show: Command = {
  summary: 'show one tenant',
  run: (argv, io) =>
    runCommand(io, argv, 'usage: channel-incentives tenant show TENANT_ID [--json]\n', async () => {
      const { values, positionals } = parse(argv, { tenant: { type: 'string' } });
      const id = tenantFrom(values, positionals);
      return withContext(io, async ({ store }) => {
        const t = await getTenant(store.db, id);
        if (!t) return notFound(io, id);
        if (values.json) printJson(io, t);
        else io.out(`${describe(t)}\n`);
        return 0;
      });
    }),
};

function notFound(io: CommandIo, id: string): number {
  io.err(`error: tenant ${id} not found (tenant list shows the tenants)\n`);
  return 1;
}

const statusCommand = (status: 'paused' | 'active'): Command => ({
  summary: status === 'paused' ? 'pause a tenant (no sync, no write-back)' : 'resume a paused tenant',
  run: (argv, io) =>
    runCommand(
      io,
      argv,
      status === 'paused'
        ? 'usage: channel-incentives tenant pause TENANT_ID [--reason TEXT] [--until ISO-8601] [--json]\n'
        : 'usage: channel-incentives tenant resume TENANT_ID [--json]\n',
      async () => {
        const { values, positionals } = parse(argv, {
          tenant: { type: 'string' },
          reason: { type: 'string' },
          until: { type: 'string' },
        });
        const id = tenantFrom(values, positionals);
        let until: Date | null = null;
        if (values.until) {
          until = new Date(values.until);
          if (Number.isNaN(until.getTime()))
            throw new UsageError(`--until "${values.until}" is not an ISO-8601 time`);
        }
        return withContext(io, async ({ store }) => {
          const t = await changeTenantStatus(
            store.db,
            id,
            { status, reason: status === 'paused' ? (values.reason ?? 'paused from the CLI') : null, until },
            'cli',
          );
          if (!t) return notFound(io, id);
          if (values.json) printJson(io, t);
          else io.out(`${describe(t)}\n`);
          return 0;
        });
      },
    ),
});

export const pause = statusCommand('paused');
export const resume = statusCommand('active');
