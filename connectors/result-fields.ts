// CRM-neutral: one partner's scored result → the values every connector writes
// back (`ResultFields`). The `details` JSON is what the widget renders inside the
// CRM; it leaves out what only the server needs (deal ids, explain lines) and
// shrinks further if a CRM's field is smaller (Zoho's multi-line field: 32,000).
import type { PartnerResult, ResultsDocument } from '../src/core/index.js';
import type { ResultFields } from './contract.js';

export const DETAILS_VERSION = 1;

export interface ResultFieldOptions {
  /** Characters the CRM's details field holds (Zoho 32,000). */
  maxDetailsChars: number;
  /** When the value was computed (ISO-8601); defaults to the document's computedAt. */
  updated?: string;
}

type Doc = Pick<ResultsDocument, 'planId' | 'planVersion' | 'period' | 'currency' | 'computedAt'>;

export function toResultFields(r: PartnerResult, doc: Doc, opts: ResultFieldOptions): ResultFields {
  const updated = opts.updated ?? doc.computedAt;
  if (!updated)
    throw new Error('toResultFields needs an updated time (ResultsDocument.computedAt or opts.updated)');
  const metrics = Object.fromEntries(
    Object.entries(r.metrics).map(([key, m]) => [
      key,
      {
        actual: m.actual,
        target: m.target,
        attainment: m.attainment,
        weight: m.weight,
        points: m.points,
        ...(m.excluded ? { excluded: m.excluded } : {}),
      },
    ]),
  );
  const full = {
    v: DETAILS_VERSION,
    plan: { id: doc.planId, version: doc.planVersion },
    period: doc.period,
    currency: doc.currency,
    score: r.score,
    tier: r.tier,
    payout: r.payout,
    metrics,
    gatesFailed: r.gatesFailed,
    awards: r.awards,
    rank: r.rank,
    nextTier: r.nextTier,
    feedback: r.feedback,
    inputsHash: r.inputsHash,
    updated,
  };
  // Shrink in steps that keep what the widget's headline needs.
  const steps: ((d: typeof full) => Record<string, unknown>)[] = [
    (d) => d,
    (d) => ({ ...d, feedback: undefined }),
    (d) => ({
      ...d,
      feedback: undefined,
      rank: { overall: d.rank.overall },
      gatesFailed: d.gatesFailed.map((g) => ({ metric: g.metric, min: g.min })),
    }),
    (d) => ({
      v: d.v,
      period: d.period,
      currency: d.currency,
      score: d.score,
      tier: d.tier,
      payout: { total: d.payout.total },
      inputsHash: d.inputsHash,
      updated: d.updated,
      truncated: true,
    }),
  ];
  let details = '';
  for (const step of steps) {
    details = JSON.stringify(step(full));
    if (details.length <= opts.maxDetailsChars) break;
  }
  if (details.length > opts.maxDetailsChars)
    throw new Error(`details cannot fit ${opts.maxDetailsChars} characters`);
  return {
    tier: r.tier,
    score: r.score,
    payout: r.payout.total,
    period: doc.period,
    rank: r.rank.overall,
    nextTier: r.nextTier?.name ?? null,
    nextTierGap: r.nextTier?.scoreGap ?? null,
    awards: r.awards.map((a) => a.name).join('; '),
    updated,
    details,
    inputsHash: r.inputsHash,
  };
}
