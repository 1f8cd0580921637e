// The plan format (contract v1, docs/incentive-model.md §2): the structural schema.
// Cross-field rules (ascending tiers, known metric keys, ...) live in plan.rules.ts
// so that every mistake in a plan is reported at once, not only the first layer.
import { z } from 'zod';

const Name = z.string().trim().min(1, 'must not be empty');
const MetricKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must start with a letter and hold only letters, digits and _');

/** A decimal amount or rate, as a string ("0.04") or a JSON/YAML number. */
const Amount = z.union([
  z.string().regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, 'must be a decimal number such as "0.04" or "10000"'),
  z.number().finite(),
]);
const NonNegativeAmount = Amount.refine((v) => !String(v).trim().startsWith('-'), 'must not be negative');

const Label = z
  .union([z.string(), z.object({ en: z.string().optional(), 'zh-CN': z.string().optional() }).strict()])
  .optional()
  .describe('How the metric is named to partners: a string, or { en, zh-CN }.');

const metricBase = {
  key: MetricKey.describe('Unique key used by targets, gates, payout and awards.'),
  weight: z.number().positive('must be greater than 0').finite().describe('Relative weight in the score.'),
  cap: z
    .number()
    .positive('must be greater than 0')
    .finite()
    .optional()
    .describe('Highest attainment counted (1.5 = 150%).'),
  label: Label,
};

export const MetricSchema = z.discriminatedUnion('kind', [
  z.object({ ...metricBase, kind: z.literal('wonAmount') }).strict(),
  z.object({ ...metricBase, kind: z.literal('wonCount') }).strict(),
  z.object({ ...metricBase, kind: z.literal('newCustomers') }).strict(),
  z
    .object({
      ...metricBase,
      kind: z.literal('distinctAccounts'),
      by: Name.describe('Account key: region, industry, or an account attribute.'),
    })
    .strict(),
  z
    .object({
      ...metricBase,
      kind: z.literal('averageDeal'),
      field: Name.describe('Deal field: csat, or a deal attribute.'),
    })
    .strict(),
  z
    .object({
      ...metricBase,
      kind: z.literal('partnerAttribute'),
      field: Name.describe('Numeric partner attribute.'),
    })
    .strict(),
]);
export type Metric = z.infer<typeof MetricSchema>;
export type MetricKind = Metric['kind'];

const TargetValue = z.union([
  z.number().finite(),
  z.string().regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, 'must be a number'),
]);
const TargetMap = z.record(z.string(), TargetValue);

export const TargetsSchema = z
  .object({
    default: TargetMap.optional().describe('Target per metric key for every partner.'),
    byLevel: z.record(z.string(), TargetMap).optional().describe('Overrides by partner level.'),
    fromAttribute: z
      .record(z.string(), Name)
      .optional()
      .describe('Metric key → partner attribute holding that partner’s target (highest precedence).'),
  })
  .strict();

const MetricCondition = z
  .object({
    metric: Name,
    attainmentAtLeast: z.number().nonnegative('must not be negative').finite().optional(),
    actualAtLeast: z.number().finite().optional(),
  })
  .strict()
  .refine(
    (c) => (c.attainmentAtLeast === undefined) !== (c.actualAtLeast === undefined),
    'needs exactly one of attainmentAtLeast or actualAtLeast',
  );
const TierCondition = z.object({ tierAtLeast: Name }).strict();
const RankCondition = z
  .object({
    rank: z
      .object({
        top: z.number().int().positive('must be a whole number ≥ 1'),
        within: Name.optional().describe('Partner field to rank within: region, level, or an attribute.'),
      })
      .strict(),
  })
  .strict();

// When no form comes close, say which forms there are (zod's default is "Invalid input").
const METRIC_FORM = '{ metric, attainmentAtLeast } or { metric, actualAtLeast }';
export const PayoutConditionSchema = z.union([TierCondition, MetricCondition], {
  error: `must be { tierAtLeast }, ${METRIC_FORM} (a bonus cannot depend on rank)`,
});
export const AwardConditionSchema = z.union([TierCondition, MetricCondition, RankCondition], {
  error: `must be { tierAtLeast }, ${METRIC_FORM}, or { rank: { top, within? } }`,
});
export type AwardCondition = z.infer<typeof AwardConditionSchema>;

export const GateSchema = z
  .object({
    metric: Name,
    min: z.number().finite().describe('Lowest actual value that passes the gate.'),
    effect: z.union([z.literal('noPayout'), z.object({ maxTier: Name }).strict()]),
  })
  .strict();

export const LevelSchema = z
  .object({
    name: Name,
    min: z.number().nonnegative('must not be negative').finite(),
    rate: NonNegativeAmount.describe('Share of the base actual paid at this tier ("0.04" = 4%).'),
    bonus: NonNegativeAmount.optional().describe('Fixed amount paid on reaching this tier.'),
  })
  .strict();

export const TiersSchema = z
  .object({
    basis: z.union([z.literal('score'), z.object({ attainment: Name }).strict()]).default('score'),
    mode: z.enum(['retroactive', 'marginal']).default('retroactive'),
    levels: z.array(LevelSchema).min(1, 'needs at least one level'),
  })
  .strict();

export const BonusSchema = z
  .object({ name: Name, when: PayoutConditionSchema, amount: NonNegativeAmount })
  .strict();

export const PayoutSchema = z
  .object({
    base: Name.describe('Metric (of kind wonAmount) whose actual the tier rate applies to.'),
    bonuses: z.array(BonusSchema).default([]),
    cap: NonNegativeAmount.optional().describe('Highest payout per partner and period.'),
  })
  .strict();

export const AwardSchema = z
  .object({
    type: z.enum(['title', 'trophy', 'training', 'custom']),
    name: Name,
    when: AwardConditionSchema,
    description: z.string().optional(),
  })
  .strict();

export const PlanSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"')
      .describe('Stable identifier of the programme.'),
    name: Name,
    version: z.number().int().positive('must be a whole number ≥ 1'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "CNY"'),
    timezone: Name.describe('IANA time zone in which periods start and end, e.g. Asia/Shanghai.'),
    period: z
      .object({
        type: z.enum(['month', 'quarter', 'half', 'year']),
        fiscalYearStartMonth: z.number().int().min(1, 'must be 1–12').max(12, 'must be 1–12').default(1),
      })
      .strict(),
    targets: TargetsSchema.default({}),
    metrics: z.array(MetricSchema).min(1, 'needs at least one metric'),
    gates: z.array(GateSchema).default([]),
    tiers: TiersSchema,
    payout: PayoutSchema,
    awards: z.array(AwardSchema).default([]),
  })
  .strict();

export type Plan = z.infer<typeof PlanSchema>;
export type Level = z.infer<typeof LevelSchema>;
export type Gate = z.infer<typeof GateSchema>;
export type Award = z.infer<typeof AwardSchema>;
export type Bonus = z.infer<typeof BonusSchema>;
