// Bulk Read as documented (fact sheet §3.1): POST /crm/bulk/v8/read creates a job
// (50 credits, JSON only or 415), the job moves ADDED → IN PROGRESS → COMPLETED,
// a callback is POSTed when it completes, and /result serves a ZIP with one CSV of
// up to 200,000 records per page.
import type { ModuleStore, Rec, SandboxOrg } from './sandbox.data.js';
import { SANDBOX_USER, zohoDateTime } from './sandbox.data.js';
import { csvCell, zipOne } from './sandbox.zip.js';

export const BULK_PAGE = 200_000;

interface Job {
  id: string;
  state: 'ADDED' | 'IN PROGRESS' | 'COMPLETED' | 'FAILURE';
  module: ModuleStore;
  fields: string[];
  page: number;
  createdTime: string;
  count?: number;
  moreRecords?: boolean;
  zip?: Buffer;
  callback: { url: string; method: string } | null;
}

export class BulkError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Criteria = {
  group_operator?: string;
  group?: Criteria[];
  field?: { api_name?: string };
  comparator?: string;
  value?: unknown;
};

export class SandboxBulk {
  readonly jobs = new Map<string, Job>();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly org: SandboxOrg,
    private readonly apiBase: () => string,
    /** How long a job takes to complete (Zoho: seconds to minutes). */
    public delayMs = 20,
  ) {}

  create(body: unknown, contentType: string): Record<string, unknown> {
    if (!contentType.includes('application/json')) {
      throw new BulkError(415, 'MEDIA_TYPE_NOT_SUPPORTED', 'The Content-Type should be application/json');
    }
    const b = (body ?? {}) as {
      query?: Record<string, unknown>;
      callback?: { url?: unknown; method?: unknown };
    };
    const q = b.query;
    const api = (q?.module as { api_name?: unknown } | undefined)?.api_name;
    if (typeof api !== 'string')
      throw new BulkError(400, 'MANDATORY_NOT_FOUND', 'required field not found', {
        api_name: 'query.module',
      });
    const module = this.org.module(api);
    if (!module) throw new BulkError(400, 'INVALID_DATA', 'invalid module', { api_name: 'module' });
    const fields =
      Array.isArray(q?.fields) && q.fields.length > 0
        ? (q.fields as string[])
        : module.fields.map((f) => f.api_name);
    for (const f of fields) {
      if (f !== 'id' && !module.field(f.split('.')[0]!))
        throw new BulkError(400, 'INVALID_DATA', `invalid field ${f}`, { api_name: f });
    }
    const page = typeof q?.page === 'number' ? q.page : 1;
    const cb =
      b.callback && typeof b.callback.url === 'string'
        ? { url: b.callback.url, method: String(b.callback.method ?? 'post') }
        : null;
    const id = this.org.nextId();
    const job: Job = {
      id,
      state: 'ADDED',
      module,
      fields,
      page,
      createdTime: this.org.stamp(),
      callback: cb,
    };
    this.jobs.set(id, job);
    const pred = compileCriteria(module, (q?.criteria as Criteria | undefined) ?? null);
    const run = new Promise<void>((resolve) => setTimeout(resolve, this.delayMs)).then(() =>
      this.complete(job, pred),
    );
    this.inflight.add(run);
    void run.finally(() => this.inflight.delete(run));
    return {
      data: [
        {
          status: 'success',
          code: 'ADDED_SUCCESSFULLY',
          message: 'Added successfully.',
          details: {
            id,
            operation: 'read',
            state: 'ADDED',
            created_by: { id: SANDBOX_USER.id, name: SANDBOX_USER.name },
            created_time: job.createdTime,
          },
        },
      ],
      info: {},
    };
  }

  private async complete(job: Job, pred: (r: Rec) => boolean): Promise<void> {
    job.state = 'IN PROGRESS';
    const matches: Rec[] = [];
    for (const id of job.module.ids) {
      const r = job.module.records.get(id)!;
      if (pred(r)) matches.push(r);
    }
    const slice = matches.slice((job.page - 1) * BULK_PAGE, job.page * BULK_PAGE);
    const header = ['Id', ...job.fields.filter((f) => f !== 'id')];
    const lines = [header.join(',')];
    for (const r of slice) lines.push([r.id, ...header.slice(1).map((f) => csvCell(r[f]))].join(','));
    job.zip = zipOne(`${job.id}.csv`, Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'));
    job.count = slice.length;
    job.moreRecords = matches.length > job.page * BULK_PAGE;
    job.state = 'COMPLETED';
    if (job.callback) {
      await fetch(job.callback.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: [this.describe(job)] }),
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
    }
  }

  describe(job: Job): Record<string, unknown> {
    return {
      id: job.id,
      operation: 'read',
      state: job.state,
      query: { module: { id: job.module.id, api_name: job.module.apiName }, page: job.page },
      created_by: { id: SANDBOX_USER.id, name: SANDBOX_USER.name },
      created_time: job.createdTime,
      file_type: 'csv',
      ...(job.state === 'COMPLETED'
        ? {
            result: {
              page: job.page,
              per_page: BULK_PAGE,
              count: job.count,
              download_url: `/crm/bulk/v8/read/${job.id}/result`,
              more_records: job.moreRecords,
            },
          }
        : {}),
    };
  }

  status(id: string): Record<string, unknown> {
    const job = this.jobs.get(id);
    if (!job)
      throw new BulkError(400, 'INVALID_DATA', 'the job id given seems to be invalid', {
        api_name: 'job_id',
      });
    return { data: [this.describe(job)] };
  }

  result(id: string): Buffer {
    const job = this.jobs.get(id);
    if (!job)
      throw new BulkError(400, 'INVALID_DATA', 'the job id given seems to be invalid', {
        api_name: 'job_id',
      });
    if (job.state !== 'COMPLETED' || !job.zip)
      throw new BulkError(400, 'INVALID_DATA', 'the job is not completed yet', { state: job.state });
    return job.zip;
  }

  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  stamp(ms: number): string {
    return zohoDateTime(ms, this.org.offsetMinutes);
  }

  get base(): string {
    return this.apiBase();
  }
}

