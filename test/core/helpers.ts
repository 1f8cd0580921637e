// Builders shared by the core tests: a small valid plan to vary per test, input
// records with sensible defaults, and lookups into a results document.
import type { z } from 'zod';
import { type Plan, type PlanSchema, parsePlan, type ResultsDocument } from '../../src/core/index.js';

export type PlanInput = z.input<typeof PlanSchema>;

/** One metric (revenue, target 1,000,000 CNY), quarters in Shanghai, three retroactive tiers. */
export function basePlan(): PlanInput {
  return {
    id: 'test-plan',
    name: 'Test plan',
    version: 1,
    currency: 'CNY',
    timezone: 'Asia/Shanghai',
    period: { type: 'quarter', fiscalYearStartMonth: 1 },
    targets: { default: { revenue: 1000000 } },
    metrics: [{ key: 'revenue', kind: 'wonAmount', weight: 1 }],
    tiers: {
      basis: 'score',
      mode: 'retroactive',
      levels: [
        { name: 'Registered', min: 0, rate: '0' },
        { name: 'Silver', min: 60, rate: '0.02' },
        { name: 'Gold', min: 90, rate: '0.04', bonus: '10000' },
      ],
    },
    payout: { base: 'revenue' },
  };
}

/** A validated plan: the base plan with top-level keys replaced. Throws with the problems if invalid. */
export function makePlan(overrides: Partial<PlanInput> = {}): Plan {
  const parsed = parsePlan({ ...basePlan(), ...overrides });
  if (!parsed.ok) throw new Error(`test plan is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.plan;
}

export function problemsOf(source: unknown) {
  const parsed = parsePlan(source);
  if (parsed.ok) throw new Error('expected the plan to be rejected');
  return parsed.problems;
}

type Rec = Record<string, unknown>;

export const partner = (id: string, extra: Rec = {}): Rec => ({ id, name: `Partner ${id}`, ...extra });
export const account = (id: string, extra: Rec = {}): Rec => ({ id, name: `Account ${id}`, ...extra });

/** A won CNY deal credited to `partnerId`. */
export function won(id: string, partnerId: string, amount: string, closedAt: string, extra: Rec = {}): Rec {
  return { id, name: `Deal ${id}`, partnerId, amount, currency: 'CNY', status: 'won', closedAt, ...extra };
}

export function open(id: string, partnerId: string, amount: string, extra: Rec = {}): Rec {
  return {
    id,
    name: `Deal ${id}`,
    partnerId,
    amount,
    currency: 'CNY',
    status: 'open',
    closedAt: null,
    ...extra,
  };
}

export function input(parts: {
  partners?: Rec[];
  accounts?: Rec[];
  deals?: Rec[];
  rates?: Record<string, string>;
  statements?: Rec[];
}) {
  return {
    partners: parts.partners ?? [],
    accounts: parts.accounts ?? [],
    deals: parts.deals ?? [],
    rates: parts.rates ?? {},
    statements: parts.statements ?? [],
  };
}

export function resultOf(doc: ResultsDocument, partnerId: string) {
  const result = doc.results.find((r) => r.partnerId === partnerId);
  if (!result) throw new Error(`no result for ${partnerId}`);
  return result;
}
