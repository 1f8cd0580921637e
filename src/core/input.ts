// The normalized CRM data the core scores (contract v1, docs/incentive-model.md §1).
// Connectors map their CRM's records onto these shapes; the CLI reads them from JSON.
// Each record is validated on its own so one bad record is reported and left out
// while the rest is still scored.
import { z } from 'zod';

/** A decimal number written as a string: money never travels as a float. */
export const DecimalString = z
  .string()
  .regex(/^[+-]?(\d+(\.\d*)?|\.\d+)$/, 'must be a decimal number written as a string, e.g. "1250.00"');

const Attributes = z.record(z.string(), z.unknown());

export const PartnerSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  level: z.string().nullish(),
  region: z.string().nullish(),
  agreementEnd: z.string().nullish(),
  attributes: Attributes.default({}),
});
export type Partner = z.infer<typeof PartnerSchema>;

export const AccountSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  partnerId: z.string().nullish(),
  region: z.string().nullish(),
  industry: z.string().nullish(),
  attributes: Attributes.default({}),
});
export type Account = z.infer<typeof AccountSchema>;

export const DealStatusSchema = z.enum(['open', 'won', 'lost']);
export type DealStatus = z.infer<typeof DealStatusSchema>;

export const SplitSchema = z.object({ partnerId: z.string().min(1), share: DecimalString });

export const DealSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  partnerId: z.string().nullish(),
  accountId: z.string().nullish(),
  amount: DecimalString,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "CNY"'),
  status: DealStatusSchema,
  /** An ISO-8601 instant, or a calendar date meaning that day in the plan's time zone. */
  closedAt: z.string().nullish(),
  csat: z.number().finite().nullish(),
  splits: z.array(SplitSchema).optional(),
  attributes: Attributes.default({}),
});
export type Deal = z.infer<typeof DealSchema>;

export const StatementSchema = z.object({
  partnerId: z.string().min(1),
  period: z.string().min(1),
  payout: DecimalString,
});
export type Statement = z.infer<typeof StatementSchema>;

/** The document as a whole: arrays are checked here, records one by one later. */
export const InputDocumentSchema = z.object({
  partners: z.array(z.unknown()).default([]),
  accounts: z.array(z.unknown()).default([]),
  deals: z.array(z.unknown()).default([]),
  rates: z.record(z.string(), DecimalString).default({}),
  statements: z.array(z.unknown()).default([]),
});

/** Input after per-record validation (what the scorer works on). */
export interface Input {
  partners: Partner[];
  accounts: Account[];
  deals: Deal[];
  rates: Record<string, string>;
  statements: Statement[];
}
