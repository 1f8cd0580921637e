// Properties of the scoring core over generated plans and inputs (fast-check).
// numRuns stay moderate so the file runs in a few seconds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Plan,
  parsePlan,
  periodOfLocalDate,
  type ResultsDocument,
  rankResults,
  score,
  scoreUnranked,
  shiftPeriod,
  whatIf,
} from '../../src/core/index.js';
import { Decimal } from '../../src/core/money.js';
import { inputArb, moneyArb, planArb } from './arbitraries.js';
import type { PlanInput } from './helpers.js';

type Rec = Record<string, unknown>;

function validPlan(raw: PlanInput): Plan {
  const parsed = parsePlan(raw);
  if (!parsed.ok) throw new Error(`generator made an invalid plan: ${JSON.stringify(parsed.problems)}`);
  return parsed.plan;
}

/** The period scored in each property: the one holding February 2027 in the plan's calendar. */
const periodOf = (plan: Plan) => periodOfLocalDate(plan.period, plan.timezone, 2027, 2);

const total = (doc: ResultsDocument, id: string) => doc.results.find((r) => r.partnerId === id)!.payout.total;

/** A deterministic permutation from a seed (so a failing case shrinks and replays). */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface ExtraDeal {
  amount: string;
  day: number;
  inUsd: boolean;
  account?: number | undefined;
  splitWith?: [string, string] | undefined;
}

/** A won deal for P1 inside the scored period, without csat or other averaged fields. */
const extraDealArb: fc.Arbitrary<ExtraDeal> = fc.record({
  amount: moneyArb,
  day: fc.nat({ max: 27 }),
  inUsd: fc.boolean(),
  account: fc.option(fc.nat({ max: 6 }), { nil: undefined }),
  splitWith: fc.option(fc.tuple(fc.constantFrom('P2', 'P3'), fc.constantFrom('0.3', '0.5')), {
    nil: undefined,
  }),
});

