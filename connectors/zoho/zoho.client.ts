// A thin typed client for Zoho CRM REST v8, one per tenant: its own axios instance
// (no process-global state), timeouts, the tenant's concurrency limiter, retries
// with exponential backoff and full jitter for retryable errors and 429s (Zoho
// sends no Retry-After), one token refresh on INVALID_TOKEN, 204/304 as "no
// records", and X-API-CREDITS-REMAINING watched.
import type { AxiosInstance, AxiosResponse } from 'axios';
import axios from 'axios';
import type { ConnectorDeps } from '../contract.js';
import { CrmError } from '../contract.js';
import type { ZohoTokens } from './zoho.auth.js';
import { classifyZoho } from './zoho.errors.js';
import type { ZohoLimiter } from './zoho.limiter.js';

export interface ZohoRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the API domain, e.g. `/crm/v8/coql`. */
  path: string;
  params?: Record<string, string | number | boolean | undefined>;
  data?: unknown;
  headers?: Record<string, string>;
  /** Counts against the sub-concurrency limit of 10. */
  heavy?: boolean;
  /** Credits this call costs (for metrics). */
  credits?: number;
  /**
   * Per-item endpoints (records PUT, fields POST, watch) answer 400/207 with one
   * result per item; return those bodies instead of throwing.
   */
  itemsKey?: 'data' | 'fields' | 'watch';
  /** Binary downloads (Bulk Read's ZIP). */
  responseType?: 'arraybuffer';
}

export interface ZohoResponse<T> {
  status: number;
  /** null for 204 No Content / 304 Not Modified. */
  data: T | null;
  headers: Record<string, string>;
}

export interface ClientOptions {
  timeoutMs: number;
  maxRetries: number;
  backoff?: { baseMs: number; capMs: number };
  /** Pause after a 429 without Retry-After (default 2 s, then doubling). */
  rateLimitPauseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  http?: AxiosInstance;
}

const OK = new Set([200, 201, 202, 204, 207, 304]);

export class ZohoClient {
  readonly http: AxiosInstance;
  /** Last X-API-CREDITS-REMAINING seen (Zoho sends it once half the credits are used). */
  creditsRemaining: number | null = null;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly deps: ConnectorDeps<unknown, unknown>,
    private readonly tokens: ZohoTokens,
    private readonly limiter: ZohoLimiter,
    private readonly opts: ClientOptions,
  ) {
    this.http = opts.http ?? axios.create({ timeout: opts.timeoutMs, maxRedirects: 0 });
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
  }

  async request<T>(req: ZohoRequest): Promise<ZohoResponse<T>> {
    const endpoint = `${req.method} ${req.path.replace(/\/\d{6,}(?=\/|$)/g, '/{id}')}`;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const grant = await this.tokens.get();
      const started = Date.now();
      let res: AxiosResponse | null = null;
      let networkCode: string | null = null;
      try {
        res = await this.limiter.run(req.heavy ?? false, () =>
          this.http.request({
            method: req.method,
            url: `${grant.apiDomain}${req.path}`,
            params: req.params,
            data: req.data,
            headers: { Authorization: `Zoho-oauthtoken ${grant.token}`, ...req.headers },
            timeout: this.opts.timeoutMs,
            validateStatus: () => true,
            ...(req.responseType ? { responseType: req.responseType } : {}),
          }),
        );
      } catch (e) {
        networkCode = (e as { code?: string }).code ?? 'ERR_NETWORK';
      }
      const ms = Date.now() - started;
      const headers = res ? lowerHeaders(res.headers) : {};
      this.watchCredits(headers);
      if (res && OK.has(res.status)) {
        this.deps.onCall?.({ endpoint, outcome: String(res.status), ms, credits: req.credits ?? 1 });
        const empty = res.status === 204 || res.status === 304 || res.data === '' || res.data == null;
        return { status: res.status, data: empty ? null : (res.data as T), headers };
      }
      const body = (res?.data ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
      if (
        res &&
        req.itemsKey &&
        Array.isArray((res.data as Record<string, unknown> | null)?.[req.itemsKey])
      ) {
        this.deps.onCall?.({ endpoint, outcome: String(res.status), ms, credits: req.credits ?? 1 });
        return { status: res.status, data: res.data as T, headers };
      }
      const facts = {
        status: res?.status ?? null,
        code: typeof body.code === 'string' ? body.code : null,
        message: typeof body.message === 'string' ? body.message : null,
        retryAfter: headers['retry-after'] ?? null,
        creditsRemaining: headers['x-api-credits-remaining'] ?? null,
        networkCode,
        now: this.deps.now(),
      };
      this.deps.onCall?.({ endpoint, outcome: facts.code ?? (res ? String(res.status) : networkCode!), ms });
      if (res?.status === 401 && facts.code === 'INVALID_TOKEN' && !refreshed) {
        refreshed = true;
        await this.tokens.refresh(grant.token);
        attempt--;
        continue;
      }
      const c = classifyZoho(facts);
      const retry = (c.kind === 'retryable' || c.kind === 'rateLimited') && attempt < this.opts.maxRetries;
      if (!retry) {
        throw new CrmError(`Zoho ${endpoint} failed: ${c.reason}`, c, {
          status: facts.status,
          code: facts.code,
          details: body.details ?? null,
        });
      }
      const delay = this.delay(
        attempt,
        c.kind === 'rateLimited' ? (facts.retryAfter ? c.retryAfterMs : null) : null,
        c.kind,
      );
      this.deps.log.warn(
        { tenantId: this.deps.tenantId, endpoint, attempt, delayMs: delay, reason: c.reason },
        'zoho call retried',
      );
      await this.sleep(delay);
    }
  }

  /** Exponential backoff with full jitter; a 429 starts from the rate-limit pause. */
  private delay(attempt: number, retryAfterMs: number | null, kind: string): number {
    if (retryAfterMs !== null) return retryAfterMs + Math.floor(this.random() * 250);
    const base =
      kind === 'rateLimited' ? (this.opts.rateLimitPauseMs ?? 2000) : (this.opts.backoff?.baseMs ?? 500);
    const cap = this.opts.backoff?.capMs ?? 60_000;
    const ceiling = Math.min(cap, base * 2 ** attempt);
    return Math.floor(ceiling / 2 + this.random() * (ceiling / 2));
  }

  private watchCredits(headers: Record<string, string>): void {
    const v = headers['x-api-credits-remaining'];
    if (v === undefined) return;
    const n = Number(v);
    if (!Number.isFinite(n)) return;
    if (this.creditsRemaining === null) {
      this.deps.log.warn(
        { tenantId: this.deps.tenantId, creditsRemaining: n },
        'zoho: over half of the 24 h API credits used',
      );
    }
    this.creditsRemaining = n;
  }
}

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h && typeof h === 'object') {
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number') out[k.toLowerCase()] = String(v);
    }
  }
  return out;
}
