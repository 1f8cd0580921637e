// Public surface of the scoring core. Everything outside src/core imports from here.
// (Work in progress: the implementations land in the commits that follow.)
export type { Account, Deal, Input, Partner, Statement } from './input.js';
export { AccountSchema, DealSchema, PartnerSchema, StatementSchema } from './input.js';

/** A problem found in a plan, with the exact path (`tiers.levels[2].min`). */
export interface PlanProblem {
  path: string;
  message: string;
  /** 1-based line in the source text, when the plan was parsed from text. */
  line?: number;
}

export type PlanParseResult<P> = { ok: true; plan: P } | { ok: false; problems: PlanProblem[] };
