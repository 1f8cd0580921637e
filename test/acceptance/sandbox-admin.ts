// What an admin types to connect each sandbox as a tenant: shared by the live loops and
// `npm run demo`, so both run exactly the documented commands.

import { SANDBOX_FIELD_MAPPING } from '../../connectors/fxiaoke/sandbox/sandbox.describe.js';
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
} from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import type { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { type Runtime, startRuntime } from '../../src/main.js';
import type { TenantId } from '../../src/store/ids.js';
import { getSettings, putSettings } from '../../src/store/repos/settings.repo.js';
import type { Sql } from '../../src/store/sql.js';
import { closedPort } from '../runtime/helpers/redis.js';

/**
 * `npm start` as a newcomer runs it (embedded default, no services) on a free port, with
 * PUBLIC_URL set so push subscriptions and the printed push URL reach it. Changes
 * process.env: callers restore it.
 */
export async function startEmbeddedServer(dataDir: string): Promise<Runtime> {
  const port = await closedPort();
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'ENCRYPTION_KEYS']) delete process.env[k];
  return startRuntime(loadConfig(), { role: 'all', logger: createLogger('silent') });
}

/** A grant code as the Zoho API console's Self Client issues it. */
export async function zohoGrantCode(sb: ZohoSandbox): Promise<string> {
  const res = await fetch(`${sb.url}/__sandbox/oauth/grant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.org.READ' }),
  });
  return ((await res.json()) as { code: string }).code;
}

/** `tenant add --crm zoho …` with a fresh grant code (docs/install-zoho.md). */
export async function zohoTenantAdd(sb: ZohoSandbox, ...extra: string[]): Promise<string[]> {
  return [
    'tenant',
    'add',
    '--crm',
    'zoho',
    '--data-center',
    'us',
    '--client-id',
    sb.clientId,
    '--client-secret',
    sb.clientSecret,
    '--accounts-url',
    sb.url,
    '--grant-code',
    await zohoGrantCode(sb),
    ...extra,
    '--json',
  ];
}

/** `tenant add --crm fxiaoke …` with the app credentials and the callback key (docs/fxiaoke.md). */
export function fxiaokeTenantAdd(sb: FxiaokeSandbox, aesKey: string, ...extra: string[]): string[] {
  return [
    'tenant',
    'add',
    '--crm',
    'fxiaoke',
    '--app-id',
    SANDBOX_APP.appId,
    '--app-secret',
    SANDBOX_APP.appSecret,
    '--permanent-code',
    SANDBOX_APP.permanentCode,
    '--admin-mobile',
    SANDBOX_TENANT.admin.mobile,
    '--host',
    sb.url,
    '--callback-aes-key',
    aesKey,
    ...extra,
    '--json',
  ];
}

/**
 * What the Fxiaoke admin sets after install-fields: the sandbox tenant's own custom fields
 * mapped (level, region, satisfaction score — the plan's coverage and csat metrics read
 * them), and write-back through the APL function (manifest/fxiaoke): one call per 100
 * partners instead of one per partner under 100 calls / 20 s.
 */
export async function fxiaokeAdminSettings(db: Sql, tenant: TenantId): Promise<void> {
  const settings = await getSettings(db, tenant);
  const merged: Record<string, unknown> = { ...settings, writeMode: 'apl' };
  for (const [group, fields] of Object.entries(SANDBOX_FIELD_MAPPING)) {
    merged[group] = { ...(settings[group] as object | undefined), ...fields };
  }
  await putSettings(db, tenant, merged);
}