function compileCriteria(mod: ModuleStore, c: Criteria | null): (r: Rec) => boolean {
  if (!c) return () => true;
  if (Array.isArray(c.group)) {
    const parts = c.group.map((g) => compileCriteria(mod, g));
    return c.group_operator === 'or' ? (r) => parts.some((p) => p(r)) : (r) => parts.every((p) => p(r));
  }
  const name = c.field?.api_name;
  if (!name)
    throw new BulkError(400, 'INVALID_DATA', 'criteria field missing', { api_name: 'criteria.field' });
  const f = mod.field(name);
  if (!f && name !== 'id')
    throw new BulkError(400, 'INVALID_DATA', `invalid criteria field ${name}`, { api_name: name });
  const type = f?.data_type ?? 'id';
  const conv = (v: unknown): number | string | null => {
    if (v == null) return null;
    if (v && typeof v === 'object' && 'id' in v) return String((v as { id: unknown }).id);
    if (type === 'datetime') return Date.parse(String(v));
    if (['currency', 'double', 'integer', 'percent'].includes(type)) return Number(v);
    return String(v);
  };
  const values = Array.isArray(c.value) ? c.value.map(conv) : [conv(c.value)];
  const w = values[0]!;
  const get = (r: Rec) => conv(name === 'id' ? r.id : r[name]);
  switch (c.comparator) {
    case 'equal':
      return (r) => get(r) === w;
    case 'not_equal':
      return (r) => get(r) !== w;
    case 'in':
      return (r) => values.includes(get(r));
    case 'not_in':
      return (r) => !values.includes(get(r));
    case 'greater_than':
      return (r) => cmp(get(r), w) > 0;
    case 'greater_equal':
      return (r) => cmp(get(r), w) >= 0;
    case 'less_than':
      return (r) => get(r) !== null && cmp(get(r), w) < 0;
    case 'less_equal':
      return (r) => get(r) !== null && cmp(get(r), w) <= 0;
    case 'between':
      return (r) => get(r) !== null && cmp(get(r), values[0]!) >= 0 && cmp(get(r), values[1]!) <= 0;
    default:
      throw new BulkError(400, 'INVALID_DATA', `invalid comparator ${String(c.comparator)}`, {
        api_name: 'comparator',
      });
  }
}

function cmp(a: number | string | null, b: number | string | null): number {
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
