// A tenant's Zoho mapping and options (issue 4 defaults). Stored as the tenant's
// settings; every value can be overridden, and install() fills in what it discovers
// (won/lost stages from the Stage picklist, result field api names, home currency).
import { z } from 'zod';

const ApiName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_$]*$/, 'must be a Zoho field api name such as "Account_Type"');
const Nullable = ApiName.nullable();

export const ZOHO_EDITIONS = ['free', 'standard', 'professional', 'enterprise', 'ultimate'] as const;
export type ZohoEdition = (typeof ZOHO_EDITIONS)[number];
/** Concurrent in-flight calls per org and app (fact sheet §6.2). */
export const EDITION_CONCURRENCY: Record<ZohoEdition, number> = {
  free: 5,
  standard: 10,
  professional: 15,
  enterprise: 20,
  ultimate: 25,
};
/** Shared by COQL, search, updates of more than 10 records, cvid/sort_by reads. */
export const HEAVY_CONCURRENCY = 10;

export const RESULT_FIELD_KEYS = [
  'tier',
  'score',
  'payout',
  'period',
  'rank',
  'nextTier',
  'nextTierGap',
  'awards',
  'updated',
  'details',
] as const;
export type ResultFieldKey = (typeof RESULT_FIELD_KEYS)[number];

export const ZohoSettingsSchema = z.object({
  partnerModule: ApiName.default('Accounts'),
  accountModule: ApiName.default('Accounts'),
  dealModule: ApiName.default('Deals'),
  /** Partners are Accounts whose `field` holds one of `values`. */
  partnerFilter: z
    .object({ field: ApiName, values: z.array(z.string().min(1)).min(1).max(50) })
    .default({ field: 'Account_Type', values: ['Partner', 'Reseller', 'Distributor'] }),
  partnerFields: z
    .object({
      name: ApiName.default('Account_Name'),
      level: Nullable.default('Partner_Level'),
      region: Nullable.default('Billing_State'),
      target: Nullable.default('Quarterly_Target'),
      agreementEnd: Nullable.default(null),
    })
    .default({
      name: 'Account_Name',
      level: 'Partner_Level',
      region: 'Billing_State',
      target: 'Quarterly_Target',
      agreementEnd: null,
    }),
  /** Extra partner fields copied into `attributes` under their api names. */
  partnerAttributes: z.array(ApiName).max(20).default([]),
  accountFields: z
    .object({
      name: ApiName.default('Account_Name'),
      region: Nullable.default('Billing_State'),
      industry: Nullable.default('Industry'),
      /** Lookup from a customer account to its partner, when the org keeps one. */
      partner: Nullable.default(null),
    })
    .default({ name: 'Account_Name', region: 'Billing_State', industry: 'Industry', partner: null }),
  dealFields: z
    .object({
      name: ApiName.default('Deal_Name'),
      partner: ApiName.default('Channel_Partner'),
      account: Nullable.default('Account_Name'),
      stage: ApiName.default('Stage'),
      amount: ApiName.default('Amount'),
      currency: Nullable.default('Currency'),
      exchangeRate: Nullable.default('Exchange_Rate'),
      closedAt: ApiName.default('Closing_Date'),
      csat: Nullable.default('Customer_Satisfaction'),
    })
    .default({
      name: 'Deal_Name',
      partner: 'Channel_Partner',
      account: 'Account_Name',
      stage: 'Stage',
      amount: 'Amount',
      currency: 'Currency',
      exchangeRate: 'Exchange_Rate',
      closedAt: 'Closing_Date',
      csat: 'Customer_Satisfaction',
    }),
  dealAttributes: z.array(ApiName).max(20).default([]),
  wonStages: z.array(z.string().min(1)).default(['Closed Won']),
  lostStages: z.array(z.string().min(1)).default(['Closed Lost', 'Closed Lost to Competition']),
  /** Used when a record has no Currency (single-currency orgs); install reads the org's base currency. */
  homeCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD'),
  resultFields: z
    .object({
      tier: ApiName.default('Incentive_Tier'),
      score: ApiName.default('Incentive_Score'),
      payout: ApiName.default('Incentive_Payout'),
      period: ApiName.default('Incentive_Period'),
      rank: ApiName.default('Incentive_Rank'),
      nextTier: ApiName.default('Incentive_Next_Tier'),
      nextTierGap: ApiName.default('Incentive_Next_Tier_Gap'),
      awards: ApiName.default('Incentive_Awards'),
      updated: ApiName.default('Incentive_Updated'),
      details: ApiName.default('Incentive_Details'),
    })
    .default({
      tier: 'Incentive_Tier',
      score: 'Incentive_Score',
      payout: 'Incentive_Payout',
      period: 'Incentive_Period',
      rank: 'Incentive_Rank',
      nextTier: 'Incentive_Next_Tier',
      nextTierGap: 'Incentive_Next_Tier_Gap',
      awards: 'Incentive_Awards',
      updated: 'Incentive_Updated',
      details: 'Incentive_Details',
    }),
  edition: z.enum(ZOHO_EDITIONS).default('standard'),
  /** `auto` reads through COQL (cheapest per record); `records` uses GET records for orgs without the COQL scope. */
  readVia: z.enum(['auto', 'coql', 'records']).default('auto'),
  /** First syncs estimated above this many records compare Bulk Read's credits with COQL's. */
  bulkReadThreshold: z.number().int().positive().default(10_000),
  /** Decimal channel id for the watch API; derived from the tenant id when absent. */
  channelId: z
    .string()
    .regex(/^\d{1,18}$/)
    .nullable()
    .default(null),
  /** Hosts besides *.zohoapis.* that `api_domain` may name (sandbox, private deployment). */
  allowedApiDomains: z.array(z.string().url()).default([]),
  timeoutMs: z.number().int().positive().default(30_000),
  maxRetries: z.number().int().min(0).max(10).default(4),
});

export type ZohoSettings = z.infer<typeof ZohoSettingsSchema>;
export type ZohoSettingsInput = z.input<typeof ZohoSettingsSchema>;

export function parseZohoSettings(input: unknown): ZohoSettings {
  const parsed = ZohoSettingsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`Zoho settings ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return parsed.data;
}
