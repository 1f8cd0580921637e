// A plan's numbers as Decimals, computed once per plan object instead of once per
// partner (scoring 10,000 partners would otherwise re-parse the same constants).
import { Decimal, roundMoney, toDecimal } from './money.js';
import type { Plan } from './plan.schema.js';

export interface CompiledPlan {
  levels: {
    min: Decimal;
    rate: Decimal;
    bonus: Decimal | null;
    /** (min − 0.005) ÷ 100: the weighted-attainment share a score must reach to round up to min. */
    scoreShare: Decimal;
    /** The rate as a percentage, as explain lines write it ("4"). */
    ratePercent: string;
  }[];
  weight: Map<string, Decimal>;
  cap: Map<string, Decimal | null>;
  defaultTarget: Map<string, Decimal>;
  levelTarget: Map<string, Map<string, Decimal>>;
  payoutCap: Decimal | null;
  /** payoutCap rounded to the plan currency's minor unit. */
  payoutCapMoney: Decimal | null;
}

const cache = new WeakMap<Plan, CompiledPlan>();

export function compile(plan: Plan): CompiledPlan {
  let compiled = cache.get(plan);
  if (compiled) return compiled;
  const targetsOf = (map: Record<string, string | number> | undefined) =>
    new Map(Object.entries(map ?? {}).map(([k, v]) => [k, toDecimal(v)]));
  compiled = {
    levels: plan.tiers.levels.map((l) => ({
      min: new Decimal(l.min),
      rate: toDecimal(l.rate),
      bonus: l.bonus === undefined ? null : toDecimal(l.bonus),
      scoreShare: new Decimal(l.min).minus('0.005').div(100),
      ratePercent: toDecimal(l.rate).times(100).toString(),
    })),
    weight: new Map(plan.metrics.map((m) => [m.key, new Decimal(m.weight)])),
    cap: new Map(plan.metrics.map((m) => [m.key, m.cap === undefined ? null : new Decimal(m.cap)])),
    defaultTarget: targetsOf(plan.targets.default),
    levelTarget: new Map(
      Object.entries(plan.targets.byLevel ?? {}).map(([level, map]) => [level, targetsOf(map)]),
    ),
    payoutCap: plan.payout.cap === undefined ? null : toDecimal(plan.payout.cap),
    payoutCapMoney:
      plan.payout.cap === undefined ? null : roundMoney(toDecimal(plan.payout.cap), plan.currency),
  };
  cache.set(plan, compiled);
  return compiled;
}
