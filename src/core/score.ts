// Scores every partner of the input for one period: the results document of
// docs/incentive-model.md §4. Pure and deterministic: the clock (computedAt) is an
// argument, and the output does not depend on the order of the input records.
import {
  type Evaluation,
  evaluatePartner,
  metricConditionMet,
  metricWithKey,
  tierConditionMet,
} from './evaluate.js';
import { explainLines, rankAndAwardLines } from './explain.js';
import { feedback, gateMessage } from './feedback.js';
import { attributesText, canonicalJson, sha256Hex } from './hash.js';
import { type Decimal, moneyText, ZERO } from './money.js';
import { nextTier } from './next-tier.js';
import { type Period, parsePeriod } from './periods.js';
import type { Plan } from './plan.schema.js';
import { type Credit, cmp, type Prepared, prepare, type Settled } from './prepare.js';
import { type Rankable, rankAll } from './rank.js';
import type {
  Adjustment,
  AwardResult,
  MetricResult,
  PartnerResult,
  RankResult,
  ResultsDocument,
} from './results.js';
import { sortedStrings, sortInPlace } from './small-sort.js';
import { type MetricView, metricViews } from './view.js';

/** A usage mistake (such as a period key that does not fit the plan), not bad data. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ScoreOptions {
  /** Period key for the plan's period type: `2027-Q1`, `2027-H2`, `2027-03`, `2027`. */
  period: string;
  /** Stamped on the document; the core reads no clock. */
  computedAt?: string;
  /**
   * sha256 as lowercase hex. Defaults to a pure-JS implementation (runs in the
   * browser); servers pass node:crypto's, which is several times faster. Both give
   * the same hashes.
   */
  sha256?: (text: string) => string;
  /**
   * Evaluate only these partners (pass 1; all when omitted). The rest of the input still
   * feeds their facts (first won deals of shared accounts): a recalculation batch loads
   * the partners credited on its partners' accounts for those facts and need not score them.
   */
  partners?: ReadonlySet<string>;
}

export function resolvePeriod(plan: Plan, key: string): Period {
  const parsed = parsePeriod(plan.period, plan.timezone, key);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed.period;
}

export function score(plan: Plan, input: unknown, options: ScoreOptions): ResultsDocument {
  const period = resolvePeriod(plan, options.period);
  return scorePrepared(plan, prepare(plan, input, period), period, options);
}

/** Fields every ranking covers (the leaderboard filters by them) plus those awards rank within. */
function rankFields(plan: Plan): string[] {
  const fields = new Set(['region', 'level']);
  for (const award of plan.awards) {
    if ('rank' in award.when && award.when.rank.within) fields.add(award.when.rank.within);
  }
  return [...fields];
}

export function scorePrepared(
  plan: Plan,
  prepared: Prepared,
  period: Period,
  options: Omit<ScoreOptions, 'period'> = {},
): ResultsDocument {
  const { partners, errors, ...header } = scoreUnrankedPrepared(plan, prepared, period, options);
  return { ...header, results: rankResults(plan, [...partners], options), errors };
}

/**
 * Pass 1 of scoring, for every partner: the result except what depends on the other
 * partners (rank, rank awards, inputsHash). JSON-serializable, so the pipeline can
 * store it per partner when one partner's deals change, and rank a whole tenant's
 * period later with `rankResults`.
 */
export function scoreUnranked(plan: Plan, input: unknown, options: ScoreOptions): UnrankedDocument {
  const doc = scoreUnrankedLazily(plan, input, options);
  return { ...doc, partners: [...doc.partners] };
}

export interface UnrankedDocument extends Omit<ResultsDocument, 'results'> {
  partners: UnrankedResult[];
}

/**
 * scoreUnranked with the partners evaluated one at a time as the iterable is read, so a
 * caller that must stay responsive (a job whose lock is renewed by its event loop) can
 * pause between partners. Same results, same order.
 */
export function scoreUnrankedLazily(
  plan: Plan,
  input: unknown,
  options: ScoreOptions,
): Omit<UnrankedDocument, 'partners'> & { partners: Iterable<UnrankedResult> } {
  const period = resolvePeriod(plan, options.period);
  return scoreUnrankedPrepared(plan, prepare(plan, input, period), period, options);
}

