// Per-tenant Fxiaoke settings and credentials, parsed with zod at the edge.
// Defaults come from the fact sheet; every UNVERIFIED fact (partner lookup api names,
// status codes, cloud host, rate limit, APL function name, …) is a setting, never a constant.
import { z } from 'zod';
import { DEFAULT_FXIAOKE_BASE_URL, FX_LIMITS } from './fxiaoke.hosts.js';

/** What the CredentialVault holds for a Fxiaoke tenant (encrypted at rest by the store). */
export const FxiaokeCredentialsSchema = z.object({
  appId: z.string().min(1, 'appId is required (app detail page, e.g. FSAID_…)'),
  appSecret: z.string().min(1, 'appSecret is required'),
  permanentCode: z.string().min(1, 'permanentCode is required'),
  /** Data-change callback key (base64 of 32 bytes), when the tenant has the callback. */
  callbackAesKey: z.string().optional(),
  /** Shared secret the APL workflow function sends to our webhook. */
  webhookSecret: z.string().min(16, 'webhookSecret must be at least 16 characters').optional(),
  /** Cached access token, shared across processes through the vault. */
  token: z
    .object({
      style: z.enum(['legacy', 'oauth2']),
      accessToken: z.string(),
      corpId: z.string().optional(),
      ea: z.string().optional(),
      openUserId: z.string().optional(),
      /** ms epoch at which we stop using it (expiry minus the refresh margin). */
      refreshAt: z.number(),
    })
    .optional(),
});
export type FxiaokeCredentials = z.infer<typeof FxiaokeCredentialsSchema>;

const ApiName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a Fxiaoke api name such as partner_id or field_x1Y2z__c');
const OptionalField = ApiName.nullable();

/** Field defaults per deal object (§2.7). SalesOrderObj names are UNVERIFIED beyond order_time. */
export const DEAL_PRESETS = {
  NewOpportunityObj: {
    name: 'name',
    amount: 'amount',
    closedAt: 'close_date',
    status: 'sales_status',
    account: 'account_id',
    partner: 'partner_id',
  },
  OpportunityObj: {
    name: 'name',
    amount: 'amount',
    closedAt: 'expected_deal_closed_date',
    status: 'sales_status',
    account: 'account_id',
    partner: 'partner_id',
  },
  SalesOrderObj: {
    name: 'name',
    amount: 'order_amount',
    closedAt: 'order_time',
    status: null,
    account: 'account_id',
    partner: 'partner_id',
  },
} as const satisfies Record<string, Record<string, string | null>>;

const ResultKeys = [
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
  'inputsHash',
] as const;
export type ResultKey = (typeof ResultKeys)[number];
export const RESULT_KEYS: readonly ResultKey[] = ResultKeys;

export const ResultFieldTypeSchema = z.enum(['text', 'long_text', 'number', 'currency', 'date_time']);
export type ResultFieldType = z.infer<typeof ResultFieldTypeSchema>;

/** The result fields an admin creates on PartnerObj (there is no field-creation API, §2.8). */
export const DEFAULT_RESULT_FIELDS: Record<
  ResultKey,
  { apiName: string; label: string; type: ResultFieldType; decimals?: number; note?: string }
> = {
  tier: { apiName: 'ci_tier__c', label: '激励等级 Incentive tier', type: 'text' },
  score: { apiName: 'ci_score__c', label: '激励得分 Incentive score', type: 'number', decimals: 2 },
  payout: { apiName: 'ci_payout__c', label: '预计奖励 Estimated payout', type: 'currency', decimals: 2 },
  period: { apiName: 'ci_period__c', label: '考核周期 Incentive period', type: 'text' },
  rank: { apiName: 'ci_rank__c', label: '排名 Incentive rank', type: 'number', decimals: 0 },
  nextTier: { apiName: 'ci_next_tier__c', label: '下一等级 Next tier', type: 'text' },
  nextTierGap: {
    apiName: 'ci_next_tier_gap__c',
    label: '距下一等级分差 Gap to next tier',
    type: 'number',
    decimals: 2,
  },
  awards: { apiName: 'ci_awards__c', label: '获得奖项 Awards', type: 'long_text' },
  updated: { apiName: 'ci_updated__c', label: '激励更新时间 Incentive updated', type: 'date_time' },
  details: {
    apiName: 'ci_details__c',
    label: '激励明细 Incentive details',
    type: 'long_text',
    note: 'JSON for the embedded page; make it the longest text the tenant allows',
  },
  inputsHash: { apiName: 'ci_inputs_hash__c', label: '激励指纹 Incentive inputs hash', type: 'text' },
};

