// Cross-field rules of the plan format. They read the raw document defensively, so
// they run even where the structural schema already failed somewhere else and a
// plan with several kinds of mistakes gets all of them reported in one go.
import { isKnownCurrency } from './currencies.js';
import { isValidTimeZone } from './timezone.js';

export interface RuleProblem {
  path: (string | number)[];
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function checkPlanRules(raw: unknown): RuleProblem[] {
  if (!isObj(raw)) return [];
  const problems: RuleProblem[] = [];
  const report = (path: (string | number)[], message: string) => problems.push({ path, message });

  const currency = str(raw.currency);
  if (currency && /^[A-Z]{3}$/.test(currency) && !isKnownCurrency(currency)) {
    report(['currency'], `unknown currency "${currency}" (not an active ISO 4217 code)`);
  }
  const timezone = str(raw.timezone);
  if (timezone && !isValidTimeZone(timezone)) {
    report(['timezone'], `unknown time zone "${timezone}" (use an IANA name such as Asia/Shanghai)`);
  }

  // Metrics: unique keys; remember kinds and caps for the references below.
  const metrics = new Map<string, { kind: unknown; cap: number | undefined; index: number }>();
  arr(raw.metrics).forEach((m, i) => {
    if (!isObj(m)) return;
    const key = str(m.key);
    if (!key) return;
    const seen = metrics.get(key);
    if (seen) report(['metrics', i, 'key'], `duplicate metric key "${key}" (also metrics[${seen.index}])`);
    else metrics.set(key, { kind: m.kind, cap: num(m.cap), index: i });
  });
  const metricKnown = (path: (string | number)[], key: unknown) => {
    if (typeof key === 'string' && !metrics.has(key)) {
      const known = [...metrics.keys()].join(', ') || 'none';
      report(path, `unknown metric "${key}" (metrics are: ${known})`);
      return false;
    }
    return typeof key === 'string';
  };

  // Tiers: unique names, ascending mins starting at 0.
  const tiers = isObj(raw.tiers) ? raw.tiers : {};
  const levels = arr(tiers.levels);
  const tierNames = new Map<string, number>();
  let previousMin: number | undefined;
  levels.forEach((level, i) => {
    if (!isObj(level)) return;
    const name = str(level.name);
    if (name !== undefined) {
      const seen = tierNames.get(name);
      if (seen !== undefined)
        report(['tiers', 'levels', i, 'name'], `duplicate tier "${name}" (also levels[${seen}])`);
      else tierNames.set(name, i);
    }
    const min = num(level.min);
    if (min === undefined) return;
    if (i === 0 && min !== 0) {
      report(['tiers', 'levels', 0, 'min'], 'must be 0, so that every partner has a tier');
    }
    if (i > 0 && previousMin !== undefined && min <= previousMin) {
      report(['tiers', 'levels', i, 'min'], `must be greater than levels[${i - 1}].min`);
    }
    previousMin = min;
  });
  const tierKnown = (path: (string | number)[], name: unknown) => {
    if (typeof name === 'string' && levels.length > 0 && !tierNames.has(name)) {
      report(path, `unknown tier "${name}" (tiers are: ${[...tierNames.keys()].join(', ')})`);
    }
  };

  // Basis and mode.
  const basis = tiers.basis;
  const basisMetric = isObj(basis) ? basis.attainment : undefined;
  if (basisMetric !== undefined) metricKnown(['tiers', 'basis', 'attainment'], basisMetric);
  const payout = isObj(raw.payout) ? raw.payout : {};
  if (tiers.mode === 'marginal') {
    if (basisMetric === undefined) {
      report(
        ['tiers', 'mode'],
        'marginal tiers need an attainment basis (tiers.basis: { attainment: <metric> })',
      );
    } else if (typeof payout.base === 'string' && basisMetric !== payout.base) {
      report(
        ['tiers', 'basis', 'attainment'],
        `marginal bands are slices of the payout base, so the basis must be "${payout.base}" (payout.base)`,
      );
    }
  }
  // A level no partner can ever reach is a mistake in the plan, not a surprise at payout time.
  const basisCap = typeof basisMetric === 'string' ? metrics.get(basisMetric)?.cap : undefined;
  const scoreCeiling = maxScore(raw.metrics);
  levels.forEach((level, i) => {
    const min = isObj(level) ? num(level.min) : undefined;
    if (min === undefined) return;
    if (basisCap !== undefined && min > basisCap * 100) {
      report(
        ['tiers', 'levels', i, 'min'],
        `can never be reached: the basis metric is capped at ${basisCap * 100}%`,
      );
    } else if (basisMetric === undefined && scoreCeiling !== undefined && min > scoreCeiling) {
      report(
        ['tiers', 'levels', i, 'min'],
        `can never be reached: the highest possible score is ${scoreCeiling}`,
      );
    }
  });

  // Payout base must be money.
  if (metricKnown(['payout', 'base'], payout.base)) {
    const kind = metrics.get(payout.base as string)?.kind;
    if (kind !== 'wonAmount') {
      report(
        ['payout', 'base'],
        `must name a metric of kind wonAmount ("${String(payout.base)}" is ${String(kind)})`,
      );
    }
  }

  // Targets reference metrics.
  const targets = isObj(raw.targets) ? raw.targets : {};
  for (const section of ['default', 'fromAttribute'] as const) {
    const map = targets[section];
    if (isObj(map)) for (const key of Object.keys(map)) metricKnown(['targets', section, key], key);
  }
  if (isObj(targets.byLevel)) {
    for (const [level, map] of Object.entries(targets.byLevel)) {
      if (isObj(map))
        for (const key of Object.keys(map)) metricKnown(['targets', 'byLevel', level, key], key);
    }
  }

  // Gates.
  arr(raw.gates).forEach((gate, i) => {
    if (!isObj(gate)) return;
    metricKnown(['gates', i, 'metric'], gate.metric);
    if (isObj(gate.effect)) tierKnown(['gates', i, 'effect', 'maxTier'], gate.effect.maxTier);
  });

  // Conditions of bonuses and awards.
  const checkCondition = (path: (string | number)[], when: unknown) => {
    if (!isObj(when)) return;
    tierKnown([...path, 'tierAtLeast'], when.tierAtLeast);
    if (when.metric !== undefined && metricKnown([...path, 'metric'], when.metric)) {
      const cap = metrics.get(when.metric as string)?.cap;
      const at = num(when.attainmentAtLeast);
      if (cap !== undefined && at !== undefined && at > cap) {
        report(
          [...path, 'attainmentAtLeast'],
          `can never be met: "${String(when.metric)}" is capped at ${cap}`,
        );
      }
    }
  };
  arr(payout.bonuses).forEach((bonus, i) => {
    if (isObj(bonus)) checkCondition(['payout', 'bonuses', i, 'when'], bonus.when);
  });
  arr(raw.awards).forEach((award, i) => {
    if (isObj(award)) checkCondition(['awards', i, 'when'], award.when);
  });

  return problems;
}

/** The highest score the metrics allow, when every metric is capped; otherwise undefined. */
function maxScore(rawMetrics: unknown): number | undefined {
  let weighted = 0;
  let weights = 0;
  for (const m of arr(rawMetrics)) {
    if (!isObj(m)) return undefined;
    const weight = num(m.weight);
    const cap = num(m.cap);
    if (weight === undefined || weight <= 0 || cap === undefined) return undefined;
    weighted += weight * cap;
    weights += weight;
  }
  return weights > 0 ? Math.round((100 * weighted * 100) / weights) / 100 : undefined;
}
