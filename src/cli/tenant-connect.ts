// `tenant add` for a CRM the command connects itself: Zoho with a grant code or a
// refresh token (the org id is learned from the org API), Fxiaoke with the app
// credentials (checked by getting a corpAccessToken). The flags are read here; the
// CRM work is in the connectors' onboarding modules and src/jobs/onboarding.service.ts.
import { FxiaokeConnectError } from '../../connectors/fxiaoke/index.js';
import { isZohoDataCentre, ZOHO_DATA_CENTRE_IDS, ZohoConnectError } from '../../connectors/zoho/index.js';
import { type ConnectInput, connectTenant } from '../jobs/onboarding.service.js';
import { TenantConflictError } from '../jobs/tenants.service.js';
import { printJson, UsageError, withContext } from './context.js';
import type { CommandIo } from './io.js';

export type AddValues = Record<string, string | boolean | undefined>;

/** Options of the connecting forms (beside the generic --org form's). */
export const CONNECT_OPTIONS = {
  'data-center': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'grant-code': { type: 'string' },
  'refresh-token': { type: 'string' },
  'redirect-uri': { type: 'string' },
  'accounts-url': { type: 'string' },
  'api-domain': { type: 'string' },
  'app-id': { type: 'string' },
  'app-secret': { type: 'string' },
  'permanent-code': { type: 'string' },
  'operator-user-id': { type: 'string' },
  'admin-mobile': { type: 'string' },
  host: { type: 'string' },
} as const;

const str = (v: string | boolean | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** True when the flags ask for the connecting form rather than the generic one. */
export function wantsConnect(v: AddValues): boolean {
  return v.crm === 'zoho'
    ? v['grant-code'] !== undefined || v['refresh-token'] !== undefined
    : v['app-id'] !== undefined;
}

/** Connecting flags given to the generic form would be ignored silently: refuse them instead. */
export function strayConnectFlags(v: AddValues): string[] {
  return Object.keys(CONNECT_OPTIONS)
    .filter((k) => v[k] !== undefined)
    .map((k) => `--${k}`);
}

function url(v: AddValues, flag: string): string | null {
  const value = str(v[flag]);
  if (value === null) return null;
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
    return value;
  } catch {
    throw new UsageError(`--${flag} "${value}" is not an http(s) URL`);
  }
}

function required(v: AddValues, flag: string, why: string): string {
  const value = str(v[flag]);
  if (value === null) throw new UsageError(`--${flag} is required ${why}`);
  return value;
}

export function connectInput(v: AddValues): ConnectInput {
  for (const generic of ['credentials-file', 'region'] as const) {
    if (v[generic] !== undefined)
      throw new UsageError(
        `--${generic} belongs to the generic form (--org …); the connecting form learns it`,
      );
  }
  const name = str(v.name) ?? undefined;
  if (v.crm === 'zoho') {
    if (v['grant-code'] !== undefined && v['refresh-token'] !== undefined)
      throw new UsageError('give --grant-code or --refresh-token, not both');
    const dc = required(v, 'data-center', `(one of ${ZOHO_DATA_CENTRE_IDS.join(', ')})`).toLowerCase();
    if (!isZohoDataCentre(dc))
      throw new UsageError(`--data-center must be one of ${ZOHO_DATA_CENTRE_IDS.join(', ')}, got "${dc}"`);
    if (v.org !== undefined) throw new UsageError('--org is learned from Zoho: leave it out');
    return {
      crm: 'zoho',
      name,
      dataCentre: dc,
      clientId: required(v, 'client-id', '(API console → your client)'),
      clientSecret: required(v, 'client-secret', '(API console → your client)'),
      grantCode: str(v['grant-code']),
      refreshToken: str(v['refresh-token']),
      redirectUri: url(v, 'redirect-uri'),
      accountsUrl: url(v, 'accounts-url'),
      apiDomain: url(v, 'api-domain'),
    };
  }
  const operator = str(v['operator-user-id']);
  const mobile = str(v['admin-mobile']);
  if (!operator === !mobile)
    throw new UsageError('give one of --operator-user-id FSUID_… and --admin-mobile NUMBER');
  if (mobile && !/^\+?[0-9][0-9 -]{4,19}$/.test(mobile))
    throw new UsageError(`--admin-mobile "${mobile}" is not a phone number`);
  const host = str(v.host);
  let baseUrl: string | null = null;
  if (host) {
    baseUrl = /^https?:\/\//.test(host) ? host : `https://${host}`;
    try {
      new URL(baseUrl);
    } catch {
      throw new UsageError(`--host "${host}" is not a host name or URL`);
    }
  }
  return {
    crm: 'fxiaoke',
    name,
    orgId: str(v.org) ?? undefined,
    appId: required(v, 'app-id', '(app detail page, FSAID_…)'),
    appSecret: required(v, 'app-secret', '(app detail page)'),
    permanentCode: required(v, 'permanent-code', '(app detail page, 永久授权码)'),
    operatorUserId: operator,
    adminMobile: mobile,
    baseUrl,
  };
}

export async function runConnect(io: CommandIo, input: ConnectInput, json: boolean): Promise<number> {
  return withContext(io, async ({ store, keyring }) => {
    try {
      const { tenant, learned } = await connectTenant(store.db, keyring, input, 'cli');
      if (json) printJson(io, { ...tenant, connected: learned });
      else
        io.out(
          [
            `connected ${tenant.crm} organisation ${learned.orgId}${learned.companyName ? ` (${learned.companyName})` : ''}`,
            `created tenant ${tenant.id}; credentials stored encrypted (key ${tenant.credentialsKeyId})`,
            `next: channel-incentives tenant install-fields --tenant ${tenant.id}`,
            '',
          ].join('\n'),
        );
      return 0;
    } catch (e) {
      if (
        e instanceof ZohoConnectError ||
        e instanceof FxiaokeConnectError ||
        e instanceof TenantConflictError
      ) {
        io.err(`error: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  });
}
