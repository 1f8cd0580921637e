// A local Fxiaoke OpenAPI gateway that behaves as the fact sheet documents: both token styles,
// data query/get/update, describe, object list, custom-object paths, the filter operators,
// page size 100, offset ≤ 10000 (errorCode 10013), errors as HTTP 200 bodies, per-endpoint
// limits (14001 / 30004), a daily quota (30002), token expiry (20016), the APL controller
// function endpoint, and the encrypted data-change callback. Sandbox-only routes live
// under /sandbox/ (call counters, marking a deal 赢单 as a CRM user would, fault injection).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FX_PATHS, isCustomObject } from '../fxiaoke.hosts.js';
import { PushSender } from './sandbox.callbacks.js';
import {
  buildDescribes,
  type ResultFieldMode,
  type SandboxDescribe,
  type SandboxField,
} from './sandbox.describe.js';
import { type FxRecord, SEED_NOW, seedTenant } from './sandbox.seed.js';
import { type Filter, ObjectTable, OPERATORS, project, runQuery } from './sandbox.store.js';
import { SANDBOX_APP, SANDBOX_TENANT } from './sandbox.tenant.js';
import { type Problem, TokenIssuer } from './sandbox.tokens.js';
import { UserCodes } from './sandbox.user-oauth.js';
import { validateFields } from './sandbox.validate.js';

export { SANDBOX_APP, SANDBOX_TENANT };

export interface FxiaokeSandboxOptions {
  port?: number;
  host?: string;
  seed?: number;
  partners?: number;
  accounts?: number;
  opportunities?: number;
  /** Api name of the partner lookup on AccountObj / NewOpportunityObj (UNVERIFIED in reality). */
  partnerLookupField?: string;
  /** Whether the admin already created the result fields, and how they are named. */
  resultFields?: ResultFieldMode;
  /** Per-endpoint limit (docs: 100 / 20 s today, 60 / 20 s in 2023). Exceeding → 14001. */
  rateLimit?: { calls: number; perMs: number };
  /** Optional per-second burst limit per endpoint. Exceeding → 30004. */
  burstPerSecond?: number | null;
  /** Token endpoint limit (≤ 10 / min, DERIVED). Exceeding → 14001. */
  tokenRateLimit?: { calls: number; perMs: number };
  /** Business calls per China day. Exceeding → 30002. */
  dailyQuota?: number;
  /** Added to every response (benchmarks with realistic latency). */
  latencyMs?: number;
  /** Api name of the installed APL controller function; null = not installed. */
  aplFunction?: string | null;
  /** Time source (ms). Defaults to the wall clock. */
  now?: () => number;
}

type Json = Record<string, unknown>;
type Answer = { status?: number; body: unknown };

const CN = 8 * 3600_000;

function chinaDay(ms: number): number {
  return Math.floor((ms + CN) / 86_400_000);
}

export class FxiaokeSandbox {
  readonly tables = new Map<string, ObjectTable>();
  readonly describes: Record<string, SandboxDescribe>;
  readonly push: PushSender;
  readonly calls = {
    total: 0,
    byPath: {} as Record<string, number>,
    byCode: {} as Record<string, number>,
    missingTraceId: 0,
  };
  private readonly tokens = new TokenIssuer();
  /** App SSO codes (GET /oauth2.0/authorize → POST /oauth2.0/getUserInfoByCode). */
  readonly userCodes = new UserCodes();
  private windows = new Map<string, number[]>();
  private quota = { day: -1, used: 0 };
  private faults: { path: string; code: number; remaining: number }[] = [];
  private postIds = new Map<string, unknown>();
  private clockOffset = 0;
  private server: Server | null = null;
  url = '';
  readonly opts: Required<Omit<FxiaokeSandboxOptions, 'now' | 'port' | 'host'>> & { now: () => number };

