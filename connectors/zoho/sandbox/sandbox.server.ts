// A local stand-in for one Zoho CRM org: Accounts OAuth, REST v8 records, COQL,
// deleted records, search, updates with per-record results, the Fields API, the
// watch API with real callbacks, credits and concurrency limits with Zoho's 429
// bodies, and a few /__sandbox endpoints that tests and benchmarks use to act like
// a CRM user and to read call/credit counters. Everything lives in memory.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ZohoEdition } from '../zoho.settings.js';
import { EDITION_CONCURRENCY, HEAVY_CONCURRENCY } from '../zoho.settings.js';
import { BulkError, SandboxBulk } from './sandbox.bulk.js';
import { CoqlError, coqlCredits, parseCoql, runCoql } from './sandbox.coql.js';
import type { FieldMeta, ModuleStore, Rec } from './sandbox.data.js';
import { SANDBOX_USER, SandboxOrg, validateValue, zohoDateTime } from './sandbox.data.js';
import type { Req } from './sandbox.http.js';
import { readRequest, send, zohoError } from './sandbox.http.js';
import { SandboxOAuth } from './sandbox.oauth.js';
import type { SeedOptions, SeedSummary } from './sandbox.seed.js';
import { CURRENCIES, defineModules, STAGES, seedOrg } from './sandbox.seed.js';
import { SandboxWatch } from './sandbox.watch.js';

export interface ZohoSandboxOptions {
  host?: string;
  port?: number;
  seed?: SeedOptions;
  edition?: ZohoEdition;
  /** Credits per rolling 24 h (default: Enterprise-like 2,000,000). */
  dailyCredits?: number;
  /** Delay each API call by this many ms while holding a concurrency slot. */
  latencyMs?: number;
  /** Extra delay of each record update (PUT), before it is applied: a slow write-back to kill a worker in. */
  writeLatencyMs?: number;
  /** Plus a uniformly random 0…N ms more per call (a real CRM's answers vary: 50 + 100 = 50–150 ms). */
  latencyJitterMs?: number;
  accessTokenSeconds?: number;
  clientId?: string;
  clientSecret?: string;
  /** Org user's UTC offset in minutes (Zoho answers datetimes in the user's zone). */
  offsetMinutes?: number;
  /** How long a Bulk Read job takes to complete. */
  bulkDelayMs?: number;
}

export interface EndpointStats {
  calls: number;
  credits: number;
}

export interface SandboxStats {
  calls: number;
  credits: number;
  rejected429: number;
  byEndpoint: Record<string, EndpointStats>;
  tokenRequests: number;
  notifications: { sent: number; failed: number };
  maxInflight: number;
}

interface Fault {
  remaining: number;
  status: number;
  code: string;
  message: string;
  match: string | null;
}

interface PageToken {
  offset: number;
  bound: string;
  expiresAt: number;
}

type Reply = {
  status: number;
  body?: unknown;
  raw?: Buffer;
  credits?: number;
  headers?: Record<string, string>;
};

const CUSTOM_FIELD_CAP: Record<ZohoEdition, number> = {
  free: 10,
  standard: 10,
  professional: 155,
  enterprise: 300,
  ultimate: 500,
};
const TEXT_TYPES = new Set(['text', 'textarea', 'email', 'phone', 'website']);
const CREATABLE = new Set([
  'text',
  'textarea',
  'integer',
  'double',
  'currency',
  'percent',
  'bigint',
  'date',
  'datetime',
  'boolean',
  'picklist',
  'email',
  'phone',
  'website',
]);

export class ZohoSandbox {
  readonly org: SandboxOrg;
  readonly oauth: SandboxOAuth;
  readonly watch: SandboxWatch;
  readonly bulk: SandboxBulk;
  readonly clientId: string;
  readonly clientSecret: string;
  seedSummary: SeedSummary;
  url = '';
  edition: ZohoEdition;
  dailyCredits: number;
  latencyMs: number;
  writeLatencyMs: number;
  latencyJitterMs: number;
  private server: Server | null = null;
  private inflight = 0;
  private heavyInflight = 0;
  private faults: Fault[] = [];
  /** Records locked (approval, Zia, merge): their next N updates answer RECORD_LOCKED. */
  private readonly locked = new Map<string, number>();
  /** Update attempts per record id (tests check which records a retry re-sent). */
  readonly updateAttempts = new Map<string, number>();
  /** Workflow rules with a webhook action, as an admin would set them up in Setup → Automation. */
  readonly workflowHooks: {
    url: string;
    module: string;
    field: string;
    value: string;
    params: Record<string, string>;
  }[] = [];
  private readonly pageTokens = new Map<string, PageToken>();
  private stats: SandboxStats = emptyStats();

  constructor(opts: ZohoSandboxOptions = {}) {
    this.org = new SandboxOrg(opts.offsetMinutes ?? 330);
    this.clientId = opts.clientId ?? '1000.SANDBOXCLIENT';
    this.clientSecret = opts.clientSecret ?? 'sandbox-secret';
    this.edition = opts.edition ?? 'enterprise';
    this.dailyCredits = opts.dailyCredits ?? 2_000_000;
    this.latencyMs = opts.latencyMs ?? 0;
    this.writeLatencyMs = opts.writeLatencyMs ?? 0;
    this.latencyJitterMs = opts.latencyJitterMs ?? 0;
    this.oauth = new SandboxOAuth(
      () => this.url,
      () => Date.now(),
      opts.accessTokenSeconds ?? 3600,
    );
    this.oauth.addClient({ clientId: this.clientId, clientSecret: this.clientSecret });
    this.watch = new SandboxWatch(
      () => Date.now(),
      this.org.offsetMinutes,
      () => this.url,
      (api) => this.org.module(api)?.id ?? null,
    );
    this.bulk = new SandboxBulk(this.org, () => this.url, opts.bulkDelayMs ?? 20);
    defineModules(this.org);
    this.seedSummary = seedOrg(this.org, opts.seed);
  }

  /** Starts listening (port 0 = any free port) and returns the base URL. */
  static async start(opts: ZohoSandboxOptions = {}): Promise<ZohoSandbox> {
    const sb = new ZohoSandbox(opts);
    await sb.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
    return sb;
  }

