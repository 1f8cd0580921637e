// Deterministic, realistic sample org: partner and customer Accounts, Deals across
// currencies, English and Chinese names, Zoho's default Stage picklist with
// probabilities and forecast types. Same seed → same org, record for record.
import type { Rec } from './sandbox.data.js';
import { ModuleStore, SANDBOX_USER, type SandboxOrg, zohoDateTime } from './sandbox.data.js';

export interface SeedOptions {
  seed?: number;
  partners?: number;
  deals?: number;
  /** Customer accounts; default twice the partners (at least 10). */
  customers?: number;
}

export interface SeedSummary {
  seed: number;
  partners: number;
  customers: number;
  deals: number;
  /** Deals the connector must quarantine (empty Amount), part of `deals`. */
  dealsWithoutAmount: number;
  partnerIds: string[];
}

export const MODULE_IDS = { Accounts: '5725767000000002177', Deals: '5725767000000002181' } as const;

export const STAGES = [
  { value: 'Qualification', probability: 10, forecast_type: 'Open' },
  { value: 'Needs Analysis', probability: 20, forecast_type: 'Open' },
  { value: 'Value Proposition', probability: 40, forecast_type: 'Open' },
  { value: 'Identify Decision Makers', probability: 60, forecast_type: 'Open' },
  { value: 'Proposal/Price Quote', probability: 75, forecast_type: 'Open' },
  { value: 'Negotiation/Review', probability: 90, forecast_type: 'Open' },
  { value: 'Closed Won', probability: 100, forecast_type: 'Closed' },
  { value: 'Closed Lost', probability: 0, forecast_type: 'Omitted' },
  { value: 'Closed Lost to Competition', probability: 0, forecast_type: 'Omitted' },
];

export const CURRENCIES = [
  { iso: 'USD', rate: '1', symbol: '$', decimals: 2, base: true },
  { iso: 'EUR', rate: '0.92', symbol: '€', decimals: 2, base: false },
  { iso: 'CNY', rate: '7.1', symbol: '¥', decimals: 2, base: false },
  { iso: 'JPY', rate: '150', symbol: '¥', decimals: 0, base: false },
];

