// A generated corpus of invalid plans: valid random plans broken in one way each —
// a rule of the plan format violated, a value of the wrong type, a key removed or
// invented, garbage text. Every one must be rejected with a problem that names a
// path (never accepted, never a throw).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/core/index.js';
import { planArb } from '../core/arbitraries.js';
import type { PlanInput } from '../core/helpers.js';

/** `npm run fuzz` sets FUZZ_SCALE to run the same properties many more times. */
const scale = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));

const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
].join('\n');

type Rec = Record<string, unknown>;
type Breaker = { name: string; path: RegExp; apply(plan: Rec): void };

const levels = (p: Rec) => (p.tiers as Rec).levels as Rec[];
const metrics = (p: Rec) => p.metrics as Rec[];

/** Each breaks one rule of docs/incentive-model.md and says where the problem must point. */
const BREAKERS: Breaker[] = [
  { name: 'unknown currency', path: /^currency$/, apply: (p) => (p.currency = 'XYZ') },
  { name: 'unknown time zone', path: /^timezone$/, apply: (p) => (p.timezone = 'Mars/Olympus') },
  {
    name: 'fiscal start month 13',
    path: /^period\.fiscalYearStartMonth$/,
    apply: (p) => ((p.period as Rec).fiscalYearStartMonth = 13),
  },
  { name: 'no metrics', path: /^metrics$/, apply: (p) => (p.metrics = []) },
  { name: 'zero weight', path: /^metrics\[\d+\]\.weight$/, apply: (p) => (metrics(p)[0]!.weight = 0) },
  { name: 'negative weight', path: /^metrics\[\d+\]\.weight$/, apply: (p) => (metrics(p)[0]!.weight = -5) },
  {
    name: 'duplicate metric key',
    path: /^metrics\[\d+\]\.key$/,
    apply: (p) => metrics(p).push({ ...metrics(p)[0]! }),
  },
  { name: 'unknown metric kind', path: /^metrics\[0\]/, apply: (p) => (metrics(p)[0]!.kind = 'vibes') },
  {
    name: 'tiers not ascending',
    path: /^tiers\.levels(\[\d+\]\.min)?$/,
    apply: (p) => {
      const l = levels(p);
      if (l.length < 2) l.push({ ...l[0]!, name: `${String(l[0]!.name)}-copy` });
      l[1]!.min = l[0]!.min;
    },
  },
  { name: 'tier min as text', path: /^tiers\.levels\[0\]\.min$/, apply: (p) => (levels(p)[0]!.min = 'ten') },
  {
    name: 'target for an unknown metric',
    path: /^targets\.default\./,
    apply: (p) => {
      p.targets = {
        ...((p.targets as Rec) ?? {}),
        default: { ...(((p.targets as Rec)?.default as Rec) ?? {}), nosuchmetric: 5 },
      };
    },
  },
  { name: 'unknown top-level key', path: /^(wrongKey)?$/, apply: (p) => (p.wrongKey = true) },
  { name: 'id missing', path: /^id$/, apply: (p) => delete p.id },
  { name: 'metrics not a list', path: /^metrics$/, apply: (p) => (p.metrics = { revenue: 1 }) },
  {
    name: '__proto__ key in tiers',
    path: /^tiers/,
    apply: (p) =>
      Object.defineProperty(p.tiers as Rec, '__proto__', { value: { polluted: true }, enumerable: true }),
  },
];

describe('invalid plans', () => {
  it('each generated breakage is rejected with a problem at the expected path', () => {
    fc.assert(
      fc.property(planArb(), fc.constantFrom(...BREAKERS), (raw: PlanInput, breaker) => {
        const plan = structuredClone(raw) as Rec;
        breaker.apply(plan);
        const result = parsePlan(plan);
        expect(result.ok, `${breaker.name} was accepted`).toBe(false);
        if (result.ok) return;
        expect(result.problems.length).toBeGreaterThan(0);
        expect(
          result.problems.some((pr) => breaker.path.test(pr.path)),
          `${breaker.name}: no problem at ${breaker.path} in ${JSON.stringify(result.problems)}`,
        ).toBe(true);
        for (const pr of result.problems) expect(pr.message.length).toBeGreaterThan(3);
      }),
      { numRuns: 400 * scale, seed: 20261127 },
    );
  });

  it('garbage text is rejected with a problem, never a throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.constantFrom(
            '[',
            '{',
            ': : :',
            '- - -\n  -',
            '\u0000',
            'id: [unclosed',
            ALIAS_BOMB,
            '- *undefined_anchor',
            `${'['.repeat(5000)}`,
          ),
        ),
        (text) => {
          const result = parsePlan(text);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 * scale, seed: 7 },
    );
  });
});
