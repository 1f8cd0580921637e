// A COQL subset with Zoho's documented rules (fact sheet §2.4): select columns
// (≤ 50, lookup paths), where with = != > >= < <= in / not in (≤ 50 values),
// is (not) null, like, between; more than two criteria must be bracketed;
// ≤ 25 criteria; order by; limit [offset,] count with count ≤ 2,000 and
// offset + count ≤ 100,000 (the v7/v8 COQL-Limitations pages; older versions and
// the fact sheet say 10,000). Keyset scans on `id` start by binary search.
import type { ModuleStore, Rec, SandboxOrg } from './sandbox.data.js';

export class CoqlError extends Error {
  constructor(
    readonly code: 'SYNTAX_ERROR' | 'INVALID_QUERY' | 'LIMIT_EXCEEDED',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Value = string | number | boolean | null;
type Cond =
  | { t: 'cmp'; field: string; op: '=' | '!=' | '>' | '>=' | '<' | '<='; value: Value }
  | { t: 'in'; field: string; not: boolean; values: Value[] }
  | { t: 'null'; field: string; not: boolean }
  | { t: 'like'; field: string; not: boolean; pattern: string }
  | { t: 'between'; field: string; lo: Value; hi: Value };
type Expr = { t: 'and' | 'or'; a: Expr; b: Expr } | Cond;

export interface CoqlQuery {
  columns: string[];
  module: string;
  where: Expr | null;
  orderBy: { field: string; desc: boolean }[];
  offset: number;
  limit: number;
}

const KEYWORDS = new Set([
  'select',
  'from',
  'where',
  'and',
  'or',
  'in',
  'not',
  'is',
  'null',
  'like',
  'order',
  'by',
  'asc',
  'desc',
  'limit',
  'offset',
  'between',
  'true',
  'false',
]);

interface Tok {
  k: 'id' | 'str' | 'num' | 'op' | 'kw' | 'punct';
  v: string;
}

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new CoqlError('SYNTAX_ERROR', 'unterminated string literal');
        if (src[i] === '\\' && i + 1 < src.length) {
          s += src[i + 1];
          i += 2;
        } else if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          s += src[i++];
        }
      }
      out.push({ k: 'str', v: s });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i))!;
      out.push({ k: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$.]*/.exec(src.slice(i))!;
      const lower = m[0].toLowerCase();
      out.push(KEYWORDS.has(lower) ? { k: 'kw', v: lower } : { k: 'id', v: m[0] });
      i += m[0].length;
    } else if (c === '(' || c === ')' || c === ',' || c === '*') {
      out.push({ k: 'punct', v: c });
      i++;
    } else {
      const m = /^(!=|<>|>=|<=|=|>|<)/.exec(src.slice(i));
      if (!m) throw new CoqlError('SYNTAX_ERROR', `unexpected character '${c}' at position ${i}`);
      out.push({ k: 'op', v: m[0] === '<>' ? '!=' : m[0] });
      i += m[0].length;
    }
  }
  return out;
}