function extraDeal(plan: Plan, g: ExtraDeal, status = 'won'): Rec {
  const period = periodOf(plan);
  const day = new Date(Date.parse(`${period.startDate}T00:00:00Z`) + g.day * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return {
    id: 'X',
    name: 'Extra deal',
    partnerId: 'P1',
    ...(g.account !== undefined ? { accountId: `A${g.account + 1}` } : {}),
    amount: g.amount,
    currency: g.inUsd && plan.currency !== 'USD' ? 'USD' : plan.currency,
    status,
    closedAt: day,
    ...(g.splitWith
      ? {
          splits: [
            { partnerId: 'P1', share: String(1 - Number(g.splitWith[1])) },
            { partnerId: g.splitWith[0], share: g.splitWith[1] },
          ],
        }
      : {}),
  };
}

describe('properties', () => {
  it('payout is monotonic in added won revenue under retroactive tiers', () => {
    // Precisely: with retroactive tiers whose rates and tier bonuses do not decrease from one level
    // to the next, adding one won deal credited (wholly or by a split share) to partner P inside the
    // period — carrying no csat or other averaged field, so no averageDeal metric can drop — never
    // lowers P's payout.total. Caps, gates and bonuses on the metrics are allowed: every metric
    // actual is then non-decreasing, so score, tier, gates passed, bonuses met and min(subtotal, cap)
    // can only rise. (With an averaged field or descending rates the property is false, and we do not
    // claim it.)
    fc.assert(
      fc.property(
        planArb({ retroactiveOnly: true, ascendingRates: true }).chain((raw) =>
          fc.tuple(fc.constant(raw), inputArb(raw.currency, { partners: 3 }), extraDealArb),
        ),
        ([raw, data, g]) => {
          const plan = validPlan(raw);
          const period = periodOf(plan).key;
          const before = score(plan, data, { period });
          const after = score(plan, { ...data, deals: [...data.deals, extraDeal(plan, g)] }, { period });
          expect(new Decimal(total(after, 'P1')).gte(total(before, 'P1'))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('identical input gives identical output and inputsHash, and scoring never mutates its input', () => {
    fc.assert(
      fc.property(
        planArb().chain((raw) =>
          fc.tuple(fc.constant(raw), inputArb(raw.currency, { partners: 4, bad: true })),
        ),
        ([raw, data]) => {
          const plan = validPlan(raw);
          const period = periodOf(plan).key;
          const copy = structuredClone(data);
          const first = score(plan, data, { period, computedAt: '2027-03-01T00:00:00Z' });
          const second = score(validPlan(structuredClone(raw)), copy, {
            period,
            computedAt: '2027-03-01T00:00:00Z',
          });
          expect(JSON.stringify(second)).toBe(JSON.stringify(first));
          expect(second.results.map((r) => r.inputsHash)).toEqual(first.results.map((r) => r.inputsHash));
          expect(data).toEqual(copy);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a clawback for a deal lost after its period was frozen exactly reverses what it added', () => {
    // Freeze P with deal X won (statement = P1's payout then), mark X lost, score P+1: the
    // adjustment for P is −(payout with X − payout without X), and P+1's total is its own payout
    // plus that adjustment.
    fc.assert(
      fc.property(
        planArb().chain((raw) =>
          fc.tuple(fc.constant(raw), inputArb(raw.currency, { partners: 3 }), extraDealArb),
        ),
        ([raw, data, g]) => {
          const plan = validPlan(raw);
          const period = periodOf(plan);
          const next = shiftPeriod(plan.period, plan.timezone, period, 1).key;
          const withX = { ...data, deals: [...data.deals, extraDeal(plan, g, 'won')] };
          const withoutX = { ...data, deals: [...data.deals, extraDeal(plan, g, 'lost')] };
          const paid = total(score(plan, withX, { period: period.key }), 'P1');
          const without = total(score(plan, withoutX, { period: period.key }), 'P1');
          const added = new Decimal(paid).minus(without);

          const frozen = { ...withoutX, statements: [{ partnerId: 'P1', period: period.key, payout: paid }] };
          const doc = score(plan, frozen, { period: next });
          const result = doc.results.find((r) => r.partnerId === 'P1')!;
          const adjustment = result.payout.adjustments.find((a) => a.period === period.key);
          if (added.isZero()) expect(adjustment).toBeUndefined();
          else {
            expect(adjustment).toBeDefined();
            expect(new Decimal(adjustment!.amount).eq(added.negated())).toBe(true);
            expect(adjustment!.kind).toBe(added.isPositive() ? 'clawback' : 'true-up');
          }
          const own = total(score(plan, withoutX, { period: next }), 'P1');
          expect(new Decimal(result.payout.total).eq(new Decimal(own).minus(added))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('shuffling input order changes nothing: byte-identical JSON except computedAt', () => {
    fc.assert(
      fc.property(
        planArb().chain((raw) =>
          fc.tuple(
            fc.constant(raw),
            inputArb(raw.currency, { partners: 4, bad: true }),
            fc.integer(),
            fc.integer(),
          ),
        ),
        ([raw, data, seedA, seedB]) => {
          const plan = validPlan(raw);
          const period = periodOf(plan);
          const previous = shiftPeriod(plan.period, plan.timezone, period, -1).key;
          const withStatements = {
            ...data,
            statements: [
              { partnerId: 'P1', period: previous, payout: '100' },
              { partnerId: 'P2', period: previous, payout: '0' },
              { partnerId: 'P3', period: 'nonsense', payout: '1' },
            ],
          };
          const reorder = (seed: number) => ({
            partners: shuffle(withStatements.partners, seed),
            accounts: shuffle(withStatements.accounts, seed + 1),
            deals: shuffle(withStatements.deals, seed + 2).map((d) =>
              Array.isArray(d.splits) ? { ...d, splits: shuffle(d.splits as unknown[], seed + 3) } : d,
            ),
            rates: Object.fromEntries(shuffle(Object.entries(withStatements.rates), seed + 4)),
            statements: shuffle(withStatements.statements, seed + 5),
          });
          const a = score(plan, reorder(seedA), { period: period.key, computedAt: '2027-01-01T00:00:00Z' });
          const b = score(plan, reorder(seedB), { period: period.key, computedAt: '2027-06-30T12:00:00Z' });
          expect(a.computedAt).not.toBe(b.computedAt);
          const { computedAt: _a, ...restA } = a;
          const { computedAt: _b, ...restB } = b;
          expect(JSON.stringify(restB)).toBe(JSON.stringify(restA));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('two passes (pass-1 results stored as JSON, then ranked) give exactly score()', () => {
    // The pipeline scores one partner, stores its pass-1 result and re-ranks the period later.
    // A change to a deal of P1 that touches no account and no other partner leaves the
    // others' stored pass-1 results valid: re-ranking them with P1's fresh one must equal a
    // from-scratch score().
    fc.assert(
      fc.property(
        planArb().chain((raw) =>
          fc.tuple(fc.constant(raw), inputArb(raw.currency, { partners: 4, bad: true }), moneyArb),
        ),
        ([raw, data, amount]) => {
          const plan = validPlan(raw);
          const period = periodOf(plan);
          const options = { period: period.key, computedAt: 'T' };
          const first = scoreUnranked(plan, data, options);
          const stored = JSON.parse(JSON.stringify(first.partners)) as typeof first.partners;
          expect(rankResults(plan, stored)).toEqual(score(plan, data, options).results);

          const mid = new Date((period.startMs + period.endMs) / 2).toISOString();
          const lone = {
            id: 'LONE',
            partnerId: 'P1',
            amount,
            currency: plan.currency,
            status: 'won',
            closedAt: mid,
          };
          const changed = { ...data, deals: [...data.deals, lone] };
          const fresh = scoreUnranked(plan, changed, options).partners.find(
            (p) => p.result.partnerId === 'P1',
          )!;
          const mixed = stored.map((p) => (p.result.partnerId === 'P1' ? fresh : p));
          expect(rankResults(plan, mixed)).toEqual(score(plan, changed, options).results);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('the revenue increase nextTier names is the smallest that reaches that tier', () => {
    // Closing one deal worth exactly nextTier.byMetric.revenue (no account, no averaged field,
    // so no other metric can fall) lifts the partner's basis tier to the named level.
    fc.assert(
      fc.property(
        planArb().chain((raw) => fc.tuple(fc.constant(raw), inputArb(raw.currency, { partners: 3 }))),
        ([raw, data]) => {
          const plan = validPlan(raw);
          const period = periodOf(plan);
          const before = score(plan, data, { period: period.key }).results.find((r) => r.partnerId === 'P1')!;
          const increase = before.nextTier?.byMetric.revenue;
          if (!before.nextTier || increase == null) return;
          const mid = new Date((period.startMs + period.endMs) / 2).toISOString();
          const deal = {
            id: 'NEXT',
            partnerId: 'P1',
            amount: increase,
            currency: plan.currency,
            status: 'won',
            closedAt: mid,
          };
          const after = score(
            plan,
            { ...data, deals: [...data.deals, deal] },
            { period: period.key },
          ).results.find((r) => r.partnerId === 'P1')!;
          const index = (name: string) => plan.tiers.levels.findIndex((l) => l.name === name);
          if (after.nextTier !== null)
            expect(index(after.nextTier.name)).toBeGreaterThan(index(before.nextTier.name));
          // And it is the smallest such amount: one minor unit less falls short — when the extra
          // deal moves nothing but revenue (no other wonAmount or wonCount metric counts it).
          if (
            plan.metrics.some((m) => m.key !== 'revenue' && (m.kind === 'wonCount' || m.kind === 'wonAmount'))
          )
            return;
          const units = increase.split('.')[1]?.length ?? 0;
          const less = new Decimal(increase).minus(new Decimal(1).div(10 ** units));
          if (less.isNegative()) return;
          const short = { ...deal, amount: less.toFixed(units) };
          const below = score(
            plan,
            { ...data, deals: [...data.deals, short] },
            { period: period.key },
          ).results.find((r) => r.partnerId === 'P1')!;
          expect(below.nextTier?.name).toBe(before.nextTier.name);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('valid random plans never make the core throw, and every result is well-formed', () => {
    fc.assert(
      fc.property(
        planArb().chain((raw) =>
          fc.tuple(fc.constant(raw), inputArb(raw.currency, { partners: 3, bad: true })),
        ),
        ([raw, data]) => {
          const plan = validPlan(raw);
          const period = periodOf(plan).key;
          const doc = score(plan, data, { period });
          expect(doc.results.map((r) => r.partnerId)).toEqual(['P1', 'P2', 'P3']);
          for (const r of doc.results) {
            const p = r.payout;
            let sum = new Decimal(p.base).plus(p.tierBonus).minus(p.capReduction);
            for (const b of p.bonuses) sum = sum.plus(b.amount);
            for (const a of p.adjustments) sum = sum.plus(a.amount);
            expect(sum.eq(p.total)).toBe(true);
            expect(plan.tiers.levels.map((l) => l.name)).toContain(r.tier);
            if (plan.payout.cap !== undefined) expect(new Decimal(p.total).lte(plan.payout.cap)).toBe(true);
            expect(r.inputsHash).toMatch(/^[0-9a-f]{64}$/);
            expect(r.explain.length).toBeGreaterThan(3);
          }
          const key = (e: { type: string; id: string; reason: string }) => [e.type, e.id, e.reason];
          const sortedErrors = [...doc.errors].sort((x, y) => {
            const [a, b] = [key(x), key(y)];
            for (let k = 0; k < 3; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? -1 : 1;
            return 0;
          });
          expect(doc.errors).toEqual(sortedErrors);
          // What-if on an open deal of P1, when there is one.
          const openDeal = data.deals.find((d) => d.status === 'open' && d.partnerId === 'P1' && !d.splits);
          if (openDeal) {
            const w = whatIf(plan, data, { period, partnerId: 'P1', close: [openDeal.id as string] });
            expect(w.results).toHaveLength(1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
