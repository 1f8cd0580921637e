// What-if in the browser: the same core `whatIf` the server runs, on the payload's input slice.
// A typed amount becomes one hypothetical open deal of the partner, closed with the ticked ones.
import { type Plan, whatIf } from '../../src/core/index.js';
import type { WidgetPayload } from './types.js';

export const TYPED_DEAL_ID = 'what-if:typed-amount';

export interface WhatIfOutcome {
  score: number;
  tier: string;
  payout: string;
  baseline: { score: number; tier: string; payout: string };
  deltaPayout: string;
  tierChanged: boolean;
}

/** A typed amount the core accepts: digits with an optional point and up to 2 decimals. */
export function normalizeAmount(text: string): string | null {
  const cleaned = text.replace(/[\s,，_]/g, '');
  if (!/^\d{1,15}(\.\d{1,2})?$/.test(cleaned)) return null;
  return Number(cleaned) > 0 ? cleaned : null;
}

export function runWhatIf(
  payload: WidgetPayload,
  dealIds: readonly string[],
  typedAmount: string | null,
): WhatIfOutcome | null {
  if (!payload.plan || !payload.input) return null;
  if (dealIds.length === 0 && !typedAmount) return null;
  const plan: Plan = payload.plan;
  let input = payload.input as Record<string, unknown>;
  const close = [...dealIds];
  if (typedAmount) {
    const deals = Array.isArray(input.deals) ? input.deals : [];
    input = {
      ...input,
      deals: [
        ...deals,
        {
          id: TYPED_DEAL_ID,
          name: 'What-if',
          partnerId: payload.partner.id,
          amount: typedAmount,
          currency: plan.currency,
          status: 'open',
          closedAt: null,
          attributes: {},
        },
      ],
    };
    close.push(TYPED_DEAL_ID);
  }
  const doc = whatIf(plan, input, { period: payload.period, partnerId: payload.partner.id, close });
  const mine = doc.results[0]!;
  return {
    score: mine.score,
    tier: mine.tier,
    payout: mine.payout.total,
    baseline: doc.whatIf.baseline,
    deltaPayout: doc.whatIf.delta.payout,
    tierChanged: doc.whatIf.delta.tierChanged,
  };
}
