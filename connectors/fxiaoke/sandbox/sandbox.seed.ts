// Deterministic, realistic Chinese-language tenant data: partners, customers across
// provinces, opportunities in CNY. Same seed → byte-identical records.
export type FxRecord = Record<string, unknown>;

/** mulberry32: small, fast, deterministic. */
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

export const PROVINCES: { code: string; name: string; cities: [string, string][] }[] = [
  { code: '110000', name: '北京市', cities: [['110100', '北京']] },
  { code: '310000', name: '上海市', cities: [['310100', '上海']] },
  {
    code: '440000',
    name: '广东省',
    cities: [
      ['440100', '广州'],
      ['440300', '深圳'],
      ['441900', '东莞'],
      ['440600', '佛山'],
    ],
  },
  {
    code: '330000',
    name: '浙江省',
    cities: [
      ['330100', '杭州'],
      ['330200', '宁波'],
      ['330300', '温州'],
    ],
  },
  {
    code: '320000',
    name: '江苏省',
    cities: [
      ['320100', '南京'],
      ['320500', '苏州'],
      ['320200', '无锡'],
    ],
  },
  {
    code: '510000',
    name: '四川省',
    cities: [
      ['510100', '成都'],
      ['510700', '绵阳'],
    ],
  },
  {
    code: '420000',
    name: '湖北省',
    cities: [
      ['420100', '武汉'],
      ['420500', '宜昌'],
    ],
  },
  {
    code: '370000',
    name: '山东省',
    cities: [
      ['370100', '济南'],
      ['370200', '青岛'],
      ['370600', '烟台'],
    ],
  },
  {
    code: '350000',
    name: '福建省',
    cities: [
      ['350100', '福州'],
      ['350200', '厦门'],
    ],
  },
  { code: '610000', name: '陕西省', cities: [['610100', '西安']] },
  { code: '500000', name: '重庆市', cities: [['500100', '重庆']] },
  { code: '120000', name: '天津市', cities: [['120100', '天津']] },
  {
    code: '430000',
    name: '湖南省',
    cities: [
      ['430100', '长沙'],
      ['430200', '株洲'],
    ],
  },
  {
    code: '410000',
    name: '河南省',
    cities: [
      ['410100', '郑州'],
      ['410300', '洛阳'],
    ],
  },
  {
    code: '340000',
    name: '安徽省',
    cities: [
      ['340100', '合肥'],
      ['340200', '芜湖'],
    ],
  },
  {
    code: '210000',
    name: '辽宁省',
    cities: [
      ['210100', '沈阳'],
      ['210200', '大连'],
    ],
  },
  { code: '530000', name: '云南省', cities: [['530100', '昆明']] },
  {
    code: '450000',
    name: '广西壮族自治区',
    cities: [
      ['450100', '南宁'],
      ['450200', '柳州'],
    ],
  },
];

const BRAND = [
  '信达',
  '华创',
  '博远',
  '瑞丰',
  '鼎盛',
  '恒通',
  '云启',
  '中科',
  '天成',
  '汇智',
  '联拓',
  '金桥',
  '腾跃',
  '长风',
  '星辰',
  '海纳',
  '智远',
  '新航',
  '东方',
  '卓越',
  '致远',
  '宏图',
  '光华',
  '安信',
];
const PARTNER_KIND = ['科技', '信息技术', '软件', '数码', '系统集成', '网络科技', '智能科技', '数据服务'];
const CUSTOMER_KIND = [
  '制造',
  '商贸',
  '医药',
  '电子',
  '物流',
  '食品',
  '机械',
  '新材料',
  '能源',
  '教育科技',
  '零售连锁',
  '汽车零部件',
];
const SUFFIX = ['有限公司', '股份有限公司', '集团有限公司'];
const PRODUCT = [
  'CRM 实施',
  '渠道管理平台',
  '订货通',
  '服务通',
  'BI 分析',
  '营销通',
  '数据中台',
  '移动办公',
  'ERP 集成',
  '年度续费',
];
const OWNERS = [
  'FSUID_0642D2A6D0AC2FEDF2BF0930E9469F98',
  'FSUID_CBF443F942C4ABE8A46BE859066A5CD1',
  'FSUID_DA4F6DE5640038B7DDB27908CC4ED1A8',
  'FSUID_F8E5C73533927249281F06800BC975AA',
];