  async listen(port: number, host: string): Promise<string> {
    const server = createServer((req, res) => {
      readRequest(req)
        .then((r) => this.handle(r))
        .then((reply) => {
          if (reply.raw) {
            res.writeHead(reply.status, { 'content-length': String(reply.raw.length), ...reply.headers });
            res.end(reply.raw);
          } else {
            send(res, reply.status, reply.body, reply.headers);
          }
        })
        .catch((e: unknown) =>
          send(res, 500, zohoError('INTERNAL_ERROR', e instanceof Error ? e.message : 'error')),
        );
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const addr = server.address() as AddressInfo;
    this.url = `http://${host}:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await this.bulk.idle();
    await this.watch.idle();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  getStats(): SandboxStats {
    return structuredClone({
      ...this.stats,
      tokenRequests: this.oauth.tokenRequests,
      notifications: { ...this.watch.stats },
    });
  }

  resetStats(): void {
    this.stats = emptyStats();
    this.oauth.tokenRequests = 0;
    this.watch.stats.sent = 0;
    this.watch.stats.failed = 0;
  }

  // ---- acting like a CRM user -------------------------------------------------

  /** Changes fields of a record as a user would: Modified_Time moves, notifications fire. */
  userUpdate(module: string, id: string, patch: Record<string, unknown>): Rec {
    const mod = this.mod(module);
    const rec = mod.records.get(id);
    if (!rec) throw new Error(`${module} ${id} not found`);
    const changed = this.applyUserPatch(mod, rec, patch);
    this.watch.notify(module, 'edit', [id], changed);
    this.fireWorkflows(module, rec, changed);
    return rec;
  }

  /** A user's edit of one record (Modified_Time moves); returns the fields whose value changed. */
  private applyUserPatch(mod: ModuleStore, rec: Rec, patch: Record<string, unknown>): string[] {
    const changed: string[] = [];
    for (const [k, v] of Object.entries(patch)) {
      const f = mod.field(k);
      if (!f) throw new Error(`${mod.apiName} has no field ${k}`);
      const value = f.data_type === 'lookup' && typeof v === 'string' ? { id: v } : v;
      if (JSON.stringify(rec[k] ?? null) !== JSON.stringify(value ?? null)) changed.push(k);
      rec[k] = value;
    }
    if (mod.apiName === 'Deals' && 'Stage' in patch) {
      const stage = STAGES.find((s) => s.value === patch.Stage);
      if (stage) rec.Probability = stage.probability;
    }
    rec.Modified_Time = this.org.stamp();
    rec.Modified_By = { name: SANDBOX_USER.name, id: SANDBOX_USER.id };
    mod.put(rec);
    return changed;
  }

  /**
   * A mass update (list view → Mass Update, or an import): the same patch on many
   * records, and ONE notification per channel naming all their ids, as Zoho sends it.
   */
  userMassUpdate(module: string, ids: string[], patch: Record<string, unknown>): void {
    const mod = this.mod(module);
    const changed = new Set<string>();
    for (const id of ids) {
      const rec = mod.records.get(id);
      if (!rec) throw new Error(`${module} ${id} not found`);
      for (const k of this.applyUserPatch(mod, rec, patch)) changed.add(k);
    }
    if (ids.length > 0) this.watch.notify(module, 'edit', ids, [...changed]);
  }

  /**
   * A workflow rule "when <field> becomes <value>" with a webhook action: POSTs form
   * data with the record id, its modified time and the admin's custom parameters
   * (e.g. our secret `k`). Zoho signs nothing here either.
   */
  private fireWorkflows(module: string, rec: Rec, changed: string[]): void {
    for (const h of this.workflowHooks) {
      if (h.module !== module || !changed.includes(h.field) || rec[h.field] !== h.value) continue;
      const form = new URLSearchParams({ ids: rec.id, modified: String(rec.Modified_Time), ...h.params });
      this.watch.deliver(h.url, form.toString(), 'application/x-www-form-urlencoded');
    }
  }

  userCreate(module: string, fields: Record<string, unknown>): Rec {
    const mod = this.mod(module);
    const now = this.org.stamp();
    const rec: Rec = {
      ...fields,
      id: this.org.nextId(),
      Owner: SANDBOX_USER,
      Created_Time: now,
      Modified_Time: now,
    };
    for (const [k, v] of Object.entries(fields)) {
      if (mod.field(k)?.data_type === 'lookup' && typeof v === 'string') rec[k] = { id: v };
    }
    mod.put(rec);
    this.watch.notify(module, 'create', [rec.id], Object.keys(fields));
    return rec;
  }

  userDelete(module: string, id: string): void {
    const mod = this.mod(module);
    const rec = mod.remove(id);
    if (!rec) throw new Error(`${module} ${id} not found`);
    mod.deleted.push({
      id,
      display_name: String(rec[mod.nameField] ?? ''),
      type: 'recycle',
      deleted_time: this.org.stamp(),
      deleted_by: { name: SANDBOX_USER.name, id: SANDBOX_USER.id },
      created_by: { name: SANDBOX_USER.name, id: SANDBOX_USER.id },
    });
    this.watch.notify(module, 'delete', [id]);
  }

  /** The record's next `times` updates fail with RECORD_LOCKED (a per-record, retryable outcome). */
  lockRecord(id: string, times = 1): void {
    this.locked.set(id, times);
  }

  setDealStage(id: string, stage: string): Rec {
    if (!STAGES.some((s) => s.value === stage)) throw new Error(`unknown stage ${stage}`);
    return this.userUpdate('Deals', id, { Stage: stage });
  }

  private mod(module: string): ModuleStore {
    const m = this.org.module(module);
    if (!m) throw new Error(`unknown module ${module}`);
    return m;
  }

  // ---- HTTP -----------------------------------------------------------------------

  private async handle(r: Req): Promise<Reply> {
    if (r.path.startsWith('/oauth/v2/')) return this.handleOAuth(r);
    if (r.path.startsWith('/__sandbox/')) return this.handleControl(r);
    if (r.path.startsWith('/crm/v8/') || r.path.startsWith('/crm/bulk/v8/')) return this.handleApi(r);
    return {
      status: 404,
      body: zohoError('INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'),
    };
  }

  private handleOAuth(r: Req): Reply {
    if (r.method === 'GET' && r.path === '/oauth/v2/auth') {
      const clientId = r.query.get('client_id') ?? '';
      const redirect = r.query.get('redirect_uri') ?? '';
      if (!this.oauth.clients.has(clientId) || !redirect) {
        return { status: 400, body: { error: 'invalid_client' } };
      }
      // Consent is implied: the sandbox's only user approves at once.
      const code = this.oauth.issueCode(clientId, redirect, r.query.get('scope') ?? '');
      const to = new URL(redirect);
      to.searchParams.set('code', code);
      to.searchParams.set('location', 'us');
      to.searchParams.set('accounts-server', this.url);
      const state = r.query.get('state');
      if (state) to.searchParams.set('state', state);
      return { status: 302, headers: { location: to.toString() } };
    }
    if (r.method === 'POST' && r.path === '/oauth/v2/token') {
      const form = { ...Object.fromEntries(r.query), ...r.form };
      const answer = this.oauth.token(form);
      return { status: answer.status, body: answer.body };
    }
    if (r.method === 'POST' && r.path === '/oauth/v2/token/revoke') {
      const token = r.form.token ?? r.query.get('token') ?? '';
      this.oauth.revokeRefreshToken(token);
      return { status: 200, body: { status: 'success' } };
    }
    return { status: 404, body: { error: 'not_found' } };
  }

  private handleControl(r: Req): Reply {
    const body = (r.body ?? {}) as Record<string, unknown>;
    const p = r.path.split('/').filter(Boolean).slice(1);
    try {
      if (r.method === 'GET' && p[0] === 'info') {
        return {
          status: 200,
          body: {
            url: this.url,
            accountsUrl: this.url,
            apiDomain: this.url,
            clientId: this.clientId,
            clientSecret: this.clientSecret,
            edition: this.edition,
            seed: { ...this.seedSummary, partnerIds: undefined },
          },
        };
      }
      if (r.method === 'GET' && p[0] === 'stats') return { status: 200, body: this.getStats() };
      if (r.method === 'POST' && p[0] === 'stats' && p[1] === 'reset') {
        this.resetStats();
        return { status: 200, body: { ok: true } };
      }
      if (r.method === 'POST' && p[0] === 'oauth' && p[1] === 'grant') {
        const code = this.oauth.issueCode(
          this.clientId,
          (body.redirect_uri as string) ?? null,
          String(body.scope ?? 'ZohoCRM.modules.ALL'),
        );
        return { status: 200, body: { code, client_id: this.clientId, client_secret: this.clientSecret } };
      }
      if (r.method === 'POST' && p[0] === 'oauth' && p[1] === 'refresh-token') {
        return { status: 200, body: { refresh_token: this.oauth.issueRefreshToken(this.clientId) } };
      }
      if (r.method === 'POST' && p[0] === 'oauth' && p[1] === 'revoke') {
        return {
          status: 200,
          body: { revoked: this.oauth.revokeRefreshToken(String(body.refresh_token ?? '')) },
        };
      }
      if (r.method === 'POST' && p[0] === 'oauth' && p[1] === 'expire-access-tokens') {
        return { status: 200, body: { expired: this.oauth.expireAccessTokens() } };
      }
      if (r.method === 'POST' && p[0] === 'deals' && p[2] === 'stage') {
        return { status: 200, body: { data: this.setDealStage(p[1]!, String(body.stage ?? '')) } };
      }
      if (p[0] === 'records' && p[1]) {
        if (r.method === 'POST' && !p[2]) return { status: 201, body: { data: this.userCreate(p[1], body) } };
        if (r.method === 'GET' && p[2]) {
          const rec = this.mod(p[1]).records.get(p[2]);
          return rec ? { status: 200, body: { data: rec } } : { status: 404, body: { error: 'not found' } };
        }
        if (r.method === 'PATCH' && p[2])
          return { status: 200, body: { data: this.userUpdate(p[1], p[2], body) } };
        if (r.method === 'DELETE' && p[2]) {
          this.userDelete(p[1], p[2]);
          return { status: 200, body: { ok: true } };
        }
      }
      if (r.method === 'POST' && p[0] === 'workflow-webhooks') {
        if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url))
          throw new Error('url is required');
        this.workflowHooks.push({
          url: body.url,
          module: String(body.module ?? 'Deals'),
          field: String(body.field ?? 'Stage'),
          value: String(body.value ?? 'Closed Won'),
          params: Object.fromEntries(
            Object.entries((body.params ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
          ),
        });
        return { status: 201, body: { ok: true, hooks: this.workflowHooks.length } };
      }
      if (r.method === 'POST' && p[0] === 'faults') {
        this.faults.push({
          remaining: Number(body.count ?? 1),
          status: Number(body.status ?? 500),
          code: String(body.code ?? 'INTERNAL_ERROR'),
          message: String(body.message ?? 'Internal server error'),
          match: typeof body.match === 'string' ? body.match : null,
        });
        return { status: 200, body: { ok: true } };
      }
      if (r.method === 'POST' && p[0] === 'watch' && p[1] === 'idle') {
        return this.watch.idle().then(() => ({ status: 200, body: { ok: true } })) as unknown as Reply;
      }
    } catch (e) {
      return { status: 400, body: { error: e instanceof Error ? e.message : String(e) } };
    }
    return { status: 404, body: { error: `no sandbox endpoint ${r.method} ${r.path}` } };
  }

  private async handleApi(r: Req): Promise<Reply> {
    if (!this.oauth.authenticate(headerOf(r, 'authorization'))) {
      return { status: 401, body: zohoError('INVALID_TOKEN', 'invalid oauth token') };
    }
    const endpoint = endpointKey(r);
    const fault = this.faults.find((f) => f.remaining > 0 && (!f.match || endpoint.includes(f.match)));
    if (fault) {
      fault.remaining--;
      this.faults = this.faults.filter((f) => f.remaining > 0);
      return { status: fault.status, body: zohoError(fault.code, fault.message) };
    }
    if (this.stats.credits >= this.dailyCredits) {
      this.stats.rejected429++;
      return {
        status: 429,
        body: zohoError('TOO_MANY_REQUESTS', 'Number of API requests for the 24 hour period is exceeded'),
        headers: { 'X-API-CREDITS-REMAINING': '0' },
      };
    }
    const heavy = isHeavy(r);
    if (this.inflight >= EDITION_CONCURRENCY[this.edition]) {
      this.stats.rejected429++;
      return {
        status: 429,
        body: zohoError('TOO_MANY_REQUESTS', 'The concurrency limit of the user for the app is exceeded'),
      };
    }
    if (heavy && this.heavyInflight >= HEAVY_CONCURRENCY) {
      this.stats.rejected429++;
      return {
        status: 429,
        body: zohoError('TOO_MANY_REQUESTS', 'The sub-concurrency limit of the user for the app is exceeded'),
      };
    }
    this.inflight++;
    if (heavy) this.heavyInflight++;
    this.stats.maxInflight = Math.max(this.stats.maxInflight, this.inflight);
    try {
      const delay = this.latencyMs + Math.random() * this.latencyJitterMs;
      if (delay > 0) await new Promise((res) => setTimeout(res, delay));
      if (r.method === 'PUT' && this.writeLatencyMs > 0)
        await new Promise((res) => setTimeout(res, this.writeLatencyMs));
      let reply: Reply;
      try {
        reply = this.route(r);
      } catch (e) {
        if (e instanceof ApiFail) reply = { status: e.status, body: zohoError(e.code, e.message, e.details) };
        else throw e;
      }
      const credits = reply.status < 400 ? (reply.credits ?? 1) : 0;
      this.stats.calls++;
      this.stats.credits += credits;
      const ep = this.stats.byEndpoint[endpoint] ?? { calls: 0, credits: 0 };
      this.stats.byEndpoint[endpoint] = ep;
      ep.calls++;
      ep.credits += credits;
      const headers = { ...reply.headers };
      if (this.stats.credits >= this.dailyCredits / 2) {
        headers['X-API-CREDITS-REMAINING'] = String(Math.max(0, this.dailyCredits - this.stats.credits));
      }
      return { ...reply, headers };
    } finally {
      this.inflight--;
      if (heavy) this.heavyInflight--;
    }
  }

  private route(r: Req): Reply {
    if (r.path.startsWith('/crm/bulk/v8/read')) return this.bulkRead(r);
    const p = r.path.split('/').filter(Boolean).slice(2); // after crm/v8
    const m = r.method;
    if (p[0] === 'coql' && p.length === 1) {
      if (m !== 'POST')
        throw fail(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
      return this.coql(r);
    }
    if (p[0] === 'settings' && p[1] === 'fields' && p.length === 2) {
      if (m === 'GET') return this.listFields(r);
      if (m === 'POST') return this.createFields(r);
      throw fail(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
    }
    if (p[0] === 'settings' && p[1] === 'modules' && m === 'GET') return this.modules(p[2]);
    if (p[0] === 'org' && p[1] === 'currencies' && m === 'GET') return this.currencies();
    if (p[0] === 'org' && p.length === 1 && m === 'GET') {
      return {
        status: 200,
        body: {
          org: [
            {
              id: '5725767000000000001',
              zgid: '777000001',
              company_name: 'Sandbox Org',
              currency: 'USD',
              time_zone: 'Asia/Kolkata',
            },
          ],
        },
      };
    }
    if (p[0] === 'users' && m === 'GET') {
      return {
        status: 200,
        body: {
          users: [
            {
              ...SANDBOX_USER,
              full_name: SANDBOX_USER.name,
              status: 'active',
              role: { name: 'CEO', id: '1' },
              profile: { name: 'Administrator', id: '2' },
            },
          ],
        },
      };
    }
    if (p[0] === 'actions' && p[1] === 'watch' && p.length === 2) return this.watchApi(r);
    const module = p[0];
    if (!module)
      throw fail(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
    const mod = this.org.module(module);
    if (!mod)
      throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', {
        resource_path_index: 0,
      });
    if (p[1] === 'deleted' && p.length === 2 && m === 'GET') return this.deleted(r, mod);
    if (p[1] === 'search' && p.length === 2 && m === 'GET') return this.search(r, mod);
    if (p[1] === 'actions' && p[2] === 'count' && m === 'GET')
      return { status: 200, body: { count: mod.records.size } };
    if (p.length === 2 && m === 'GET') return this.getOne(r, mod, p[1]!);
    if (p.length === 2 && m === 'PUT') return this.update(r, mod, p[1]!);
    if (p.length === 1 && m === 'GET') return this.getRecords(r, mod);
    if (p.length === 1 && m === 'PUT') return this.update(r, mod, null);
    if (p.length === 1 && m === 'POST') return this.insert(r, mod, false);
    if (p[1] === 'upsert' && p.length === 2 && m === 'POST') return this.insert(r, mod, true);
    throw fail(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
  }

  private bulkRead(r: Req): Reply {
    const p = r.path.split('/').filter(Boolean).slice(4); // after crm/bulk/v8/read
    try {
      if (r.method === 'POST' && p.length === 0) {
        return {
          status: 201,
          credits: 50,
          body: this.bulk.create(r.body, String(headerOf(r, 'content-type') ?? '')),
        };
      }
      if (r.method === 'GET' && p.length === 1) return { status: 200, body: this.bulk.status(p[0]!) };
      if (r.method === 'GET' && p.length === 2 && p[1] === 'result') {
        return {
          status: 200,
          raw: this.bulk.result(p[0]!),
          headers: {
            'content-type': 'application/zip',
            'content-disposition': `attachment; filename="${p[0]}.zip"`,
          },
        };
      }
    } catch (e) {
      if (e instanceof BulkError) throw fail(e.status, e.code, e.message, e.details);
      throw e;
    }
    throw fail(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
  }

  private coql(r: Req): Reply {
    const q = (r.body as { select_query?: unknown } | null)?.select_query;
    if (typeof q !== 'string' || q.trim() === '') {
      throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param: 'select_query',
      });
    }
    try {
      const parsed = parseCoql(q);
      const { rows, moreRecords } = runCoql(this.org, parsed);
      const credits = coqlCredits(parsed.limit);
      if (rows.length === 0) return { status: 204, credits };
      return {
        status: 200,
        credits,
        body: { data: rows, info: { count: rows.length, more_records: moreRecords } },
      };
    } catch (e) {
      if (e instanceof CoqlError) throw fail(400, e.code, e.message, e.details);
      throw e;
    }
  }

  private renderRecord(mod: ModuleStore, rec: Rec, fields: string[] | null): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const names = fields ?? Object.keys(rec);
    for (const name of names) {
      if (name === 'id') continue;
      const v = rec[name];
      const f = mod.field(name);
      if (f?.data_type === 'lookup' && v && typeof v === 'object' && 'lookup' in f && 'module' in f.lookup) {
        const id = String((v as { id: unknown }).id);
        const target = this.org.module(f.lookup.module.api_name);
        const name2 = target?.records.get(id)?.[target.nameField];
        out[name] = { name: name2 ?? null, id };
      } else {
        out[name] = v === undefined ? null : v;
      }
    }
    if (!fields) out.$currency_symbol = CURRENCIES.find((c) => c.iso === rec.Currency)?.symbol ?? '$';
    out.id = rec.id;
    return out;
  }

  private parseFields(mod: ModuleStore, raw: string | null, required: boolean): string[] | null {
    if (raw == null || raw.trim() === '') {
      if (required)
        throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
          param_name: 'fields',
        });
      return null;
    }
    const names = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length > 50)
      throw fail(400, 'LIMIT_EXCEEDED', 'the given fields exceeds the limit', {
        param_name: 'fields',
        limit: 50,
      });
    for (const n of names) {
      if (n !== 'id' && !mod.field(n))
        throw fail(400, 'INVALID_DATA', 'the field name given seems to be invalid', { api_name: n });
    }
    return names;
  }

  private getRecords(r: Req, mod: ModuleStore): Reply {
    const q = r.query;
    const ids = q.get('ids');
    const fields = this.parseFields(mod, q.get('fields'), !ids);
    const perPage = q.has('per_page') ? Number(q.get('per_page')) : 200;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) {
      throw fail(400, 'INVALID_DATA', 'per_page must be between 1 and 200', {
        param_name: 'per_page',
        maximum: 200,
      });
    }
    const sortBy = q.get('sort_by') ?? 'id';
    if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy)) {
      throw fail(400, 'INVALID_DATA', 'sort_by must be id, Created_Time or Modified_Time', {
        param_name: 'sort_by',
      });
    }
    const sortOrder = q.get('sort_order') ?? 'desc';
    if (sortOrder !== 'asc' && sortOrder !== 'desc')
      throw fail(400, 'INVALID_DATA', 'invalid sort_order', { param_name: 'sort_order' });
    if (q.has('cvid') && q.has('sort_by')) {
      throw fail(400, 'INVALID_DATA', 'cvid cannot be combined with sort_by', { param_name: 'sort_by' });
    }
    const ims = headerOf(r, 'if-modified-since');
    const imsMs = ims ? Date.parse(ims) : null;
    if (ims && Number.isNaN(imsMs))
      throw fail(400, 'INVALID_DATA', 'invalid If-Modified-Since header', {
        header_name: 'If-Modified-Since',
      });
    const credits = q.has('cvid') ? 3 : 1;

    if (ids) {
      const list = ids
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (list.length > 100)
        throw fail(400, 'LIMIT_EXCEEDED', 'at most 100 ids', { param_name: 'ids', limit: 100 });
      const data = list
        .map((id) => mod.records.get(id))
        .filter((x): x is Rec => !!x)
        .map((rec) => this.renderRecord(mod, rec, fields));
      if (data.length === 0) return { status: 204, credits };
      return {
        status: 200,
        credits,
        body: { data, info: { per_page: data.length, count: data.length, page: 1, more_records: false } },
      };
    }

    const bound = JSON.stringify([
      mod.apiName,
      q.get('fields'),
      perPage,
      sortBy,
      sortOrder,
      q.get('cvid'),
      ims,
    ]);
    let offset: number;
    let page: number;
    const pageToken = q.get('page_token');
    if (pageToken) {
      if (q.has('page')) {
        throw fail(400, 'AMBIGUITY_DURING_PROCESSING', 'page and page_token cannot be given together', {
          param_name: 'page',
        });
      }
      const t = this.pageTokens.get(pageToken);
      if (!t)
        throw fail(400, 'INVALID_DATA', 'the page_token given seems to be invalid', {
          param_name: 'page_token',
        });
      if (t.expiresAt < Date.now())
        throw fail(400, 'EXPIRED_VALUE', 'the page_token has expired', { param_name: 'page_token' });
      if (t.bound !== bound) {
        throw fail(400, 'TOKEN_BOUND_DATA_MISMATCH', 'the parameters do not match the page_token', {
          param_name: 'page_token',
        });
      }
      offset = t.offset;
      page = Math.floor(offset / perPage) + 1;
    } else {
      page = q.has('page') ? Number(q.get('page')) : 1;
      if (!Number.isInteger(page) || page < 1)
        throw fail(400, 'INVALID_DATA', 'invalid page', { param_name: 'page' });
      offset = (page - 1) * perPage;
      if (offset + perPage > 2000) {
        throw fail(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'use page_token to fetch records beyond 2000', {
          limit: 2000,
        });
      }
    }
    if (offset >= 100_000)
      throw fail(400, 'PAGINATION_LIMIT_EXCEEDED', 'records beyond 100000 cannot be fetched', {
        limit: 100000,
      });

    let ordered: string[];
    if (sortBy === 'id') {
      ordered = sortOrder === 'asc' ? mod.ids : [...mod.ids].reverse();
    } else {
      const key = (id: string) =>
        sortBy === 'Modified_Time'
          ? mod.mtime.get(id)!
          : Date.parse(String(mod.records.get(id)!.Created_Time));
      ordered = [...mod.ids].sort((a, b) =>
        sortOrder === 'asc' ? key(a) - key(b) || (a < b ? -1 : 1) : key(b) - key(a) || (a < b ? 1 : -1),
      );
    }
    if (imsMs !== null) ordered = ordered.filter((id) => mod.mtime.get(id)! > imsMs);
    const slice = ordered.slice(offset, offset + perPage);
    if (slice.length === 0) return { status: imsMs !== null ? 304 : 204, credits };
    const more = offset + perPage < ordered.length;
    let next: string | null = null;
    let expiry: string | null = null;
    if (more) {
      next = randomBytes(16).toString('hex');
      const expiresAt = Date.now() + 24 * 3_600_000;
      this.pageTokens.set(next, { offset: offset + perPage, bound, expiresAt });
      expiry = zohoDateTime(expiresAt, this.org.offsetMinutes);
    }
    return {
      status: 200,
      credits,
      body: {
        data: slice.map((id) => this.renderRecord(mod, mod.records.get(id)!, fields)),
        info: {
          call: false,
          per_page: perPage,
          next_page_token: next,
          count: slice.length,
          sort_by: sortBy,
          page,
          previous_page_token: pageToken ?? null,
          page_token_expiry: expiry,
          sort_order: sortOrder,
          email: false,
          more_records: more,
        },
      },
    };
  }

  private getOne(r: Req, mod: ModuleStore, id: string): Reply {
    const fields = this.parseFields(mod, r.query.get('fields'), false);
    const rec = mod.records.get(id);
    if (!rec) throw fail(400, 'INVALID_DATA', 'the related id given seems to be invalid', { api_name: 'id' });
    return { status: 200, body: { data: [this.renderRecord(mod, rec, fields)] } };
  }

  private deleted(r: Req, mod: ModuleStore): Reply {
    const type = r.query.get('type') ?? 'all';
    if (!['all', 'recycle', 'permanent'].includes(type))
      throw fail(400, 'INVALID_DATA', 'invalid type', { param_name: 'type' });
    const perPage = r.query.has('per_page') ? Number(r.query.get('per_page')) : 200;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 200) {
      throw fail(400, 'INVALID_DATA', 'per_page must be between 1 and 200', { param_name: 'per_page' });
    }
    const page = r.query.has('page') ? Number(r.query.get('page')) : 1;
    const ims = headerOf(r, 'if-modified-since');
    const imsMs = ims ? Date.parse(ims) : null;
    const all = mod.deleted
      .filter((d) => type === 'all' || d.type === type)
      .filter((d) => imsMs === null || Date.parse(d.deleted_time) > imsMs)
      .sort((a, b) => Date.parse(b.deleted_time) - Date.parse(a.deleted_time));
    const slice = all.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return { status: 204 };
    return {
      status: 200,
      body: {
        data: slice,
        info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < all.length },
      },
    };
  }

  private search(r: Req, mod: ModuleStore): Reply {
    const criteria = r.query.get('criteria');
    const word = r.query.get('word');
    if (!criteria && !word && !r.query.get('email') && !r.query.get('phone')) {
      throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'criteria',
      });
    }
    const perPage = r.query.has('per_page') ? Number(r.query.get('per_page')) : 200;
    const page = r.query.has('page') ? Number(r.query.get('page')) : 1;
    if (perPage > 200 || perPage < 1)
      throw fail(400, 'INVALID_DATA', 'per_page must be between 1 and 200', { param_name: 'per_page' });
    if (page * perPage > 2000)
      throw fail(400, 'LIMIT_REACHED', 'search returns at most 2000 records', { limit: 2000 });
    const fields = this.parseFields(mod, r.query.get('fields'), false);
    let pred: (rec: Rec) => boolean;
    if (criteria) {
      pred = parseSearchCriteria(criteria, mod);
    } else {
      const w = (word ?? '').toLowerCase();
      pred = (rec) => Object.values(rec).some((v) => typeof v === 'string' && v.toLowerCase().includes(w));
    }
    const hits: Rec[] = [];
    for (const id of mod.ids) {
      const rec = mod.records.get(id)!;
      if (pred(rec)) hits.push(rec);
    }
    const slice = hits.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return { status: 204 };
    return {
      status: 200,
      body: {
        data: slice.map((rec) => this.renderRecord(mod, rec, fields)),
        info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < hits.length },
      },
    };
  }

  private update(r: Req, mod: ModuleStore, pathId: string | null): Reply {
    const body = r.body as { data?: unknown; trigger?: unknown } | undefined;
    if (body === undefined) throw fail(400, 'INVALID_DATA', 'body is not valid JSON');
    const data = body?.data;
    if (!Array.isArray(data) || data.length === 0) {
      throw fail(400, 'MANDATORY_NOT_FOUND', 'required field not found', {
        api_name: 'data',
        json_path: '$.data',
      });
    }
    if (data.length > 100)
      throw fail(400, 'LIMIT_EXCEEDED', 'the number of records exceeds the limit of 100', {
        limit: 100,
        json_path: '$.data',
      });
    if (body.trigger !== undefined && !Array.isArray(body.trigger)) {
      throw fail(400, 'INVALID_DATA', 'trigger must be an array', {
        api_name: 'trigger',
        json_path: '$.trigger',
      });
    }
    const results = data.map((raw, i) => this.updateOne(mod, raw, i, pathId));
    const ok = results.filter((x) => x.status === 'success').length;
    const status = ok === results.length ? 200 : ok === 0 ? 400 : 207;
    return { status, body: { data: results }, credits: Math.max(1, Math.ceil(ok / 10)) };
  }

  private updateOne(
    mod: ModuleStore,
    raw: unknown,
    i: number,
    pathId: string | null,
  ): Record<string, unknown> {
    const at = (api: string) => ({ api_name: api, json_path: `$.data[${i}].${api}` });
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      return zohoError('INVALID_DATA', 'invalid data', { json_path: `$.data[${i}]` });
    const rec = raw as Record<string, unknown>;
    const id = pathId ?? (rec.id == null ? null : String(rec.id));
    if (!id) return zohoError('MANDATORY_NOT_FOUND', 'required field not found', at('id'));
    const target = mod.records.get(id);
    if (!target) return zohoError('INVALID_DATA', 'the related id given seems to be invalid', at('id'));
    this.updateAttempts.set(id, (this.updateAttempts.get(id) ?? 0) + 1);
    const locks = this.locked.get(id) ?? 0;
    if (locks > 0) {
      if (locks === 1) this.locked.delete(id);
      else this.locked.set(id, locks - 1);
      return zohoError('RECORD_LOCKED', 'the record is locked', at('id'));
    }
    const patch: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) {
      if (k === 'id' || k.startsWith('$')) continue;
      const f = mod.field(k);
      if (!f || f.read_only) continue; // Zoho ignores unknown and read-only keys
      const checked = validateValue(f, v);
      if (!checked.ok) {
        return zohoError('INVALID_DATA', 'invalid data', {
          ...at(k),
          expected_data_type: f.data_type,
          hint: checked.expected,
        });
      }
      patch[k] = checked.value;
    }
    const changed = Object.keys(patch).filter(
      (k) => JSON.stringify(target[k] ?? null) !== JSON.stringify(patch[k] ?? null),
    );
    Object.assign(target, patch);
    target.Modified_Time = this.org.stamp();
    target.Modified_By = { name: SANDBOX_USER.name, id: SANDBOX_USER.id };
    mod.put(target);
    if (changed.length > 0) this.watch.notify(mod.apiName, 'edit', [id], changed);
    return {
      code: 'SUCCESS',
      details: {
        Modified_Time: target.Modified_Time,
        Modified_By: target.Modified_By,
        Created_Time: target.Created_Time,
        id,
        Created_By: { name: SANDBOX_USER.name, id: SANDBOX_USER.id },
      },
      message: 'record updated',
      status: 'success',
    };
  }

  /** Insert (and upsert: system duplicate-check field first, then `duplicate_check_fields`). */
  private insert(r: Req, mod: ModuleStore, upsert: boolean): Reply {
    const body = r.body as { data?: unknown; duplicate_check_fields?: unknown } | undefined;
    if (body === undefined) throw fail(400, 'INVALID_DATA', 'body is not valid JSON');
    const data = body?.data;
    if (!Array.isArray(data) || data.length === 0) {
      throw fail(400, 'MANDATORY_NOT_FOUND', 'required field not found', {
        api_name: 'data',
        json_path: '$.data',
      });
    }
    if (data.length > 100)
      throw fail(400, 'LIMIT_EXCEEDED', 'the number of records exceeds the limit of 100', { limit: 100 });
    const checks = Array.isArray(body.duplicate_check_fields)
      ? (body.duplicate_check_fields as string[])
      : [mod.nameField];
    const results = data.map((raw, i) => {
      const at = (api: string) => ({ api_name: api, json_path: `$.data[${i}].${api}` });
      if (!raw || typeof raw !== 'object' || Array.isArray(raw))
        return zohoError('INVALID_DATA', 'invalid data', { json_path: `$.data[${i}]` });
      const rec = raw as Record<string, unknown>;
      if (upsert) {
        for (const field of checks) {
          if (rec[field] == null) continue;
          const existing = mod.ids.find((id) => mod.records.get(id)![field] === rec[field]);
          if (existing) {
            const res = this.updateOne(mod, { ...rec, id: existing }, i, null);
            return res.status === 'success' ? { ...res, action: 'update', duplicate_field: field } : res;
          }
        }
      }
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rec)) {
        if (k === 'id' || k.startsWith('$')) continue;
        const f = mod.field(k);
        if (!f || f.read_only) continue;
        const checked = validateValue(f, v);
        if (!checked.ok)
          return zohoError('INVALID_DATA', 'invalid data', { ...at(k), expected_data_type: f.data_type });
        fields[k] = checked.value;
      }
      const missing = mod.fields.find((f) => f.system_mandatory && fields[f.api_name] == null);
      if (missing) return zohoError('MANDATORY_NOT_FOUND', 'required field not found', at(missing.api_name));
      const created = this.userCreate(mod.apiName, fields);
      const who = { name: SANDBOX_USER.name, id: SANDBOX_USER.id };
      return {
        code: 'SUCCESS',
        details: {
          Modified_Time: created.Modified_Time,
          Modified_By: who,
          Created_Time: created.Created_Time,
          id: created.id,
          Created_By: who,
        },
        message: 'record added',
        status: 'success',
        ...(upsert ? { action: 'insert', duplicate_field: null } : {}),
      };
    });
    const ok = results.filter((x) => x.status === 'success').length;
    const status = ok === results.length ? (upsert ? 200 : 201) : ok === 0 ? 400 : 207;
    return { status, body: { data: results }, credits: Math.max(1, Math.ceil(ok / 10)) };
  }

  private listFields(r: Req): Reply {
    const module = r.query.get('module');
    if (!module)
      throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'module',
      });
    const mod = this.org.module(module);
    if (!mod)
      throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', {
        param_name: 'module',
      });
    return { status: 200, body: { fields: mod.fields } };
  }

  private createFields(r: Req): Reply {
    const module = r.query.get('module');
    if (!module)
      throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'module',
      });
    const mod = this.org.module(module);
    if (!mod)
      throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', {
        param_name: 'module',
      });
    const fields = (r.body as { fields?: unknown } | null)?.fields;
    if (!Array.isArray(fields) || fields.length === 0) {
      throw fail(400, 'MANDATORY_NOT_FOUND', 'required field not found', {
        api_name: 'fields',
        json_path: '$.fields',
      });
    }
    if (fields.length > 5)
      throw fail(400, 'LIMIT_EXCEEDED', 'at most 5 fields per call', { limit: 5, json_path: '$.fields' });
    const results = fields.map((raw, i) => this.createField(mod, raw as Record<string, unknown>, i));
    const ok = results.filter((x) => x.status === 'success').length;
    return { status: ok === results.length ? 201 : ok === 0 ? 400 : 207, body: { fields: results } };
  }

  private createField(mod: ModuleStore, f: Record<string, unknown>, i: number): Record<string, unknown> {
    const at = (api: string) => ({ api_name: api, json_path: `$.fields[${i}].${api}` });
    const label = typeof f.field_label === 'string' ? f.field_label.trim() : '';
    if (!label) return zohoError('MANDATORY_NOT_FOUND', 'required field not found', at('field_label'));
    const type = typeof f.data_type === 'string' ? f.data_type : '';
    if (!type) return zohoError('MANDATORY_NOT_FOUND', 'required field not found', at('data_type'));
    if (!CREATABLE.has(type)) return zohoError('INVALID_DATA', 'invalid data type', at('data_type'));
    if (mod.fields.some((x) => x.field_label.toLowerCase() === label.toLowerCase())) {
      return zohoError('DUPLICATE_DATA', 'duplicate data', at('field_label'));
    }
    const customCount = mod.fields.filter((x) => x.custom_field).length;
    const cap = CUSTOM_FIELD_CAP[this.edition];
    if (customCount >= cap) {
      return zohoError('LIMIT_EXCEEDED', 'custom field limit reached', {
        limit: cap,
        limit_due_to: [{ edition: this.edition }],
      });
    }
    const ranges: Record<string, [number, number]> = {
      text: [1, 255],
      integer: [1, 9],
      currency: [1, 16],
      double: [1, 18],
      percent: [1, 5],
      bigint: [1, 18],
      email: [1, 100],
      phone: [1, 30],
      website: [1, 450],
    };
    let length = typeof f.length === 'number' ? f.length : undefined;
    const range = ranges[type];
    if (range && length !== undefined && (length < range[0] || length > range[1])) {
      return zohoError('INVALID_DATA', `length must be between ${range[0]} and ${range[1]}`, at('length'));
    }
    if (type === 'textarea') {
      if (length !== undefined && ![2000, 32000, 50000].includes(length)) {
        return zohoError('INVALID_DATA', 'textarea length must be 2000, 32000 or 50000', at('length'));
      }
      length ??= 2000;
    }
    let base = label.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'Field';
    if (/^[0-9]/.test(base)) base = `Field_${base}`;
    let api = base;
    for (let n = 1; mod.field(api); n++) api = `${base}_${n}`;
    const meta: FieldMeta = this.org.field(mod, api, type, {
      label,
      custom_field: true,
      ...(length !== undefined ? { length } : {}),
      ...(typeof f.decimal_place === 'number' ? { decimal_place: f.decimal_place } : {}),
      ...(type === 'picklist' && Array.isArray(f.pick_list_values)
        ? {
            pick_list_values: this.org.picklist(
              (f.pick_list_values as { display_value: string }[]).map((v) => v.display_value),
            ),
          }
        : {}),
    });
    return { code: 'SUCCESS', details: { id: meta.id }, message: 'field created', status: 'success' };
  }

  private modules(api: string | undefined): Reply {
    const list = [...this.org.modules.values()]
      .filter((m) => !api || m.apiName === api)
      .map((m) => ({
        id: m.id,
        api_name: m.apiName,
        module_name: m.apiName,
        singular_label: m.apiName.replace(/s$/, ''),
        plural_label: m.apiName,
        api_supported: true,
        generated_type: 'default',
      }));
    if (list.length === 0) throw fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid');
    return { status: 200, body: { modules: list } };
  }

  private currencies(): Reply {
    return {
      status: 200,
      body: {
        currencies: CURRENCIES.map((c, i) => ({
          id: `5725767000000100${i}`,
          iso_code: c.iso,
          symbol: c.symbol,
          name: c.iso,
          exchange_rate: Number(c.rate).toFixed(9),
          is_base: c.base,
          is_active: true,
          prefix_symbol: true,
          format: {
            decimal_separator: 'Period',
            thousand_separator: 'Comma',
            decimal_places: String(c.decimals),
          },
        })),
      },
    };
  }

  private watchApi(r: Req): Reply {
    if (r.method === 'GET') {
      const list = this.watch.list();
      return list.length === 0 ? { status: 204 } : { status: 200, body: { watch: list } };
    }
    if (r.method === 'DELETE') {
      const ids = (r.query.get('channel_ids') ?? '').split(',').filter(Boolean);
      if (ids.length === 0)
        throw fail(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
          param_name: 'channel_ids',
        });
      return { status: 200, body: { watch: this.watch.remove(ids) } };
    }
    if (r.method === 'POST' || r.method === 'PUT' || r.method === 'PATCH') {
      const items = (r.body as { watch?: unknown } | null)?.watch;
      const results = this.watch.upsert(items, r.method);
      const ok = results.filter((x) => x.status === 'success').length;
      return { status: ok === results.length ? 200 : ok === 0 ? 400 : 207, body: { watch: results } };
    }
    throw fail(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
  }
}

class ApiFail extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

function fail(status: number, code: string, message: string, details: Record<string, unknown> = {}): ApiFail {
  return new ApiFail(status, code, message, details);
}

function headerOf(r: Req, name: string): string | undefined {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Heavy calls share the sub-concurrency limit of 10 (fact sheet §6.2). */
function isHeavy(r: Req): boolean {
  if (r.path === '/crm/v8/coql' || r.path.endsWith('/search')) return true;
  if (r.method === 'GET' && (r.query.has('cvid') || r.query.has('sort_by'))) return true;
  if (r.method === 'PUT' || r.method === 'POST') {
    const data = (r.body as { data?: unknown } | null)?.data;
    return Array.isArray(data) && data.length > 10;
  }
  return false;
}

function endpointKey(r: Req): string {
  const path = r.path.replace(/\/\d{6,}(?=\/|$)/g, '/{id}');
  return `${r.method} ${path}`;
}

function emptyStats(): SandboxStats {
  return {
    calls: 0,
    credits: 0,
    rejected429: 0,
    byEndpoint: {},
    tokenRequests: 0,
    notifications: { sent: 0, failed: 0 },
    maxInflight: 0,
  };
}

/** `(Field:operator:value)and(...)` with Zoho's escapes; equals on text behaves like contains. */
function parseSearchCriteria(criteria: string, mod: ModuleStore): (rec: Rec) => boolean {
  const parts: { join: 'and' | 'or' | null; test: (rec: Rec) => boolean }[] = [];
  const re = /(and|or)?\s*\(\(?([A-Za-z0-9_$.]+):([a-z_]+):((?:\\.|[^)\\])*)\)\)?/gy;
  let m: RegExpExecArray | null;
  let count = 0;
  let pos = 0;
  for (;;) {
    re.lastIndex = pos;
    m = re.exec(criteria);
    if (!m) break;
    pos = re.lastIndex;
    count++;
    const [, join, field, op, rawValue] = m;
    const value = rawValue!.replace(/\\(.)/g, '$1');
    const f = mod.field(field!);
    if (!f && field !== 'id') throw fail(400, 'INVALID_QUERY', 'invalid query formed', { api_name: field });
    const type = f?.data_type ?? 'text';
    const get = (rec: Rec) => {
      const v = rec[field!];
      return v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : v;
    };
    const num = ['currency', 'double', 'integer', 'percent'].includes(type);
    const dt = type === 'datetime';
    const conv = (v: unknown) =>
      v == null ? null : dt ? Date.parse(String(v)) : num ? Number(v) : String(v);
    const values = op === 'in' ? value.split(',').map(conv) : [conv(value)];
    const test = (rec: Rec): boolean => {
      const v = conv(get(rec));
      if (v === null) return false;
      const w = values[0]!;
      switch (op) {
        case 'equals':
          return TEXT_TYPES.has(type) ? String(v).toLowerCase().includes(String(w).toLowerCase()) : v === w;
        case 'not_equal':
          return v !== w;
        case 'starts_with':
          return String(v).toLowerCase().startsWith(String(w).toLowerCase());
        case 'in':
          return values.includes(v);
        case 'greater_than':
          return (v as number) > (w as number);
        case 'greater_equal':
          return (v as number) >= (w as number);
        case 'less_than':
          return (v as number) < (w as number);
        case 'less_equal':
          return (v as number) <= (w as number);
        case 'between': {
          const [lo, hi] = value.split(',').map(conv);
          return (v as number) >= (lo as number) && (v as number) <= (hi as number);
        }
        default:
          throw fail(400, 'INVALID_QUERY', `invalid operator ${op}`, { api_name: field });
      }
    };
    parts.push({ join: (join as 'and' | 'or' | undefined) ?? null, test });
  }
  if (count === 0 || pos !== criteria.length)
    throw fail(400, 'INVALID_QUERY', 'invalid query formed', { param_name: 'criteria' });
  if (count > 10) throw fail(400, 'LIMIT_EXCEEDED', 'at most 10 criteria', { limit: 10 });
  return (rec) => {
    let acc = parts[0]!.test(rec);
    for (const p of parts.slice(1)) acc = p.join === 'or' ? acc || p.test(rec) : acc && p.test(rec);
    return acc;
  };
}