export function parseCoql(src: string): CoqlQuery {
  const toks = lex(src);
  let p = 0;
  let criteria = 0;
  const peek = () => toks[p];
  const isKw = (v: string) => peek()?.k === 'kw' && peek()?.v === v;
  const expectKw = (v: string) => {
    if (!isKw(v)) throw new CoqlError('SYNTAX_ERROR', `expected '${v}' near ${near()}`);
    p++;
  };
  const expectPunct = (v: string) => {
    if (peek()?.k !== 'punct' || peek()?.v !== v)
      throw new CoqlError('SYNTAX_ERROR', `expected '${v}' near ${near()}`);
    p++;
  };
  const near = () => (peek() ? `'${peek()!.v}'` : 'end of query');
  const ident = () => {
    const t = peek();
    if (t?.k !== 'id') throw new CoqlError('SYNTAX_ERROR', `expected a field name near ${near()}`);
    p++;
    return t.v;
  };
  const value = (): Value => {
    const t = peek();
    if (!t) throw new CoqlError('SYNTAX_ERROR', 'expected a value at end of query');
    p++;
    if (t.k === 'str') return t.v;
    // Record ids are 19-digit longs: keep big integers exact (a double would round them).
    if (t.k === 'num') return /^-?\d{16,}$/.test(t.v) ? t.v : Number(t.v);
    if (t.k === 'kw' && (t.v === 'true' || t.v === 'false')) return t.v === 'true';
    if (t.k === 'kw' && t.v === 'null') return null;
    throw new CoqlError('SYNTAX_ERROR', `expected a value near '${t.v}'`);
  };
  const cond = (): Cond => {
    const field = ident();
    criteria++;
    const t = peek();
    if (t?.k === 'op') {
      p++;
      return { t: 'cmp', field, op: t.v as '=', value: value() };
    }
    if (isKw('is')) {
      p++;
      const not = isKw('not');
      if (not) p++;
      expectKw('null');
      return { t: 'null', field, not };
    }
    let not = false;
    if (isKw('not')) {
      not = true;
      p++;
    }
    if (isKw('in')) {
      p++;
      expectPunct('(');
      const values: Value[] = [value()];
      while (peek()?.v === ',') {
        p++;
        values.push(value());
      }
      expectPunct(')');
      if (values.length > 50)
        throw new CoqlError('LIMIT_EXCEEDED', 'in/not in accepts at most 50 values', { limit: 50 });
      return { t: 'in', field, not, values };
    }
    if (isKw('like')) {
      p++;
      const pattern = value();
      if (typeof pattern !== 'string') throw new CoqlError('SYNTAX_ERROR', 'like needs a string pattern');
      return { t: 'like', field, not, pattern };
    }
    if (isKw('between') && !not) {
      p++;
      const lo = value();
      expectKw('and');
      return { t: 'between', field, lo, hi: value() };
    }
    throw new CoqlError('SYNTAX_ERROR', `expected an operator after ${field} near ${near()}`);
  };
  const term = (): Expr => {
    if (peek()?.v === '(' && peek()?.k === 'punct') {
      p++;
      const e = expr();
      expectPunct(')');
      return e;
    }
    return cond();
  };
  // Zoho: "more than two criteria must be bracketed" — one and/or per level.
  const expr = (): Expr => {
    const a = term();
    if (isKw('and') || isKw('or')) {
      const op = peek()!.v as 'and' | 'or';
      p++;
      const b = term();
      if (isKw('and') || isKw('or')) {
        throw new CoqlError(
          'SYNTAX_ERROR',
          'more than two criteria must be bracketed, e.g. ((A and B) and C)',
        );
      }
      return { t: op, a, b };
    }
    return a;
  };

  expectKw('select');
  const columns: string[] = [];
  if (peek()?.v === '*') throw new CoqlError('SYNTAX_ERROR', 'select * is not supported; name the columns');
  columns.push(ident());
  while (peek()?.v === ',') {
    p++;
    columns.push(ident());
  }
  if (columns.length > 50)
    throw new CoqlError('LIMIT_EXCEEDED', 'at most 50 columns in a select', { limit: 50 });
  expectKw('from');
  const module = ident();
  let where: Expr | null = null;
  if (isKw('where')) {
    p++;
    where = expr();
    if (criteria > 25) throw new CoqlError('LIMIT_EXCEEDED', 'at most 25 criteria in where', { limit: 25 });
  }
  const orderBy: { field: string; desc: boolean }[] = [];
  if (isKw('order')) {
    p++;
    expectKw('by');
    do {
      if (orderBy.length > 0) p++;
      const field = ident();
      let desc = false;
      if (isKw('asc') || isKw('desc')) {
        desc = peek()!.v === 'desc';
        p++;
      }
      orderBy.push({ field, desc });
    } while (peek()?.v === ',');
    if (orderBy.length > 10)
      throw new CoqlError('LIMIT_EXCEEDED', 'at most 10 order by fields', { limit: 10 });
  }
  let offset = 0;
  let limit = 200;
  if (isKw('limit')) {
    p++;
    const a = value();
    if (peek()?.v === ',') {
      p++;
      offset = Number(a);
      limit = Number(value());
    } else {
      limit = Number(a);
      if (isKw('offset')) {
        p++;
        offset = Number(value());
      }
    }
    if (!Number.isInteger(limit) || !Number.isInteger(offset) || limit < 1 || offset < 0) {
      throw new CoqlError('SYNTAX_ERROR', 'limit and offset must be non-negative integers');
    }
  }
  if (p !== toks.length) throw new CoqlError('SYNTAX_ERROR', `unexpected ${near()}`);
  if (limit > 2000) throw new CoqlError('LIMIT_EXCEEDED', 'at most 2000 records per call', { limit: 2000 });
  if (offset + limit > 100_000) {
    throw new CoqlError('LIMIT_EXCEEDED', 'offset plus limit may not exceed 100000 records; page by id', {
      limit: 100000,
    });
  }
  return { columns, module, where, orderBy, offset, limit };
}

export interface CoqlResult {
  rows: Record<string, unknown>[];
  moreRecords: boolean;
}

