// Reading records for sync. Credits decide the path (fact sheet §6.1): COQL costs
// 3 credits per 2,000 records, GET records 1 per 200, so COQL is the default and a
// delta costs ceil(changed / 2,000) calls. We page COQL by keyset on `id` from the
// start (`id > last` … `order by id asc limit 2000`), which never meets the offset
// limit (100,000 in v8, 10,000 in older versions) and gives a cursor that resumes exactly. GET records (fields ≤ 50,
// 200 per page, page_token past 2,000) stays as the path for orgs without the COQL
// scope. Deletions come from `/{module}/deleted`.
import { z } from 'zod';
import type { Deleted, Page, Quarantined, Synced } from '../contract.js';
import type { ZohoClient } from './zoho.client.js';
import type { Mapped, ZohoRecord } from './zoho.mapping.js';

export const COQL_PAGE = 2000;
const COQL_IN_MAX = 50;

const CoqlResponseSchema = z.object({
  data: z.array(z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) })),
  info: z.looseObject({ count: z.number().optional(), more_records: z.boolean() }),
});

const RecordsResponseSchema = z.object({
  data: z.array(z.looseObject({ id: z.union([z.string(), z.number()]).transform(String) })),
  info: z.looseObject({
    more_records: z.boolean(),
    next_page_token: z.string().nullish(),
  }),
});

const DeletedResponseSchema = z.object({
  data: z.array(
    z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), deleted_time: z.string() }),
  ),
  info: z.looseObject({ more_records: z.boolean() }),
});

const CursorSchema = z.object({
  v: z.literal(1),
  via: z.enum(['coql', 'records', 'bulk']),
  afterId: z.string().nullable(),
  pageToken: z.string().nullable(),
  since: z.string().nullable(),
  /** Bulk Read: the job, its page, and the rows of its file already handed out. */
  jobId: z.string().optional(),
  page: z.number().int().positive().optional(),
  offset: z.number().int().nonnegative().optional(),
});
export type Cursor = z.infer<typeof CursorSchema>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
  } catch {
    throw new Error(`Zoho sync cursor "${s.slice(0, 40)}" is not one this connector issued`);
  }
}

/** COQL datetime literal: ISO-8601 with an offset, no milliseconds. */
export function coqlDateTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

