// What an admin types to connect each sandbox as a tenant: shared by the live loops and
// `npm run demo`, so both run exactly the documented commands.
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
} from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import type { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { type Runtime, startRuntime } from '../../src/main.js';
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
