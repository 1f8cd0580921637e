// `tenant add` for a CRM the command connects itself: Zoho with a grant code or a
// refresh token (the org id is learned from the org API), Fxiaoke with the app
// credentials (checked by getting a corpAccessToken). The flags are read here; the
// CRM work is in the connectors' onboarding modules and src/jobs/onboarding.service.ts.
import { FxiaokeConnectError } from '../../connectors/fxiaoke/index.js';
import { isZohoDataCentre, ZOHO_DATA_CENTRE_IDS, ZohoConnectError } from '../../connectors/zoho/index.js';
import { type ConnectInput, connectTenant } from '../jobs/onboarding.service.js';
import { TenantConflictError } from '../jobs/tenants.service.js';
import { webhookUrl } from '../jobs/webhook-url.js';
import { getWebhookToken } from '../store/repos/tenants.repo.js';
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
  'callback-aes-key': { type: 'string' },
  'webhook-secret': { type: 'string' },
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
    callbackAesKey: aesKey(v),
    webhookSecret: webhookSecret(v),
  };
}

/** The callback key as Fxiaoke shows it: base64 of 32 bytes (checked now, not at the first push). */
function aesKey(v: AddValues): string | null {
  const key = str(v['callback-aes-key']);
  if (key !== null && Buffer.from(key, 'base64').length !== 32)
    throw new UsageError("--callback-aes-key must be base64 of 32 bytes (the app's callback settings)");
  return key;
}

function webhookSecret(v: AddValues): string | null {
  const secret = str(v['webhook-secret']);
  if (secret !== null && secret.length < 16)
    throw new UsageError('--webhook-secret must be at least 16 characters');
  return secret;
}

export async function runConnect(io: CommandIo, input: ConnectInput, json: boolean): Promise<number> {
  return withContext(io, async ({ store, keyring, config }) => {
    try {
      const { tenant, learned } = await connectTenant(store.db, keyring, input, 'cli');
      // Where the CRM pushes changes (Zoho: registered by the server; Fxiaoke: the admin
      // enters it in the app's callback settings). It holds the tenant's secret token.
      const pushUrl = webhookUrl(config.publicUrl, tenant, (await getWebhookToken(store.db, tenant.id))!);
      if (json) printJson(io, { ...tenant, connected: learned, webhookUrl: pushUrl });
      else
        io.out(
          [
            `connected ${tenant.crm} organisation ${learned.orgId}${learned.companyName ? ` (${learned.companyName})` : ''}`,
            `created tenant ${tenant.id}; credentials stored encrypted (key ${tenant.credentialsKeyId})`,
            `push URL (keep it secret${tenant.crm === 'fxiaoke' ? '; enter it as the callback URL of the app' : ''}): ${pushUrl}`,
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
