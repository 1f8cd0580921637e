// The results document (contract v1, docs/incentive-model.md §4). Keys marked fixed
// there are read by the widget, the write-back and outside scripts.
import type { Metric } from './plan.schema.js';

export interface Message {
  en: string;
  'zh-CN': string;
}

export interface MetricResult {
  kind: Metric['kind'];
  /** Decimal string; money to the currency's minor unit. null: no value this period. */
  actual: string | null;
  target: string | null;
  /** Where the target came from: `default`, `level Gold`, `attribute Quarterly_Target`. */
  targetSource: string | null;
  /** actual ÷ target, capped (4 decimals). null when the metric is left out of the score. */
  attainment: number | null;
  weight: number;
  /** This metric's share of the score (2 decimals). */
  points: number | null;
  /** Why the metric is left out of the score, when it is. */
  excluded?: 'no target' | 'no value';
  /** Deals behind the actual (sorted). */
  dealIds: string[];
}

export interface GateFailure {
  metric: string;
  min: number;
  actual: string | null;
  effect: 'noPayout' | { maxTier: string };
  message: Message;
}

export interface Adjustment {
  period: string;
  /** What was already paid for that period. */
  frozen: string;
  /** What that period earns on today's data. */
  recomputed: string;
  /** recomputed − frozen: negative is a clawback, positive a true-up. */
  amount: string;
  kind: 'clawback' | 'true-up';
}

export interface PayoutResult {
  base: string;
  tierBonus: string;
  bonuses: { name: string; amount: string }[];
  /** How much `payout.cap` took off (0 when under the cap). */
  capReduction: string;
  adjustments: Adjustment[];
  total: string;
}

export interface AwardResult {
  type: 'title' | 'trophy' | 'training' | 'custom';
  name: string;
  description?: string;
}

export interface RankResult {
  overall: number;
  /** Rank inside the partner's group for each field ranked within (null: partner has no value). */
  within: Record<string, number | null>;
  /** Partners in the ranking (overall) and in the partner's groups. */
  of: { overall: number; within: Record<string, number | null> };
}

export interface NextTier {
  name: string;
  scoreGap: number;
  /** Smallest increase of one metric alone that reaches the next tier; null where it cannot. */
  byMetric: Record<string, string | null>;
}

export interface FeedbackItem {
  metric: string;
  attainment: number;
  /** Remaining to target (improvements only), as the metric's actual is written. */
  gap?: string;
  message: Message;
}

export interface PartnerResult {
  partnerId: string;
  score: number;
  tier: string;
  metrics: Record<string, MetricResult>;
  gatesFailed: GateFailure[];
  payout: PayoutResult;
  awards: AwardResult[];
  rank: RankResult;
  nextTier: NextTier | null;
  feedback: { strengths: FeedbackItem[]; improvements: FeedbackItem[] };
  explain: string[];
  inputsHash: string;
}

export interface RecordError {
  type: 'partner' | 'account' | 'deal' | 'statement' | 'rate';
  id: string;
  reason: string;
}

export interface ResultsDocument {
  planId: string;
  planVersion: number;
  period: string;
  currency: string;
  /** When the results were computed (passed in by the caller: the core reads no clock). */
  computedAt?: string;
  results: PartnerResult[];
  errors: RecordError[];
}
