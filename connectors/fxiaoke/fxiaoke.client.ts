// The thin, typed OpenAPI client for one tenant: one axios instance, a timeout on every call,
// the per-endpoint limiter, retries with exponential backoff + jitter, the 20016 refresh-once
// rule, and tenant status side effects (quota → paused until China midnight; revoked → needs_reauth).
// Every body is checked by errorCode (errors arrive as HTTP 200) and the traceId is logged.
import { createHash, randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import type { z } from 'zod';
import { type ConnectorDeps, CrmError, type ErrorClass } from '../contract.js';
import { FxiaokeAuth } from './fxiaoke.auth.js';
import { checkEnvelope, classifyFxiaokeError, FxApiError, TOKEN_EXPIRED_CODE } from './fxiaoke.errors.js';
import { FX_PATHS } from './fxiaoke.hosts.js';
import { EndpointLimiter } from './fxiaoke.limiter.js';
import type { FxiaokeCredentials, FxiaokeSettings } from './fxiaoke.settings.js';

export interface ClientOptions {
  /** Injected for tests: how to wait between retries. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests: 0..1 random source for jitter. */
  random?: () => number;
}

type Json = Record<string, unknown>;

export class FxiaokeClient {
  readonly http: AxiosInstance;
  readonly auth: FxiaokeAuth;
  readonly limiter: EndpointLimiter;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Calls made by this client (including token calls and retries). */
  callCount = 0;
  private parked: { cls: ErrorClass; fingerprint: Promise<string> | null } | null = null;

  constructor(
    private readonly deps: ConnectorDeps<FxiaokeCredentials, unknown>,
    readonly settings: FxiaokeSettings,
    opts: ClientOptions = {},
  ) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.http = axios.create({
      baseURL: settings.baseUrl,
      timeout: settings.timeoutMs,
      // The API lives on open* hosts; a redirect (www.fxiaoke.com answers 302 HTML) means a wrong host.
      maxRedirects: 0,
      headers: { 'content-type': 'application/json;charset=UTF-8' },
      validateStatus: (s) => s >= 200 && s < 300,
    });
    this.limiter = new EndpointLimiter(
      (key) =>
        key === FX_PATHS.legacyToken || key === FX_PATHS.oauthToken
          ? this.settings.tokenRateLimit
          : this.settings.rateLimit,
      () => this.deps.now().getTime(),
      this.sleep,
    );
    this.auth = new FxiaokeAuth(deps, settings, (path, body, headers) =>
      this.send(path, body, headers ?? {}, false),
    );
  }

  private url(path: string): string {
    return this.settings.sendThirdTraceId ? `${path}?thirdTraceId=${randomUUID()}` : path;
  }

  /** One HTTP exchange with retries for transient failures; no auth handling. */
  private async send(
    path: string,
    body: Json,
    headers: Record<string, string>,
    afterRefresh: boolean,
  ): Promise<Json> {
    const { attempts, baseMs, maxMs } = this.settings.retry;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.acquire(path);
      const started = Date.now();
      this.callCount += 1;
      try {
        const res = await this.http.post(this.url(path), body, { headers });
        checkEnvelope(res.data, path, { afterRefresh, now: this.deps.now() });
        this.deps.onCall?.({ endpoint: path, outcome: 'ok', ms: Date.now() - started });
        return res.data as Json;
      } catch (e) {
        const cls = classifyFxiaokeError(e, { endpoint: path, afterRefresh, now: this.deps.now() });
        this.deps.onCall?.({ endpoint: path, outcome: cls.kind, ms: Date.now() - started });
        if (e instanceof FxApiError) {
          this.deps.log.warn(
            { endpoint: path, errorCode: e.code, traceId: e.traceId, classification: cls.kind, attempt },
            'Fxiaoke call failed',
          );
          // 20016 is handled one level up (refresh once), never retried blindly here.
          if (e.code === TOKEN_EXPIRED_CODE) throw e;
        } else {
          this.deps.log.warn(
            { endpoint: path, classification: cls.kind, reason: cls.reason, attempt },
            'Fxiaoke call failed',
          );
        }
        if ((cls.kind === 'retryable' || cls.kind === 'rateLimited') && attempt + 1 < attempts) {
          const exp = Math.min(maxMs, baseMs * 2 ** attempt);
          const wait = cls.kind === 'rateLimited' ? Math.min(maxMs, Math.max(cls.retryAfterMs, exp)) : exp;
          await this.sleep(Math.round(wait * (0.5 + this.random() * 0.5)));
          continue;
        }
        throw e instanceof CrmError
          ? e
          : new CrmError(`Fxiaoke ${path}: ${cls.reason}`, cls, { endpoint: path });
      }
    }
  }

  /**
   * Parks the tenant when the error says so (once, not once per concurrent call) and
   * remembers it, so later calls fail fast instead of hammering the CRM; returns the error.
   */
  private async sideEffects(e: unknown): Promise<unknown> {
    const cls: ErrorClass = classifyFxiaokeError(e, { now: this.deps.now() });
    if (cls.kind !== 'quotaExhausted' && cls.kind !== 'needsReauth') return e;
    if (this.parked?.cls.kind === cls.kind) return e;
    // Set synchronously: concurrent failures of the same cause report the status once.
    const fingerprint = cls.kind === 'needsReauth' ? this.fingerprint() : null;
    fingerprint?.catch(() => undefined); // read later by checkParked; never an unhandled rejection
    this.parked = { cls, fingerprint };
    if (cls.kind === 'quotaExhausted') await this.deps.setStatus('paused', cls.reason, cls.resumeAt);
    else await this.deps.setStatus('needs_reauth', cls.reason);
    return e;
  }

  /** The app credentials as a hash: a parked tenant resumes when an admin changes them. */
  private async fingerprint(): Promise<string> {
    const c = await this.deps.credentials.read();
    return createHash('sha256')
      .update(JSON.stringify([c.appId, c.appSecret, c.permanentCode]))
      .digest('hex');
  }

  /** Fails fast while parked: until the quota resets, or until the credentials change. */
  private async checkParked(): Promise<void> {
    const p = this.parked;
    if (!p) return;
    if (p.cls.kind === 'quotaExhausted') {
      if (this.deps.now().getTime() < p.cls.resumeAt.getTime()) {
        throw new CrmError(
          `Fxiaoke tenant paused until ${p.cls.resumeAt.toISOString()}: ${p.cls.reason}`,
          p.cls,
        );
      }
    } else if (p.cls.kind === 'needsReauth') {
      const [then, now] = await Promise.all([
        p.fingerprint?.catch(() => ''),
        this.fingerprint().catch(() => 'x'),
      ]);
      if (then === now) throw new CrmError(`Fxiaoke tenant needs re-authorization: ${p.cls.reason}`, p.cls);
      this.auth.invalidate();
    }
    if (this.parked === p) this.parked = null;
  }

  /**
   * An authenticated call. `data` goes under `data` (every v2 CRM endpoint); `top` holds top-level
   * parameters such as triggerWorkFlow. On 20016 the token is refreshed once and the call retried.
   */
  async call<S extends z.ZodType>(
    path: string,
    payload: { data?: Json; top?: Json },
    schema?: S,
  ): Promise<z.infer<S>> {
    await this.checkParked();
    let refreshed = false;
    for (;;) {
      let stale: string | undefined;
      try {
        const ctx = await this.auth.context();
        stale = ctx.accessToken;
        const base: Json = { ...(payload.top ?? {}) };
        if (payload.data !== undefined) base.data = payload.data;
        const { body, headers } = this.auth.apply(ctx, base);
        const raw = await this.send(path, body, headers, refreshed);
        return schema ? schema.parse(raw) : (raw as z.infer<S>);
      } catch (e) {
        if (e instanceof FxApiError && e.code === TOKEN_EXPIRED_CODE && !refreshed) {
          refreshed = true;
          this.auth.invalidate();
          try {
            await this.auth.refresh(stale);
          } catch (refreshError) {
            throw await this.sideEffects(refreshError);
          }
          continue;
        }
        throw await this.sideEffects(e);
      }
    }
  }
}
