// fast-check generators for the property tests: valid plans built through the
// plan format's constraints, and normalized inputs with a sprinkling of bad records.
import fc from 'fast-check';
import type { PlanInput } from './helpers.js';

type Rec = Record<string, unknown>;

const KINDS = [
  'wonAmount',
  'wonCount',
  'newCustomers',
  'distinctAccounts',
  'averageDeal',
  'partnerAttribute',
] as const;

export interface PlanShape {
  /** Retroactive tiers only. */
  retroactiveOnly?: boolean;
  /** Rates and tier bonuses that never decrease from one level to the next. */
  ascendingRates?: boolean;
}

const rateText = fc.integer({ min: 0, max: 900 }).map((n) => (n / 10000).toString());
const amountText = fc.integer({ min: 0, max: 50000 }).map(String);

/** The highest score the plan rules allow (all metrics capped), as plan.rules.ts computes it. */
function scoreCeiling(metrics: { weight: number; cap?: number }[]): number {
  if (metrics.some((m) => m.cap === undefined)) return Number.POSITIVE_INFINITY;
  const w = metrics.reduce((s, m) => s + m.weight, 0);
  const wc = metrics.reduce((s, m) => s + m.weight * m.cap!, 0);
  return Math.round((100 * wc * 100) / w) / 100;
}