  constructor(options: FxiaokeSandboxOptions = {}) {
    this.opts = {
      seed: options.seed ?? 42,
      partners: options.partners ?? 200,
      accounts: options.accounts ?? options.partners ?? 200,
      opportunities: options.opportunities ?? 5_000,
      partnerLookupField: options.partnerLookupField ?? 'partner_id',
      resultFields: options.resultFields ?? 'none',
      rateLimit: options.rateLimit ?? { calls: 100, perMs: 20_000 },
      burstPerSecond: options.burstPerSecond ?? null,
      tokenRateLimit: options.tokenRateLimit ?? { calls: 10, perMs: 60_000 },
      dailyQuota: options.dailyQuota ?? 100_000,
      latencyMs: options.latencyMs ?? 0,
      aplFunction: options.aplFunction === undefined ? null : options.aplFunction,
      now: options.now ?? Date.now,
    };
    this.describes = buildDescribes({
      partnerLookupField: this.opts.partnerLookupField,
      resultFields: this.opts.resultFields,
    });
    const seeded = seedTenant({
      seed: this.opts.seed,
      partners: this.opts.partners,
      accounts: this.opts.accounts,
      opportunities: this.opts.opportunities,
      partnerLookupField: this.opts.partnerLookupField,
    });
    for (const [api, rows] of Object.entries(seeded)) {
      const t = new ObjectTable(api);
      t.load(rows);
      this.tables.set(api, t);
    }
    this.push = new PushSender(SANDBOX_TENANT.tenantId, () => this.now());
  }

  now(): number {
    return this.opts.now() + this.clockOffset;
  }