const RateSchema = z.object({
  calls: z.number().int().positive(),
  perMs: z.number().int().positive(),
});

export const FxiaokeSettingsInputSchema = z
  .object({
    /** Per-tenant cloud gateway (§1.1), e.g. https://open.fxiaoke.com or https://open-hwcloud.fxiaoke.com. */
    baseUrl: z.url().default(DEFAULT_FXIAOKE_BASE_URL),
    /** legacy = corpAccessToken in the body (works today, every public client); oauth2 = /oauth2.0/token + headers. */
    authStyle: z.enum(['legacy', 'oauth2']).default('legacy'),
    /** The CRM user our calls act as (§1.4): needs data permission on every synced object. */
    operator: z
      .object({
        openUserId: z.string().min(1).optional(),
        mobile: z.string().min(5).optional(),
        /** Header style: CRM employee id such as "1000" (x-fs-userid). */
        employeeId: z.string().min(1).optional(),
      })
      .default({}),
    /** New docs ask for ?thirdTraceId=<uuid> on every URL; enforcement is UNVERIFIED. */
    sendThirdTraceId: z.boolean().default(true),
    objects: z
      .object({
        partner: ApiName.default('PartnerObj'),
        account: ApiName.default('AccountObj'),
        /** NewOpportunityObj (商机2.0), OpportunityObj (1.0) or SalesOrderObj. */
        deal: ApiName.default('NewOpportunityObj'),
      })
      .default({ partner: 'PartnerObj', account: 'AccountObj', deal: 'NewOpportunityObj' }),
    partnerFields: z
      .object({
        name: ApiName.default('name'),
        level: OptionalField.default(null),
        region: OptionalField.default(null),
        agreementEnd: OptionalField.default(null),
        /** attribute key → field api name (targets, certifications, …). */
        attributes: z.record(z.string(), ApiName).default({}),
      })
      .default({ name: 'name', level: null, region: null, agreementEnd: null, attributes: {} }),
    accountFields: z
      .object({
        name: ApiName.default('name'),
        /** Partner lookup on AccountObj: UNVERIFIED api name, discovered from describe. */
        partner: OptionalField.default('partner_id'),
        region: OptionalField.default(null),
        industry: OptionalField.default(null),
        attributes: z.record(z.string(), ApiName).default({}),
      })
      .default({ name: 'name', partner: 'partner_id', region: null, industry: null, attributes: {} }),
    /** Missing keys take the preset of the deal object (DEAL_PRESETS). */
    dealFields: z
      .object({
        name: ApiName.optional(),
        amount: ApiName.optional(),
        closedAt: ApiName.optional(),
        status: OptionalField.optional(),
        account: OptionalField.optional(),
        partner: OptionalField.optional(),
        currency: OptionalField.default(null),
        csat: OptionalField.default(null),
        attributes: z.record(z.string(), ApiName).default({}),
      })
      .default({ currency: null, csat: null, attributes: {} }),
    /** Option codes of the status field (discovered by install; only "2" = 赢单 was ever observed). */
    dealStatus: z
      .object({ won: z.array(z.string()).optional(), lost: z.array(z.string()).optional() })
      .default({}),
    /** Currency of deal amounts when the tenant has no multi-currency field. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('CNY'),
    /** Result field api names on the partner object (install discovers the generated field_xxx__c names). */
    resultFields: z.partialRecord(z.enum(ResultKeys), ApiName).default({}),
    /** `update`: one /data/update per partner; `apl`: batches through the installed APL controller function. */
    writeMode: z.enum(['update', 'apl']).default('update'),
    aplFunctionApiName: ApiName.default('func_ci_write_results__c'),
    aplBatchSize: z.number().int().min(1).max(300).default(FX_LIMITS.aplBatchSize),
    /** Per-endpoint limiter (safe floor 60 / 20 s; the 2026 docs say 100). */
    rateLimit: RateSchema.default(FX_LIMITS.perEndpoint),
    /** Token endpoint limiter (≤ 10 / min is DERIVED, UNVERIFIED). */
    tokenRateLimit: RateSchema.default(FX_LIMITS.tokenEndpoint),
    pageSize: z.number().int().min(1).max(FX_LIMITS.pageSize).default(FX_LIMITS.pageSize),
    maxOffset: z.number().int().min(0).default(FX_LIMITS.maxOffset),
    timeoutMs: z.number().int().positive().default(20_000),
    retry: z
      .object({
        attempts: z.number().int().min(1).max(10).default(4),
        baseMs: z.number().int().min(0).default(500),
        maxMs: z.number().int().min(0).default(30_000),
      })
      .default({ attempts: 4, baseMs: 500, maxMs: 30_000 }),
    /** Refresh this long before the documented expiry (docs: refresh between 6600 and 7200 s). */
    tokenRefreshMarginSec: z.number().int().min(0).max(7000).default(600),
    /** Callback eventType values meaning the record left every list (only "update" is documented). */
    deleteEventTypes: z.array(z.string()).default(['delete', 'deleted', 'remove', 'invalid', 'invalidate']),
    /** Reject callbacks older than this; null = accept (the vendor's retry schedule is UNVERIFIED). */
    callbackMaxAgeMs: z.number().int().positive().nullable().default(null),
  })
  .superRefine((s, ctx) => {
    if (s.authStyle === 'oauth2' && !s.operator.employeeId) {
      ctx.addIssue({
        code: 'custom',
        path: ['operator', 'employeeId'],
        message: 'authStyle "oauth2" needs the operator employee id for the x-fs-userid header (e.g. "1000")',
      });
    }
    if (s.authStyle === 'legacy' && !s.operator.openUserId && !s.operator.mobile) {
      ctx.addIssue({
        code: 'custom',
        path: ['operator'],
        message: 'authStyle "legacy" needs operator.openUserId (FSUID_…) or operator.mobile of a CRM admin',
      });
    }
  });