const EN_A = [
  'Acme',
  'Globex',
  'Initech',
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Litware',
  'Proseware',
  'Adatum',
];
const EN_B = [
  'Systems',
  'Distribution',
  'Solutions',
  'Partners',
  'Networks',
  'Technologies',
  'Integrators',
  'Digital',
];
const ZH_A = ['华东', '华南', '北方', '蓝海', '星辰', '恒通', '鼎信', '云帆', '金桥', '天成', '瑞达', '中科'];
const ZH_B = ['科技', '信息', '网络', '软件', '数据', '智能'];
const REGIONS = [
  'California',
  'Texas',
  'New York',
  'Washington',
  'Bavaria',
  '上海',
  '广东',
  '北京',
  '浙江',
  '江苏',
  '四川',
  'Tokyo',
];
const INDUSTRIES = ['Retail', 'Manufacturing', 'Healthcare', 'Financial Services', 'Education', 'Government'];
const PARTNER_TYPES = ['Partner', 'Reseller', 'Distributor'];
const LEVELS = ['Platinum', 'Gold', 'Silver', 'Bronze'];
const BASE_MS = Date.parse('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

/** mulberry32: tiny, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function defineModules(org: SandboxOrg): void {
  const accounts = new ModuleStore('Accounts', MODULE_IDS.Accounts, 'Account_Name');
  org.addModule(accounts);
  org.field(accounts, 'Owner', 'ownerlookup', { label: 'Account Owner' });
  org.field(accounts, 'Account_Name', 'text', { system_mandatory: true, length: 200 });
  org.field(accounts, 'Account_Type', 'picklist', {
    pick_list_values: org.picklist([
      '-None-',
      'Analyst',
      'Competitor',
      'Customer',
      'Distributor',
      'Integrator',
      'Investor',
      'Partner',
      'Press',
      'Prospect',
      'Reseller',
      'Other',
    ]),
  });
  org.field(accounts, 'Industry', 'picklist', { pick_list_values: org.picklist(['-None-', ...INDUSTRIES]) });
  org.field(accounts, 'Billing_State', 'text', { length: 100 });
  org.field(accounts, 'Billing_Country', 'text', { length: 100 });
  org.field(accounts, 'Partner_Level', 'picklist', {
    custom_field: true,
    pick_list_values: org.picklist(['-None-', ...LEVELS]),
  });
  org.field(accounts, 'Quarterly_Target', 'currency', { custom_field: true });
  org.field(accounts, 'Currency', 'picklist', {
    pick_list_values: org.picklist(CURRENCIES.map((c) => c.iso)),
  });
  org.field(accounts, 'Exchange_Rate', 'double', { decimal_place: 9 });
  org.field(accounts, 'Created_Time', 'datetime', { read_only: true });
  org.field(accounts, 'Modified_Time', 'datetime', { read_only: true });

  const deals = new ModuleStore('Deals', MODULE_IDS.Deals, 'Deal_Name');
  org.addModule(deals);
  org.field(deals, 'Owner', 'ownerlookup', { label: 'Deal Owner' });
  org.field(deals, 'Deal_Name', 'text', { system_mandatory: true, length: 120 });
  org.field(deals, 'Stage', 'picklist', { system_mandatory: true, pick_list_values: org.picklist(STAGES) });
  org.field(deals, 'Amount', 'currency');
  org.field(deals, 'Probability', 'integer', { length: 3 });
  org.field(deals, 'Closing_Date', 'date', { system_mandatory: true });
  org.field(deals, 'Account_Name', 'lookup', {
    lookup: {
      module: { api_name: 'Accounts', id: MODULE_IDS.Accounts },
      display_label: 'Account Name',
      api_name: 'Account_Name',
    },
  });
  org.field(deals, 'Channel_Partner', 'lookup', {
    custom_field: true,
    lookup: {
      module: { api_name: 'Accounts', id: MODULE_IDS.Accounts },
      display_label: 'Channel Partner',
      api_name: 'Channel_Partner',
    },
  });
  org.field(deals, 'Customer_Satisfaction', 'double', { custom_field: true, length: 3, decimal_place: 1 });
  org.field(deals, 'Currency', 'picklist', { pick_list_values: org.picklist(CURRENCIES.map((c) => c.iso)) });
  org.field(deals, 'Exchange_Rate', 'double', { decimal_place: 9 });
  org.field(deals, 'Pipeline', 'picklist', { pick_list_values: org.picklist(['Standard (Standard)']) });
  org.field(deals, 'Created_Time', 'datetime', { read_only: true });
  org.field(deals, 'Modified_Time', 'datetime', { read_only: true });
}

export function seedOrg(org: SandboxOrg, opts: SeedOptions = {}): SeedSummary {
  const seed = opts.seed ?? 1;
  const nPartners = opts.partners ?? 50;
  const nDeals = opts.deals ?? 500;
  const nCustomers = opts.customers ?? Math.max(10, nPartners * 2);
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const stamp = (ms: number) => zohoDateTime(ms, org.offsetMinutes);
  const accounts = org.module('Accounts')!;
  const deals = org.module('Deals')!;
  const owner = { ...SANDBOX_USER };

  const companyName = (i: number) =>
    r() < 0.5 ? `${pick(EN_A)} ${pick(EN_B)} ${i}` : `${pick(ZH_A)}${pick(ZH_B)}${i}号有限公司`;

  const partnerIds: string[] = [];
  for (let i = 0; i < nPartners; i++) {
    const created = BASE_MS - Math.floor(r() * 700) * DAY;
    const modified = Math.min(BASE_MS, created + Math.floor(r() * 300) * DAY + Math.floor(r() * DAY));
    const cur = pick(CURRENCIES);
    const rec: Rec = {
      id: org.nextId(),
      Owner: owner,
      Account_Name: companyName(i + 1),
      Account_Type: pick(PARTNER_TYPES),
      Partner_Level: pick(LEVELS),
      Billing_State: pick(REGIONS),
      Billing_Country: null,
      Industry: null,
      Quarterly_Target: roundTo((50 + Math.floor(r() * 950)) * 1000 * Number(cur.rate), cur.decimals),
      Currency: cur.iso,
      Exchange_Rate: Number(cur.rate),
      Created_Time: stamp(created),
      Modified_Time: stamp(modified),
    };
    accounts.put(rec);
    partnerIds.push(rec.id);
  }
  const customerIds: string[] = [];
  for (let i = 0; i < nCustomers; i++) {
    const created = BASE_MS - Math.floor(r() * 700) * DAY;
    const rec: Rec = {
      id: org.nextId(),
      Owner: owner,
      Account_Name: companyName(nPartners + i + 1),
      Account_Type: r() < 0.8 ? 'Customer' : null,
      Partner_Level: null,
      Billing_State: pick(REGIONS),
      Billing_Country: null,
      Industry: pick(INDUSTRIES),
      Quarterly_Target: null,
      Currency: 'USD',
      Exchange_Rate: 1,
      Created_Time: stamp(created),
      Modified_Time: stamp(Math.min(BASE_MS, created + Math.floor(r() * 200) * DAY)),
    };
    accounts.put(rec);
    customerIds.push(rec.id);
  }
  let withoutAmount = 0;
  for (let i = 0; i < nDeals; i++) {
    const u = r();
    const stage =
      u < 0.35 ? STAGES[6]! : u < 0.5 ? STAGES[7]! : u < 0.55 ? STAGES[8]! : STAGES[Math.floor(r() * 6)]!;
    const cur = pick(CURRENCIES);
    const noAmount = r() < 0.005;
    if (noAmount) withoutAmount++;
    const created = BASE_MS - Math.floor(r() * 400) * DAY;
    const closing = Date.parse('2026-01-01T00:00:00Z') + Math.floor(r() * 546) * DAY;
    const rec: Rec = {
      id: org.nextId(),
      Owner: owner,
      Deal_Name: r() < 0.5 ? `${pick(EN_A)} rollout ${i + 1}` : `${pick(ZH_A)}项目 ${i + 1}`,
      Stage: stage.value,
      Probability: stage.probability,
      Amount: noAmount ? null : roundTo((1 + r() * 499) * 1000 * Number(cur.rate), cur.decimals),
      Closing_Date: new Date(closing).toISOString().slice(0, 10),
      Account_Name: { id: pick(customerIds) },
      Channel_Partner: r() < 0.97 && partnerIds.length > 0 ? { id: pick(partnerIds) } : null,
      Customer_Satisfaction: r() < 0.6 ? Math.round(10 + r() * 40) / 10 : null,
      Currency: cur.iso,
      Exchange_Rate: Number(cur.rate),
      Pipeline: 'Standard (Standard)',
      Created_Time: stamp(created),
      Modified_Time: stamp(Math.min(BASE_MS, created + Math.floor(r() * 100) * DAY + Math.floor(r() * DAY))),
    };
    deals.put(rec);
  }
  return {
    seed,
    partners: nPartners,
    customers: nCustomers,
    deals: nDeals,
    dealsWithoutAmount: withoutAmount,
    partnerIds,
  };
}

function roundTo(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}