/** Runs a parsed query against the org. */
export function runCoql(org: SandboxOrg, q: CoqlQuery): CoqlResult {
  const mod = org.module(q.module);
  if (!mod) throw new CoqlError('INVALID_QUERY', `invalid module ${q.module}`, { module: q.module });
  const resolvers = new Map<string, (r: Rec) => unknown>();
  const resolver = (path: string) => {
    let fn = resolvers.get(path);
    if (!fn) {
      fn = makeResolver(org, mod, path);
      resolvers.set(path, fn);
    }
    return fn;
  };
  for (const c of q.columns) resolver(c);
  for (const o of q.orderBy) resolver(o.field);
  const pred = q.where ? compile(org, mod, q.where, resolver) : () => true;
  const wanted = q.offset + q.limit + 1;
  const matches: Rec[] = [];
  const byIdAsc = q.orderBy.length === 0 || (q.orderBy.length === 1 && q.orderBy[0]!.field === 'id');
  const named = q.where ? idsNamed(q.where) : null;
  // The records a where clause names by id, in the module's id order (the predicate still decides).
  const ids = named ? [...new Set(named)].filter((id) => mod.records.has(id)).sort() : mod.ids;
  if (byIdAsc && !q.orderBy[0]?.desc) {
    const start = q.where && !named ? idLowerBound(mod, q.where) : 0;
    for (let i = start; i < ids.length && matches.length < wanted; i++) {
      const r = mod.records.get(ids[i]!)!;
      if (pred(r)) matches.push(r);
    }
  } else {
    for (const id of ids) {
      const r = mod.records.get(id)!;
      if (pred(r)) matches.push(r);
    }
    matches.sort((x, y) => {
      for (const o of q.orderBy) {
        const c = compareValues(resolver(o.field)(x), resolver(o.field)(y));
        if (c !== 0) return o.desc ? -c : c;
      }
      return 0;
    });
  }
  const page = matches.slice(q.offset, q.offset + q.limit);
  const rows = page.map((r) => {
    const row: Record<string, unknown> = {};
    for (const c of q.columns) row[c] = resolver(c)(r);
    row.id = r.id;
    return row;
  });
  return { rows, moreRecords: matches.length > q.offset + q.limit };
}

function makeResolver(org: SandboxOrg, mod: ModuleStore, path: string): (r: Rec) => unknown {
  if (path === 'id') return (r) => r.id;
  const [head, ...rest] = path.split('.');
  const f = mod.field(head!);
  if (!f) throw new CoqlError('INVALID_QUERY', `invalid column name ${head}`, { column_name: head });
  if (rest.length === 0) {
    if (f.data_type === 'lookup' || f.data_type === 'ownerlookup') {
      return (r) => {
        const v = r[head!] as { id?: string } | null | undefined;
        return v?.id ? { id: v.id } : null;
      };
    }
    return (r) => r[head!] ?? null;
  }
  if (f.data_type !== 'lookup' || !('module' in f.lookup)) {
    throw new CoqlError('INVALID_QUERY', `${head} is not a lookup field`, { column_name: path });
  }
  if (rest.length > 2) throw new CoqlError('LIMIT_EXCEEDED', 'at most 2 joins', { limit: 2 });
  const target = org.module(f.lookup.module.api_name)!;
  const inner = makeResolver(org, target, rest.join('.'));
  return (r) => {
    const v = r[head!] as { id?: string } | null | undefined;
    const t = v?.id ? target.records.get(v.id) : undefined;
    return t ? inner(t) : null;
  };
}

/**
 * The ids a where clause limits the rows to (`id = x`, `id in (…)`, or either under an
 * `and`), or null. A real CRM answers such a query from an index: the sandbox read every
 * record of the module for it, which on bench:pipeline's 200,000-deal org (a sync pass
 * re-reads the pushed deals by id) cost a third of the machine's CPU, taken from the
 * processes under test. Ids are compared as integers (compileCond), so only plain digit
 * strings are looked up; anything else is left to the scan and its errors.
 */
function idsNamed(e: Expr): string[] | null {
  if (e.t === 'and') return idsNamed(e.a) ?? idsNamed(e.b);
  if (e.t === 'cmp' && e.field === 'id' && e.op === '=') return integerIds([e.value]);
  if (e.t === 'in' && e.field === 'id' && !e.not) return integerIds(e.values);
  return null;
}

function integerIds(values: Value[]): string[] | null {
  const out: string[] = [];
  for (const v of values) {
    if (v === null) continue; // equal to no record
    const text = String(v);
    if (!/^\d+$/.test(text)) return null;
    out.push(BigInt(text).toString());
  }
  return out;
}

