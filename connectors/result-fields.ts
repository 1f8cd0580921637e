// From a scored partner to the values written onto the partner's CRM record
// (CRM-neutral; each connector maps ResultFields onto its own field names).
//
// `details` is the compact JSON the embedded widget renders straight from the CRM
// record (Zoho reads it with ZOHO.CRM.API.getRecord), so it carries what the widget
// shows and nothing it does not: no explain lines, no deal id lists. It must fit the
// CRM's long-text field (Zoho's large text area holds 32,000 characters).
import type { PartnerResult, ResultsDocument } from '../src/core/index.js';
import type { ResultFields } from './contract.js';

export const DETAILS_VERSION = 1;
export const DEFAULT_DETAILS_LIMIT = 32_000;

/** What the widget reads from the CRM record (short keys: it has to fit a text field). */
export interface WidgetDetails {
  v: typeof DETAILS_VERSION;
  plan: { id: string; version: number };
  period: string;
  currency: string;
  computedAt: string | null;
  score: number;
  tier: string;
  payout: PartnerResult['payout'];
  metrics: Record<
    string,
    {
      actual: string | null;
      target: string | null;
      attainment: number | null;
      weight: number;
      points: number | null;
    }
  >;
  gatesFailed: { metric: string; message: PartnerResult['gatesFailed'][number]['message'] }[];
  awards: PartnerResult['awards'];
  rank: { overall: number; of: number; within: PartnerResult['rank']['within'] };
  nextTier: PartnerResult['nextTier'];
  feedback: PartnerResult['feedback'] | null;
  inputsHash: string;
}

export function widgetDetails(doc: ResultsDocument, result: PartnerResult): WidgetDetails {
  const metrics: WidgetDetails['metrics'] = {};
  for (const [key, m] of Object.entries(result.metrics)) {
    metrics[key] = {
      actual: m.actual,
      target: m.target,
      attainment: m.attainment,
      weight: m.weight,
      points: m.points,
    };
  }
  return {
    v: DETAILS_VERSION,
    plan: { id: doc.planId, version: doc.planVersion },
    period: doc.period,
    currency: doc.currency,
    computedAt: doc.computedAt ?? null,
    score: result.score,
    tier: result.tier,
    payout: result.payout,
    metrics,
    gatesFailed: result.gatesFailed.map((g) => ({ metric: g.metric, message: g.message })),
    awards: result.awards,
    rank: { overall: result.rank.overall, of: result.rank.of.overall, within: result.rank.within },
    nextTier: result.nextTier,
    feedback: result.feedback,
    inputsHash: result.inputsHash,
  };
}

/**
 * The details as JSON within `limit` characters. Feedback goes first when it does not
 * fit (the widget can say "open the full view" for it), then adjustments' detail;
 * what remains is small and bounded by the plan's number of metrics and awards.
 */
export function detailsJson(details: WidgetDetails, limit = DEFAULT_DETAILS_LIMIT): string {
  let text = JSON.stringify(details);
  if (text.length <= limit) return text;
  text = JSON.stringify({ ...details, feedback: null });
  if (text.length <= limit) return text;
  const lean = { ...details, feedback: null, payout: { ...details.payout, adjustments: [] } };
  text = JSON.stringify(lean);
  if (text.length <= limit) return text;
  throw new Error(
    `widget details for ${details.period} need ${text.length} characters, more than the field's ${limit}`,
  );
}

/** Award names as one line for a CRM text field ("Gold Partner; Top 3 in region"). */
export function awardsText(result: PartnerResult): string {
  return result.awards.map((a) => a.name).join('; ');
}

export function toResultFields(
  doc: ResultsDocument,
  result: PartnerResult,
  options: { detailsLimit?: number } = {},
): ResultFields {
  return {
    tier: result.tier,
    score: result.score,
    payout: result.payout.total,
    period: doc.period,
    rank: result.rank.overall,
    nextTier: result.nextTier?.name ?? null,
    nextTierGap: result.nextTier?.scoreGap ?? null,
    awards: awardsText(result),
    updated: doc.computedAt ?? '',
    details: detailsJson(widgetDetails(doc, result), options.detailsLimit),
    inputsHash: result.inputsHash,
  };
}
