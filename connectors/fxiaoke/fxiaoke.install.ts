// Installation check (fact sheet §2.8): Fxiaoke has no custom-field creation API, so we
// discover what exists from /cgi/crm/v2/object/describe and list exactly which result fields
// an admin must create (with types). We also discover the mapping a tenant actually has:
// partner lookup fields (api names are UNVERIFIED, so found by target object), the won/lost
// codes of the deal status field, the custom fields available as attributes, and whether the
// configured deal object is active (/cgi/crm/v2/object/list).
import { z } from 'zod';
import type { InstallReport } from '../contract.js';
import type { FxiaokeClient } from './fxiaoke.client.js';
import {
  DescribeResponseSchema,
  type FieldDescribe,
  lookupFieldsTo,
  type ObjectDescribe,
} from './fxiaoke.describe.js';
import { FX_PATHS } from './fxiaoke.hosts.js';
import { discoverStatusCodes } from './fxiaoke.mapping.js';
import {
  DEFAULT_RESULT_FIELDS,
  type FxiaokeSettings,
  RESULT_KEYS,
  type ResultFieldType,
  type ResultKey,
} from './fxiaoke.settings.js';

export async function fetchDescribe(client: FxiaokeClient, apiName: string): Promise<ObjectDescribe> {
  const r = await client.call(
    FX_PATHS.describe,
    { data: { apiName, includeDetail: false } },
    DescribeResponseSchema,
  );
  return r.data.describe;
}

const ObjectListSchema = z
  .object({
    data: z
      .object({
        objects: z
          .array(z.object({ describeApiName: z.string(), isActive: z.boolean().optional() }).loose())
          .default([]),
      })
      .loose(),
  })
  .loose();

/** Field types that can hold each result type (a currency field can hold a number, …). */
const COMPATIBLE: Record<ResultFieldType, string[]> = {
  text: ['text', 'long_text'],
  long_text: ['long_text'],
  number: ['number', 'currency'],
  currency: ['currency', 'number'],
  date_time: ['date_time'],
};

function labelMatches(f: FieldDescribe, label: string): boolean {
  const l = (f.label ?? '').trim();
  if (!l) return false;
  // The default label is "中文 English": either half (or the whole) counts.
  const [zh, ...en] = label.split(' ');
  return l === label || l === zh || l === en.join(' ');
}

export interface ResultFieldCheck {
  present: { key: ResultKey; apiName: string }[];
  wrongType: { key: ResultKey; apiName: string; has: string; needs: ResultFieldType }[];
  missing: InstallReport['missing'];
  resolved: Partial<Record<ResultKey, string>>;
  /** Text length limits the describe states for the found text fields (details must fit). */
  maxLength: Partial<Record<ResultKey, number>>;
}

/** Finds each result field by configured api name, default api name, or label. */
export function checkResultFields(describe: ObjectDescribe, settings: FxiaokeSettings): ResultFieldCheck {
  const out: ResultFieldCheck = { present: [], wrongType: [], missing: [], resolved: {}, maxLength: {} };
  const fields = Object.values(describe.fields).filter((f) => f.is_active !== false);
  for (const key of RESULT_KEYS) {
    const def = DEFAULT_RESULT_FIELDS[key];
    const configured = settings.resultFields[key];
    const found =
      describe.fields[configured] ??
      describe.fields[def.apiName] ??
      fields.find((f) => f.api_name.endsWith('__c') && labelMatches(f, def.label));
    if (!found || found.is_active === false) {
      out.missing.push({
        label: def.label,
        apiName: def.apiName,
        type: def.type + (def.decimals !== undefined ? ` (${def.decimals} decimals)` : ''),
        note: [
          `result "${key}" on ${describe.api_name}`,
          def.note,
          'if Fxiaoke generates a field_xxxxx__c name, keep this label and install will find it',
        ]
          .filter(Boolean)
          .join('; '),
      });
      continue;
    }
    if (!COMPATIBLE[def.type].includes(found.type)) {
      out.wrongType.push({ key, apiName: found.api_name, has: found.type, needs: def.type });
      out.missing.push({
        label: def.label,
        apiName: def.apiName,
        type: def.type,
        note: `${found.api_name} exists but is ${found.type}; create a ${def.type} field instead`,
      });
      continue;
    }
    out.present.push({ key, apiName: found.api_name });
    out.resolved[key] = found.api_name;
    const max = Number((found as { max_length?: unknown }).max_length);
    if (Number.isInteger(max) && max > 0) out.maxLength[key] = max;
  }
  return out;
}

