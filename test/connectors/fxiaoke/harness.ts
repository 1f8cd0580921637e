// Test harness: a running Fxiaoke sandbox plus a connector factory wired to in-memory deps.
// Shaped `{ makeConnector, sandbox }` so the shared contract suite can be pointed at it.
import type { ConnectorDeps } from '../../../connectors/contract.js';
import {
  createFxiaokeConnector,
  type FxiaokeConnector,
} from '../../../connectors/fxiaoke/fxiaoke.connector.js';
import type {
  FxiaokeCredentials,
  FxiaokeSettingsInput,
} from '../../../connectors/fxiaoke/fxiaoke.settings.js';
import {
  type FxiaokeSandbox,
  type FxiaokeSandboxOptions,
  SANDBOX_APP,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../../../connectors/fxiaoke/sandbox/sandbox.server.js';

export const TEST_AES_KEY = Buffer.alloc(32, 0x5a).toString('base64');
export const TEST_WEBHOOK_SECRET = 'wf-secret-for-tests-0123456789';

export interface StatusChange {
  status: 'active' | 'needs_reauth' | 'paused';
  reason?: string | undefined;
  until?: Date | undefined;
}

/** In-memory ConnectorDeps: a vault, a process-local lock, a status recorder. */
export function memoryDeps(
  settings: unknown,
  credentials: FxiaokeCredentials,
  o: { tenantId?: string; now?: () => Date } = {},
) {
  let stored = structuredClone(credentials);
  const statuses: StatusChange[] = [];
  const locks = new Map<string, Promise<unknown>>();
  const calls: { endpoint: string; outcome: string }[] = [];
  let lockRuns = 0;
  const deps: ConnectorDeps<FxiaokeCredentials, unknown> = {
    tenantId: o.tenantId ?? 'tenant-fx-test',
    credentials: {
      read: async () => structuredClone(stored),
      write: async (next) => {
        stored = structuredClone(next);
      },
    },
    settings,
    async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const prev = locks.get(key) ?? Promise.resolve();
      const run = prev.then(
        () => {
          lockRuns += 1;
          return fn();
        },
        () => {
          lockRuns += 1;
          return fn();
        },
      );
      locks.set(
        key,
        run.catch(() => undefined),
      );
      return run;
    },
    async setStatus(status, reason, until) {
      statuses.push({ status, reason, until });
    },
    now: o.now ?? (() => new Date()),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    onCall: (c) => calls.push({ endpoint: c.endpoint, outcome: c.outcome }),
  };
  return {
    deps,
    statuses,
    calls,
    vault: () => stored,
    lockRuns: () => lockRuns,
  };
}

export function sandboxCredentials(extra: Partial<FxiaokeCredentials> = {}): FxiaokeCredentials {
  return { ...SANDBOX_APP, callbackAesKey: TEST_AES_KEY, webhookSecret: TEST_WEBHOOK_SECRET, ...extra };
}

/** Settings that point at the sandbox; the rate limit is raised so tests are not paced for minutes. */
export function sandboxSettings(
  url: string,
  extra: Partial<FxiaokeSettingsInput> = {},
): FxiaokeSettingsInput {
  return {
    baseUrl: url,
    operator: { openUserId: SANDBOX_TENANT.admin.openUserId },
    rateLimit: { calls: 100_000, perMs: 20_000 },
    retry: { attempts: 4, baseMs: 5, maxMs: 50 },
    timeoutMs: 10_000,
    ...extra,
  };
}

/** CRM-side actions a shared contract suite needs, in neutral terms. */
export interface SandboxOps {
  /** Ids of the seeded records of one entity, in id order. */
  ids(entity: 'partner' | 'account' | 'deal'): string[];
  /** A CRM user marks a deal won (fires callback and workflow like the real UI). */
  winDeal(id: string): Promise<void>;
  /** The raw CRM record (e.g. to read written result fields). */
  record(entity: 'partner' | 'account' | 'deal', id: string): Record<string, unknown> | undefined;
  /** Where pushes go; null switches the callback off. */
  registerPush(url: string | null): void;
  /** API calls made so far, by path. */
  calls(): Record<string, number>;
}

export interface FxiaokeHarness {
  sandbox: FxiaokeSandbox;
  ops: SandboxOps;
  makeConnector(settings?: Partial<FxiaokeSettingsInput>): FxiaokeConnector;
  /** Like makeConnector, also returning the in-memory deps for assertions. */
  make(
    settings?: Partial<FxiaokeSettingsInput>,
    credentials?: Partial<FxiaokeCredentials>,
  ): {
    connector: FxiaokeConnector;
  } & ReturnType<typeof memoryDeps>;
  close(): Promise<void>;
}

export async function createFxiaokeHarness(opts: FxiaokeSandboxOptions = {}): Promise<FxiaokeHarness> {
  // The sandbox's per-endpoint limit is lifted unless a test asks for it (limits are tested on their own).
  const sandbox = await startFxiaokeSandbox({
    resultFields: 'apiNames',
    aplFunction: 'func_ci_write_results__c',
    rateLimit: { calls: 1_000_000, perMs: 20_000 },
    ...opts,
  });
  const make: FxiaokeHarness['make'] = (settings = {}, credentials = {}) => {
    const m = memoryDeps(sandboxSettings(sandbox.url, settings), sandboxCredentials(credentials));
    return { connector: createFxiaokeConnector(m.deps), ...m };
  };
  const objectOf = { partner: 'PartnerObj', account: 'AccountObj', deal: 'NewOpportunityObj' } as const;
  const ops: SandboxOps = {
    ids: (entity) => sandbox.tables.get(objectOf[entity])!.rows.map((r) => r._id as string),
    winDeal: async (id) => {
      sandbox.winOpportunity(id);
      await sandbox.push.idle();
    },
    record: (entity, id) => sandbox.record(objectOf[entity], id),
    registerPush: (url) => {
      sandbox.push.callback = url ? { url, aesKey: TEST_AES_KEY, enterpriseAccount: 'fssandbox' } : null;
    },
    calls: () => ({ ...sandbox.calls.byPath }),
  };
  return {
    sandbox,
    ops,
    make,
    makeConnector: (settings) => make(settings).connector,
    close: () => sandbox.close(),
  };
}
