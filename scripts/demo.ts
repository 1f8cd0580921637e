// `npm run demo`: the whole product on one machine in about a minute, with nothing
// installed beyond `npm ci`.
//
//   - the Zoho and Fxiaoke sandboxes, seeded with a realistic programme (200 partners,
//     5,000 deals each; Chinese and English names; CNY, USD, EUR, JPY);
//   - our server in the embedded default (PGlite under data/demo, role all);
//   - one tenant per CRM, connected the way an admin does it (the CLI: tenant add,
//     install-fields, plan upload, sync --full --wait), push subscriptions on;
//   - a "CRM" origin that hosts the widget the way each CRM does (the Zoho embedded-app
//     protocol; a Fxiaoke PartnerObj layout framing our /fxiaoke/start);
//   - a button that closes a deal in the sandbox: the push reaches our server and the
//     widget shows the new numbers within seconds.
//
// data/demo is the demo's own directory and is recreated on every start.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type FxiaokeSandbox,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../connectors/fxiaoke/sandbox/sandbox.server.js';
import { ZohoSandbox } from '../connectors/zoho/sandbox/sandbox.server.js';
import { signProof } from '../connectors/zoho/zoho.widget.js';
import { main as cli } from '../src/cli.js';
import { loadConfig } from '../src/config.js';
import { contentTypeOf } from '../src/lib/content-types.js';
import { createLogger } from '../src/log.js';
import { startRuntime } from '../src/main.js';
import { fxiaokeAdminSettings, fxiaokeTenantAdd, zohoTenantAdd } from '../test/acceptance/sandbox-admin.js';

