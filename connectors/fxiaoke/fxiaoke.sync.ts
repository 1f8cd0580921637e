// Paging through /cgi/crm/v2/data/query (fact sheet §2.2): pages of ≤ 100 with a
// fieldProjection, ordered by _id; `offset` paging while offset ≤ 10000 (the documented
// ceiling, errorCode 10013 beyond), then an `_id` cursor (`_id GT last`, offset 0).
// Incremental runs add `last_modified_time GTE since` (ms epoch as a string, §2.2).
// The cursor is opaque and resumable: it encodes since, the last _id and the offset.
import { z } from 'zod';
import type { FxiaokeClient } from './fxiaoke.client.js';
import { dataPath } from './fxiaoke.hosts.js';
import type { FxRecord } from './fxiaoke.mapping.js';

export const QueryResponseSchema = z
  .object({
    data: z
      .object({
        dataList: z.array(z.record(z.string(), z.unknown())).default([]),
        total: z.coerce.number().optional(),
      })
      .loose(),
  })
  .loose();

export interface FxFilter {
  field_name: string;
  operator: string;
  field_values: string[];
}

const CursorSchema = z.object({
  v: z.literal(1),
  since: z.number().nullable(),
  afterId: z.string().nullable(),
  offset: z.number().int().nonnegative(),
});
type CursorState = z.infer<typeof CursorSchema>;

export function encodeCursor(c: CursorState): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): CursorState {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
  } catch {
    throw new Error('invalid Fxiaoke sync cursor (not produced by this connector version)');
  }
}

export interface PageOptions {
  apiName: string;
  fields: string[];
  since?: Date | undefined;
  cursor?: string | null | undefined;
  filters?: FxFilter[];
  pageSize: number;
  maxOffset: number;
}

export interface RawPage {
  rows: FxRecord[];
  /** Resume point after this page; null when this was the last page. */
  cursor: string | null;
}

/** One query page. */
export async function queryPage(
  client: FxiaokeClient,
  apiName: string,
  q: { filters: FxFilter[]; offset: number; limit: number; fields: string[] },
): Promise<FxRecord[]> {
  const res = await client.call(
    dataPath(apiName, 'query'),
    {
      data: {
        dataObjectApiName: apiName,
        // Totals are not needed for paging and cost the server time (§2.2).
        find_explicit_total_num: false,
        search_query_info: {
          limit: q.limit,
          offset: q.offset,
          filters: q.filters,
          orders: [{ fieldName: '_id', isAsc: true }],
          fieldProjection: q.fields,
        },
      },
    },
    QueryResponseSchema,
  );
  return res.data.dataList;
}

/** All pages of one object, resumable from a cursor. */
export async function* pageRecords(client: FxiaokeClient, o: PageOptions): AsyncGenerator<RawPage> {
  let state: CursorState = o.cursor
    ? decodeCursor(o.cursor)
    : { v: 1, since: o.since ? o.since.getTime() : null, afterId: null, offset: 0 };
  const limit = o.pageSize;
  for (;;) {
    const filters: FxFilter[] = [...(o.filters ?? [])];
    if (state.since !== null) {
      filters.push({
        field_name: 'last_modified_time',
        operator: 'GTE',
        field_values: [String(state.since)],
      });
    }
    if (state.afterId) filters.push({ field_name: '_id', operator: 'GT', field_values: [state.afterId] });
    const rows = await queryPage(client, o.apiName, {
      filters,
      offset: state.offset,
      limit,
      fields: o.fields,
    });
    if (rows.length < limit) {
      yield { rows, cursor: null };
      return;
    }
    const lastId = String(rows[rows.length - 1]!._id);
    const nextOffset = state.offset + limit;
    state =
      nextOffset > o.maxOffset
        ? { ...state, afterId: lastId, offset: 0 } // past the offset ceiling: continue by _id
        : { ...state, offset: nextOffset };
    yield { rows, cursor: encodeCursor(state) };
  }
}