function scoreUnrankedPrepared(
  plan: Plan,
  prepared: Prepared,
  period: Period,
  options: Omit<ScoreOptions, 'period'>,
): Omit<UnrankedDocument, 'partners'> & { partners: Iterable<UnrankedResult> } {
  const hash = options.sha256 ?? sha256Hex;
  const planHash = hash(canonicalJson(plan));
  const only = options.partners;
  const sorted = [...prepared.partners.values()]
    .filter((p) => only === undefined || only.has(p.id))
    .sort((a, b) => cmp(a.id, b.id));
  // Each evaluation is dropped as soon as its partial result is built, so ten
  // thousand of them never sit in memory together.
  function* partners() {
    for (const partner of sorted) {
      const e = evaluatePartner(plan, prepared, partner, period);
      const settled = prepared.settled.get(partner.id);
      const earlier: (Settled & { evaluation: Evaluation })[] = [];
      if (settled) {
        for (const s of settled) {
          earlier.push({ ...s, evaluation: evaluatePartner(plan, prepared, partner, s.period) });
        }
      }
      yield unrankedResult(plan, prepared, e, earlier, planHash, hash);
    }
  }
  const errors = [...prepared.errors].sort(
    (a, b) => cmp(a.type, b.type) || cmp(a.id, b.id) || cmp(a.reason, b.reason),
  );
  return {
    planId: plan.id,
    planVersion: plan.version,
    period: period.key,
    currency: plan.currency,
    ...(options.computedAt !== undefined ? { computedAt: options.computedAt } : {}),
    partners: partners(),
    errors,
  };
}

/** Pass 2: ranks the partners of one period and completes their results. */
export function rankResults(
  plan: Plan,
  partners: UnrankedResult[],
  options: Pick<ScoreOptions, 'sha256'> = {},
): PartnerResult[] {
  const hash = options.sha256 ?? sha256Hex;
  const ranks = rankPeriod(
    plan,
    partners.map((p) => p.rankable),
  );
  return partners.map((p) => finishResult(plan, p, ranks.get(p.result.partnerId)!, hash));
}

/*
 * Pass 2 in steps, for a caller that keeps every partner's small ranking key but reads
 * a partner's whole UnrankedResult only when its result moved (the pipeline's rerank:
 * one push re-ranks a period of thousands, of which a few come out different):
 * rankPeriod over every partner's `rankable`, rankedInputsHash per partner from its
 * factsHash and rank (equal to the stored inputsHash: unchanged), and finishRanked for
 * the rest. rankResults is these three steps over whole rows, so both give the same
 * results.
 */

/** The rank of every partner of a period, by partner id, from their `rankable`s (all of them). */
export function rankPeriod(plan: Plan, rankables: Rankable[]): Map<string, RankResult> {
  return rankAll(rankables, rankFields(plan));
}

/** The inputsHash of a result with this factsHash and rank (finishRanked's, without building the result). */
export function rankedInputsHash(
  factsHash: string,
  rank: RankResult,
  options: Pick<ScoreOptions, 'sha256'> = {},
): string {
  return (options.sha256 ?? sha256Hex)(`${factsHash}\n${JSON.stringify(rank)}`);
}

/** One partner's complete result, given its rank from rankPeriod over the whole period. */
export function finishRanked(
  plan: Plan,
  partner: UnrankedResult,
  rank: RankResult,
  options: Pick<ScoreOptions, 'sha256'> = {},
): PartnerResult {
  return finishResult(plan, partner, rank, options.sha256 ?? sha256Hex);
}

export interface EarnedAward {
  /** Position in plan.awards, so awards keep the plan's order. */
  index: number;
  award: AwardResult;
  because: string;
}

function earned(index: number, award: Plan['awards'][number], because: string): EarnedAward {
  const result: AwardResult = { type: award.type, name: award.name };
  if (award.description !== undefined) result.description = award.description;
  return { index, award: result, because };
}

/** Awards decided by tier or metric (rank awards wait for the ranking). */
function awardsWithoutRank(plan: Plan, e: Evaluation): EarnedAward[] {
  const out: EarnedAward[] = [];
  // Plain loops here and below: no closure per partner.
  for (let index = 0; index < plan.awards.length; index++) {
    const award = plan.awards[index]!;
    const when = award.when;
    if ('rank' in when) continue;
    const because =
      'tierAtLeast' in when ? tierConditionMet(plan, e.tier, when.tierAtLeast) : metricConditionMet(e, when);
    if (because !== null) out.push(earned(index, award, because));
  }
  return out;
}

