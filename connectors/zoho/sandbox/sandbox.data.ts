// The sandbox's in-memory org: modules with field metadata, records indexed by id
// (ids are fixed-width numeric strings, so string order = numeric order and keyset
// scans start with a binary search), deleted-record log, and a clock.

export type Rec = Record<string, unknown> & { id: string };

export interface PickValue {
  display_value: string;
  actual_value: string;
  id: string;
  sequence_number: number;
  type: 'used' | 'unused';
  probability?: number;
  forecast_type?: string;
  forecast_category?: { id: string; name: string } | null;
}

export interface FieldMeta {
  id: string;
  api_name: string;
  field_label: string;
  display_label: string;
  data_type: string;
  json_type: string;
  length: number;
  decimal_place: number | null;
  custom_field: boolean;
  system_mandatory: boolean;
  read_only: boolean;
  visible: boolean;
  pick_list_values: PickValue[];
  lookup:
    | { module: { api_name: string; id: string }; display_label: string; api_name: string }
    | Record<string, never>;
  currency?: { rounding_option: string; precision: number };
}

export interface DeletedEntry {
  id: string;
  display_name: string;
  type: 'recycle' | 'permanent';
  deleted_time: string;
  deleted_by: { name: string; id: string };
  created_by: { name: string; id: string };
}

export const SANDBOX_USER = {
  name: 'Patricia Boyle',
  id: '5725767000000235011',
  email: 'p.boyle@example.com',
};

export class ModuleStore {
  readonly records = new Map<string, Rec>();
  /** Ascending ids (ids are generated increasing, so appends keep the order). */
  readonly ids: string[] = [];
  readonly mtime = new Map<string, number>();
  readonly deleted: DeletedEntry[] = [];
  readonly fields: FieldMeta[] = [];
  private readonly byApi = new Map<string, FieldMeta>();

  constructor(
    readonly apiName: string,
    readonly id: string,
    readonly nameField: string,
  ) {}

  addField(f: FieldMeta): void {
    this.fields.push(f);
    this.byApi.set(f.api_name, f);
  }

  field(apiName: string): FieldMeta | undefined {
    return this.byApi.get(apiName);
  }

  /** Drops a field (and its values), as an org that never had it would look. */
  removeField(apiName: string): void {
    const i = this.fields.findIndex((f) => f.api_name === apiName);
    if (i >= 0) this.fields.splice(i, 1);
    this.byApi.delete(apiName);
    for (const r of this.records.values()) delete r[apiName];
  }

  put(rec: Rec): void {
    if (!this.records.has(rec.id)) {
      const last = this.ids[this.ids.length - 1];
      if (last !== undefined && last > rec.id) {
        this.ids.splice(this.lowerBound(rec.id), 0, rec.id);
      } else {
        this.ids.push(rec.id);
      }
    }
    this.records.set(rec.id, rec);
    this.mtime.set(rec.id, Date.parse(String(rec.Modified_Time)));
  }

  remove(id: string): Rec | undefined {
    const rec = this.records.get(id);
    if (!rec) return undefined;
    this.records.delete(id);
    this.mtime.delete(id);
    this.ids.splice(this.lowerBound(id), 1);
    return rec;
  }

