// Fxiaoke records → normalized Partner / Account / Deal (src/core/input.ts).
// Facts (§2.3, §2.7): amounts are strings, dates ms epochs (date fields in the describe's
// time zone, GMT+8), select fields carry option codes (labels come from the describe),
// lookups carry ids with a `__r` display twin, null fields are simply omitted.

import {
  type Account,
  AccountSchema,
  type Deal,
  DealSchema,
  type Partner,
  PartnerSchema,
} from '../../src/core/input.js';
import type { Quarantined, Synced } from '../contract.js';
import { type FieldDescribe, type ObjectDescribe, offsetMinutes, optionLabel } from './fxiaoke.describe.js';
import type { FxiaokeSettings } from './fxiaoke.settings.js';

export type FxRecord = Record<string, unknown>;

export interface MappingContext {
  settings: FxiaokeSettings;
  partner: ObjectDescribe;
  account: ObjectDescribe;
  deal: ObjectDescribe;
  /** Option codes of the deal status field meaning won / lost. */
  status: { won: ReadonlySet<string>; lost: ReadonlySet<string> };
}

type Mapped<T> = { ok: true; value: Synced<T> } | { ok: false; quarantined: Quarantined };

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const SELECT_TYPES = new Set(['select_one', 'country', 'province', 'city', 'district', 'record_type']);

function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Largest |ms| a JS Date holds, less a day so offsets never overflow. */
const MAX_EPOCH_MS = 8.64e15 - 86_400_000;