function rankAwards(plan: Plan, rank: RankResult): EarnedAward[] {
  const out: EarnedAward[] = [];
  for (let index = 0; index < plan.awards.length; index++) {
    const award = plan.awards[index]!;
    const when = award.when;
    if (!('rank' in when)) continue;
    const position = when.rank.within ? (rank.within[when.rank.within] ?? null) : rank.overall;
    if (position === null || position > when.rank.top) continue;
    const scope = when.rank.within ? `by ${when.rank.within}` : 'overall';
    out.push(earned(index, award, `rank ${position} ${scope} ≤ ${when.rank.top}`));
  }
  return out;
}

function byPlanOrder(a: EarnedAward, b: EarnedAward): number {
  return a.index - b.index;
}

export interface UnrankedResult {
  result: Omit<PartnerResult, 'rank' | 'inputsHash'>;
  /** Awards decided without rank, with their place in plan.awards. */
  awards: EarnedAward[];
  rankable: Rankable;
  /** sha256 of everything the result depends on except the rank. */
  factsHash: string;
}

function unrankedResult(
  plan: Plan,
  prepared: Prepared,
  e: Evaluation,
  earlier: (Settled & { evaluation: Evaluation })[],
  planHash: string,
  hash: (text: string) => string,
): UnrankedResult {
  const currency = plan.currency;
  const adjustments: Adjustment[] = [];
  for (const s of earlier) {
    const amount = s.evaluation.payout.own.minus(s.payout);
    if (amount.isZero()) continue;
    adjustments.push({
      period: s.period.key,
      frozen: moneyText(s.payout, currency),
      recomputed: moneyText(s.evaluation.payout.own, currency),
      amount: moneyText(amount, currency),
      kind: amount.isNegative() ? 'clawback' : 'true-up',
    });
  }
  let total = e.payout.own;
  for (const a of adjustments) total = total.plus(a.amount);
  const totalText = moneyText(total, currency);

  const views = metricViews(plan, e);
  const metrics: Record<string, MetricResult> = {};
  for (const v of views) {
    const m = v.m;
    const entry: MetricResult = {
      kind: m.metric.kind,
      actual: v.actualText,
      target: v.targetText,
      targetSource: m.targetSource,
      attainment: v.attainment,
      weight: m.metric.weight,
      points: v.points,
      dealIds: m.actual.dealIds,
    };
    if (m.excluded) entry.excluded = m.excluded;
    metrics[m.metric.key] = entry;
  }

  return {
    result: {
      partnerId: e.partner.id,
      score: e.score,
      tier: plan.tiers.levels[e.tier]!.name,
      metrics,
      gatesFailed: gateFailures(plan, e, views),
      payout: {
        base: moneyText(e.payout.base, currency),
        tierBonus: moneyText(e.payout.tierBonus, currency),
        bonuses: bonusResults(e, currency),
        capReduction: moneyText(e.payout.capReduction, currency),
        adjustments,
        total: totalText,
      },
      awards: [],
      nextTier: nextTier(plan, e),
      feedback: feedback(plan, views),
      explain: explainLines(plan, e, views, { adjustments, total: totalText }),
    },
    awards: awardsWithoutRank(plan, e),
    rankable: {
      partner: e.partner,
      score: e.score,
      baseActual: (metricWithKey(e.metrics, plan.payout.base)?.actual.value ?? ZERO).toString(),
    },
    factsHash: hash(hashedFacts(prepared, e, earlier, planHash)),
  };
}

function finishResult(
  plan: Plan,
  p: UnrankedResult,
  rank: RankResult,
  hash: (text: string) => string,
): PartnerResult {
  const awards = sortInPlace([...p.awards, ...rankAwards(plan, rank)], byPlanOrder);
  // The rank's keys are built in a fixed order (rankAll), so plain JSON is canonical.
  const r = p.result;
  // Keys in the order of the contract's example (docs/incentive-model.md §4).
  return {
    partnerId: r.partnerId,
    score: r.score,
    tier: r.tier,
    metrics: r.metrics,
    gatesFailed: r.gatesFailed,
    payout: r.payout,
    awards: awardResults(awards),
    rank,
    nextTier: r.nextTier,
    feedback: r.feedback,
    explain: [...r.explain, ...rankAndAwardLines(rank, awards)],
    inputsHash: rankedInputsHash(p.factsHash, rank, { sha256: hash }),
  };
}

