// Demo data for the widget: the repository's examples (examples/plan.yaml, examples/data.json)
// plus a few won deals in the three quarters before 2027-Q1 on accounts of their own, so the
// trend chart has a history. Those earlier deals touch no account, partner or statement the
// examples score in 2027-Q1, so every 2027-Q1 figure stays exactly as the examples give it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plan, parsePlan } from '../../src/core/index.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** "Now" for the demo: the examples' period is 2027-Q1. */
export const DEMO_NOW = '2027-03-15T08:00:00.000Z';

const HISTORY: [partner: string, closedAt: string, amount: string, csat: number][] = [
  ['P1', '2026-05-12', '420000.00', 4.5],
  ['P1', '2026-08-20', '610000.00', 4.6],
  ['P1', '2026-09-28', '180000.00', 4.4],
  ['P1', '2026-11-16', '830000.00', 4.7],
  ['P1', '2026-12-21', '260000.00', 4.6],
  ['P2', '2026-06-03', '1500000.00', 4.3],
  ['P2', '2026-09-09', '1950000.00', 4.4],
  ['P2', '2026-12-01', '2300000.00', 4.5],
  ['P3', '2026-07-14', '520000.00', 4.1],
  ['P3', '2026-10-30', '610000.00', 3.9],
  ['P4', '2026-12-18', '90000.00', 4.0],
];

export function loadDemo(): { plan: Plan; input: Record<string, unknown> } {
  const parsed = parsePlan(readFileSync(join(REPO, 'examples/plan.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(`examples/plan.yaml: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const input = JSON.parse(readFileSync(join(REPO, 'examples/data.json'), 'utf8')) as {
    accounts: unknown[];
    deals: unknown[];
  };
  const accounts = HISTORY.map(([partnerId], i) => ({
    id: `HA${i + 1}`,
    name: `Demo customer ${i + 1}`,
    partnerId,
    region: ['Shanghai', 'Jiangsu', 'Zhejiang', 'Beijing'][i % 4],
    industry: 'Retail',
  }));
  const deals = HISTORY.map(([partnerId, closedAt, amount, csat], i) => ({
    id: `HD${i + 1}`,
    name: `Demo deal ${i + 1}`,
    partnerId,
    accountId: `HA${i + 1}`,
    amount,
    currency: 'CNY',
    status: 'won',
    closedAt,
    csat,
  }));
  // Open deals of Acme (P1) to tick in the what-if; open deals change no 2027-Q1 figure.
  const open = [
    {
      id: 'OD1',
      name: 'Contoso loyalty app',
      partnerId: 'P1',
      accountId: 'A1',
      amount: '180000.00',
      currency: 'CNY',
      status: 'open',
      closedAt: '2027-03-28',
    },
    {
      id: 'OD2',
      name: 'Fabrikam analytics',
      partnerId: 'P1',
      accountId: 'A2',
      amount: '95000.00',
      currency: 'CNY',
      status: 'open',
      closedAt: '2027-03-30',
    },
    {
      id: 'OD3',
      name: '杭州新锐 门店扩展',
      partnerId: 'P1',
      accountId: 'A3',
      amount: '12000.00',
      currency: 'USD',
      status: 'open',
      closedAt: null,
    },
  ];
  return {
    plan: parsed.plan,
    input: {
      ...input,
      accounts: [...input.accounts, ...accounts],
      deals: [...input.deals, ...deals, ...open],
    },
  };
}