/** COQL string literal with Zoho's backslash escapes. */
export function coqlString(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Zoho wants every level of more than two criteria bracketed: ((A and B) and C). */
export function andAll(criteria: string[]): string {
  if (criteria.length === 0) throw new Error('COQL needs at least one criterion');
  let acc = criteria[0]!;
  for (const c of criteria.slice(1)) acc = `(${acc} and ${c})`;
  return acc;
}

export function buildCoql(o: {
  module: string;
  fields: string[];
  criteria: string[];
  afterId: string | null;
  limit: number;
}): string {
  const criteria = [...o.criteria, `id > ${o.afterId ?? '0'}`];
  const where = andAll(criteria);
  return `select ${o.fields.join(', ')} from ${o.module} where ${where} order by id asc limit ${o.limit}`;
}

export function coqlCredits(limit: number): number {
  return limit <= 200 ? 1 : limit <= 1000 ? 2 : 3;
}

export interface ListSpec<T> {
  module: string;
  fields: string[];
  /** COQL criteria besides time and keyset (e.g. the partner filter). */
  criteria: string[];
  /** The same filter for GET records, applied client-side. */
  accept: (raw: ZohoRecord) => boolean;
  map: (raw: ZohoRecord) => Mapped<T>;
}

export function toPage<T>(rows: ZohoRecord[], spec: ListSpec<T>, cursor: string | null): Page<T> {
  const items: Synced<T>[] = [];
  const quarantined: Quarantined[] = [];
  for (const raw of rows) {
    const m = spec.map(raw);
    if (m.ok) items.push(m.value);
    else quarantined.push(m.quarantined);
  }
  return { items, quarantined, cursor };
}

export async function* listViaCoql<T>(
  client: ZohoClient,
  spec: ListSpec<T>,
  since: Date | null,
  cursor: string | null,
): AsyncIterable<Page<T>> {
  const start = cursor ? decodeCursor(cursor) : null;
  const sinceIso = start ? start.since : since ? coqlDateTime(since) : null;
  let afterId = start?.afterId ?? null;
  const criteria = [...spec.criteria];
  if (sinceIso) criteria.push(`Modified_Time >= '${sinceIso}'`);
  for (;;) {
    const query = buildCoql({
      module: spec.module,
      fields: spec.fields,
      criteria,
      afterId,
      limit: COQL_PAGE,
    });
    const res = await client.request<unknown>({
      method: 'POST',
      path: '/crm/v8/coql',
      data: { select_query: query },
      heavy: true,
      credits: coqlCredits(COQL_PAGE),
    });
    if (res.data === null) {
      yield { items: [], quarantined: [], cursor: null };
      return;
    }
    const body = parseBody(CoqlResponseSchema, res.data, 'COQL response');
    const rows = body.data as ZohoRecord[];
    const last = rows[rows.length - 1];
    afterId = last ? last.id : afterId;
    const more = body.info.more_records && rows.length > 0;
    yield toPage(
      rows,
      spec,
      more ? encodeCursor({ v: 1, via: 'coql', afterId, pageToken: null, since: sinceIso }) : null,
    );
    if (!more) return;
  }
}

export async function* listViaRecords<T>(
  client: ZohoClient,
  spec: ListSpec<T>,
  since: Date | null,
  cursor: string | null,
): AsyncIterable<Page<T>> {
  const start = cursor ? decodeCursor(cursor) : null;
  const sinceIso = start ? start.since : since ? coqlDateTime(since) : null;
  let pageToken = start?.pageToken ?? null;
  let page = pageToken ? null : 1;
  const fields = spec.fields.slice(0, 50);
  for (;;) {
    const res = await client.request<unknown>({
      method: 'GET',
      path: `/crm/v8/${spec.module}`,
      params: {
        fields: fields.join(','),
        per_page: 200,
        sort_by: 'id',
        sort_order: 'asc',
        ...(pageToken ? { page_token: pageToken } : { page: page ?? 1 }),
      },
      headers: sinceIso ? { 'If-Modified-Since': sinceIso } : {},
      heavy: true,
    });
    if (res.data === null) {
      yield { items: [], quarantined: [], cursor: null };
      return;
    }
    const body = parseBody(RecordsResponseSchema, res.data, 'records response');
    const rows = (body.data as ZohoRecord[]).filter(spec.accept);
    const more = body.info.more_records;
    // Pages 1–10 by number, then Zoho's page_token (fact sheet §2.1).
    if (more && page !== null && page < 10) {
      page++;
      pageToken = null;
    } else {
      page = null;
      pageToken = body.info.next_page_token ?? null;
    }
    const next = more
      ? encodeCursor({ v: 1, via: 'records', afterId: null, pageToken, since: sinceIso })
      : null;
    if (more && page !== null) {
      // A page-number position is not resumable across processes; re-start at page 1 is cheap (≤ 10 calls).
      yield toPage(
        rows,
        spec,
        encodeCursor({ v: 1, via: 'records', afterId: null, pageToken: null, since: sinceIso }),
      );
    } else {
      yield toPage(rows, spec, next);
    }
    if (!more) return;
    if (page === null && !pageToken) throw new Error('Zoho said more_records but sent no next_page_token');
  }
}

/** Records by id (push-driven sync): `id in (…)` ≤ 50 values per call, LIMIT sized to cost 1 credit. */
export async function getByIds<T>(client: ZohoClient, spec: ListSpec<T>, ids: string[]): Promise<Page<T>> {
  const clean = [...new Set(ids.filter((id) => /^\d{1,19}$/.test(id)))];
  const chunks: string[][] = [];
  for (let i = 0; i < clean.length; i += COQL_IN_MAX) chunks.push(clean.slice(i, i + COQL_IN_MAX));
  // Chunks run side by side; the tenant's limiter keeps COQL within its sub-concurrency of 10.
  const pages = await Promise.all(
    chunks.map(async (chunk) => {
      const query = `select ${spec.fields.join(', ')} from ${spec.module} where id in (${chunk.join(', ')}) limit ${chunk.length}`;
      const res = await client.request<unknown>({
        method: 'POST',
        path: '/crm/v8/coql',
        data: { select_query: query },
        heavy: true,
        credits: coqlCredits(chunk.length),
      });
      if (res.data === null) return null;
      return toPage(
        parseBody(CoqlResponseSchema, res.data, 'COQL response').data as ZohoRecord[],
        spec,
        null,
      );
    }),
  );
  const out: Page<T> = { items: [], quarantined: [], cursor: null };
  for (const page of pages) {
    if (!page) continue;
    out.items.push(...page.items);
    out.quarantined.push(...page.quarantined);
  }
  return out;
}

export async function* listDeletedRecords(
  client: ZohoClient,
  module: string,
  entities: Deleted['entity'][],
  since: Date,
): AsyncIterable<Deleted[]> {
  for (let page = 1; ; page++) {
    const res = await client.request<unknown>({
      method: 'GET',
      path: `/crm/v8/${module}/deleted`,
      params: { type: 'all', page, per_page: 200 },
      headers: { 'If-Modified-Since': coqlDateTime(since) },
    });
    if (res.data === null) return;
    const body = parseBody(DeletedResponseSchema, res.data, 'deleted records response');
    yield body.data.flatMap((d) =>
      entities.map((entity) => ({ entity, id: d.id, deletedAt: d.deleted_time })),
    );
    if (!body.info.more_records) return;
  }
}

export function parseBody<S extends z.ZodType>(schema: S, data: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Zoho ${what} unexpected at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
