// The plan format: structural schema and cross-field rules, each mistake reported
// with its exact path (and line, for plan text).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/core/index.js';
import { basePlan, type PlanInput, problemsOf } from './helpers.js';

type Mutation = (p: PlanInput & Record<string, unknown>) => void;

const levels = (...mins: number[]) => mins.map((min, i) => ({ name: `L${i}`, min, rate: String(i / 100) }));

/** [what, mutation of the base plan, expected path, expected message (substring or pattern)] */
const cases: [string, Mutation, string, string | RegExp][] = [
  [
    'tiers not ascending',
    (p) => {
      p.tiers.levels = levels(0, 60, 50);
    },
    'tiers.levels[2].min',
    'must be greater than levels[1].min',
  ],
  [
    'two tiers with the same min',
    (p) => {
      p.tiers.levels = levels(0, 60, 60);
    },
    'tiers.levels[2].min',
    'must be greater than levels[1].min',
  ],
  [
    'first tier not at 0',
    (p) => {
      p.tiers.levels = levels(10, 60);
    },
    'tiers.levels[0].min',
    'must be 0',
  ],
  [
    'marginal with a score basis',
    (p) => {
      p.tiers.mode = 'marginal';
    },
    'tiers.mode',
    'marginal tiers need an attainment basis',
  ],
  [
    'marginal with a basis other than the payout base',
    (p) => {
      p.metrics.push({ key: 'deals', kind: 'wonCount', weight: 1 });
      p.targets = { default: { revenue: 1000000, deals: 10 } };
      p.tiers.mode = 'marginal';
      p.tiers.basis = { attainment: 'deals' };
    },
    'tiers.basis.attainment',
    'the basis must be "revenue"',
  ],
  [
    'weight zero',
    (p) => {
      p.metrics[0]!.weight = 0;
    },
    'metrics[0].weight',
    'must be greater than 0',
  ],
  [
    'weight negative',
    (p) => {
      p.metrics[0]!.weight = -5;
    },
    'metrics[0].weight',
    'must be greater than 0',
  ],
  [
    'unknown metric in targets.default',
    (p) => {
      p.targets = { default: { revenue: 1, profit: 5 } };
    },
    'targets.default.profit',
    'unknown metric "profit" (metrics are: revenue)',
  ],
  [
    'unknown metric in targets.byLevel',
    (p) => {
      p.targets = { byLevel: { Gold: { revnue: 5 } } };
    },
    'targets.byLevel.Gold.revnue',
    'unknown metric "revnue"',
  ],
  [
    'unknown metric in targets.fromAttribute',
    (p) => {
      p.targets = { fromAttribute: { margin: 'Quarterly_Target' } };
    },
    'targets.fromAttribute.margin',
    'unknown metric "margin"',
  ],
  [
    'unknown metric in a gate',
    (p) => {
      p.gates = [{ metric: 'csat', min: 4, effect: 'noPayout' }];
    },
    'gates[0].metric',
    'unknown metric "csat"',
  ],
  [
    'unknown metric in an award',
    (p) => {
      p.awards = [{ type: 'training', name: 'T', when: { metric: 'nps', attainmentAtLeast: 1 } }];
    },
    'awards[0].when.metric',
    'unknown metric "nps"',
  ],
  [
    'unknown metric in a bonus',
    (p) => {
      p.payout.bonuses = [{ name: 'B', when: { metric: 'logos', actualAtLeast: 1 }, amount: '100' }];
    },
    'payout.bonuses[0].when.metric',
    'unknown metric "logos"',
  ],
  [
    'unknown metric as payout base',
    (p) => {
      p.payout.base = 'sales';
    },
    'payout.base',
    'unknown metric "sales"',
  ],
  [
    'payout base that is not money',
    (p) => {
      p.metrics.push({ key: 'deals', kind: 'wonCount', weight: 1 });
      p.payout.base = 'deals';
    },
    'payout.base',
    'must name a metric of kind wonAmount ("deals" is wonCount)',
  ],
  [
    'unknown metric as tier basis',
    (p) => {
      p.tiers.basis = { attainment: 'margin' };
    },
    'tiers.basis.attainment',
    'unknown metric "margin"',
  ],
  [
    'unknown tier in a maxTier gate',
    (p) => {
      p.gates = [{ metric: 'revenue', min: 1, effect: { maxTier: 'Diamond' } }];
    },
    'gates[0].effect.maxTier',
    'unknown tier "Diamond" (tiers are: Registered, Silver, Gold)',
  ],
  [
    'unknown tier in an award',
    (p) => {
      p.awards = [{ type: 'title', name: 'X', when: { tierAtLeast: 'Platinum' } }];
    },
    'awards[0].when.tierAtLeast',
    'unknown tier "Platinum"',
  ],
  [
    'unknown tier in a bonus',
    (p) => {
      p.payout.bonuses = [{ name: 'B', when: { tierAtLeast: 'Bronze' }, amount: '1' }];
    },
    'payout.bonuses[0].when.tierAtLeast',
    'unknown tier "Bronze"',
  ],
  [
    'unknown currency',
    (p) => {
      p.currency = 'XYZ';
    },
    'currency',
    'unknown currency "XYZ"',
  ],
  [
    'currency not an ISO code',
    (p) => {
      p.currency = 'yuan';
    },
    'currency',
    'must be an ISO 4217 code',
  ],
  [
    'unknown time zone',
    (p) => {
      p.timezone = 'Mars/Olympus_Mons';
    },
    'timezone',
    'unknown time zone "Mars/Olympus_Mons"',
  ],
  [
    'duplicate metric keys',
    (p) => {
      p.metrics.push({ key: 'revenue', kind: 'wonCount', weight: 1 });
    },
    'metrics[1].key',
    'duplicate metric key "revenue" (also metrics[0])',
  ],
  [
    'duplicate tier names',
    (p) => {
      p.tiers.levels[2]!.name = 'Silver';
    },
    'tiers.levels[2].name',
    'duplicate tier "Silver" (also levels[1])',
  ],
  [
    'a level above the capped basis metric',
    (p) => {
      p.metrics[0]!.cap = 1.5;
      p.tiers.basis = { attainment: 'revenue' };
      p.tiers.levels = levels(0, 100, 160);
    },
    'tiers.levels[2].min',
    'can never be reached: the basis metric is capped at 150%',
  ],
  [
    'a level above the highest possible score',
    (p) => {
      p.metrics = [
        { key: 'revenue', kind: 'wonAmount', weight: 3, cap: 1.2 },
        { key: 'deals', kind: 'wonCount', weight: 1, cap: 1 },
      ];
      p.tiers.levels = levels(0, 90, 116);
    },
    'tiers.levels[2].min',
    'can never be reached: the highest possible score is 115',
  ],
  [
    'a condition above the metric cap',
    (p) => {
      p.metrics[0]!.cap = 1.2;
      p.awards = [{ type: 'training', name: 'T', when: { metric: 'revenue', attainmentAtLeast: 1.5 } }];
    },
    'awards[0].when.attainmentAtLeast',
    'can never be met: "revenue" is capped at 1.2',
  ],
  [
    'a bonus condition with both thresholds',
    (p) => {
      p.payout.bonuses = [
        { name: 'B', when: { metric: 'revenue', attainmentAtLeast: 1, actualAtLeast: 5 }, amount: '1' },
      ];
    },
    'payout.bonuses[0].when',
    'needs exactly one of attainmentAtLeast or actualAtLeast',
  ],
  [
    'a negative rate',
    (p) => {
      p.tiers.levels[1]!.rate = '-0.02';
    },
    'tiers.levels[1].rate',
    'must not be negative',
  ],
  [
    'a rate written as words',
    (p) => {
      p.tiers.levels[1]!.rate = 'two percent';
    },
    'tiers.levels[1].rate',
    'must be a decimal number',
  ],
  [
    'an unknown metric kind',
    (p) => {
      (p.metrics[0] as Record<string, unknown>).kind = 'profit';
    },
    'metrics[0].kind',
    /unknown kind "profit": must be one of wonAmount, wonCount/,
  ],
  [
    'a distinctAccounts metric without "by"',
    (p) => {
      p.metrics.push({ key: 'coverage', kind: 'distinctAccounts', weight: 1 } as never);
    },
    'metrics[1].by',
    'is required',
  ],
  [
    'a misspelt key',
    (p) => {
      p.tiers.levels[1] = { ...p.tiers.levels[1]!, bonsu: '5' } as never;
    },
    'tiers.levels[1].bonsu',
    'unknown key',
  ],
  [
    'a missing required key',
    (p) => {
      delete (p as Record<string, unknown>).timezone;
    },
    'timezone',
    'is required',
  ],
  [
    'fiscal year start month 13',
    (p) => {
      p.period.fiscalYearStartMonth = 13;
    },
    'period.fiscalYearStartMonth',
    'must be 1–12',
  ],
  [
    'an unknown period type',
    (p) => {
      (p.period as Record<string, unknown>).type = 'week';
    },
    'period.type',
    'must be one of "month", "quarter", "half", "year"',
  ],
  [
    'a rank award with top 0',
    (p) => {
      p.awards = [{ type: 'trophy', name: 'Top', when: { rank: { top: 0 } } }];
    },
    'awards[0].when.rank.top',
    'must be a whole number ≥ 1',
  ],
  [
    'a fractional version',
    (p) => {
      p.version = 1.5;
    },
    'version',
    'must be a whole number, not number 1.5',
  ],
  [
    'a fractional rank',
    (p) => {
      p.awards = [{ type: 'trophy', name: 'Top', when: { rank: { top: 2.5 } } }];
    },
    'awards[0].when.rank.top',
    'must be a whole number, not number 2.5',
  ],
  [
    'a weight written as text',
    (p) => {
      (p.metrics[0] as Record<string, unknown>).weight = 'heavy';
    },
    'metrics[0].weight',
    'must be a number, not string "heavy"',
  ],
  [
    'a target that is not a number, under a level name with a space',
    (p) => {
      p.targets = { byLevel: { 'Gold Plus': { revenue: 'lots' } } };
    },
    'targets.byLevel["Gold Plus"].revenue',
    'must be a number',
  ],
  [
    'a tier name written as a number in a condition',
    (p) => {
      p.awards = [{ type: 'title', name: 'X', when: { tierAtLeast: 5 } } as never];
    },
    'awards[0].when.tierAtLeast',
    'must be a string, not number 5',
  ],
  [
    'a negative attainment threshold',
    (p) => {
      p.awards = [{ type: 'training', name: 'T', when: { metric: 'revenue', attainmentAtLeast: -1 } }];
    },
    'awards[0].when.attainmentAtLeast',
    'must not be negative',
  ],
  [
    'a maxTier gate naming its tier with a number',
    (p) => {
      p.gates = [{ metric: 'revenue', min: 1, effect: { maxTier: 3 } } as never];
    },
    'gates[0].effect.maxTier',
    'must be a string, not number 3',
  ],
  [
    'a basis naming its metric with a number',
    (p) => {
      p.tiers.basis = { attainment: 7 } as never;
    },
    'tiers.basis.attainment',
    'must be a string, not number 7',
  ],
  [
    'a bonus that depends on rank',
    (p) => {
      p.payout.bonuses = [{ name: 'B', when: { rank: { top: 1 } }, amount: '1' } as never];
    },
    'payout.bonuses[0].when',
    'must be { tierAtLeast }, { metric, attainmentAtLeast } or { metric, actualAtLeast } (a bonus cannot depend on rank)',
  ],
  [
    'an award condition of no known form',
    (p) => {
      p.awards = [{ type: 'title', name: 'X', when: { best: true } } as never];
    },
    'awards[0].when',
    'must be { tierAtLeast }, { metric, attainmentAtLeast } or { metric, actualAtLeast }, or { rank: { top, within? } }',
  ],
  [
    'no levels at all',
    (p) => {
      p.tiers.levels = [];
    },
    'tiers.levels',
    'needs at least one level',
  ],
];

