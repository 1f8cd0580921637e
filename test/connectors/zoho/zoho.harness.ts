// Test wiring for the Zoho connector: in-memory credential vault, a real mutex for
// withLock, and a connector pointed at a running sandbox.

import type { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import type { ZohoCredentialsInput } from '../../../connectors/zoho/zoho.auth.js';
import type { ZohoConnectorOptions, ZohoDeps } from '../../../connectors/zoho/zoho.connector.js';
import { createZohoConnector } from '../../../connectors/zoho/zoho.connector.js';
import type { ZohoSettingsInput } from '../../../connectors/zoho/zoho.settings.js';

export class MemoryVault {
  reads = 0;
  writes = 0;
  constructor(public value: ZohoCredentialsInput) {}
  async read() {
    this.reads++;
    return structuredClone(this.value);
  }
  async write(next: ZohoCredentialsInput) {
    this.writes++;
    this.value = structuredClone(next);
  }
}

export function mutexLocks() {
  const tails = new Map<string, Promise<unknown>>();
  let acquired = 0;
  return {
    get acquired() {
      return acquired;
    },
    async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const prev = tails.get(key) ?? Promise.resolve();
      const run = prev
        .catch(() => undefined)
        .then(() => {
          acquired++;
          return fn();
        });
      tails.set(
        key,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

export interface TestTenant {
  deps: ZohoDeps;
  vault: MemoryVault;
  statuses: { status: string; reason?: string }[];
  calls: { endpoint: string; outcome: string; credits?: number }[];
  locks: ReturnType<typeof mutexLocks>;
}

export function tenantFor(
  sb: ZohoSandbox,
  opts: { tenantId?: string; settings?: ZohoSettingsInput; refreshToken?: string } = {},
): TestTenant {
  const vault = new MemoryVault({
    dataCentre: 'us',
    accountsUrl: sb.url,
    clientId: sb.clientId,
    clientSecret: sb.clientSecret,
    refreshToken: opts.refreshToken ?? sb.oauth.issueRefreshToken(sb.clientId),
  });
  const statuses: TestTenant['statuses'] = [];
  const calls: TestTenant['calls'] = [];
  const locks = mutexLocks();
  const deps: ZohoDeps = {
    tenantId: opts.tenantId ?? `t-${Math.random().toString(36).slice(2)}`,
    credentials: vault,
    settings: { allowedApiDomains: [sb.url], edition: 'enterprise', ...opts.settings },
    withLock: (key, fn) => locks.withLock(key, fn),
    setStatus: async (status, reason) => {
      statuses.push({ status, ...(reason ? { reason } : {}) });
    },
    now: () => new Date(),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    onCall: (c) => {
      calls.push(c);
    },
  };
  return { deps, vault, statuses, calls, locks };
}

export const fastRetries: ZohoConnectorOptions = {
  client: { backoff: { baseMs: 1, capMs: 5 }, rateLimitPauseMs: 2 },
  bulk: { pollMs: 10, maxWaitMs: 10_000 },
};

export function connectorFor(t: TestTenant, options: ZohoConnectorOptions = fastRetries) {
  return createZohoConnector(t.deps, options);
}