/**
 * The text whose sha256 is `inputsHash`: everything the result depends on — the
 * plan, the period, the partner, the credited won deals of the scored and settled
 * periods, the accounts and first-won facts behind customer metrics, the rates
 * used, the statements, and the rank (it decides rank awards) — so an unchanged
 * hash means unchanged CRM fields. Deals are written as compact tuples: this runs
 * for every partner on every recalculation.
 */
function hashedFacts(
  prepared: Prepared,
  e: Evaluation,
  earlier: { period: Period; payout: Decimal; evaluation: Evaluation }[],
  planHash: string,
): string {
  // Pieces pushed to one list and joined once: a template literal per line would
  // build a chain of short-lived string fragments for every deal of every partner.
  // The text is the same as joining one line per fact with "\n".
  const p = e.partner;
  const parts: (string | number)[] = [
    planHash,
    '\n',
    e.period.key,
    '\n',
    JSON.stringify([p.id, p.name, p.level, p.region, p.agreementEnd, attributesText(p.attributes)]),
  ];
  // One credit per account: it links the account record and its first won deal.
  const byAccount = new Map<string, Credit>();
  const currencies = new Set<string>();
  addCredits(parts, byAccount, currencies, e.credits);
  for (const s of earlier) addCredits(parts, byAccount, currencies, s.evaluation.credits);
  for (const id of sortedStrings(byAccount.keys())) {
    const { account: a, first } = byAccount.get(id)!;
    // JSON of [id, region, industry, attributes, first deal, first instant], written out.
    parts.push('\n[', jsonString(id), ',', jsonOrNull(a?.region), ',', jsonOrNull(a?.industry), ',');
    parts.push(jsonString(attributesText(a?.attributes)), ',', jsonOrNull(first?.dealId), ',');
    parts.push(first === undefined ? 'null' : JSON.stringify(first.closedMs), ']');
  }
  for (const c of sortedStrings(currencies)) parts.push('\n', c, '=', prepared.rateTexts.get(c) ?? '');
  for (const st of earlier) parts.push('\n', st.period.key, ':', st.payout.toString());
  return parts.join('');
}

/** The lines of credits, and their accounts and currencies (a function, not a closure per partner). */
function addCredits(
  parts: (string | number)[],
  byAccount: Map<string, Credit>,
  currencies: Set<string>,
  credits: Credit[],
): void {
  for (const c of credits) {
    parts.push('\n', c.facts);
    if (c.accountId && !byAccount.has(c.accountId)) byAccount.set(c.accountId, c);
    currencies.add(c.currency);
  }
}

function gateFailures(plan: Plan, e: Evaluation, views: MetricView[]): PartnerResult['gatesFailed'] {
  const out: PartnerResult['gatesFailed'] = [];
  for (const g of e.gatesFailed) {
    out.push({
      metric: g.gate.metric,
      min: g.gate.min,
      actual: g.actual === null ? null : g.actual.toDecimalPlaces(4).toString(),
      effect: g.gate.effect,
      message: gateMessage(plan, views, g),
    });
  }
  return out;
}

function bonusResults(e: Evaluation, currency: string): PartnerResult['payout']['bonuses'] {
  const out: PartnerResult['payout']['bonuses'] = [];
  for (const b of e.payout.bonuses) out.push({ name: b.name, amount: moneyText(b.amount, currency) });
  return out;
}

function awardResults(awards: EarnedAward[]): AwardResult[] {
  const out: AwardResult[] = [];
  for (const a of awards) out.push(a.award);
  return out;
}

/**
 * JSON.stringify(text): quoted as it is when no character needs an escape (no quote,
 * backslash, control character or surrogate), as ids, regions and dates never do.
 * This runs for several strings of every account of every partner, and a call into
 * JSON.stringify costs several times the scan.
 */
function jsonString(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** A string, or null/undefined, as JSON.stringify writes it inside an array. */
function jsonOrNull(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : jsonString(value);
}