export function planArb(shape: PlanShape = {}): fc.Arbitrary<PlanInput> {
  const metricArb = fc.record({
    kind: fc.constantFrom(...KINDS),
    weight: fc.integer({ min: 1, max: 60 }),
    cap: fc.option(fc.constantFrom(0.8, 1, 1.2, 1.5, 2), { nil: undefined }),
    by: fc.constantFrom('region', 'industry', 'segment'),
    field: fc.constantFrom('csat', 'nps'),
    target: fc.option(fc.constantFrom(1, 3, 4.5, 10, 250000, 1000000), { nil: undefined }),
  });
  return fc
    .record({
      currency: fc.constantFrom('CNY', 'JPY', 'KWD', 'USD'),
      timezone: fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Kolkata'),
      type: fc.constantFrom('month', 'quarter', 'half', 'year'),
      fiscalYearStartMonth: fc.integer({ min: 1, max: 12 }),
      baseCap: fc.option(fc.constantFrom(1, 1.5, 2), { nil: undefined }),
      others: fc.array(metricArb, { minLength: 0, maxLength: 4 }),
      basisIsAttainment: fc.boolean(),
      marginal: fc.boolean(),
      levelCount: fc.integer({ min: 1, max: 5 }),
      minSteps: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 4, maxLength: 4 }),
      rates: fc.array(rateText, { minLength: 5, maxLength: 5 }),
      bonuses: fc.array(fc.option(amountText, { nil: undefined }), { minLength: 5, maxLength: 5 }),
      levelTarget: fc.option(fc.constantFrom(500000, 2000000), { nil: undefined }),
      useAttributeTarget: fc.boolean(),
      gates: fc.array(
        fc.record({
          metric: fc.nat(),
          min: fc.constantFrom(0, 1, 2, 4, 100000),
          maxTier: fc.option(fc.nat(), { nil: undefined }),
        }),
        { maxLength: 2 },
      ),
      planBonuses: fc.array(
        fc.record({
          metric: fc.nat(),
          kind: fc.constantFrom('attainment', 'actual', 'tier'),
          at: fc.constantFrom(0.5, 0.8, 1),
          actual: fc.constantFrom(1, 3, 500000),
          tier: fc.nat(),
          amount: amountText,
        }),
        { maxLength: 3 },
      ),
      cap: fc.option(fc.constantFrom('10000', '80000', '0'), { nil: undefined }),
      awards: fc.array(
        fc.record({
          type: fc.constantFrom('title', 'trophy', 'training', 'custom'),
          when: fc.constantFrom('tier', 'attainment', 'rank', 'rankWithin'),
          metric: fc.nat(),
          tier: fc.nat(),
          top: fc.integer({ min: 1, max: 3 }),
          within: fc.constantFrom('region', 'level', 'segment'),
        }),
        { maxLength: 4 },
      ),
    })
    .map((g) => {
      const metrics: Rec[] = [
        { key: 'revenue', kind: 'wonAmount', weight: 40, ...(g.baseCap ? { cap: g.baseCap } : {}) },
      ];
      const targets: Record<string, number> = { revenue: 1000000 };
      g.others.forEach((m, i) => {
        const key = `m${i}`;
        const metric: Rec = { key, kind: m.kind, weight: m.weight };
        if (m.cap !== undefined) metric.cap = m.cap;
        if (m.kind === 'distinctAccounts') metric.by = m.by;
        if (m.kind === 'averageDeal') metric.field = m.field;
        if (m.kind === 'partnerAttribute') metric.field = 'Certifications';
        metrics.push(metric);
        if (m.target !== undefined) targets[key] = m.target;
      });
      const keys = metrics.map((m) => m.key as string);
      const capOf = (key: string) => metrics.find((m) => m.key === key)?.cap as number | undefined;

      const marginal = !shape.retroactiveOnly && g.basisIsAttainment && g.marginal;
      const ceiling = g.basisIsAttainment
        ? g.baseCap !== undefined
          ? g.baseCap * 100
          : Number.POSITIVE_INFINITY
        : scoreCeiling(metrics as { weight: number; cap?: number }[]);
      const mins = [0];
      for (const step of g.minSteps.slice(0, g.levelCount - 1)) {
        const next = mins[mins.length - 1]! + step;
        if (next > ceiling) break;
        mins.push(next);
      }
      const rates = shape.ascendingRates ? [...g.rates].sort((a, b) => Number(a) - Number(b)) : g.rates;
      let lastBonus = 0;
      const levels = mins.map((min, i) => {
        const level: Rec = { name: `T${i}`, min, rate: rates[i]! };
        let bonus = g.bonuses[i];
        if (shape.ascendingRates && bonus !== undefined) {
          bonus = String(Math.max(Number(bonus), lastBonus));
          lastBonus = Number(bonus);
        } else if (shape.ascendingRates && lastBonus > 0) bonus = String(lastBonus);
        if (bonus !== undefined) level.bonus = bonus;
        return level;
      });
      const tierName = (n: number) => `T${n % levels.length}`;
      const metricKey = (n: number) => keys[n % keys.length]!;

      const gates = g.gates.map((gate) => ({
        metric: metricKey(gate.metric),
        min: gate.min,
        effect: gate.maxTier === undefined ? 'noPayout' : { maxTier: tierName(gate.maxTier) },
      }));
      const conditionAt = (key: string, at: number) => Math.min(at, capOf(key) ?? at);
      const bonuses = g.planBonuses.map((b, i) => ({
        name: `Bonus ${i}`,
        amount: b.amount,
        when:
          b.kind === 'tier'
            ? { tierAtLeast: tierName(b.tier) }
            : b.kind === 'attainment'
              ? { metric: metricKey(b.metric), attainmentAtLeast: conditionAt(metricKey(b.metric), b.at) }
              : { metric: metricKey(b.metric), actualAtLeast: b.actual },
      }));
      const awards = g.awards.map((a, i) => ({
        type: a.type,
        name: `Award ${i}`,
        when:
          a.when === 'tier'
            ? { tierAtLeast: tierName(a.tier) }
            : a.when === 'attainment'
              ? { metric: metricKey(a.metric), attainmentAtLeast: conditionAt(metricKey(a.metric), 1) }
              : a.when === 'rank'
                ? { rank: { top: a.top } }
                : { rank: { top: a.top, within: a.within } },
      }));

      const plan: PlanInput = {
        id: 'generated',
        name: 'Generated plan',
        version: 1,
        currency: g.currency,
        timezone: g.timezone,
        period: { type: g.type, fiscalYearStartMonth: g.fiscalYearStartMonth },
        targets: {
          default: targets,
          ...(g.levelTarget ? { byLevel: { Gold: { revenue: g.levelTarget } } } : {}),
          ...(g.useAttributeTarget ? { fromAttribute: { revenue: 'Quarterly_Target' } } : {}),
        },
        metrics: metrics as PlanInput['metrics'],
        gates: gates as PlanInput['gates'],
        tiers: {
          basis: g.basisIsAttainment ? { attainment: 'revenue' } : 'score',
          mode: marginal ? 'marginal' : 'retroactive',
          levels: levels as PlanInput['tiers']['levels'],
        },
        payout: { base: 'revenue', bonuses, ...(g.cap !== undefined ? { cap: g.cap } : {}) },
        awards: awards as PlanInput['awards'],
      };
      return plan;
    });
}

