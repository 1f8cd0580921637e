// The interface every CRM adapter implements (docs/architecture.md, "The connector contract").
// Nothing CRM-specific lives here: each connector folder keeps its own hosts, limits,
// payload shapes and mapping, and hands the job layer normalized records.
//
// A connector instance serves exactly one tenant (one CRM organisation). It never
// touches the store or the queue directly: what it needs from the outside world
// (credentials, locks, the clock, a logger) comes in through `ConnectorDeps`.
import type { Account, Deal, Partner } from '../src/core/input.js';

export type CrmKind = 'zoho' | 'fxiaoke';

/** What the job layer needs to know to pace calls to one tenant's CRM. */
export interface ConnectorLimits {
  /** Records per write call (Zoho 100, Fxiaoke 1 per data/update, or the APL batch size). */
  writeBatchSize: number;
  /** Records per read page. */
  readPageSize: number;
  /** Concurrent calls allowed for this tenant (edition-dependent on Zoho). */
  concurrency: number;
  /** Steady-state request budget: at most `calls` per `perMs` milliseconds. */
  rate?: { calls: number; perMs: number };
}

/** How an error from the CRM should be handled (one classifier per connector). */
export type ErrorClass =
  | { kind: 'retryable'; reason: string }
  | { kind: 'rateLimited'; retryAfterMs: number; reason: string }
  | { kind: 'quotaExhausted'; resumeAt: Date; reason: string }
  | { kind: 'needsReauth'; reason: string }
  | { kind: 'permanent'; reason: string };

/** Raised by connectors; carries its classification so callers never parse messages. */
export class CrmError extends Error {
  constructor(
    message: string,
    readonly classification: ErrorClass,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CrmError';
  }
}

/** A normalized record plus what the store keeps beside it. */
export interface Synced<T> {
  record: T;
  /** The CRM's record as received, kept for audit and re-mapping. */
  raw: unknown;
  /** The CRM's modified time (ISO-8601), the delta-sync cursor. */
  modifiedAt: string;
}

/** A CRM record that could not be mapped; the rest of the page proceeds. */
export interface Quarantined {
  entity: 'partner' | 'account' | 'deal';
  id: string;
  reason: string;
  raw: unknown;
}

export interface Page<T> {
  items: Synced<T>[];
  quarantined: Quarantined[];
  /** Opaque resume point: pass back to continue after this page (null = done). */
  cursor: string | null;
}

export interface ListOptions {
  /**
   * Only records modified at or after this instant (inclusive, so a record stamped
   * in the same second as the last sync is read again rather than missed). Use the
   * time the previous sync *started* as the next `since`.
   */
  since?: Date;
  /** Resume after a page returned earlier. */
  cursor?: string | null;
  /** Hint that this is a first, full sync (connectors may choose bulk APIs). */
  full?: boolean;
}

export interface Deleted {
  entity: 'partner' | 'account' | 'deal';
  id: string;
  deletedAt: string;
}

/** The values written back onto a partner record (CRM-neutral names). */
export interface ResultFields {
  tier: string;
  score: number;
  payout: string;
  period: string;
  rank: number | null;
  nextTier: string | null;
  nextTierGap: number | null;
  awards: string;
  updated: string;
  /** Compact JSON the widget renders. */
  details: string;
  inputsHash: string;
}

export interface ResultWrite {
  /** The partner's CRM record id. */
  partnerId: string;
  fields: ResultFields;
}

export type WriteOutcome =
  | { partnerId: string; ok: true }
  | { partnerId: string; ok: false; error: ErrorClass; message: string };

export interface InstallReport {
  /** Fields that exist now (api names). */
  present: string[];
  /** Fields created by this call. */
  created: string[];
  /** Fields an admin must create by hand (CRMs without a field API), with types. */
  missing: { label: string; apiName: string; type: string; note?: string }[];
  /** Mappings discovered from the CRM's metadata (won/lost stages, lookups, ...). */
  discoveredSettings: Record<string, unknown>;
}

export interface Subscription {
  channelId: string;
  expiresAt: string | null;
}

/** A push as the HTTP layer received it; raw body kept for signature checks. */
export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface ChangeEvent {
  /** Unique per CRM event; the inbox's idempotency key. */
  eventKey: string;
  entity: 'partner' | 'account' | 'deal';
  operation: 'upsert' | 'delete';
  ids: string[];
}

export type WebhookVerdict =
  | { ok: true; events: ChangeEvent[]; reply?: { status: number; body: unknown } }
  | { ok: false; status: 401 | 400; reason: string };

export interface CrmConnector {
  readonly kind: CrmKind;
  readonly limits: ConnectorLimits;

  listPartners(opts?: ListOptions): AsyncIterable<Page<Partner>>;
  listAccounts(opts?: ListOptions): AsyncIterable<Page<Account>>;
  listDeals(opts?: ListOptions): AsyncIterable<Page<Deal>>;
  listDeleted(since: Date): AsyncIterable<Deleted[]>;
  /** Batched fetch for push-driven sync; ids not found are simply absent. */
  getDeals(ids: string[]): Promise<Page<Deal>>;

  /**
   * One outcome per row, in order. Throws a CrmError instead when the tenant as a
   * whole is blocked (needsReauth, quotaExhausted): no record is at fault then.
   */
  writeResults(rows: ResultWrite[]): Promise<WriteOutcome[]>;
  installFields(): Promise<InstallReport>;

  subscribe(notifyUrl: string): Promise<Subscription>;
  renew(notifyUrl: string): Promise<Subscription>;
  /**
   * May be async: the secrets a push is checked against live in the encrypted
   * credential vault, which is read asynchronously. Callers always `await` it.
   */
  verifyWebhook(req: WebhookRequest): WebhookVerdict | Promise<WebhookVerdict>;

  classify(error: unknown): ErrorClass;

  /**
   * Optional: proactive token upkeep. Makes sure the stored access token stays valid for
   * at least `minValidMs`, refreshing it otherwise — single-flight like every refresh
   * (in process, then `deps.withLock` across processes, re-reading the vault first).
   * `expiresAt` is when the token in use stops being used (ISO-8601), null when unknown.
   */
  refreshAccess?(minValidMs: number): Promise<{ refreshed: boolean; expiresAt: string | null }>;

  /**
   * Optional: exchange rates from the CRM's own currency table, as the core's
   * `rates` (plan-currency units per one unit of each other currency). CRMs
   * without a currency table (or single-currency tenants) omit it.
   */
  readRates?(planCurrency: string): Promise<Record<string, string>>;
}

/** Secret material for one tenant, decrypted only inside the process that needs it. */
export interface CredentialVault<C> {
  read(): Promise<C>;
  /** Replace the stored credentials (e.g. after a refresh); encrypted by the store. */
  write(next: C): Promise<void>;
}

export interface ConnectorDeps<C, S> {
  tenantId: string;
  credentials: CredentialVault<C>;
  /** The tenant's mapping and options (defaults filled by the connector). */
  settings: S;
  /** Runs `fn` while holding a lock named `key` across processes (single-flight refresh). */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Marks the tenant's status (e.g. `needs_reauth`, `paused` until a time). */
  setStatus(status: 'active' | 'needs_reauth' | 'paused', reason?: string, until?: Date): Promise<void>;
  now(): Date;
  log: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
  /** Reports one CRM call (for metrics: tenant, outcome, credits). */
  onCall?(call: { endpoint: string; outcome: string; ms: number; credits?: number }): void;
}