/** Object prefixes keep ids of different objects distinct; the counter keeps each object's ids ascending. */
const PREFIX: Record<string, string> = {
  PartnerObj: '650a1e2c',
  AccountObj: '650b7f31',
  NewOpportunityObj: '650c09e8',
};

export function objectId(apiName: string, counter: number): string {
  const prefix = PREFIX[apiName] ?? '650d0000';
  return `${prefix}dc04${counter.toString(16).padStart(12, '0')}`;
}

const DAY = 86_400_000;
const CN = 8 * 3600_000;
/** The seeded tenant's "now": 2026-11-01 10:00 in Shanghai; every seeded record was modified before it. */
export const SEED_NOW = Date.UTC(2026, 10, 1, 2, 0, 0);
const SEED_START = Date.UTC(2025, 6, 1, 1, 0, 0);

/** Midnight of a China calendar day as ms epoch (how date fields are stored, §2.7). */
function chinaMidnight(ms: number): number {
  return Math.floor((ms + CN) / DAY) * DAY - CN;
}

export interface SeedOptions {
  seed: number;
  partners: number;
  accounts: number;
  opportunities: number;
  partnerLookupField: string;
}

export interface Seeded {
  PartnerObj: FxRecord[];
  AccountObj: FxRecord[];
  NewOpportunityObj: FxRecord[];
  /** A custom object (返利台账, rebate ledger) so the /custom/ paths have data. */
  object_Rb7x2__c: FxRecord[];
}

