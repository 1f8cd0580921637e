// `Incentive_Details` on the partner's Account: the compact JSON the write-back stores
// (docs/widget.md §3). The widget can draw the current result from it alone.

import { z } from 'zod';
import type { PartnerResult } from '../../src/core/index.js';
import { PartnerResultSchema } from '../shared/payload.schema.js';
import type { PlanView, WidgetPayload } from '../shared/types.js';

/** The plan parts the view needs to label a stored result (names, labels, caps, tiers, awards). */
const PlanViewSchema = z.looseObject({
  name: z.string(),
  version: z.number(),
  metrics: z.array(z.looseObject({ key: z.string(), kind: z.string(), weight: z.number() })),
  tiers: z.looseObject({
    basis: z.unknown(),
    levels: z.array(z.looseObject({ name: z.string(), min: z.number() })),
  }),
  awards: z.array(
    z.looseObject({ type: z.string(), name: z.string(), when: z.record(z.string(), z.unknown()) }),
  ),
});

export const IncentiveDetailsSchema = z.object({
  v: z.literal(1),
  planId: z.string(),
  planVersion: z.number(),
  plan: PlanViewSchema.optional(),
  period: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  computedAt: z.string().nullable(),
  result: PartnerResultSchema,
});
export type IncentiveDetails = z.infer<typeof IncentiveDetailsSchema>;

/** What the write-back puts in the field: the result without `explain`, hashes and deal ids. */
export function compactDetails(doc: {
  planId: string;
  planVersion: number;
  /** The active plan (only its display parts are kept). */
  plan?: PlanView;
  period: string;
  currency: string;
  computedAt?: string;
  result: PartnerResult;
}): string {
  const { explain: _explain, inputsHash: _hash, ...rest } = doc.result;
  const metrics = Object.fromEntries(
    Object.entries(rest.metrics).map(([k, { dealIds: _ids, ...m }]) => [k, m]),
  );
  return JSON.stringify({
    v: 1,
    planId: doc.planId,
    planVersion: doc.planVersion,
    plan: doc.plan
      ? {
          name: doc.plan.name,
          version: doc.plan.version,
          metrics: doc.plan.metrics,
          tiers: doc.plan.tiers,
          awards: doc.plan.awards,
        }
      : undefined,
    period: doc.period,
    currency: doc.currency,
    computedAt: doc.computedAt ?? null,
    result: { ...rest, metrics },
  });
}

export function parseDetails(text: unknown): IncentiveDetails | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  try {
    const parsed = IncentiveDetailsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A payload from the CRM record alone: no plan, history or what-if (shown as degraded). */
export function payloadFromRecord(
  recordId: string,
  record: Record<string, unknown>,
  d: IncentiveDetails,
): WidgetPayload {
  const name = typeof record.Account_Name === 'string' ? record.Account_Name : recordId;
  return {
    partner: { id: recordId, name, level: null, region: null },
    period: d.period,
    periods: [{ key: d.period, status: 'current' }],
    computedAt: d.computedAt,
    currency: d.currency,
    plan: null,
    result: { explain: [], inputsHash: '', ...d.result } as unknown as PartnerResult,
    history: [],
    openDeals: [],
    input: null,
    degraded: true,
    planView: d.plan as PlanView | undefined,
  };
}
