// Public surface of the scoring core. Everything outside src/core imports from here.
// The core does no I/O and reads no clock: it runs the same in workers and in the widget.

export { type ClosedAtReader, closedAtReader } from './closed-at.js';
export type { Account, Deal, DealStatus, Input, Partner, Statement } from './input.js';
export {
  comparePeriods,
  makePeriod,
  type Period,
  type PeriodSpec,
  type PeriodType,
  parsePeriod,
  periodOfInstant,
  periodOfLocalDate,
  shiftPeriod,
} from './periods.js';
export { formatPath, type PlanParseResult, type PlanProblem, parsePlan } from './plan.parse.js';
export type { Award, Gate, Level, Metric, MetricKind, Plan } from './plan.schema.js';
export { PlanSchema } from './plan.schema.js';
export { firstWonChecker, InputError } from './prepare.js';
export type { Rankable } from './rank.js';
export type * from './results.js';
export {
  type EarnedAward,
  finishRanked,
  rankedInputsHash,
  rankPeriod,
  rankResults,
  resolvePeriod,
  type ScoreOptions,
  score,
  scoreUnranked,
  scoreUnrankedLazily,
  type UnrankedDocument,
  type UnrankedResult,
  UsageError,
} from './score.js';
export { type WhatIfDocument, type WhatIfOptions, whatIf } from './whatif.js';