export type FxiaokeSettingsInput = z.input<typeof FxiaokeSettingsInputSchema>;
type Parsed = z.infer<typeof FxiaokeSettingsInputSchema>;

export interface DealFieldMap {
  name: string;
  amount: string;
  closedAt: string;
  status: string | null;
  account: string | null;
  partner: string | null;
  currency: string | null;
  csat: string | null;
  attributes: Record<string, string>;
}

export type FxiaokeSettings = Omit<Parsed, 'dealFields' | 'resultFields'> & {
  dealFields: DealFieldMap;
  resultFields: Record<ResultKey, string>;
};

/** Parses and fills defaults; throws a readable error naming every bad path. */
export function parseFxiaokeSettings(input: unknown): FxiaokeSettings {
  const r = FxiaokeSettingsInputSchema.safeParse(input ?? {});
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid Fxiaoke settings:\n  ${lines.join('\n  ')}`);
  }
  const s = r.data;
  const preset =
    (DEAL_PRESETS as Record<string, (typeof DEAL_PRESETS)[keyof typeof DEAL_PRESETS]>)[s.objects.deal] ??
    DEAL_PRESETS.NewOpportunityObj;
  const df = s.dealFields;
  const dealFields: DealFieldMap = {
    name: df.name ?? preset.name,
    amount: df.amount ?? preset.amount,
    closedAt: df.closedAt ?? preset.closedAt,
    status: df.status !== undefined ? df.status : preset.status,
    account: df.account !== undefined ? df.account : preset.account,
    partner: df.partner !== undefined ? df.partner : preset.partner,
    currency: df.currency,
    csat: df.csat,
    attributes: df.attributes,
  };
  const resultFields = Object.fromEntries(
    RESULT_KEYS.map((k) => [k, s.resultFields[k] ?? DEFAULT_RESULT_FIELDS[k].apiName]),
  ) as Record<ResultKey, string>;
  return { ...s, dealFields, resultFields };
}
