// The admin API from the console: the key goes in the Authorization header of each call
// and nowhere else (sessionStorage for the tab's life; never a URL, never a log line).
import type { z } from 'zod';
import type { RunSchema } from '../../src/http/routes/admin-runs.routes.js';
import type { TenantSchema } from '../../src/http/routes/admin-schemas.js';
import type { PlanPreview } from '../../src/jobs/plan-preview.js';
import type { AuditEntry } from '../../src/store/repos/audit.repo.js';
import type { PlanVersion } from '../../src/store/repos/plans.repo.js';
import type { StoredSubscription } from '../../src/store/repos/subscriptions.repo.js';

export type Tenant = z.infer<typeof TenantSchema>;
export type Run = z.infer<typeof RunSchema>;
export type { AuditEntry, PlanPreview, PlanVersion };

export interface Problem {
  path: string;
  message: string;
  line?: number;
}

export interface InstallReport {
  tenantId: string;
  crm: 'zoho' | 'fxiaoke';
  ok: boolean;
  created: string[];
  present: string[];
  missing: { label: string; apiName: string; type: string; note?: string }[];
  keptSettings: string[];
}

export interface SyncStatus {
  tenant: Tenant;
  entities: {
    entity: string;
    cursor: string | null;
    lastStartedAt: string | null;
    lastFinishedAt: string | null;
    lastError: string | null;
  }[];
  records: Record<string, number>;
  inbox: Record<string, number>;
  writeback: Record<string, number>;
}

export interface RecentErrors {
  quarantine: { id: string; entity: string; recordId: string; reason: string; createdAt: string }[];
  writeback: { partnerId: string; period: string; error: string | null }[];
}

export type Subscription = Omit<StoredSubscription, 'notifyUrlHash'> & { expired: boolean };

/** A refusal from the server, with its error code and details (plan problems, …). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }

  get problems(): Problem[] {
    return Array.isArray(this.details) ? (this.details as Problem[]) : [];
  }
}

const KEY = 'ci-admin-key';
export const storedKey = () => sessionStorage.getItem(KEY);
export const storeKey = (key: string | null) =>
  key ? sessionStorage.setItem(KEY, key) : sessionStorage.removeItem(KEY);

export async function call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const key = storedKey();
  if (!key) throw new ApiFailure(401, 'unauthorized', 'no admin key');
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiFailure(0, 'unreachable', (e as Error).message);
  }
  const json = (await res.json().catch(() => null)) as
    | (T & { error?: { code: string; message: string; details?: unknown } })
    | null;
  if (!res.ok) {
    const e = json?.error;
    throw new ApiFailure(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details);
  }
  return json as T;
}

export const tenantPath = (tenantId: string, rest = '') =>
  `/api/admin/tenants/${encodeURIComponent(tenantId)}${rest}`;
