// Install-time metadata work (fact sheet §4): create the result fields on Accounts
// idempotently through the Fields API (≤ 5 per call; the response holds only ids,
// so re-read the metadata for api names), and discover the mapping from what the
// org really has: won/lost stages from the Stage picklist (probability / forecast
// type), which mapped fields exist, and the base currency.
import { z } from 'zod';
import type { InstallReport } from '../contract.js';
import type { ZohoClient } from './zoho.client.js';
import { classifyZoho } from './zoho.errors.js';
import type { ResultFieldKey, ZohoSettings } from './zoho.settings.js';

export interface ResultFieldSpec {
  key: ResultFieldKey;
  label: string;
  apiName: string;
  data_type: string;
  length?: number;
  decimal_place?: number;
}

/** The ten result fields and their Zoho types. Labels generate the api names Zoho shows. */
export const RESULT_FIELD_SPECS: ResultFieldSpec[] = [
  { key: 'tier', label: 'Incentive Tier', apiName: 'Incentive_Tier', data_type: 'text', length: 100 },
  {
    key: 'score',
    label: 'Incentive Score',
    apiName: 'Incentive_Score',
    data_type: 'double',
    length: 16,
    decimal_place: 4,
  },
  {
    key: 'payout',
    label: 'Incentive Payout',
    apiName: 'Incentive_Payout',
    data_type: 'currency',
    length: 16,
    decimal_place: 2,
  },
  { key: 'period', label: 'Incentive Period', apiName: 'Incentive_Period', data_type: 'text', length: 40 },
  { key: 'rank', label: 'Incentive Rank', apiName: 'Incentive_Rank', data_type: 'integer', length: 9 },
  {
    key: 'nextTier',
    label: 'Incentive Next Tier',
    apiName: 'Incentive_Next_Tier',
    data_type: 'text',
    length: 100,
  },
  {
    key: 'nextTierGap',
    label: 'Incentive Next Tier Gap',
    apiName: 'Incentive_Next_Tier_Gap',
    data_type: 'double',
    length: 16,
    decimal_place: 4,
  },
  {
    key: 'awards',
    label: 'Incentive Awards',
    apiName: 'Incentive_Awards',
    data_type: 'textarea',
    length: 2000,
  },
  { key: 'updated', label: 'Incentive Updated', apiName: 'Incentive_Updated', data_type: 'datetime' },
  {
    key: 'details',
    label: 'Incentive Details',
    apiName: 'Incentive_Details',
    data_type: 'textarea',
    length: 32000,
  },
];

const FieldSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  api_name: z.string(),
  field_label: z.string().optional(),
  display_label: z.string().optional(),
  data_type: z.string(),
  pick_list_values: z
    .array(
      z.looseObject({
        display_value: z.string(),
        actual_value: z.string().optional(),
        probability: z.number().nullish(),
        forecast_type: z.string().nullish(),
      }),
    )
    .nullish(),
  lookup: z.looseObject({ module: z.looseObject({ api_name: z.string() }).optional() }).nullish(),
});
export type ZohoField = z.infer<typeof FieldSchema>;
const FieldsResponseSchema = z.object({ fields: z.array(FieldSchema) });

const CreateResponseSchema = z.object({
  fields: z.array(
    z.looseObject({
      code: z.string(),
      status: z.string(),
      message: z.string().optional(),
      details: z
        .looseObject({ id: z.union([z.string(), z.number()]).transform(String).optional() })
        .nullish(),
    }),
  ),
});

export async function readFields(client: ZohoClient, module: string): Promise<ZohoField[]> {
  const res = await client.request<unknown>({
    method: 'GET',
    path: '/crm/v8/settings/fields',
    params: { module },
  });
  if (res.data === null) return [];
  const parsed = FieldsResponseSchema.safeParse(res.data);
  if (!parsed.success)
    throw new Error(`Zoho fields metadata for ${module} unexpected: ${parsed.error.issues[0]?.message}`);
  return parsed.data.fields;
}

function matches(f: ZohoField, spec: { apiName: string; label: string }): boolean {
  const label = (f.field_label ?? f.display_label ?? '').toLowerCase();
  return f.api_name === spec.apiName || label === spec.label.toLowerCase();
}

export interface FieldInstall {
  present: string[];
  created: string[];
  missing: InstallReport['missing'];
  resultFields: Record<ResultFieldKey, string>;
}

