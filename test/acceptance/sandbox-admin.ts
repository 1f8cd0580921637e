// What an admin types to connect each sandbox as a tenant: shared by the live loops and
// `npm run demo`, so both run exactly the documented commands.
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
} from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import type { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';

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