describe('plan validation: one rule per row', () => {
  it.each(cases)('rejects %s', (_what, mutate, path, message) => {
    const raw = structuredClone(basePlan()) as PlanInput & Record<string, unknown>;
    mutate(raw);
    const problems = problemsOf(raw);
    const hit = problems.find((p) => p.path === path);
    expect(hit, `problems: ${JSON.stringify(problems)}`).toBeDefined();
    if (typeof message === 'string') expect(hit!.message).toContain(message);
    else expect(hit!.message).toMatch(message);
  });

  it('accepts the base plan and fills the defaults', () => {
    const parsed = parsePlan(basePlan());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.plan.gates).toEqual([]);
    expect(parsed.plan.awards).toEqual([]);
    expect(parsed.plan.payout.bonuses).toEqual([]);
  });

  it('accepts a marginal plan whose basis is the payout base', () => {
    const raw = basePlan();
    raw.tiers = { ...raw.tiers, mode: 'marginal', basis: { attainment: 'revenue' } };
    expect(parsePlan(raw).ok).toBe(true);
  });

  it('accepts attainmentAtLeast exactly at the cap', () => {
    const raw = basePlan();
    raw.metrics[0]!.cap = 1.2;
    raw.awards = [{ type: 'training', name: 'T', when: { metric: 'revenue', attainmentAtLeast: 1.2 } }];
    expect(parsePlan(raw).ok).toBe(true);
  });

  it('accepts the shipped example plan', () => {
    const parsed = parsePlan(readFileSync('examples/plan.yaml', 'utf8'));
    expect(parsed).toMatchObject({ ok: true, plan: { id: 'channel-2027', currency: 'CNY' } });
  });
});

