// Seeded, realistic-looking normalized input for benchmarks and demos: partners in
// regions and levels, customer accounts across provinces, deals over two fiscal
// years in several currencies, some split between partners.
import { seededRandom } from '../src/lib/seeded-random.js';

const REGIONS = ['East', 'North', 'South', 'West', 'Central'];
const LEVELS = ['Registered', 'Silver', 'Gold'];
const PROVINCES = [
  'Shanghai',
  'Jiangsu',
  'Zhejiang',
  'Beijing',
  'Guangdong',
  'Sichuan',
  'Hubei',
  'Shandong',
  'Fujian',
];
const INDUSTRIES = ['Retail', 'Manufacturing', 'Finance', 'Logistics', 'Healthcare'];

export interface GenerateOptions {
  partners: number;
  deals: number;
  accountsPerPartner?: number;
  seed?: number;
  /** Fiscal years the deals' close dates span (calendar quarters, Asia/Shanghai). */
  years?: number[];
}

export function generateInput(options: GenerateOptions) {
  const rand = seededRandom(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const years = options.years ?? [2026, 2027];
  const perPartner = options.accountsPerPartner ?? 5;

  const partners = Array.from({ length: options.partners }, (_, i) => ({
    id: `P${i + 1}`,
    name: `Partner ${i + 1}`,
    level: pick(LEVELS),
    region: pick(REGIONS),
    attributes: rand() < 0.3 ? { Quarterly_Target: Math.round(500 + rand() * 1500) * 1000 } : {},
  }));
  const accounts = Array.from({ length: options.partners * perPartner }, (_, i) => ({
    id: `A${i + 1}`,
    name: `Customer ${i + 1}`,
    partnerId: `P${Math.floor(i / perPartner) + 1}`,
    region: pick(PROVINCES),
    industry: pick(INDUSTRIES),
  }));

  const deals = new Array(options.deals);
  for (let i = 0; i < options.deals; i++) {
    const p = Math.floor(rand() * options.partners);
    const account = p * perPartner + Math.floor(rand() * perPartner) + 1;
    const r = rand();
    const status = r < 0.6 ? 'won' : r < 0.85 ? 'lost' : 'open';
    const year = pick(years);
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const closedAt =
      rand() < 0.5 ? date : `${date}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:15:00+08:00`;
    const c = rand();
    const currency = c < 0.85 ? 'CNY' : c < 0.95 ? 'USD' : 'EUR';
    const amount = (Math.floor(rand() * 50_000_00) / 100 + 1000).toFixed(2);
    const deal: Record<string, unknown> = {
      id: `D${i + 1}`,
      name: `Deal ${i + 1}`,
      partnerId: `P${p + 1}`,
      accountId: `A${account}`,
      amount,
      currency,
      status,
      closedAt: status === 'open' && rand() < 0.5 ? null : closedAt,
      csat: rand() < 0.7 ? Math.round((3 + rand() * 2) * 10) / 10 : null,
    };
    if (rand() < 0.05 && options.partners > 1) {
      const other = (p + 1 + Math.floor(rand() * (options.partners - 1))) % options.partners;
      deal.splits = [
        { partnerId: `P${p + 1}`, share: '0.7' },
        { partnerId: `P${other + 1}`, share: '0.3' },
      ];
    }
    deals[i] = deal;
  }
  return { partners, accounts, deals, rates: { USD: '7.10', EUR: '7.75' }, statements: [] };
}