export function seedTenant(o: SeedOptions): Seeded {
  const r = rng(o.seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const between = (a: number, b: number) => a + Math.floor(r() * (b - a));
  const sys = (created: number, modified: number, owner: string) => ({
    owner: [owner],
    created_by: [owner],
    create_time: created,
    last_modified_by: [owner],
    last_modified_time: modified,
    life_status: 'normal',
    lock_status: '0',
    record_type: 'default__c',
    version: '1',
  });
  const levels = ['lv_4aT1p', 'lv_9cQ2m', 'lv_2xW7k', 'lv_7hN3s'];
  const levelWeights = [0.35, 0.35, 0.22, 0.08];
  const pickLevel = () => {
    let x = r();
    for (let i = 0; i < levels.length; i++) {
      x -= levelWeights[i]!;
      if (x <= 0) return levels[i]!;
    }
    return levels[0]!;
  };

  const usedNames = new Set<string>();
  const companyName = (city: string, kinds: readonly string[]) => {
    for (let i = 0; ; i++) {
      const n = `${city}${pick(BRAND)}${pick(kinds)}${pick(SUFFIX)}`;
      const name = i < 5 ? n : `${n}（${i}）`;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };

  const partners: FxRecord[] = [];
  for (let i = 0; i < o.partners; i++) {
    const p = pick(PROVINCES);
    const [cityCode, city] = pick(p.cities);
    const created = between(SEED_START, SEED_START + 200 * DAY);
    const modified = between(created, SEED_NOW);
    partners.push({
      _id: objectId('PartnerObj', i + 1),
      name: companyName(city, PARTNER_KIND),
      ...sys(created, modified, pick(OWNERS)),
      country: '248',
      country__r: '中国',
      province: p.code,
      province__r: p.name,
      city: cityCode,
      city__r: city,
      tel: `0${between(10, 999)}-${between(10_000_000, 99_999_999)}`,
      field_Lv8p2__c: pickLevel(),
      field_Tq3r9__c: `${between(5, 60) * 100_000}.00`,
      field_Ce7k1__c: between(0, 12),
      field_Ag2e5__c: chinaMidnight(Date.UTC(2027 + between(0, 3), between(0, 12), 28)),
    });
  }

  const accounts: FxRecord[] = [];
  for (let i = 0; i < o.accounts; i++) {
    const partner = partners[i % Math.max(1, partners.length)];
    const p = r() < 0.6 && partner ? PROVINCES.find((x) => x.code === partner.province)! : pick(PROVINCES);
    const [cityCode, city] = pick(p.cities);
    const created = between(SEED_START, SEED_START + 300 * DAY);
    const rec: FxRecord = {
      _id: objectId('AccountObj', i + 1),
      name: companyName(city, CUSTOMER_KIND),
      ...sys(created, between(created, SEED_NOW), pick(OWNERS)),
      province: p.code,
      province__r: p.name,
      city: cityCode,
      city__r: city,
      industry_level1: String(between(1, 8)),
      account_level: pick(['A', 'B', 'C']),
    };
    if (partner && r() < 0.92) {
      rec[o.partnerLookupField] = partner._id;
      rec[`${o.partnerLookupField}__r`] = partner.name;
    }
    accounts.push(rec);
  }

  const opportunities: FxRecord[] = [];
  for (let i = 0; i < o.opportunities; i++) {
    const account = accounts.length ? accounts[between(0, accounts.length)]! : undefined;
    const created = between(SEED_START, SEED_NOW - 5 * DAY);
    const modified = between(created, SEED_NOW);
    const x = r();
    const status = x < 0.5 ? '1' : x < 0.85 ? '2' : x < 0.98 ? '3' : '4';
    const stage = status === '2' ? '5' : status === '3' ? '6' : String(between(1, 5));
    const amount = `${between(2, 400) * 5_000 + between(0, 100) * 10}.${pick(['00', '00', '50', '80'])}`;
    const close = chinaMidnight(
      status === '1' ? between(SEED_NOW, SEED_NOW + 200 * DAY) : between(created, modified + DAY),
    );
    const rec: FxRecord = {
      _id: objectId('NewOpportunityObj', i + 1),
      name: `${(account?.name as string | undefined)?.slice(0, 6) ?? '新客户'}-${pick(PRODUCT)}项目`,
      ...sys(created, modified, pick(OWNERS)),
      amount,
      close_date: close,
      sales_status: status,
      sales_stage: stage,
      probability: status === '2' ? 100 : status === '1' ? between(1, 9) * 10 : 0,
      stg_changed_time: modified,
    };
    if (account) {
      rec.account_id = account._id;
      rec.account_id__r = account.name;
      const pid = account[o.partnerLookupField];
      if (pid) {
        rec[o.partnerLookupField] = pid;
        rec[`${o.partnerLookupField}__r`] = account[`${o.partnerLookupField}__r`];
      }
    }
    if (status === '2' && r() < 0.7) rec.field_Cs4t8__c = Math.round((3 + r() * 2) * 10) / 10;
    opportunities.push(rec);
  }
  const rebates: FxRecord[] = [];
  const rebateCount = Math.min(partners.length, 30);
  for (let i = 0; i < rebateCount; i++) {
    const partner = partners[i]!;
    const created = between(SEED_START, SEED_NOW);
    rebates.push({
      _id: objectId('object_Rb7x2__c', i + 1),
      name: `FL-2026-${String(i + 1).padStart(4, '0')}`,
      ...sys(created, between(created, SEED_NOW), pick(OWNERS)),
      field_Pt3k9__c: partner._id,
      field_Pt3k9__c__r: partner.name,
      field_Am5r2__c: `${between(1, 50) * 1_000}.00`,
      field_Pd8q1__c: pick(['2026-Q1', '2026-Q2', '2026-Q3']),
    });
  }
  return {
    PartnerObj: partners,
    AccountObj: accounts,
    NewOpportunityObj: opportunities,
    object_Rb7x2__c: rebates,
  };
}