describe('plan validation: plan text', () => {
  const threeMistakes = `id: broken
name: Broken plan
version: 1
currency: CNY
timezone: Asia/Shanghai
period: { type: quarter }
metrics:
  - { key: revenue, kind: wonAmount, weight: 0 }
gates:
  - { metric: csat, min: 4, effect: noPayout }
tiers:
  levels:
    - { name: Registered, min: 0, rate: "0" }
    - { name: Silver, min: 60, rate: "0.02" }
    - { name: Gold, min: 50, rate: "0.04" }
payout: { base: revenue }
`;

  it('reports three different mistakes at once, each with path and line, in line order', () => {
    expect(problemsOf(threeMistakes)).toEqual([
      { path: 'metrics[0].weight', message: 'must be greater than 0', line: 8 },
      { path: 'gates[0].metric', message: 'unknown metric "csat" (metrics are: revenue)', line: 10 },
      { path: 'tiers.levels[2].min', message: 'must be greater than levels[1].min', line: 15 },
    ]);
  });

  it('points a missing key at its parent line', () => {
    const text = threeMistakes
      .replace('weight: 0', 'weight: 1')
      .replace(
        '  - { metric: csat, min: 4, effect: noPayout }\n',
        '  - { metric: revenue, effect: noPayout }\n',
      )
      .replace('min: 50', 'min: 90');
    expect(problemsOf(text)).toEqual([{ path: 'gates[0].min', message: 'is required', line: 10 }]);
  });

  it('reports duplicate YAML keys with their line instead of keeping the last one', () => {
    const text = 'id: a\nname: A\nversion: 1\nversion: 2\n';
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: '', line: 4 });
    expect(problems[0]!.message).toMatch(/^not valid YAML\/JSON: .*unique/i);
  });

  it('reads JSON plan text too, with lines', () => {
    const raw = basePlan();
    raw.metrics[0]!.weight = -1;
    const problems = problemsOf(JSON.stringify(raw, null, 2));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'metrics[0].weight', message: 'must be greater than 0' });
    expect(problems[0]!.line).toBeGreaterThan(1);
  });

  it('says what is wrong with a document that is not a plan at all', () => {
    expect(problemsOf('just words')).toEqual([
      { path: '', message: 'must be an object, not string "just words"', line: 1 },
    ]);
  });
});
