// Zoho records → the normalized Partner / Account / Deal of src/core/input.ts.
// Pure functions: each record maps on its own; a bad one is quarantined with a
// reason and the page goes on. Money leaves here as decimal strings.
import { Decimal } from 'decimal.js';
import type { Account, Deal, DealStatus, Partner } from '../../src/core/input.js';
import { AccountSchema, DealSchema, PartnerSchema } from '../../src/core/input.js';
import type { Quarantined, Synced } from '../contract.js';
import type { ZohoSettings } from './zoho.settings.js';

export type ZohoRecord = Record<string, unknown> & { id: string };

export type Mapped<T> = { ok: true; value: Synced<T> } | { ok: false; quarantined: Quarantined };

/** Fields to request so the mappers have what they read (id and Modified_Time always). */
export function partnerFieldList(s: ZohoSettings): string[] {
  const f = s.partnerFields;
  return unique([
    f.name,
    f.level,
    f.region,
    f.target,
    f.agreementEnd,
    s.partnerFilter.field,
    ...s.partnerAttributes,
  ]);
}
export function accountFieldList(s: ZohoSettings): string[] {
  const f = s.accountFields;
  return unique([f.name, f.region, f.industry, f.partner, s.partnerFilter.field]);
}
export function dealFieldList(s: ZohoSettings): string[] {
  const f = s.dealFields;
  return unique([
    f.name,
    f.partner,
    f.account,
    f.stage,
    f.amount,
    f.currency,
    f.exchangeRate,
    f.closedAt,
    f.csat,
    ...s.dealAttributes,
  ]);
}

function unique(names: (string | null)[]): string[] {
  const out = ['Modified_Time'];
  for (const n of names) if (n && n !== 'id' && !out.includes(n)) out.push(n);
  return out;
}

export function mapPartner(raw: ZohoRecord, s: ZohoSettings): Mapped<Partner> {
  const f = s.partnerFields;
  const attributes: Record<string, unknown> = {};
  if (f.target) {
    const target = decimalOrNull(raw[f.target]);
    if (target === undefined)
      return bad('partner', raw, `${f.target} is not a number: ${show(raw[f.target])}`);
    if (target !== null) attributes[f.target] = target;
  }
  const type = raw[s.partnerFilter.field];
  if (type != null) attributes[s.partnerFilter.field] = text(type);
  for (const name of s.partnerAttributes) if (raw[name] != null) attributes[name] = plain(raw[name]);
  return finish('partner', raw, PartnerSchema, {
    id: raw.id,
    name: text(raw[f.name]) ?? '',
    level: f.level ? text(raw[f.level]) : null,
    region: f.region ? text(raw[f.region]) : null,
    agreementEnd: f.agreementEnd ? text(raw[f.agreementEnd]) : null,
    attributes,
  });
}

export function mapAccount(raw: ZohoRecord, s: ZohoSettings): Mapped<Account> {
  const f = s.accountFields;
  return finish('account', raw, AccountSchema, {
    id: raw.id,
    name: text(raw[f.name]) ?? '',
    partnerId: f.partner ? lookupId(raw[f.partner]) : null,
    region: f.region ? text(raw[f.region]) : null,
    industry: f.industry ? text(raw[f.industry]) : null,
    attributes: {},
  });
}

export function dealStatus(stage: string | null, s: ZohoSettings): DealStatus {
  if (stage && s.wonStages.includes(stage)) return 'won';
  if (stage && s.lostStages.includes(stage)) return 'lost';
  return 'open';
}

export function mapDeal(raw: ZohoRecord, s: ZohoSettings): Mapped<Deal> {
  const f = s.dealFields;
  const amount = decimalOrNull(raw[f.amount]);
  if (amount === undefined) return bad('deal', raw, `${f.amount} is not a number: ${show(raw[f.amount])}`);
  if (amount === null) return bad('deal', raw, `${f.amount} is empty`);
  const currency = (f.currency ? text(raw[f.currency]) : null) ?? s.homeCurrency;
  const stage = text(raw[f.stage]);
  const status = dealStatus(stage, s);
  const closedAt = text(raw[f.closedAt]);
  if (closedAt !== null && !/^\d{4}-\d{2}-\d{2}(T.*)?$/.test(closedAt)) {
    return bad('deal', raw, `${f.closedAt} is not a date: ${show(closedAt)}`);
  }
  let csat: number | null = null;
  if (f.csat && raw[f.csat] != null) {
    const n = Number(raw[f.csat]);
    if (!Number.isFinite(n)) return bad('deal', raw, `${f.csat} is not a number: ${show(raw[f.csat])}`);
    csat = n;
  }
  const attributes: Record<string, unknown> = { stage };
  if (f.exchangeRate) {
    const rate = decimalOrNull(raw[f.exchangeRate]);
    if (rate === undefined)
      return bad('deal', raw, `${f.exchangeRate} is not a number: ${show(raw[f.exchangeRate])}`);
    if (rate !== null) attributes.exchangeRate = rate;
  }
  for (const name of s.dealAttributes) if (raw[name] != null) attributes[name] = plain(raw[name]);
  return finish('deal', raw, DealSchema, {
    id: raw.id,
    name: text(raw[f.name]) ?? '',
    partnerId: lookupId(raw[f.partner]),
    accountId: f.account ? lookupId(raw[f.account]) : null,
    amount,
    currency,
    status,
    closedAt,
    csat,
    attributes,
  });
}

interface Parser<T> {
  safeParse(
    v: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

function finish<T>(
  entity: Quarantined['entity'],
  raw: ZohoRecord,
  schema: Parser<T>,
  value: unknown,
): Mapped<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return bad(entity, raw, `${issue.path.map(String).join('.')}: ${issue.message}`);
  }
  const modifiedAt = typeof raw.Modified_Time === 'string' ? raw.Modified_Time : '';
  return { ok: true, value: { record: parsed.data, raw, modifiedAt } };
}

function bad(
  entity: Quarantined['entity'],
  raw: ZohoRecord,
  reason: string,
): { ok: false; quarantined: Quarantined } {
  return { ok: false, quarantined: { entity, id: String(raw.id), reason, raw } };
}

/** Lookups arrive as {id} (COQL) or {name, id} (records API); a bare id string is accepted too. */
export function lookupId(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (typeof v === 'object' && 'id' in v && (v as { id: unknown }).id != null)
    return String((v as { id: unknown }).id);
  return null;
}

/**
 * Zoho sends currency/decimal fields as JSON numbers. JSON.parse already turned them
 * into doubles; String() gives the shortest round-trip form, which is the digits Zoho
 * sent for any value within a currency field's 16 digits. Returns undefined when
 * the value is not a number at all.
 */
export function decimalOrNull(v: unknown): string | null | undefined {
  if (v == null || v === '') return null;
  if (typeof v !== 'number' && typeof v !== 'string') return undefined;
  if (typeof v === 'number' && !Number.isFinite(v)) return undefined;
  // A decimal string keeps its digits (trailing zeros included).
  if (typeof v === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v.trim())) return v.trim();
  try {
    const d = new Decimal(String(v).trim());
    return d.isFinite() ? d.toFixed() : undefined;
  } catch {
    return undefined;
  }
}

function text(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && 'name' in v) return text((v as { name: unknown }).name);
  return null;
}

function plain(v: unknown): unknown {
  if (typeof v === 'number') return decimalOrNull(v) ?? v;
  if (v && typeof v === 'object' && !Array.isArray(v) && 'id' in v) return lookupId(v);
  return v;
}

function show(v: unknown): string {
  return JSON.stringify(v)?.slice(0, 80) ?? String(v);
}
