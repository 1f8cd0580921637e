// Connecting a Fxiaoke tenant (CLI `tenant add --crm fxiaoke`): check the app
// credentials by getting a corpAccessToken, resolve the operator from an admin's
// mobile number when no openUserId is given, and make one cheap authenticated call
// (the object list) so a wrong operator or a missing data permission shows now, not
// in the first sync. Returns what the caller seals and stores; no store access here.
import { type ConnectorDeps, CrmError } from '../contract.js';
import { FxiaokeClient } from './fxiaoke.client.js';
import { FxApiError } from './fxiaoke.errors.js';
import { DEFAULT_FXIAOKE_BASE_URL, FX_PATHS } from './fxiaoke.hosts.js';
import { type FxiaokeCredentials, parseFxiaokeSettings } from './fxiaoke.settings.js';

export interface FxiaokeConnectInput {
  appId: string;
  appSecret: string;
  permanentCode: string;
  /** The operator (currentOpenUserId, FSUID_…), or an admin's mobile number to resolve it. */
  operatorUserId?: string | null;
  adminMobile?: string | null;
  /** The tenant's cloud gateway, e.g. https://open-hwcloud.fxiaoke.com (default open.fxiaoke.com). */
  baseUrl?: string | null;
  now?: () => Date;
}

export interface FxiaokeConnection {
  credentials: FxiaokeCredentials;
  /** The corpId the token endpoint answered with (the tenant's id on the OpenAPI). */
  orgId: string;
  operatorOpenUserId: string;
  settings: Record<string, unknown>;
}

export class FxiaokeConnectError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'FxiaokeConnectError';
  }
}

/** What each refusal means for the values the admin typed (codes from fact sheet §3.2). */
const HINTS: Record<number, string> = {
  10002: 'appSecret is missing',
  10006: 'appSecret is wrong (app detail page → AppSecret)',
  10012: 'permanentCode is missing',
  11001: 'appId is wrong (app detail page → AppId, FSAID_…)',
  11002: 'appSecret is wrong (app detail page → AppSecret)',
  11013: 'permanentCode is wrong (app detail page → 永久授权码)',
  20006: 'appId or appSecret is wrong',
  20015: 'permanentCode is wrong or the app was removed from the enterprise',
  20012: 'the operator openUserId was not found in this enterprise',
  20014: 'the app has no data permission for the operator: grant CRM data permission to the app',
  30003: 'the enterprise has no OpenAPI quota',
};

export async function connectFxiaoke(input: FxiaokeConnectInput): Promise<FxiaokeConnection> {
  if (!input.operatorUserId === !input.adminMobile) {
    throw new FxiaokeConnectError(
      'give exactly one of the operator user id (FSUID_…) and an admin mobile number',
      'usage',
    );
  }
  const baseUrl = (input.baseUrl ?? DEFAULT_FXIAOKE_BASE_URL).replace(/\/+$/, '');
  const settingsInput = {
    baseUrl,
    operator: input.operatorUserId ? { openUserId: input.operatorUserId } : { mobile: input.adminMobile! },
    // Onboarding makes three calls: no need to pace them, and a wrong host should fail fast.
    retry: { attempts: 2, baseMs: 300, maxMs: 1000 },
    timeoutMs: 15_000,
  };
  let credentials: FxiaokeCredentials = {
    appId: input.appId,
    appSecret: input.appSecret,
    permanentCode: input.permanentCode,
  };
  const deps: ConnectorDeps<FxiaokeCredentials, unknown> = {
    tenantId: 'onboarding',
    credentials: {
      read: async () => credentials,
      write: async (next) => {
        credentials = next;
      },
    },
    settings: settingsInput,
    withLock: (_key, fn) => fn(),
    setStatus: async () => undefined,
    now: input.now ?? (() => new Date()),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  const client = new FxiaokeClient(deps, parseFxiaokeSettings(settingsInput));
  let operator: string;
  let corpId: string | undefined;
  try {
    const ctx = await client.auth.context();
    operator = ctx.operator;
    corpId = ctx.corpId ?? ctx.ea;
    await client.call(FX_PATHS.objectList, { data: { includeNull: false } });
  } catch (e) {
    throw translate(e, baseUrl);
  }
  if (!corpId) throw new FxiaokeConnectError('the token endpoint answered without a corpId', 'token');
  // Keep the token: the first sync need not fetch another (the token endpoint is slow-rate).
  return {
    credentials,
    orgId: corpId,
    operatorOpenUserId: operator,
    settings: { baseUrl, operator: { openUserId: operator } },
  };
}

function translate(e: unknown, baseUrl: string): Error {
  if (e instanceof FxApiError) {
    const hint = HINTS[e.code];
    return new FxiaokeConnectError(
      `Fxiaoke refused the connection at ${baseUrl}: ${hint ?? e.message} (errorCode ${e.code})`,
      `errorCode ${e.code}`,
    );
  }
  if (e instanceof CrmError) return new FxiaokeConnectError(e.message, e.classification.kind);
  const code = (e as { code?: string }).code;
  if (code && /^E[A-Z]+/.test(code)) {
    return new FxiaokeConnectError(
      `cannot reach the Fxiaoke OpenAPI at ${baseUrl} (${code}): check --host (the enterprise's cloud gateway)`,
      'network',
    );
  }
  return e as Error;
}