function idLowerBound(mod: ModuleStore, e: Expr): number {
  if (e.t === 'and') return Math.max(idLowerBound(mod, e.a), idLowerBound(mod, e.b));
  if (e.t === 'cmp' && e.field === 'id' && (e.op === '>' || e.op === '>=') && e.value !== null) {
    const id = String(e.value);
    const i = mod.lowerBound(id);
    return e.op === '>' && mod.ids[i] === id ? i + 1 : i;
  }
  return 0;
}

function compile(
  org: SandboxOrg,
  mod: ModuleStore,
  e: Expr,
  resolver: (path: string) => (r: Rec) => unknown,
): (r: Rec) => boolean {
  if (e.t === 'and' || e.t === 'or') {
    const a = compile(org, mod, e.a, resolver);
    const b = compile(org, mod, e.b, resolver);
    return e.t === 'and' ? (r) => a(r) && b(r) : (r) => a(r) || b(r);
  }
  return compileCond(org, mod, e as Cond, resolver);
}

function compileCond(
  org: SandboxOrg,
  mod: ModuleStore,
  e: Cond,
  resolver: (path: string) => (r: Rec) => unknown,
): (r: Rec) => boolean {
  const get = resolver(e.field);
  const type = fieldType(org, mod, e.field);
  const norm = (v: unknown): unknown => {
    if (v == null) return null;
    if (v && typeof v === 'object' && 'id' in v) return String((v as { id: unknown }).id);
    if (type === 'datetime') return Date.parse(String(v));
    if (type === 'id') return BigInt(String(v));
    if (type === 'number') return Number(v);
    return v;
  };
  if (type === 'datetime') {
    const check = (v: Value) => {
      if (v !== null && Number.isNaN(Date.parse(String(v)))) {
        throw new CoqlError('INVALID_QUERY', `invalid datetime value for ${e.field}: ${String(v)}`);
      }
    };
    if (e.t === 'cmp') check(e.value);
    if (e.t === 'between') {
      check(e.lo);
      check(e.hi);
    }
  }
  switch (e.t) {
    case 'cmp': {
      const want = norm(e.value);
      return (r) => {
        const v = norm(get(r));
        if (v === null || want === null) return e.op === '!=' ? v !== want : false;
        const c = compareValues(v, want);
        switch (e.op) {
          case '=':
            return c === 0;
          case '!=':
            return c !== 0;
          case '>':
            return c > 0;
          case '>=':
            return c >= 0;
          case '<':
            return c < 0;
          default:
            return c <= 0;
        }
      };
    }
    case 'in': {
      const set = e.values.map(norm);
      return (r) => {
        const v = norm(get(r));
        if (v === null) return false;
        const hit = set.some((w) => w !== null && compareValues(v, w) === 0);
        return e.not ? !hit : hit;
      };
    }
    case 'null':
      return (r) => (get(r) == null) !== e.not;
    case 'like': {
      const re = new RegExp(
        `^${e.pattern
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/%/g, '.*')
          .replace(/_/g, '.')}$`,
        'i',
      );
      return (r) => {
        const v = get(r);
        if (v == null) return false;
        return re.test(String(v)) !== e.not;
      };
    }
    case 'between': {
      const lo = norm(e.lo);
      const hi = norm(e.hi);
      return (r) => {
        const v = norm(get(r));
        return v !== null && compareValues(v, lo) >= 0 && compareValues(v, hi) <= 0;
      };
    }
  }
}

function fieldType(org: SandboxOrg, mod: ModuleStore, path: string): 'id' | 'datetime' | 'number' | 'text' {
  if (path === 'id' || path.endsWith('.id')) return 'id';
  const [head, ...rest] = path.split('.');
  const f = mod.field(head!);
  if (!f) return 'text';
  if (rest.length > 0 && 'module' in f.lookup)
    return fieldType(org, org.module(f.lookup.module.api_name)!, rest.join('.'));
  if (f.data_type === 'lookup' || f.data_type === 'ownerlookup') return 'id';
  if (f.data_type === 'datetime') return 'datetime';
  if (['currency', 'double', 'integer', 'percent', 'bigint'].includes(f.data_type)) return 'number';
  return 'text';
}

function compareValues(a: unknown, b: unknown): number {
  if (a == null && b == null) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = BigInt(a as bigint);
    const y = BigInt(b as bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Credits by LIMIT band (fact sheet §6.1): 1–200 → 1, 201–1,000 → 2, 1,001–2,000 → 3. */
export function coqlCredits(limit: number): number {
  return limit <= 200 ? 1 : limit <= 1000 ? 2 : 3;
}
