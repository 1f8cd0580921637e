// The data the partner widget renders, and the one interface every host feeds it through.
// Hosts (Zoho, Fxiaoke, the demo) differ only in where this comes from; the UI is the same.
import type { PartnerResult, Plan } from '../../src/core/index.js';

/** The parts of a plan the view reads (labels, caps, tiers, awards); a full Plan is one. */
export type PlanView = Pick<Plan, 'name' | 'version' | 'metrics' | 'tiers' | 'awards'>;

export type Locale = 'en' | 'zh-CN';

export interface PeriodOption {
  key: string;
  /** `current`: still moving; `frozen`: settled, its payout is a statement. */
  status: 'current' | 'frozen';
}

export interface HistoryPoint {
  period: string;
  score: number;
  tier: string;
  /** Decimal string in the plan currency. */
  payout: string;
}

export interface OpenDeal {
  id: string;
  name: string;
  /** Decimal string in `currency`. */
  amount: string;
  currency: string;
  /** Expected closing date as the CRM holds it, when known. */
  expectedClose: string | null;
  accountName: string | null;
}

export interface WidgetPayload {
  partner: { id: string; name: string; level: string | null; region: string | null };
  /** The period this payload shows. */
  period: string;
  periods: PeriodOption[];
  /** When the result was computed (ISO instant): the widget's "last updated". */
  computedAt: string | null;
  currency: string;
  /** null when only the CRM's stored result is available (labels fall back, no what-if). */
  plan: Plan | null;
  result: PartnerResult;
  /** Oldest first, including the shown period. */
  history: HistoryPoint[];
  openDeals: OpenDeal[];
  /**
   * The slice of normalized input that scores this partner for `period` (see docs/widget.md):
   * what-if runs the core on it in the browser. null: what-if is not offered.
   */
  input: unknown | null;
  /** Set by a host data source that fell back to the CRM's stored result (server unreachable). */
  degraded?: boolean;
}

/** Where the widget's data comes from. One implementation per host; fixtures for demos and tests. */
export interface WidgetData {
  /** `period` undefined: the current period. */
  load(partnerId: string, period?: string): Promise<WidgetPayload>;
}

/** A failure worth telling the user about, with a stable reason code for the message. */
export class WidgetDataError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'unauthorized' | 'not-found' | 'bad-response' | 'host',
    message: string,
  ) {
    super(message);
    this.name = 'WidgetDataError';
  }
}