const REPO = resolve(new URL('..', import.meta.url).pathname);
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '3200' },
    'crm-port': { type: 'string', default: '3201' },
    partners: { type: 'string', default: '200' },
    deals: { type: 'string', default: '5000' },
  },
});
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Runs a CLI command in this process; exits the demo with its message when it fails. */
async function run(...argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await cli(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  if (code !== 0)
    throw new Error(`channel-incentives ${argv.slice(0, 2).join(' ')} failed (${code}): ${err.trim()}`);
  return out;
}

async function buildWidgets(): Promise<void> {
  // Every page the demo serves, so a build from before a page existed is rebuilt.
  const pages = ['zoho', 'fxiaoke', 'overview', 'admin'];
  if (pages.every((p) => existsSync(join(REPO, `dist/widgets/${p}/index.html`)))) return;
  say('building the widgets (first run only, ~15 s) …');
  const { build } = await import('vite');
  await build({ configFile: join(REPO, 'widgets/vite.config.ts'), logLevel: 'warn' });
}

const port = Number(args.port);
const crmPort = Number(args['crm-port']);
const partners = Number(args.partners);
const deals = Number(args.deals);
for (const [name, v] of Object.entries({ port, crmPort, partners, deals })) {
  if (!Number.isInteger(v) || v < 0) {
    console.error(`demo: --${name} must be a whole number, not "${v}"`);
    process.exit(2);
  }
}
const appUrl = `http://127.0.0.1:${port}`;
const crmUrl = `http://127.0.0.1:${crmPort}`;

await buildWidgets();
const t0 = Date.now();
const zoho = await ZohoSandbox.start({ seed: { seed: 7, partners, deals } });
const fx: FxiaokeSandbox = await startFxiaokeSandbox({
  seed: 7,
  partners,
  accounts: partners * 3,
  opportunities: deals,
  resultFields: 'labels',
  aplFunction: 'func_ci_write_results__c',
});
say(`sandboxes: Zoho ${zoho.url}, Fxiaoke ${fx.url}`);

const dataDir = join(REPO, 'data', 'demo');
await rm(dataDir, { recursive: true, force: true });
await mkdir(dataDir, { recursive: true });
Object.assign(process.env, {
  DATA_DIR: dataDir,
  HOST: '127.0.0.1',
  PORT: String(port),
  PUBLIC_URL: appUrl,
  WIDGET_FRAME_ANCESTORS: crmUrl,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
for (const k of ['DATABASE_URL', 'REDIS_URL', 'ENCRYPTION_KEYS']) delete process.env[k];
const runtime = await startRuntime(loadConfig(), {
  role: 'all',
  logger: createLogger('warn'),
  notify: () => undefined, // the generated key of data/demo needs no backup advice
});
say(`server: ${runtime.url} (embedded store in data/demo)`);

// --- Zoho: connect with a grant code, fields, plan, full sync, push subscription.
const zohoTenant = JSON.parse(await run(...(await zohoTenantAdd(zoho, '--name', 'Demo Zoho org')))) as {
  id: string;
};
await run('tenant', 'install-fields', '--tenant', zohoTenant.id, '--json');
await run(
  'plan',
  'upload',
  '--tenant',
  zohoTenant.id,
  join(REPO, 'examples/plan.yaml'),
  '--activate',
  '--json',
);
await run('sync', '--tenant', zohoTenant.id, '--full', '--wait', '--json');
await runtime.queues.add('maintenance', { tenantId: zohoTenant.id, task: 'renew-subscription' });
// The Zoho widget's session function: the admin pastes its source into Zoho; here the
// CRM stand-in runs it (it signs the user with the tenant's secret).
const adminKey = (
  JSON.parse(await run('admin-key', 'create', '--tenant', zohoTenant.id, '--json')) as { key: string }
).key;
const fn = (await (
  await fetch(`${appUrl}/api/admin/tenants/${zohoTenant.id}/widget/zoho-function`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}` },
  })
).json()) as { source: string };
const zohoSecret = /key = "([^"]+)"/.exec(fn.source)?.[1];
if (!zohoSecret) throw new Error('the widget session function carries no key');
say(`Zoho tenant ${zohoTenant.id}: connected, fields installed, synced and written back`);

// --- Fxiaoke: app credentials with the callback key, fields, APL write-back, plan, sync.
const aesKey = randomBytes(32).toString('base64');
const fxTenant = JSON.parse(await run(...fxiaokeTenantAdd(fx, aesKey, '--name', '华东渠道（演示）'))) as {
  id: string;
  webhookUrl: string;
};
await run('tenant', 'install-fields', '--tenant', fxTenant.id, '--json');
await fxiaokeAdminSettings(runtime.store.db, fxTenant.id as never);
await run(
  'plan',
  'upload',
  '--tenant',
  fxTenant.id,
  join(REPO, 'examples/plan.yaml'),
  '--activate',
  '--json',
);
await run('sync', '--tenant', fxTenant.id, '--full', '--wait', '--json');
fx.push.callback = { url: fxTenant.webhookUrl, aesKey, enterpriseAccount: SANDBOX_TENANT.enterpriseAccount };
say(`Fxiaoke tenant ${fxTenant.id}: connected, synced and written back; callback on`);

// --- The CRM stand-in origin.
const widgetsRoot = join(REPO, 'dist', 'widgets');
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};
const zohoPartners = () =>
  [...zoho.org.module('Accounts')!.records.values()]
    .filter((r) => ['Partner', 'Reseller', 'Distributor'].includes(String(r.Account_Type)))
    .map((r) => ({ id: String(r.id), name: String(r.Account_Name) }));
const fxPartners = () =>
  fx.tables.get('PartnerObj')!.rows.map((r) => ({ id: String(r._id), name: String(r.name) }));

/** The partner's result fields as the CRM holds them (what the widget shows after a reload). */
function crmFields(crm: string, partnerId: string): string {
  const r =
    crm === 'zoho'
      ? zoho.org.module('Accounts')!.records.get(partnerId)
      : fx.tables.get('PartnerObj')!.rows.find((x) => x._id === partnerId);
  return JSON.stringify(Object.entries(r ?? {}).filter(([k]) => /^Incentive_|^field_|^ci_/.test(k)));
}

/** Closes one open deal of the partner in the sandbox, then waits until our write-back lands. */
async function closeAndWait(crm: string, partnerId: string): Promise<unknown> {
  const before = crmFields(crm, partnerId);
  const started = Date.now();
  const closed = (await closeADeal(crm, partnerId)) as { closed: unknown };
  if (!closed.closed) return closed;
  while (Date.now() - started < 20_000) {
    if (crmFields(crm, partnerId) !== before)
      return { ...closed, fieldsChangedAfterMs: Date.now() - started };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { ...closed, fieldsChangedAfterMs: null };
}

async function closeADeal(crm: string, partnerId: string): Promise<unknown> {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  if (crm === 'zoho') {
    const deal = [...zoho.org.module('Deals')!.records.values()].find(
      (d) =>
        (d.Channel_Partner as { id?: string } | null)?.id === partnerId &&
        !String(d.Stage).startsWith('Closed') &&
        d.Amount != null,
    );
    if (!deal) return { closed: null, reason: 'this partner has no open deal left' };
    zoho.userUpdate('Deals', String(deal.id), { Stage: 'Closed Won', Closing_Date: today });
    return { closed: deal.id, name: deal.Deal_Name, amount: deal.Amount, currency: deal.Currency };
  }
  const opp = fx.tables
    .get('NewOpportunityObj')!
    .rows.find((r) => r.partner_id === partnerId && r.sales_status === '1' && Number(r.amount) > 0);
  if (!opp) return { closed: null, reason: '该合作伙伴没有进行中的商机' };
  fx.winOpportunity(String(opp._id));
  return { closed: opp._id, name: opp.name, amount: opp.amount };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', crmUrl);
  const path = url.pathname;
  if (path === '/') {
    res.writeHead(302, { location: `/host/zoho-host.html${zohoHostQuery()}` });
    res.end();
    return;
  }
  if (path === '/fixtures/zoho/Accounts') return json(res, 200, zohoPartners());
  if (path === '/fixtures/fxiaoke/partners') return json(res, 200, fxPartners());
  const rec = /^\/fixtures\/zoho\/Accounts\/([^/]+)$/.exec(path);
  if (rec) {
    // What ZOHO.CRM.API.getRecord answers: the Account as the records API returns it.
    const r = zoho.org.module('Accounts')!.records.get(decodeURIComponent(rec[1]!));
    return r
      ? json(res, 200, { data: [r] })
      : json(res, 404, { code: 'INVALID_DATA', message: 'no such record' });
  }
  if (path === '/fixtures/zoho/function/ci_widget_session' && req.method === 'POST') {
    // Zoho runs the admin's Deluge function as the signed-in user; the stand-in signs the same way.
    const proof = { tenant: zohoTenant.id, user: 'sales.ops@demo.example', time: Date.now() };
    return json(res, 200, { output: JSON.stringify({ ...proof, signature: signProof(zohoSecret!, proof) }) });
  }
  const close = /^\/demo\/close\/(zoho|fxiaoke)\/([^/]+)$/.exec(path);
  if (close && req.method === 'POST')
    return json(res, 200, await closeAndWait(close[1]!, decodeURIComponent(close[2]!)));
  const file = normalize(join(widgetsRoot, decodeURIComponent(path)));
  if (!file.startsWith(widgetsRoot + sep) || !/^\/(host|assets)\//.test(path))
    return json(res, 404, { error: 'not found' });
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'content-type': contentTypeOf(file) ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(body);
  } catch {
    json(res, 404, { error: 'not found' });
  }
}

const zohoHostQuery = (lang = 'en') =>
  `?${new URLSearchParams({ widgetOrigin: appUrl, widgetBase: `${appUrl}/widgets`, lang, demo: '1' })}`;
const crm = createServer((req, res) => {
  handle(req, res).catch((e: unknown) => json(res, 500, { error: String(e) }));
});
await new Promise<void>((r) => crm.listen(crmPort, '127.0.0.1', () => r()));
void (crm.address() as AddressInfo);

say(`\nready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
say(`Zoho CRM (widget on the Accounts page):   ${crmUrl}/host/zoho-host.html${zohoHostQuery('en')}`);
say(`                              简体中文:   ${crmUrl}/host/zoho-host.html${zohoHostQuery('zh-CN')}`);
say(
  `Fxiaoke 合作伙伴详情页:                   ${crmUrl}/host/fxiaoke-host.html?${new URLSearchParams({ app: appUrl, tenant: fxTenant.id, lang: 'zh-CN' })}`,
);
const operatorKey = (
  JSON.parse(await run('admin-key', 'create', '--operator', '--label', 'demo', '--json')) as { key: string }
).key;
say(
  `Admin console:                            ${appUrl}/admin (sign in with the operator key ${operatorKey})`,
);
say(`Our server: ${appUrl} (admin API ${appUrl}/docs, admin key for the Zoho tenant: ${adminKey})`);
say('Press "Close a deal" on a CRM page: the CRM pushes the change, and the widget shows it within seconds.');
say('Stop with Ctrl-C.');

const stop = async () => {
  say('stopping …');
  crm.close();
  await runtime.stop(5000);
  await zoho.close();
  await fx.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