export async function installResultFields(client: ZohoClient, settings: ZohoSettings): Promise<FieldInstall> {
  const module = settings.partnerModule;
  const specs = RESULT_FIELD_SPECS.map((s) => ({ ...s, apiName: settings.resultFields[s.key] }));
  let existing = await readFields(client, module);
  const toCreate = specs.filter((s) => !existing.some((f) => matches(f, s)));
  const createdIds = new Map<string, ResultFieldSpec>();
  const failures = new Map<string, string>();
  for (let i = 0; i < toCreate.length; i += 5) {
    const chunk = toCreate.slice(i, i + 5);
    const res = await client.request<unknown>({
      method: 'POST',
      path: '/crm/v8/settings/fields',
      params: { module },
      data: {
        fields: chunk.map((s) => ({
          field_label: s.label,
          data_type: s.data_type,
          ...(s.length !== undefined ? { length: s.length } : {}),
          ...(s.decimal_place !== undefined ? { decimal_place: s.decimal_place } : {}),
          ...(s.data_type === 'currency' ? { currency: { rounding_option: 'normal', precision: 2 } } : {}),
          tooltip: { name: 'info_icon', value: 'Written by channel-incentives; do not edit by hand.' },
        })),
      },
      itemsKey: 'fields',
    });
    const parsed = CreateResponseSchema.safeParse(res.data);
    if (!parsed.success)
      throw new Error(`Zoho field creation response unexpected: ${parsed.error.issues[0]?.message}`);
    parsed.data.fields.forEach((r, j) => {
      const spec = chunk[j]!;
      if (r.status === 'success' && r.details?.id) createdIds.set(r.details.id, spec);
      // DUPLICATE_DATA: created meanwhile (another install); the re-read finds it.
      else if (r.code !== 'DUPLICATE_DATA')
        failures.set(spec.key, `${r.code}: ${classifyZoho({ code: r.code }).reason}`);
    });
  }
  // The create response holds only ids: re-read to learn the api names Zoho chose.
  if (toCreate.length > 0) existing = await readFields(client, module);
  const resultFields = { ...settings.resultFields };
  const present: string[] = [];
  const created: string[] = [];
  const missing: InstallReport['missing'] = [];
  for (const spec of specs) {
    const byId = [...createdIds.entries()].find(([, s]) => s.key === spec.key)?.[0];
    const field = existing.find((f) => (byId ? f.id === byId : matches(f, spec)));
    if (!field) {
      missing.push({
        label: spec.label,
        apiName: spec.apiName,
        type: spec.data_type === 'textarea' ? `textarea (${spec.length})` : spec.data_type,
        note: failures.get(spec.key) ?? 'not found after creation',
      });
      continue;
    }
    resultFields[spec.key] = field.api_name;
    if (byId) created.push(field.api_name);
    else present.push(field.api_name);
  }
  return { present, created, missing, resultFields };
}

/** Won = probability 100; lost = probability 0 with a closed/omitted forecast type or "lost" in the name. */
export function stagesFromPicklist(values: NonNullable<ZohoField['pick_list_values']>): {
  won: string[];
  lost: string[];
} {
  const won: string[] = [];
  const lost: string[] = [];
  for (const v of values) {
    const name = v.actual_value ?? v.display_value;
    if (name === '-None-') continue;
    const type = (v.forecast_type ?? '').toLowerCase();
    if (v.probability === 100 || type === 'won' || type === 'closed won') won.push(name);
    else if (
      v.probability === 0 &&
      (type === 'omitted' || type === 'lost' || type === 'closed' || /lost/i.test(name))
    )
      lost.push(name);
  }
  return { won, lost };
}

/** What install learns from the org's metadata; returned as settings overrides. */
export async function discoverSettings(
  client: ZohoClient,
  s: ZohoSettings,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const deals = await readFields(client, s.dealModule);
  const stage = deals.find((f) => f.api_name === s.dealFields.stage);
  if (stage?.pick_list_values) {
    const { won, lost } = stagesFromPicklist(stage.pick_list_values);
    if (won.length > 0) out.wonStages = won;
    if (lost.length > 0) out.lostStages = lost;
  }
  const has = (fields: ZohoField[], name: string | null) => !name || fields.some((f) => f.api_name === name);
  const dealFields: Record<string, string | null> = { ...s.dealFields };
  for (const key of ['account', 'currency', 'exchangeRate', 'csat'] as const) {
    if (!has(deals, s.dealFields[key])) dealFields[key] = null;
  }
  const partnerLookup = deals.find((f) => f.api_name === s.dealFields.partner);
  out.partnerLookupFound = !!partnerLookup && partnerLookup.data_type === 'lookup';
  out.dealFields = dealFields;
  const accounts = await readFields(client, s.partnerModule);
  const partnerFields: Record<string, string | null> = { ...s.partnerFields };
  for (const key of ['level', 'region', 'target', 'agreementEnd'] as const) {
    if (!has(accounts, s.partnerFields[key])) partnerFields[key] = null;
  }
  out.partnerFields = partnerFields;
  try {
    const res = await client.request<{ currencies?: { iso_code?: string; is_base?: boolean }[] }>({
      method: 'GET',
      path: '/crm/v8/org/currencies',
    });
    const base = res.data?.currencies?.find((c) => c.is_base)?.iso_code;
    if (base && /^[A-Z]{3}$/.test(base)) out.homeCurrency = base;
  } catch {
    // Single-currency orgs or a missing scope: keep the configured home currency.
  }
  return out;
}
