// Describes served by the sandbox: realistic field types, option codes and lookups
// (fact sheet §2.7, §2.8). Option codes are deliberately not the labels, so a client
// that guesses labels instead of reading the describe gets wrong answers here.
import { DEFAULT_RESULT_FIELDS, RESULT_KEYS } from '../fxiaoke.settings.js';

export interface SandboxField {
  api_name: string;
  label: string;
  type: string;
  describe_api_name: string;
  define_type: 'package' | 'custom' | 'system';
  is_active: boolean;
  is_required: boolean;
  options?: { label: string; value: string }[];
  target_api_name?: string;
  decimal_places?: number;
  currency_unit?: string;
  time_zone?: string;
  date_format?: string;
  max_length?: number;
}

export type SandboxDescribe = {
  api_name: string;
  display_name: string;
  fields: Record<string, SandboxField>;
};

export const SALES_STATUS_OPTIONS = [
  { label: '进行中', value: '1' },
  { label: '赢单', value: '2' }, // the one code observed in a real tenant (§2.7)
  { label: '输单', value: '3' },
  { label: '无效', value: '4' },
];
export const SALES_STAGE_OPTIONS = [
  { label: '验证客户', value: '1' },
  { label: '需求确定', value: '2' },
  { label: '方案/报价', value: '3' },
  { label: '谈判审核', value: '4' },
  { label: '赢单', value: '5' },
  { label: '输单', value: '6' },
];
export const PARTNER_LEVEL_OPTIONS = [
  { label: '注册', value: 'lv_4aT1p' },
  { label: '银牌', value: 'lv_9cQ2m' },
  { label: '金牌', value: 'lv_2xW7k' },
  { label: '白金', value: 'lv_7hN3s' },
];
export const INDUSTRY_OPTIONS = [
  { label: '制造业', value: '1' },
  { label: '零售', value: '2' },
  { label: '金融', value: '3' },
  { label: '医疗健康', value: '4' },
  { label: '教育', value: '5' },
  { label: '互联网', value: '6' },
  { label: '能源', value: '7' },
];

function f(
  obj: string,
  api: string,
  label: string,
  type: string,
  extra: Partial<SandboxField> = {},
): SandboxField {
  return {
    api_name: api,
    label,
    type,
    describe_api_name: obj,
    define_type: api.endsWith('__c') ? 'custom' : 'package',
    is_active: true,
    is_required: false,
    ...extra,
  };
}

function system(obj: string): Record<string, SandboxField> {
  const tz = { time_zone: 'GMT+8', date_format: 'yyyy-MM-dd HH:mm' };
  return {
    _id: f(obj, '_id', 'ID', 'text', { define_type: 'system' }),
    name: f(obj, 'name', '名称', 'text', { is_required: true }),
    owner: f(obj, 'owner', '负责人', 'employee'),
    created_by: f(obj, 'created_by', '创建人', 'employee', { define_type: 'system' }),
    create_time: f(obj, 'create_time', '创建时间', 'date_time', { define_type: 'system', ...tz }),
    last_modified_by: f(obj, 'last_modified_by', '最后修改人', 'employee', { define_type: 'system' }),
    last_modified_time: f(obj, 'last_modified_time', '最后修改时间', 'date_time', {
      define_type: 'system',
      ...tz,
    }),
    life_status: f(obj, 'life_status', '生命状态', 'select_one', {
      define_type: 'system',
      options: [
        { label: '正常', value: 'normal' },
        { label: '作废', value: 'invalid' },
        { label: '审核中', value: 'under_review' },
      ],
    }),
    lock_status: f(obj, 'lock_status', '锁定状态', 'select_one', {
      define_type: 'system',
      options: [
        { label: '未锁定', value: '0' },
        { label: '锁定', value: '1' },
      ],
    }),
    record_type: f(obj, 'record_type', '业务类型', 'record_type', {
      options: [{ label: '预设业务类型', value: 'default__c' }],
    }),
    version: f(obj, 'version', '版本', 'number', { define_type: 'system' }),
  };
}

/**
 * The field mapping an admin would enter for the sandbox's seeded tenant: its partner
 * level, region, agreement end and satisfaction score live in the custom fields above
 * (a real tenant's custom api names differ, which is why the connector's defaults leave
 * them unmapped).
 */
export const SANDBOX_FIELD_MAPPING = {
  partnerFields: { level: 'field_Lv8p2__c', region: 'province', agreementEnd: 'field_Ag2e5__c' },
  accountFields: { region: 'province', industry: 'industry_level1' },
  dealFields: { csat: 'field_Cs4t8__c' },
} as const;

export type ResultFieldMode = 'none' | 'apiNames' | 'labels';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A deterministic name in the style the Fxiaoke UI generates (field_rU4l5__c, §2.7). */
export function uiFieldName(i: number): string {
  let x = (i + 1) * 2_654_435_761;
  let out = '';
  for (let k = 0; k < 5; k++) {
    out += ALPHABET[x % ALPHABET.length];
    x = Math.floor(x / ALPHABET.length) + k * 7;
  }
  return `field_${out}__c`;
}