  /** First index whose id is >= `id`. */
  lowerBound(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Zoho-style ISO-8601 with an offset and no milliseconds, in the org's time zone. */
export function zohoDateTime(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.toISOString().slice(0, 19)}${off}`;
}

export class SandboxOrg {
  readonly modules = new Map<string, ModuleStore>();
  private idCounter = 1_000_000;
  private fieldCounter = 0;
  private lastMs = 0;

  constructor(
    /** Time zone offset of the org's user, in minutes (Zoho answers in the user's zone). */
    readonly offsetMinutes = 330,
    readonly now: () => number = () => Date.now(),
  ) {}

  /** Fixed-width 19-digit ids like Zoho's. */
  nextId(): string {
    this.idCounter += 1;
    return `5725767${String(this.idCounter).padStart(12, '0')}`;
  }

  nextFieldId(): string {
    this.fieldCounter += 1;
    return `5725767${String(900_000_000_000 + this.fieldCounter)}`;
  }

  /** Now, to the second, never earlier than the last stamp handed out. */
  stamp(): string {
    const ms = Math.max(Math.floor(this.now() / 1000) * 1000, this.lastMs);
    this.lastMs = ms;
    return zohoDateTime(ms, this.offsetMinutes);
  }

  module(apiName: string): ModuleStore | undefined {
    return this.modules.get(apiName);
  }

  addModule(m: ModuleStore): void {
    this.modules.set(m.apiName, m);
  }

  field(
    module: ModuleStore,
    apiName: string,
    dataType: string,
    opts: Partial<FieldMeta> & { label?: string } = {},
  ): FieldMeta {
    const jsonType: Record<string, string> = {
      text: 'string',
      textarea: 'string',
      picklist: 'string',
      email: 'string',
      phone: 'string',
      website: 'string',
      date: 'string',
      datetime: 'string',
      currency: 'double',
      double: 'double',
      integer: 'integer',
      bigint: 'string',
      percent: 'double',
      boolean: 'boolean',
      lookup: 'jsonobject',
      ownerlookup: 'jsonobject',
      userlookup: 'jsonobject',
    };
    const label = opts.label ?? apiName.replace(/_/g, ' ');
    const f: FieldMeta = {
      id: this.nextFieldId(),
      api_name: apiName,
      field_label: label,
      display_label: label,
      data_type: dataType,
      json_type: jsonType[dataType] ?? 'string',
      length: opts.length ?? defaultLength(dataType),
      decimal_place: opts.decimal_place ?? (dataType === 'currency' ? 2 : null),
      custom_field: opts.custom_field ?? false,
      system_mandatory: opts.system_mandatory ?? false,
      read_only: opts.read_only ?? false,
      visible: true,
      pick_list_values: opts.pick_list_values ?? [],
      lookup: opts.lookup ?? {},
      ...(dataType === 'currency' ? { currency: { rounding_option: 'normal', precision: 2 } } : {}),
    };
    module.addField(f);
    return f;
  }

  picklist(
    values: (string | { value: string; probability?: number; forecast_type?: string })[],
  ): PickValue[] {
    return values.map((v, i) => {
      const o = typeof v === 'string' ? { value: v } : v;
      return {
        display_value: o.value,
        actual_value: o.value,
        id: this.nextFieldId(),
        sequence_number: i + 1,
        type: 'used',
        ...(o.probability !== undefined ? { probability: o.probability } : {}),
        ...(o.forecast_type !== undefined
          ? {
              forecast_type: o.forecast_type,
              forecast_category: { id: this.nextFieldId(), name: o.forecast_type },
            }
          : {}),
      };
    });
  }
}

function defaultLength(dataType: string): number {
  switch (dataType) {
    case 'text':
      return 255;
    case 'textarea':
      return 32000;
    case 'currency':
      return 16;
    case 'double':
      return 16;
    case 'integer':
      return 9;
    default:
      return 255;
  }
}

/**
 * Checks one value against its field the way Zoho's INVALID_DATA does. Returns
 * the normalized value to store, or an error message.
 */
export function validateValue(
  f: FieldMeta,
  v: unknown,
): { ok: true; value: unknown } | { ok: false; expected: string } {
  if (v === null) return { ok: true, value: null };
  switch (f.data_type) {
    case 'text':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'website':
      if (typeof v !== 'string') return { ok: false, expected: 'string' };
      if (v.length > f.length) return { ok: false, expected: `at most ${f.length} characters` };
      return { ok: true, value: v };
    case 'picklist':
      if (typeof v !== 'string') return { ok: false, expected: 'string' };
      return { ok: true, value: v };
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v) || String(Math.abs(v)).length > f.length) {
        return { ok: false, expected: `integer of at most ${f.length} digits` };
      }
      return { ok: true, value: v };
    case 'currency':
    case 'double':
    case 'percent': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (!Number.isFinite(n)) return { ok: false, expected: 'number' };
      const [int] = Math.abs(n)
        .toFixed(f.decimal_place ?? 2)
        .split('.');
      if (int!.length > f.length) return { ok: false, expected: `number of at most ${f.length} digits` };
      return { ok: true, value: n };
    }
    case 'boolean':
      return typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, expected: 'boolean' };
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))
        ? { ok: true, value: v }
        : { ok: false, expected: 'date in yyyy-MM-dd' };
    case 'datetime':
      return typeof v === 'string' &&
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(v) &&
        !Number.isNaN(Date.parse(v))
        ? { ok: true, value: v }
        : { ok: false, expected: 'datetime in yyyy-MM-ddTHH:mm:ss±HH:mm' };
    case 'lookup': {
      const id =
        typeof v === 'string'
          ? v
          : v && typeof v === 'object' && 'id' in v
            ? String((v as { id: unknown }).id)
            : null;
      return id ? { ok: true, value: { id } } : { ok: false, expected: 'lookup {id}' };
    }
    default:
      return { ok: true, value: v };
  }
}