/** A ms epoch (number or numeric string) a Date can hold, or undefined. */
function epochMs(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && Math.abs(n) <= MAX_EPOCH_MS ? n : undefined;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Calendar date of a ms epoch in a fixed offset (date fields: "time part ignored", §2.7). */
export function calendarDate(ms: number, offsetMin: number): string {
  const d = new Date(ms + offsetMin * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** ISO-8601 instant with the tenant's offset, e.g. 2023-10-13T16:32:55.802+08:00. */
export function isoWithOffset(ms: number, offsetMin: number): string {
  const d = new Date(ms + offsetMin * 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The display value of a field, through its describe: option codes become labels. */
export function displayValue(record: FxRecord, apiName: string, describe: ObjectDescribe): unknown {
  const raw = record[apiName];
  if (raw === undefined || raw === null) return undefined;
  const field: FieldDescribe | undefined = describe.fields[apiName];
  const type = field?.type;
  if (type && SELECT_TYPES.has(type)) {
    const code = str(raw);
    if (code === undefined) return undefined;
    // The describe is the authority; the record's own __r display is the fallback (region fields).
    return optionLabel(field, code) ?? str(record[`${apiName}__r`]) ?? code;
  }
  if (type === 'select_many') {
    const codes = Array.isArray(raw) ? raw.map(String) : [String(raw)];
    return codes.map((c) => optionLabel(field, c) ?? c);
  }
  if (type === 'date') {
    const ms = epochMs(raw);
    return ms === undefined ? undefined : calendarDate(ms, offsetMinutes(field?.time_zone));
  }
  if (type === 'date_time') {
    const ms = epochMs(raw);
    return ms === undefined ? undefined : isoWithOffset(ms, offsetMinutes(field?.time_zone));
  }
  if (type === 'number' || type === 'currency' || type === 'percentile') {
    const s = str(raw);
    return s !== undefined && DECIMAL.test(s) ? Number(s) : undefined;
  }
  if (type === 'employee' || type === 'department') {
    return str(record[`${apiName}__r`]) ?? (Array.isArray(raw) ? raw.map(String) : str(raw));
  }
  return raw;
}

function optionalString(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

function attributes(
  record: FxRecord,
  map: Record<string, string>,
  describe: ObjectDescribe,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, api] of Object.entries(map)) {
    const v = displayValue(record, api, describe);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function modifiedAt(record: FxRecord): string {
  const ms = epochMs(record.last_modified_time) ?? epochMs(record.create_time) ?? 0;
  return new Date(ms).toISOString();
}

function quarantine(
  entity: Quarantined['entity'],
  record: FxRecord,
  reason: string,
): { ok: false; quarantined: Quarantined } {
  return { ok: false, quarantined: { entity, id: str(record._id) ?? '(no _id)', reason, raw: record } };
}

function lookupId(record: FxRecord, apiName: string | null): string | null {
  if (!apiName) return null;
  const v = record[apiName];
  if (Array.isArray(v)) return v.length ? String(v[0]) : null;
  return str(v) ?? null;
}

function zodReason(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
}

export function mapPartner(record: FxRecord, ctx: MappingContext): Mapped<Partner> {
  const f = ctx.settings.partnerFields;
  const d = ctx.partner;
  if (!str(record._id)) return quarantine('partner', record, 'record has no _id');
  const candidate = {
    id: str(record._id),
    name: str(record[f.name]) ?? '',
    level: f.level ? optionalString(displayValue(record, f.level, d)) : null,
    region: f.region ? optionalString(displayValue(record, f.region, d)) : null,
    agreementEnd: f.agreementEnd ? optionalString(displayValue(record, f.agreementEnd, d)) : null,
    attributes: attributes(record, f.attributes, d),
  };
  const r = PartnerSchema.safeParse(candidate);
  if (!r.success) return quarantine('partner', record, zodReason(r.error.issues));
  return { ok: true, value: { record: r.data, raw: record, modifiedAt: modifiedAt(record) } };
}

export function mapAccount(record: FxRecord, ctx: MappingContext): Mapped<Account> {
  const f = ctx.settings.accountFields;
  const d = ctx.account;
  if (!str(record._id)) return quarantine('account', record, 'record has no _id');
  const candidate = {
    id: str(record._id),
    name: str(record[f.name]) ?? '',
    partnerId: lookupId(record, f.partner),
    region: f.region ? optionalString(displayValue(record, f.region, d)) : null,
    industry: f.industry ? optionalString(displayValue(record, f.industry, d)) : null,
    attributes: attributes(record, f.attributes, d),
  };
  const r = AccountSchema.safeParse(candidate);
  if (!r.success) return quarantine('account', record, zodReason(r.error.issues));
  return { ok: true, value: { record: r.data, raw: record, modifiedAt: modifiedAt(record) } };
}

/** Deal status from the status field's option code; invalidated (作废) records no longer count. */
export function dealStatus(record: FxRecord, ctx: MappingContext): Deal['status'] {
  if (record.life_status === 'invalid' || record.is_deleted === true) return 'lost';
  const field = ctx.settings.dealFields.status;
  if (!field) return 'won'; // order objects (SalesOrderObj): a valid order is a closed sale
  const code = str(record[field]);
  if (code !== undefined && ctx.status.won.has(code)) return 'won';
  if (code !== undefined && ctx.status.lost.has(code)) return 'lost';
  return 'open';
}

function closedAt(record: FxRecord, ctx: MappingContext): string | null {
  const api = ctx.settings.dealFields.closedAt;
  const field = ctx.deal.fields[api];
  const ms = epochMs(record[api]);
  if (ms === undefined) return null;
  const offset = offsetMinutes(field?.time_zone);
  // A date field is a calendar day (the core reads it in the plan's zone); date_time is an instant.
  return field?.type === 'date' ? calendarDate(ms, offset) : isoWithOffset(ms, offset);
}

function currencyOf(record: FxRecord, ctx: MappingContext): string {
  const f = ctx.settings.dealFields.currency;
  const v = f ? str(record[f]) : str(record.mc_currency);
  return v && /^[A-Z]{3}$/.test(v) ? v : ctx.settings.currency;
}

export function mapDeal(record: FxRecord, ctx: MappingContext): Mapped<Deal> {
  const f = ctx.settings.dealFields;
  if (!str(record._id)) return quarantine('deal', record, 'record has no _id');
  const status = dealStatus(record, ctx);
  const rawAmount = record[f.amount];
  let amount = str(rawAmount);
  const attrs = attributes(record, f.attributes, ctx.deal);
  if (amount === undefined || amount === '') {
    // Fxiaoke omits empty fields: an open or lost deal without an amount is worth nothing yet,
    // a won deal without one cannot be credited honestly.
    if (status === 'won') return quarantine('deal', record, `won deal has no ${f.amount}`);
    amount = '0';
    attrs.amountMissing = true;
  }
  if (!DECIMAL.test(amount))
    return quarantine('deal', record, `${f.amount} is not a decimal: ${JSON.stringify(rawAmount)}`);
  if (f.status) {
    const code = str(record[f.status]);
    const label = code !== undefined ? optionLabel(ctx.deal.fields[f.status], code) : undefined;
    if (label) attrs.statusLabel = label;
  }
  if (typeof record.life_status === 'string' && record.life_status !== 'normal')
    attrs.lifeStatus = record.life_status;
  let csat: number | null = null;
  if (f.csat) {
    const v = displayValue(record, f.csat, ctx.deal);
    csat = typeof v === 'number' ? v : null;
  }
  const candidate = {
    id: str(record._id),
    name: str(record[f.name]) ?? '',
    partnerId: lookupId(record, f.partner),
    accountId: lookupId(record, f.account),
    amount,
    currency: currencyOf(record, ctx),
    status,
    closedAt: closedAt(record, ctx),
    csat,
    attributes: attrs,
  };
  const r = DealSchema.safeParse(candidate);
  if (!r.success) return quarantine('deal', record, zodReason(r.error.issues));
  return { ok: true, value: { record: r.data, raw: record, modifiedAt: modifiedAt(record) } };
}

/** Won/lost option codes: configured ones win; otherwise the describe's labels 赢单/输单 (§2.7). */
export function statusCodesFrom(
  describe: ObjectDescribe,
  settings: FxiaokeSettings,
): MappingContext['status'] {
  const field = settings.dealFields.status ? describe.fields[settings.dealFields.status] : undefined;
  const discovered = discoverStatusCodes(field);
  return {
    won: new Set(settings.dealStatus.won ?? discovered.won),
    lost: new Set(settings.dealStatus.lost ?? discovered.lost),
  };
}

export function discoverStatusCodes(field: FieldDescribe | undefined): { won: string[]; lost: string[] } {
  const opts = field?.options ?? [];
  return {
    won: opts.filter((o) => /^(赢单|贏單|won|closed won)$/i.test(o.label.trim())).map((o) => o.value),
    lost: opts.filter((o) => /^(输单|輸單|lost|closed lost)$/i.test(o.label.trim())).map((o) => o.value),
  };
}