const START = Date.UTC(2026, 6, 1);
const END = Date.UTC(2027, 11, 31);

/** closedAt in every form the contract allows: calendar date, UTC instant, instant with offset, local time. */
export const closedAtArb = fc
  .tuple(fc.integer({ min: START, max: END }), fc.constantFrom('date', 'utc', 'offset', 'local'))
  .map(([ms, form]) => {
    const iso = new Date(Math.floor(ms / 60000) * 60000).toISOString();
    if (form === 'date') return iso.slice(0, 10);
    if (form === 'utc') return iso.replace('.000', '');
    if (form === 'local') return iso.slice(0, 19);
    return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
  });

export const moneyArb = fc
  .tuple(fc.integer({ min: 0, max: 900_000 }), fc.integer({ min: 0, max: 99 }), fc.boolean())
  .map(([whole, cents, withCents]) =>
    withCents ? `${whole}.${String(cents).padStart(2, '0')}` : String(whole),
  );

export interface InputShape {
  partners: number;
  /** Add a few malformed records (reported in errors, left out). */
  bad?: boolean;
}

const dealArb = (partners: number, accounts: number) =>
  fc.record({
    partner: fc.nat({ max: partners - 1 }),
    account: fc.option(fc.nat({ max: accounts - 1 }), { nil: undefined }),
    amount: moneyArb,
    currency: fc.constantFrom('PLAN', 'PLAN', 'PLAN', 'USD', 'EUR'),
    status: fc.constantFrom('won', 'won', 'won', 'open', 'lost'),
    closedAt: closedAtArb,
    csat: fc.option(
      fc.integer({ min: 10, max: 50 }).map((n) => n / 10),
      { nil: undefined },
    ),
    nps: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    split: fc.option(fc.tuple(fc.nat({ max: partners - 1 }), fc.constantFrom('0.25', '0.5', '0.6')), {
      nil: undefined,
    }),
  });

export function inputArb(planCurrency: string, shape: InputShape) {
  const accounts = 6;
  return fc
    .record({
      partners: fc.array(
        fc.record({
          region: fc.option(fc.constantFrom('East', 'West', 'North'), { nil: undefined }),
          level: fc.option(fc.constantFrom('Gold', 'Silver'), { nil: undefined }),
          segment: fc.option(fc.constantFrom('SMB', 'ENT'), { nil: undefined }),
          target: fc.option(fc.constantFrom(400000, 1200000), { nil: undefined }),
          certs: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        }),
        { minLength: shape.partners, maxLength: shape.partners },
      ),
      accounts: fc.array(
        fc.record({
          region: fc.option(fc.constantFrom('Shanghai', 'Beijing', 'Jiangsu'), { nil: undefined }),
          industry: fc.option(fc.constantFrom('Retail', 'Finance'), { nil: undefined }),
          segment: fc.option(fc.constantFrom('A', 'B'), { nil: undefined }),
        }),
        { minLength: accounts, maxLength: accounts },
      ),
      deals: fc.array(dealArb(shape.partners, accounts), { maxLength: 25 }),
      eurRate: fc.boolean(),
      bad: shape.bad
        ? fc.subarray(['float', 'dup', 'partner', 'closedAt', 'split'])
        : fc.constant([] as string[]),
    })
    .map((g) => buildInput(planCurrency, g));
}