/** Result fields as an admin would have created them: our api names, or UI-generated field_xxxxx__c names. */
export function resultFieldDescribes(mode: ResultFieldMode): Record<string, SandboxField> {
  if (mode === 'none') return {};
  const out: Record<string, SandboxField> = {};
  RESULT_KEYS.forEach((k, i) => {
    const d = DEFAULT_RESULT_FIELDS[k];
    const api = mode === 'apiNames' ? d.apiName : uiFieldName(i);
    out[api] = f('PartnerObj', api, d.label, d.type, {
      define_type: 'custom',
      ...(d.decimals !== undefined ? { decimal_places: d.decimals } : {}),
      ...(d.type === 'currency' ? { currency_unit: '￥' } : {}),
      ...(d.type === 'date_time' ? { time_zone: 'GMT+8', date_format: 'yyyy-MM-dd HH:mm' } : {}),
      ...(d.type === 'long_text' ? { max_length: 20000 } : d.type === 'text' ? { max_length: 100 } : {}),
    });
  });
  return out;
}

export function buildDescribes(opts: {
  partnerLookupField: string;
  resultFields: ResultFieldMode;
}): Record<string, SandboxDescribe> {
  const tzDate = { time_zone: 'GMT+8', date_format: 'yyyy-MM-dd' };
  const region = (obj: string) => ({
    country: f(obj, 'country', '国家', 'country'),
    province: f(obj, 'province', '省', 'province'),
    city: f(obj, 'city', '市', 'city'),
  });
  const partnerLookup = (obj: string) =>
    f(obj, opts.partnerLookupField, '合作伙伴', 'object_reference', {
      target_api_name: 'PartnerObj',
      define_type: opts.partnerLookupField.endsWith('__c') ? 'custom' : 'package',
    });
  return {
    PartnerObj: {
      api_name: 'PartnerObj',
      display_name: '合作伙伴',
      fields: {
        ...system('PartnerObj'),
        ...region('PartnerObj'),
        tel: f('PartnerObj', 'tel', '电话', 'phone_number'),
        field_Lv8p2__c: f('PartnerObj', 'field_Lv8p2__c', '伙伴等级', 'select_one', {
          options: PARTNER_LEVEL_OPTIONS,
        }),
        field_Tq3r9__c: f('PartnerObj', 'field_Tq3r9__c', '季度目标', 'currency', {
          decimal_places: 2,
          currency_unit: '￥',
        }),
        field_Ce7k1__c: f('PartnerObj', 'field_Ce7k1__c', '认证人数', 'number', { decimal_places: 0 }),
        field_Ag2e5__c: f('PartnerObj', 'field_Ag2e5__c', '协议到期日', 'date', tzDate),
        ...resultFieldDescribes(opts.resultFields),
      },
    },
    AccountObj: {
      api_name: 'AccountObj',
      display_name: '客户',
      fields: {
        ...system('AccountObj'),
        ...region('AccountObj'),
        [opts.partnerLookupField]: partnerLookup('AccountObj'),
        industry_level1: f('AccountObj', 'industry_level1', '行业', 'select_one', {
          options: INDUSTRY_OPTIONS,
        }),
        account_level: f('AccountObj', 'account_level', '客户级别', 'select_one', {
          options: [
            { label: '重要客户', value: 'A' },
            { label: '普通客户', value: 'B' },
            { label: '一般客户', value: 'C' },
          ],
        }),
      },
    },
    // A custom object (api name ends in __c): served only on the /cgi/crm/custom/v2/ paths.
    object_Rb7x2__c: {
      api_name: 'object_Rb7x2__c',
      display_name: '返利台账',
      fields: {
        ...system('object_Rb7x2__c'),
        field_Pt3k9__c: f('object_Rb7x2__c', 'field_Pt3k9__c', '合作伙伴', 'object_reference', {
          target_api_name: 'PartnerObj',
        }),
        field_Am5r2__c: f('object_Rb7x2__c', 'field_Am5r2__c', '返利金额', 'currency', {
          decimal_places: 2,
          currency_unit: '￥',
        }),
        field_Pd8q1__c: f('object_Rb7x2__c', 'field_Pd8q1__c', '返利期间', 'text', { max_length: 100 }),
      },
    },
    NewOpportunityObj: {
      api_name: 'NewOpportunityObj',
      display_name: '商机2.0',
      fields: {
        ...system('NewOpportunityObj'),
        amount: f('NewOpportunityObj', 'amount', '商机金额', 'currency', {
          decimal_places: 2,
          currency_unit: '￥',
        }),
        close_date: f('NewOpportunityObj', 'close_date', '预计成交日期', 'date', tzDate),
        account_id: f('NewOpportunityObj', 'account_id', '客户名称', 'object_reference', {
          target_api_name: 'AccountObj',
        }),
        [opts.partnerLookupField]: partnerLookup('NewOpportunityObj'),
        sales_status: f('NewOpportunityObj', 'sales_status', '状态', 'select_one', {
          options: SALES_STATUS_OPTIONS,
        }),
        sales_stage: f('NewOpportunityObj', 'sales_stage', '商机阶段', 'select_one', {
          options: SALES_STAGE_OPTIONS,
        }),
        probability: f('NewOpportunityObj', 'probability', '赢率', 'percentile'),
        stg_changed_time: f('NewOpportunityObj', 'stg_changed_time', '阶段变更时间', 'date_time', {
          define_type: 'system',
          time_zone: 'GMT+8',
        }),
        field_Cs4t8__c: f('NewOpportunityObj', 'field_Cs4t8__c', '客户满意度', 'number', {
          decimal_places: 1,
        }),
      },
    },
  };
}
