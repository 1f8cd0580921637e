// Parse what the server sends before rendering it: a wrong shape becomes one clear error,
// never a half-drawn widget. The result is checked for the keys the UI reads (contract §4).
import { z } from 'zod';
import { type PartnerResult, PlanSchema } from '../../src/core/index.js';
import type { WidgetPayload } from './types.js';

const Dec = z.string().regex(/^[+-]?\d+(\.\d+)?$/, 'must be a decimal string');
const Msg = z.object({ en: z.string(), 'zh-CN': z.string() });

const MetricResultSchema = z.looseObject({
  kind: z.string(),
  actual: Dec.nullable(),
  target: Dec.nullable(),
  attainment: z.number().nullable(),
  weight: z.number(),
  points: z.number().nullable(),
});

export const PartnerResultSchema = z.looseObject({
  partnerId: z.string(),
  score: z.number(),
  tier: z.string(),
  metrics: z.record(z.string(), MetricResultSchema),
  gatesFailed: z.array(z.looseObject({ metric: z.string(), message: Msg })),
  payout: z.looseObject({
    base: Dec,
    tierBonus: Dec,
    bonuses: z.array(z.object({ name: z.string(), amount: Dec })),
    adjustments: z.array(z.looseObject({ period: z.string(), amount: Dec, kind: z.string() })),
    total: Dec,
  }),
  awards: z.array(z.looseObject({ type: z.string(), name: z.string() })),
  rank: z.looseObject({
    overall: z.number(),
    within: z.record(z.string(), z.number().nullable()),
    of: z.looseObject({ overall: z.number(), within: z.record(z.string(), z.number().nullable()) }),
  }),
  nextTier: z
    .object({ name: z.string(), scoreGap: z.number(), byMetric: z.record(z.string(), Dec.nullable()) })
    .nullable(),
  feedback: z.object({
    strengths: z.array(z.looseObject({ metric: z.string(), message: Msg })),
    improvements: z.array(z.looseObject({ metric: z.string(), message: Msg })),
  }),
});

export const WidgetPayloadSchema = z.object({
  partner: z.object({
    id: z.string().min(1),
    name: z.string(),
    level: z.string().nullable(),
    region: z.string().nullable(),
  }),
  period: z.string().min(1),
  periods: z.array(z.object({ key: z.string().min(1), status: z.enum(['current', 'frozen']) })),
  computedAt: z.string().nullable(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  plan: PlanSchema.nullable(),
  result: PartnerResultSchema,
  history: z.array(z.object({ period: z.string(), score: z.number(), tier: z.string(), payout: Dec })),
  openDeals: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string(),
      amount: Dec,
      currency: z.string().regex(/^[A-Z]{3}$/),
      expectedClose: z.string().nullable(),
      accountName: z.string().nullable(),
    }),
  ),
  input: z.unknown().nullable(),
});

/** Parses a payload; the message names the first wrong path. */
export function parsePayload(
  raw: unknown,
): { ok: true; payload: WidgetPayload } | { ok: false; error: string } {
  const parsed = WidgetPayloadSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  const data = parsed.data;
  return {
    ok: true,
    payload: { ...data, result: data.result as unknown as PartnerResult, input: data.input ?? null },
  };
}
