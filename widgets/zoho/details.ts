// `Incentive_Details` on the partner's Account: the compact JSON the write-back stores
// (`WidgetDetails` in connectors/result-fields.ts, written by the connectors' toResultFields).
// The widget draws the current result from it alone when our server cannot be reached.
import { z } from 'zod';
import type { WidgetDetails } from '../../connectors/result-fields.js';
import type { PartnerResult } from '../../src/core/index.js';
import type { WidgetPayload } from '../shared/types.js';

const Dec = z.string().regex(/^[+-]?\d+(\.\d+)?$/);
const Msg = z.object({ en: z.string(), 'zh-CN': z.string() });
const FeedbackItem = z.looseObject({ metric: z.string(), attainment: z.number(), message: Msg });

/** Version 1 of the stored details; anything else is ignored (the widget then needs our server). */
export const WidgetDetailsSchema = z.looseObject({
  v: z.literal(1),
  plan: z.object({ id: z.string(), version: z.number() }),
  period: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/),
  computedAt: z.string().nullable(),
  score: z.number(),
  tier: z.string(),
  payout: z.looseObject({
    base: Dec,
    tierBonus: Dec,
    bonuses: z.array(z.object({ name: z.string(), amount: Dec })),
    adjustments: z.array(z.looseObject({ period: z.string(), amount: Dec, kind: z.string() })),
    total: Dec,
  }),
  metrics: z.record(
    z.string(),
    z.looseObject({
      actual: Dec.nullable(),
      target: Dec.nullable(),
      attainment: z.number().nullable(),
      weight: z.number(),
      points: z.number().nullable(),
      /** Not written today; used when present (money vs counts). */
      kind: z.string().optional(),
    }),
  ),
  gatesFailed: z.array(z.looseObject({ metric: z.string(), message: Msg })),
  awards: z.array(z.looseObject({ type: z.string(), name: z.string() })),
  rank: z.object({
    overall: z.number(),
    of: z.number(),
    within: z.record(z.string(), z.number().nullable()),
  }),
  nextTier: z
    .object({ name: z.string(), scoreGap: z.number(), byMetric: z.record(z.string(), Dec.nullable()) })
    .nullable(),
  feedback: z.object({ strengths: z.array(FeedbackItem), improvements: z.array(FeedbackItem) }).nullable(),
  inputsHash: z.string().optional(),
});

export function parseDetails(text: unknown): WidgetDetails | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  try {
    const parsed = WidgetDetailsSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as unknown as WidgetDetails) : null;
  } catch {
    return null;
  }
}

/**
 * A payload from the CRM record alone: the stored result without plan, history or what-if
 * (shown as degraded; metric labels fall back to their keys).
 */
export function payloadFromRecord(
  recordId: string,
  record: Record<string, unknown>,
  d: WidgetDetails,
): WidgetPayload {
  const name = typeof record.Account_Name === 'string' ? record.Account_Name : recordId;
  const metrics: PartnerResult['metrics'] = {};
  for (const [key, m] of Object.entries(d.metrics)) {
    const kind = (m as { kind?: string }).kind;
    metrics[key] = { ...m, kind: (kind ?? 'unknown') as never, targetSource: null, dealIds: [] };
  }
  const result: PartnerResult = {
    partnerId: recordId,
    score: d.score,
    tier: d.tier,
    metrics,
    gatesFailed: d.gatesFailed as PartnerResult['gatesFailed'],
    payout: d.payout,
    awards: d.awards,
    rank: { overall: d.rank.overall, within: d.rank.within, of: { overall: d.rank.of, within: {} } },
    nextTier: d.nextTier,
    feedback: d.feedback ?? { strengths: [], improvements: [] },
    explain: [],
    inputsHash: d.inputsHash ?? '',
  };
  return {
    partner: { id: recordId, name, level: null, region: null },
    period: d.period,
    periods: [{ key: d.period, status: 'current' }],
    computedAt: d.computedAt,
    currency: d.currency,
    plan: null,
    result,
    history: [],
    openDeals: [],
    input: null,
    degraded: true,
  };
}
