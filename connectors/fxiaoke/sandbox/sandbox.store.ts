// In-memory tenant data, indexed: each object keeps its records sorted by _id (ids are
// allocated ascending) plus a Map by id, so `_id` cursor pages are a binary search.
import { type FxRecord, objectId } from './sandbox.seed.js';

export class ObjectTable {
  readonly rows: FxRecord[] = [];
  readonly byId = new Map<string, FxRecord>();
  private counter = 0;

  constructor(readonly apiName: string) {}

  load(records: FxRecord[]): void {
    for (const r of records) {
      this.rows.push(r);
      this.byId.set(r._id as string, r);
    }
    this.rows.sort((a, b) => ((a._id as string) < (b._id as string) ? -1 : 1));
    this.counter = this.rows.length;
  }

  create(record: FxRecord): FxRecord {
    this.counter += 1;
    const rec = { ...record, _id: objectId(this.apiName, this.counter) };
    this.rows.push(rec); // ascending counter keeps the array sorted
    this.byId.set(rec._id as string, rec);
    return rec;
  }

  /** Index of the first row whose _id is > id (or >= when inclusive). */
  lowerBound(id: string, inclusive: boolean): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.rows[mid]!._id as string;
      if (v < id || (!inclusive && v === id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export type Filter = { field_name: string; field_values?: unknown[]; operator: string };

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v.trim()))
    return Number(v);
  return undefined;
}

function cmp(a: unknown, b: unknown): number {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x - y;
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

function empty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

export const OPERATORS = new Set([
  'EQ',
  'N',
  'GT',
  'GTE',
  'LT',
  'LTE',
  'LIKE',
  'NLIKE',
  'IS',
  'ISN',
  'IN',
  'NIN',
  'BETWEEN',
  'NBETWEEN',
  'STARTWITH',
  'ENDWITH',
  'HASANYOF',
  'NHASANYOF',
  'CONTAINS',
]);

/** One filter, with the operator semantics of §2.2 (`N` is not-equal and matches empty values). */
export function matches(rec: FxRecord, f: Filter): boolean {
  const v = rec[f.field_name];
  const vals = f.field_values ?? [];
  const first = vals[0];
  const values = Array.isArray(v) ? v : [v];
  switch (f.operator) {
    case 'EQ':
      return !empty(v) && values.some((x) => cmp(x, first) === 0);
    case 'N':
      return empty(v) || values.every((x) => cmp(x, first) !== 0);
    case 'GT':
      return !empty(v) && cmp(v, first) > 0;
    case 'GTE':
      return !empty(v) && cmp(v, first) >= 0;
    case 'LT':
      return !empty(v) && cmp(v, first) < 0;
    case 'LTE':
      return !empty(v) && cmp(v, first) <= 0;
    case 'LIKE':
      return !empty(v) && String(v).includes(String(first));
    case 'NLIKE':
      return empty(v) || !String(v).includes(String(first));
    case 'IS':
      return empty(v);
    case 'ISN':
      return !empty(v);
    case 'IN':
      return !empty(v) && values.some((x) => vals.some((y) => cmp(x, y) === 0));
    case 'NIN':
      return empty(v) || !values.some((x) => vals.some((y) => cmp(x, y) === 0));
    case 'BETWEEN':
      return !empty(v) && cmp(v, vals[0]) >= 0 && cmp(v, vals[1]) <= 0;
    case 'NBETWEEN':
      return empty(v) || cmp(v, vals[0]) < 0 || cmp(v, vals[1]) > 0;
    case 'STARTWITH':
      return !empty(v) && String(v).startsWith(String(first));
    case 'ENDWITH':
      return !empty(v) && String(v).endsWith(String(first));
    case 'HASANYOF':
    case 'CONTAINS':
      return Array.isArray(v) && v.some((x) => vals.some((y) => cmp(x, y) === 0));
    case 'NHASANYOF':
      return !Array.isArray(v) || !v.some((x) => vals.some((y) => cmp(x, y) === 0));
    default:
      return false;
  }
}

export interface QuerySpec {
  filters: Filter[];
  orders: { fieldName: string; isAsc: boolean }[];
  offset: number;
  limit: number;
  countTotal: boolean;
}

/** Runs a query; the `_id`-ascending order (what a cursor client sends) never sorts. */
export function runQuery(table: ObjectTable, q: QuerySpec): { rows: FxRecord[]; total: number } {
  // 作废 (invalid) rows sit in the recycle bin: hidden unless the query asks about life_status.
  const asksLife = q.filters.some((f) => f.field_name === 'life_status');
  const pass = (r: FxRecord) =>
    (asksLife || r.life_status !== 'invalid') && q.filters.every((f) => matches(r, f));
  const idOrder =
    q.orders.length === 0 ||
    (q.orders.length === 1 && q.orders[0]!.fieldName === '_id' && q.orders[0]!.isAsc);
  if (idOrder) {
    let start = 0;
    for (const f of q.filters) {
      if (f.field_name === '_id' && (f.operator === 'GT' || f.operator === 'GTE') && f.field_values?.length) {
        start = Math.max(start, table.lowerBound(String(f.field_values[0]), f.operator === 'GTE'));
      }
    }
    const out: FxRecord[] = [];
    let seen = 0;
    let total = 0;
    for (let i = start; i < table.rows.length; i++) {
      const r = table.rows[i]!;
      if (!pass(r)) continue;
      total++;
      if (seen >= q.offset && out.length < q.limit) out.push(r);
      seen++;
      if (!q.countTotal && out.length >= q.limit) break;
    }
    return { rows: out, total: q.countTotal ? total : 0 };
  }
  const all = table.rows.filter(pass);
  all.sort((a, b) => {
    for (const o of q.orders) {
      const c = cmp(a[o.fieldName] ?? '', b[o.fieldName] ?? '');
      if (c !== 0) return o.isAsc ? c : -c;
    }
    return cmp(a._id, b._id);
  });
  return { rows: all.slice(q.offset, q.offset + q.limit), total: q.countTotal ? all.length : 0 };
}

/** Field projection: the named fields, their `__r` display twins, and always `_id`. */
export function project(rec: FxRecord, fields: string[] | undefined): FxRecord {
  if (!fields || fields.length === 0) return { ...rec };
  const out: FxRecord = { _id: rec._id };
  for (const f of fields) {
    if (rec[f] !== undefined && rec[f] !== null) out[f] = rec[f];
    const r = rec[`${f}__r`];
    if (r !== undefined && r !== null) out[`${f}__r`] = r;
  }
  return out;
}