type DealGen = ReturnType<typeof dealArb> extends fc.Arbitrary<infer D> ? D : never;

interface Generated {
  partners: { region?: string; level?: string; segment?: string; target?: number; certs?: number }[];
  accounts: { region?: string; industry?: string; segment?: string }[];
  deals: DealGen[];
  eurRate: boolean;
  bad: string[];
}

function buildInput(planCurrency: string, g: Generated) {
  const partners = g.partners.map((p, i) => ({
    id: `P${i + 1}`,
    name: `Partner ${i + 1}`,
    ...(p.region ? { region: p.region } : {}),
    ...(p.level ? { level: p.level } : {}),
    attributes: {
      ...(p.segment ? { segment: p.segment } : {}),
      ...(p.target ? { Quarterly_Target: p.target } : {}),
      ...(p.certs !== undefined ? { Certifications: p.certs } : {}),
    },
  }));
  const accounts = g.accounts.map((a, i) => ({
    id: `A${i + 1}`,
    name: `Account ${i + 1}`,
    ...(a.region ? { region: a.region } : {}),
    ...(a.industry ? { industry: a.industry } : {}),
    attributes: a.segment ? { segment: a.segment } : {},
  }));
  const deals: Rec[] = g.deals.map((d, i) => {
    const partnerId = `P${d.partner + 1}`;
    const other = d.split && d.split[0] !== d.partner ? `P${d.split[0] + 1}` : undefined;
    const deal: Rec = {
      id: `D${String(i + 1).padStart(3, '0')}`,
      name: `Deal ${i + 1}`,
      partnerId,
      ...(d.account !== undefined ? { accountId: `A${d.account + 1}` } : {}),
      amount: d.amount,
      currency: d.currency === 'PLAN' ? planCurrency : d.currency,
      status: d.status,
      closedAt: d.status === 'open' ? null : d.closedAt,
      ...(d.csat !== undefined ? { csat: d.csat } : {}),
      attributes: d.nps !== undefined ? { nps: d.nps } : {},
    };
    if (other) {
      const share = d.split![1];
      deal.splits = [
        { partnerId, share: String(1 - Number(share)) },
        { partnerId: other, share },
      ];
    }
    return deal;
  });
  for (const kind of g.bad) {
    if (kind === 'float')
      deals.push({
        id: 'BAD-float',
        partnerId: 'P1',
        amount: 12.5,
        currency: planCurrency,
        status: 'won',
        closedAt: '2027-01-01',
      });
    if (kind === 'dup')
      deals.push({ ...deals[0], id: 'BAD-dup' }, { ...deals[0], id: 'BAD-dup', amount: '1' });
    if (kind === 'partner')
      deals.push({
        id: 'BAD-partner',
        partnerId: 'P404',
        amount: '1',
        currency: planCurrency,
        status: 'won',
        closedAt: '2027-01-01',
      });
    if (kind === 'closedAt')
      deals.push({
        id: 'BAD-closed',
        partnerId: 'P1',
        amount: '1',
        currency: planCurrency,
        status: 'won',
        closedAt: 'yesterday',
      });
    if (kind === 'split')
      deals.push({
        id: 'BAD-split',
        partnerId: 'P1',
        amount: '1',
        currency: planCurrency,
        status: 'won',
        closedAt: '2027-01-01',
        splits: [{ partnerId: 'P1', share: '0.7' }],
      });
  }
  const rates: Record<string, string> = {};
  if (planCurrency !== 'USD')
    rates.USD = planCurrency === 'JPY' ? '150.5' : planCurrency === 'KWD' ? '0.307' : '7.10';
  if (g.eurRate && planCurrency !== 'EUR') rates.EUR = planCurrency === 'JPY' ? '162.25' : '7.8';
  return { partners, accounts, deals, rates, statements: [] as Rec[] };
}
