// A candidate plan for preview tests: the seeded programme with Silver raised to 72 and
// Gold lowered to 75, so in 2026-Q4 P1 (80.42) goes up to Gold and P2 (71) down to Registered.
import type { Plan } from '../../src/core/index.js';

export function candidatePlan(plan: Plan): Plan {
  const c = structuredClone(plan);
  c.tiers.levels = c.tiers.levels.map((l) =>
    l.name === 'Silver' ? { ...l, min: 72 } : l.name === 'Gold' ? { ...l, min: 75 } : l,
  );
  return c;
}