function partnerLookup(d: ObjectDescribe, configured: string | null, partnerApi: string) {
  const candidates = lookupFieldsTo(d, partnerApi).map((f) => f.api_name);
  const chosen = configured && candidates.includes(configured) ? configured : (candidates[0] ?? null);
  return { chosen, candidates };
}

function customFields(d: ObjectDescribe, exclude: Set<string>) {
  return Object.values(d.fields)
    .filter((f) => f.api_name.endsWith('__c') && f.is_active !== false && !exclude.has(f.api_name))
    .map((f) => ({ apiName: f.api_name, label: f.label ?? '', type: f.type }));
}

export interface InstallResult {
  report: InstallReport;
  describes: { partner: ObjectDescribe; account: ObjectDescribe; deal: ObjectDescribe };
  warnings: string[];
}

export async function runInstallCheck(
  client: FxiaokeClient,
  settings: FxiaokeSettings,
): Promise<InstallResult> {
  const warnings: string[] = [];
  const objects = await client.call(FX_PATHS.objectList, { data: { includeNull: false } }, ObjectListSchema);
  const active = new Set(
    objects.data.objects.filter((o) => o.isActive !== false).map((o) => o.describeApiName),
  );
  let dealObject = settings.objects.deal;
  if (!active.has(dealObject)) {
    const alt = ['NewOpportunityObj', 'OpportunityObj', 'SalesOrderObj'].find((o) => active.has(o));
    warnings.push(`deal object ${dealObject} is not active in this tenant${alt ? `; ${alt} is` : ''}`);
    if (alt) dealObject = alt;
  }
  const [partner, account, deal] = await Promise.all([
    fetchDescribe(client, settings.objects.partner),
    fetchDescribe(client, settings.objects.account),
    fetchDescribe(client, dealObject),
  ]);

  const accountLookup = partnerLookup(account, settings.accountFields.partner, settings.objects.partner);
  const dealLookup = partnerLookup(deal, settings.dealFields.partner, settings.objects.partner);
  if (!accountLookup.chosen)
    warnings.push(`${settings.objects.account} has no lookup to ${settings.objects.partner}`);
  if (!dealLookup.chosen)
    warnings.push(`${dealObject} has no lookup to ${settings.objects.partner}: deals cannot be credited`);
  if (dealLookup.candidates.length > 1) {
    warnings.push(
      `${dealObject} has several partner lookups (${dealLookup.candidates.join(', ')}); using ${dealLookup.chosen}`,
    );
  }

  const statusField = settings.dealFields.status ? deal.fields[settings.dealFields.status] : undefined;
  const status = discoverStatusCodes(statusField);
  if (settings.dealFields.status && status.won.length === 0 && !settings.dealStatus.won) {
    warnings.push(
      `no 赢单/won option found on ${dealObject}.${settings.dealFields.status}: set dealStatus.won by hand`,
    );
  }

  const results = checkResultFields(partner, settings);
  const resultApiNames = new Set(Object.values(results.resolved));
  const discoveredSettings: Record<string, unknown> = {
    objects: { ...settings.objects, deal: dealObject },
    accountFields: { partner: accountLookup.chosen },
    dealFields: { partner: dealLookup.chosen },
    partnerLookupCandidates: { account: accountLookup.candidates, deal: dealLookup.candidates },
    dealStatus: {
      won: settings.dealStatus.won ?? status.won,
      lost: settings.dealStatus.lost ?? status.lost,
      options: statusField?.options?.map((o) => ({ value: o.value, label: o.label })) ?? [],
    },
    resultFields: results.resolved,
    // e.g. pass resultFieldMaxLength.details as detailsLimit when building the widget details.
    resultFieldMaxLength: results.maxLength,
    customFields: {
      partner: customFields(partner, resultApiNames),
      account: customFields(account, resultApiNames),
      deal: customFields(deal, resultApiNames),
    },
    timeZone: deal.fields[settings.dealFields.closedAt]?.time_zone ?? null,
    warnings,
  };
  return {
    report: {
      present: results.present.map((p) => p.apiName),
      created: [], // Fxiaoke has no field-creation API
      missing: results.missing,
      discoveredSettings,
    },
    describes: { partner, account, deal },
    warnings,
  };
}