  // ---------------------------------------------------------------- lifecycle

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const a = this.server.address() as AddressInfo;
    this.url = `http://${host}:${a.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await this.push.idle();
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  // ---------------------------------------------------------------- sandbox controls (also over HTTP)

  resetCalls(): void {
    this.calls.total = 0;
    this.calls.byPath = {};
    this.calls.byCode = {};
    this.calls.missingTraceId = 0;
  }

  advanceClock(ms: number): void {
    this.clockOffset += ms;
  }

  expireTokens(): void {
    this.tokens.expireAll();
  }

  injectFault(path: string, code: number, times = 1): void {
    this.faults.push({ path, code, remaining: times });
  }

  clearFaults(): void {
    this.faults = [];
  }

  addField(
    apiName: string,
    field: Partial<SandboxField> & { api_name: string; label: string; type: string },
  ): void {
    const d = this.describes[apiName];
    if (!d) throw new Error(`no object ${apiName}`);
    d.fields[field.api_name] = {
      describe_api_name: apiName,
      define_type: 'custom',
      is_active: true,
      is_required: false,
      ...field,
    };
  }

  record(apiName: string, id: string): FxRecord | undefined {
    return this.tables.get(apiName)?.byId.get(id);
  }

  /** A CRM user marks the opportunity 赢单: status, stage, close date today; workflows run. */
  winOpportunity(id: string): FxRecord {
    const wonStatus = this.optionValue('NewOpportunityObj', 'sales_status', '赢单');
    const wonStage = this.optionValue('NewOpportunityObj', 'sales_stage', '赢单');
    const now = this.now();
    return this.applyChange(
      'NewOpportunityObj',
      id,
      {
        sales_status: wonStatus,
        sales_stage: wonStage,
        probability: 100,
        stg_changed_time: now,
        close_date: Math.floor((now + CN) / 86_400_000) * 86_400_000 - CN,
      },
      { triggerWorkFlow: true, by: SANDBOX_TENANT.admin.openUserId },
    );
  }

  private optionValue(apiName: string, field: string, label: string): string {
    const o = this.describes[apiName]?.fields[field]?.options?.find((x) => x.label === label);
    if (!o) throw new Error(`${apiName}.${field} has no option ${label}`);
    return o.value;
  }

  /** Every write goes through here: version, modified time, callback, workflow. */
  applyChange(
    apiName: string,
    id: string,
    patch: FxRecord,
    o: { triggerWorkFlow: boolean; by: string },
  ): FxRecord {
    const table = this.tables.get(apiName);
    const rec = table?.byId.get(id);
    if (!table || !rec) throw new Error(`${apiName} ${id} not found`);
    const wonBefore = this.isWon(apiName, rec);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === '') delete rec[k];
      else rec[k] = v;
      const target = this.describes[apiName]?.fields[k];
      if (target?.type === 'object_reference' && typeof v === 'string') {
        const name = this.tables.get(target.target_api_name ?? '')?.byId.get(v)?.name;
        if (name !== undefined) rec[`${k}__r`] = name;
      }
    }
    const now = this.now();
    rec.last_modified_time = Math.max(now, Number(rec.last_modified_time ?? 0) + 1);
    rec.last_modified_by = [o.by];
    rec.version = String(Number(rec.version ?? '1') + 1);
    this.push.notifyChange({ apiName, dataId: id, eventType: 'update' });
    if (o.triggerWorkFlow && !wonBefore && this.isWon(apiName, rec)) {
      this.push.notifyWorkflow(apiName, id, rec.last_modified_time as number);
    }
    return rec;
  }

  private isWon(apiName: string, rec: FxRecord): boolean {
    return (
      apiName === 'NewOpportunityObj' &&
      rec.sales_status === this.optionValue(apiName, 'sales_status', '赢单')
    );
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    let answer: Answer;
    try {
      const raw = await readBody(req);
      if (this.opts.latencyMs > 0) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
      if (url.pathname === '/oauth2.0/authorize' && req.method === 'GET') {
        // A browser navigation, answered with a redirect back to the app (not JSON).
        const a = this.userCodes.authorize(url, this.now());
        if ('redirect' in a) {
          res.writeHead(302, { location: a.redirect, 'content-length': 0 });
          res.end();
          return;
        }
        answer = a;
      } else if (url.pathname.startsWith('/sandbox/')) {
        answer = this.control(req.method ?? 'GET', url, raw);
      } else {
        let body: Json = {};
        if (raw.length) {
          try {
            body = JSON.parse(raw.toString('utf8')) as Json;
          } catch {
            answer = { body: this.error(32000, '参数错误', 'request body is not JSON') };
            return send(res, answer);
          }
        }
        answer = this.api(url, req, body);
      }
    } catch (e) {
      answer = {
        status: 500,
        body: { errorCode: -2, errorMessage: '系统错误', errorDescription: String(e) },
      };
    }
    send(res, answer);
  }

  private error(code: number, message: string, description = message): Json {
    this.calls.byCode[code] = (this.calls.byCode[code] ?? 0) + 1;
    return { errorCode: code, errorMessage: message, errorDescription: description, traceId: this.traceId() };
  }

  private ok(extra: Json = {}): Json {
    this.calls.byCode[0] = (this.calls.byCode[0] ?? 0) + 1;
    return {
      traceId: this.traceId(),
      errorCode: 0,
      errorMessage: 'OK',
      errorDescription: 'success',
      ...extra,
    };
  }

  private traceId(): string {
    return `E-O.${SANDBOX_TENANT.ea}.1000-${randomBytes(6).toString('hex')}`;
  }

  private limited(key: string, limit: { calls: number; perMs: number }): boolean {
    const now = this.now();
    const w = (this.windows.get(key) ?? []).filter((t) => t > now - limit.perMs);
    const over = w.length >= limit.calls;
    if (!over) w.push(now);
    this.windows.set(key, w);
    return over;
  }

  private api(url: URL, req: IncomingMessage, body: Json): Answer {
    const path = url.pathname;
    this.calls.total += 1;
    this.calls.byPath[path] = (this.calls.byPath[path] ?? 0) + 1;
    if (!url.searchParams.get('thirdTraceId')) this.calls.missingTraceId += 1;

    const fault = this.faults.find((f) => f.remaining > 0 && (f.path === '*' || f.path === path));
    if (fault) {
      fault.remaining -= 1;
      return { body: this.error(fault.code, `injected errorCode ${fault.code}`) };
    }

    if (path === FX_PATHS.legacyToken || path === FX_PATHS.oauthToken) {
      if (this.limited(`token`, this.opts.tokenRateLimit))
        return { body: this.error(14001, '接口调用超过限制') };
      const issued = this.tokens.issue(
        path === FX_PATHS.oauthToken ? 'oauth2' : 'legacy',
        body,
        this.now(),
        () => this.ok(),
      );
      return { body: 'problem' in issued ? this.fromProblem(issued as Problem) : issued };
    }

    if (path === '/oauth2.0/getUserInfoByCode') {
      const r = this.userCodes.exchange(body, this.now());
      if ('problem' in r) return { body: this.fromProblem(r) };
      return { body: { ...this.ok(), errorMessage: 'success', data: r.openUserId } };
    }

    const known = new Set<string>([
      FX_PATHS.userByMobile,
      FX_PATHS.query,
      FX_PATHS.customQuery,
      FX_PATHS.get,
      FX_PATHS.customGet,
      FX_PATHS.update,
      FX_PATHS.customUpdate,
      FX_PATHS.describe,
      FX_PATHS.objectList,
      FX_PATHS.create,
      FX_PATHS.invalid,
      FX_PATHS.specialFunction,
    ]);
    if (!known.has(path)) return { status: 404, body: { error: `no such OpenAPI path ${path}` } };

    if (this.limited(`ep:${path}`, this.opts.rateLimit))
      return { body: this.error(14001, '接口调用超过限制') };
    if (
      this.opts.burstPerSecond &&
      this.limited(`burst:${path}`, { calls: this.opts.burstPerSecond, perMs: 1_000 })
    ) {
      return { body: this.error(30004, '秒频次超限') };
    }
    const day = chinaDay(this.now());
    if (this.quota.day !== day) this.quota = { day, used: 0 };
    if (this.quota.used >= this.opts.dailyQuota) return { body: this.error(30002, '当天访问频次超限') };
    this.quota.used += 1;

    const authError = this.tokens.authenticate(req, body, path !== FX_PATHS.userByMobile, this.now());
    if (authError) return { body: this.fromProblem(authError) };
    const data = (body.data && typeof body.data === 'object' ? body.data : {}) as Json;

    switch (path) {
      case FX_PATHS.userByMobile:
        return { body: this.userByMobile(body) };
      case FX_PATHS.query:
      case FX_PATHS.customQuery:
        return { body: this.query(data, path === FX_PATHS.customQuery) };
      case FX_PATHS.get:
      case FX_PATHS.customGet:
        return { body: this.get(data, path === FX_PATHS.customGet) };
      case FX_PATHS.update:
      case FX_PATHS.customUpdate:
        return { body: this.update(body, data, path === FX_PATHS.customUpdate) };
      case FX_PATHS.describe:
        return { body: this.describe(body, data) };
      case FX_PATHS.objectList:
        return { body: this.objectList() };
      case FX_PATHS.create:
        return { body: this.create(body, data) };
      case FX_PATHS.invalid:
        return { body: this.invalidate(data) };
      case FX_PATHS.specialFunction:
        return { body: this.specialFunction(data) };
    }
    return { status: 404, body: { error: path } };
  }

  private userByMobile(b: Json): Json {
    const a = SANDBOX_TENANT.admin;
    const empList =
      b.mobile === a.mobile
        ? [{ openUserId: a.openUserId, name: a.name, mobile: a.mobile, isStop: false }]
        : [];
    return { ...this.ok(), errorMessage: 'success', empList };
  }

  private table(apiName: unknown, customPath: boolean): ObjectTable | Json {
    if (typeof apiName !== 'string' || !apiName)
      return this.error(15002, '参数不合法', 'dataObjectApiName is required');
    if (customPath !== isCustomObject(apiName)) {
      return this.error(
        15002,
        '参数不合法',
        customPath
          ? 'custom-object paths only apply to objects whose ApiName ends with __c'
          : `${apiName} is a custom object: use /cgi/crm/custom/v2/...`,
      );
    }
    return this.tables.get(apiName) ?? this.error(15002, '参数不合法', `object ${apiName} does not exist`);
  }

  private query(data: Json, customPath: boolean): Json {
    const t = this.table(data.dataObjectApiName, customPath);
    if (!(t instanceof ObjectTable)) return t;
    const sqi = (data.search_query_info ?? {}) as Json;
    const limit = Number(sqi.limit ?? 20);
    const offset = Number(sqi.offset ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return this.error(15002, '参数不合法', 'limit must be 1..100');
    if (!Number.isInteger(offset) || offset < 0) return this.error(15002, '参数不合法', 'offset must be ≥ 0');
    if (offset > 10_000) return this.error(10013, 'offset out of range 10000', 'offset 不能超过10000');
    if (offset % limit !== 0) return this.error(15002, '参数不合法', 'offset must be a multiple of limit');
    const filters = (Array.isArray(sqi.filters) ? sqi.filters : []) as Filter[];
    for (const f of filters) {
      if (!f || typeof f.field_name !== 'string' || !OPERATORS.has(f.operator)) {
        return this.error(
          15002,
          '参数不合法',
          `bad filter ${JSON.stringify(f)} (operators: ${[...OPERATORS].join(', ')})`,
        );
      }
      if (!Array.isArray(f.field_values) && !['IS', 'ISN'].includes(f.operator)) {
        return this.error(15002, '参数不合法', `filter on ${f.field_name}: field_values must be a list`);
      }
    }
    const orders = (Array.isArray(sqi.orders) ? sqi.orders : []) as { fieldName: string; isAsc: boolean }[];
    const projection = (sqi.fieldProjection ?? data.fieldProjection) as string[] | undefined;
    const countTotal = data.find_explicit_total_num !== false;
    const { rows, total } = runQuery(t, { filters, orders, offset, limit, countTotal });
    return this.ok({ data: { dataList: rows.map((r) => project(r, projection)), offset, limit, total } });
  }

  private get(data: Json, customPath: boolean): Json {
    const t = this.table(data.dataObjectApiName, customPath);
    if (!(t instanceof ObjectTable)) return t;
    const rec = t.byId.get(String(data.objectDataId ?? ''));
    if (!rec) return this.error(15002, '参数不合法', `数据不存在: ${String(data.objectDataId)}`);
    return this.ok({ data: { ...rec } });
  }

  private validateFields(apiName: string, fields: Json): string | null {
    return validateFields(
      this.describes[apiName],
      apiName,
      fields,
      (api, id) => !!this.tables.get(api)?.byId.has(id),
    );
  }

  private fromProblem(p: Problem): Json {
    return this.error(p.problem[0], p.problem[1]);
  }

  private update(body: Json, data: Json, customPath: boolean): Json {
    const od = data.object_data as Json | undefined;
    if (!od || typeof od !== 'object') {
      // What a real tenant answered when fields were put under data.data (§2.4).
      return this.error(-2, '系统错误', 'java.lang.NullPointerException');
    }
    const { _id, dataObjectApiName, ...fields } = od;
    const t = this.table(dataObjectApiName, customPath);
    if (!(t instanceof ObjectTable)) return t;
    if (typeof _id !== 'string' || !t.byId.has(_id))
      return this.error(15002, '参数不合法', `数据不存在: ${String(_id)}`);
    const problem = this.validateFields(t.apiName, fields);
    if (problem) return this.error(15002, '参数不合法', problem);
    // triggerWorkFlow defaults to true when omitted (§2.4).
    this.applyChange(t.apiName, _id, fields, {
      triggerWorkFlow: body.triggerWorkFlow !== false,
      by: SANDBOX_TENANT.admin.openUserId,
    });
    return this.ok({ dataId: _id });
  }

  /** data/create (§2.5): dataObjectApiName inside object_data; answers dataId. */
  private create(body: Json, data: Json): Json {
    const od = data.object_data as Json | undefined;
    if (!od || typeof od !== 'object') return this.error(-2, '系统错误', 'java.lang.NullPointerException');
    const { dataObjectApiName, _id: _ignored, ...fields } = od;
    const t = this.table(dataObjectApiName, false);
    if (!(t instanceof ObjectTable)) return t;
    if (typeof fields.name !== 'string' || !fields.name)
      return this.error(15002, '参数不合法', 'name is required');
    const problem = this.validateFields(t.apiName, fields);
    if (problem) return this.error(15002, '参数不合法', problem);
    const rec = this.createRecord(t.apiName, fields, body.triggerWorkFlow !== false);
    return this.ok({ dataId: rec._id });
  }

  /** Creates a record as the API or a CRM user would; fires the callback (and the workflow if won). */
  createRecord(apiName: string, fields: FxRecord, triggerWorkFlow = true): FxRecord {
    const t = this.tables.get(apiName);
    if (!t) throw new Error(`no object ${apiName}`);
    const now = this.now();
    const by = SANDBOX_TENANT.admin.openUserId;
    const rec = t.create({
      owner: [by],
      created_by: [by],
      create_time: now,
      last_modified_by: [by],
      last_modified_time: now,
      life_status: 'normal',
      lock_status: '0',
      record_type: 'default__c',
      version: '1',
    });
    for (const [k, v] of Object.entries(fields)) {
      if (v === null || v === undefined || v === '') continue;
      rec[k] = v;
      const target = this.describes[apiName]?.fields[k];
      if (target?.type === 'object_reference' && typeof v === 'string') {
        const name = this.tables.get(target.target_api_name ?? '')?.byId.get(v)?.name;
        if (name !== undefined) rec[`${k}__r`] = name;
      }
    }
    this.push.notifyChange({ apiName, dataId: rec._id as string, eventType: 'add' });
    if (triggerWorkFlow && this.isWon(apiName, rec))
      this.push.notifyWorkflow(apiName, rec._id as string, now);
    return rec;
  }

  /** data/invalid (作废): the record moves to the recycle bin; queries hide it by default. */
  private invalidate(data: Json): Json {
    const t = this.table(data.dataObjectApiName, false);
    if (!(t instanceof ObjectTable)) return t;
    const id = String(data.object_data_id ?? '');
    const rec = t.byId.get(id);
    if (!rec) return this.error(15002, '参数不合法', `数据不存在: ${id}`);
    this.invalidateRecord(t.apiName, id);
    return this.ok();
  }

  invalidateRecord(apiName: string, id: string): FxRecord {
    const rec = this.tables.get(apiName)?.byId.get(id);
    if (!rec) throw new Error(`${apiName} ${id} not found`);
    rec.life_status = 'invalid';
    rec.last_modified_time = Math.max(this.now(), Number(rec.last_modified_time ?? 0) + 1);
    rec.version = String(Number(rec.version ?? '1') + 1);
    this.push.notifyChange({ apiName, dataId: id, eventType: 'invalid' });
    return rec;
  }

  private describe(body: Json, data: Json): Json {
    const api = (data.apiName ?? body.apiName) as string | undefined;
    const d = api ? this.describes[api] : undefined;
    if (!d) return this.error(15002, '参数不合法', `object ${String(api)} does not exist`);
    return this.ok({ data: { describe: structuredClone(d) } });
  }

  private objectList(): Json {
    const objects = Object.values(this.describes).map((d) => ({
      describeApiName: d.api_name,
      describeDisplayName: d.display_name,
      defineType: 'package',
      isActive: true,
    }));
    objects.push({
      describeApiName: 'OpportunityObj',
      describeDisplayName: '商机',
      defineType: 'package',
      isActive: false,
    });
    return this.ok({ data: { objects } });
  }

  /**
   * The APL controller function from manifest/fxiaoke/ (when installed): batch-updates result
   * fields. postId makes a retried batch return the first answer without writing twice.
   */
  private specialFunction(data: Json): Json {
    if (!this.opts.aplFunction || data.api_name !== this.opts.aplFunction) {
      return this.error(
        15002,
        '参数不合法',
        `function ${String(data.api_name)} does not exist or is not a controller function`,
      );
    }
    const postId = typeof data.postId === 'string' ? data.postId : '';
    if (postId && this.postIds.has(postId)) return this.ok({ data: this.postIds.get(postId) });
    const params = Array.isArray(data.parameters) ? (data.parameters as Json[]) : [];
    const payload = params.find((p) => p.name === 'payload')?.value as Json | undefined;
    const apiName = String(payload?.objectApiName ?? '');
    const rows = (payload?.rows ?? {}) as Record<string, Json>;
    const fieldList = Array.isArray(payload?.fields) ? (payload.fields as string[]) : [];
    const table = this.tables.get(apiName);
    if (!table) return this.error(-2, '系统错误', `function failed: object ${apiName} does not exist`);
    const updated: string[] = [];
    const failed: { id: string; message: string }[] = [];
    for (const [id, values] of Object.entries(rows)) {
      // Fx.object.batchUpdate: fields listed but missing from a row are cleared.
      const patch = Object.fromEntries(fieldList.map((f) => [f, values[f] ?? null]));
      const problem = table.byId.has(id) ? this.validateFields(apiName, patch) : `数据不存在: ${id}`;
      if (problem) {
        failed.push({ id, message: problem });
        continue;
      }
      this.applyChange(apiName, id, patch, { triggerWorkFlow: false, by: '-10000' });
      updated.push(id);
    }
    const result = { updated, failed };
    if (postId) this.postIds.set(postId, result);
    return this.ok({ data: result });
  }

  private control(method: string, url: URL, raw: Buffer): Answer {
    const b = raw.length ? (JSON.parse(raw.toString('utf8')) as Json) : {};
    const route = `${method} ${url.pathname}`;
    switch (route) {
      case 'GET /sandbox/info':
        return {
          body: {
            app: SANDBOX_APP,
            tenant: SANDBOX_TENANT,
            counts: Object.fromEntries([...this.tables].map(([k, t]) => [k, t.rows.length])),
            seedNow: SEED_NOW,
          },
        };
      case 'GET /sandbox/calls':
        return { body: this.calls };
      case 'POST /sandbox/calls/reset':
        this.resetCalls();
        return { body: { ok: true } };
      case 'POST /sandbox/opportunity/win':
        return { body: { ok: true, record: this.winOpportunity(String(b.id)) } };
      case 'POST /sandbox/record/update':
        // A CRM user edits a record in the UI: workflows run.
        return {
          body: {
            ok: true,
            record: this.applyChange(String(b.apiName), String(b.id), (b.fields ?? {}) as FxRecord, {
              triggerWorkFlow: true,
              by: SANDBOX_TENANT.admin.openUserId,
            }),
          },
        };
      case 'POST /sandbox/record/invalid':
        return { body: { ok: true, record: this.invalidateRecord(String(b.apiName), String(b.id)) } };
      case 'POST /sandbox/callback':
        this.push.callback = {
          url: String(b.url),
          aesKey: String(b.aesKey),
          enterpriseAccount: String(b.enterpriseAccount ?? SANDBOX_TENANT.enterpriseAccount),
        };
        return { body: { ok: true } };
      case 'POST /sandbox/workflow':
        this.push.workflow = { url: String(b.url), secret: String(b.secret) };
        return { body: { ok: true } };
      case 'GET /sandbox/deliveries':
        return { body: { deliveries: this.push.deliveries } };
      case 'POST /sandbox/tokens/expire':
        this.expireTokens();
        return { body: { ok: true } };
      case 'POST /sandbox/clock/advance':
        this.advanceClock(Number(b.ms ?? 0));
        return { body: { ok: true, now: this.now() } };
      case 'DELETE /sandbox/faults':
        this.clearFaults();
        return { body: { ok: true } };
      case 'POST /sandbox/faults':
        this.injectFault(String(b.path ?? '*'), Number(b.code), Number(b.times ?? 1));
        return { body: { ok: true } };
      case 'POST /sandbox/fields':
        this.addField(String(b.apiName), b.field as SandboxField);
        return { body: { ok: true } };
      case 'POST /sandbox/oauth/signed-in':
        // Who is signed in to Fxiaoke in the browser (null: nobody) for the App SSO flow.
        this.userCodes.signedIn = b.openUserId === null ? null : String(b.openUserId);
        return { body: { ok: true } };
      case 'GET /sandbox/record': {
        const rec = this.record(url.searchParams.get('apiName') ?? '', url.searchParams.get('id') ?? '');
        return rec ? { body: rec } : { status: 404, body: { error: 'not found' } };
      }
    }
    return { status: 404, body: { error: `unknown sandbox route ${route}` } };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 5 * 1024 * 1024) {
        reject(new Error('body over 5 MB'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, a: Answer): void {
  const text = JSON.stringify(a.body);
  res.writeHead(a.status ?? 200, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Seeds, listens and returns the running sandbox. */
export async function startFxiaokeSandbox(options: FxiaokeSandboxOptions = {}): Promise<FxiaokeSandbox> {
  const s = new FxiaokeSandbox(options);
  await s.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return s;
}
