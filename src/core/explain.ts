// Explain lines: one per step, naming the deals behind each number, so finance and
// partners can follow a result from the CRM records to the payout.
import { type Evaluation, metricWithKey } from './evaluate.js';
import { flatAll } from './flat-text.js';
import { groupThousands, moneyText, roundedNumber } from './money.js';
import type { Plan } from './plan.schema.js';
import type { Adjustment, AwardResult, RankResult } from './results.js';
import type { MetricView } from './view.js';

const money = (plan: Plan, value: { toFixed(): string } | string) =>
  `${groupThousands(typeof value === 'string' ? value : value.toFixed())} ${plan.currency}`;

function metricLine(v: MetricView): string {
  const m = v.m;
  const key = `${m.metric.key} (${m.metric.kind})`;
  const actual = v.actualDisplay;
  let source = '';
  switch (m.metric.kind) {
    case 'wonAmount':
    case 'wonCount':
      source = m.actual.dealIds.length ? ` from won deals ${m.actual.dealIds.join(', ')}` : ' (no won deals)';
      if (m.actual.notes.length) source += `; shares/conversions: ${m.actual.notes.join('; ')}`;
      break;
    case 'newCustomers':
      source = m.actual.notes.length
        ? ` (accounts ${m.actual.notes.join(', ')}, first won in deals ${m.actual.dealIds.join(', ')})`
        : '';
      break;
    case 'distinctAccounts':
      source = m.actual.notes.length
        ? ` (${m.metric.by}: ${m.actual.notes.join(', ')}; deals ${m.actual.dealIds.join(', ')})`
        : '';
      break;
    case 'averageDeal':
      source = m.actual.dealIds.length
        ? ` (mean of ${m.metric.field} over deals ${m.actual.dealIds.join(', ')})`
        : '';
      break;
    case 'partnerAttribute':
      source = ` (partner attribute ${m.metric.field})`;
      break;
  }
  const target = v.targetDisplay === null ? 'no target' : `target ${v.targetDisplay} (${m.targetSource})`;
  if (m.excluded) return `${key} = ${actual}${source}; ${target}; left out of the score (${m.excluded})`;
  const capped = m.rawAttainment!.gt(m.attainment!) ? `, capped at ${m.metric.cap}` : '';
  return `${key} = ${actual}${source}; ${target}; attainment ${v.rawAttainment}${capped} × weight ${m.metric.weight} → ${v.points} points`;
}

export function explainLines(
  plan: Plan,
  e: Evaluation,
  views: MetricView[],
  extra: { adjustments: Adjustment[]; total: string },
): string[] {
  const lines: string[] = [];
  const p = e.period;
  lines.push(`period ${p.key}: ${p.startDate} to ${p.endDate} (exclusive) in ${plan.timezone}`);
  for (const v of views) lines.push(metricLine(v));
  lines.push(
    e.weightSum.isZero()
      ? 'score = 0 (no metric has both a target and a value)'
      : `score = 100 × Σ(weight × attainment) ÷ ${e.weightSum.toString()} = ${e.score}`,
  );
  const levels = plan.tiers.levels;
  const basis = plan.tiers.basis === 'score' ? 'score' : `${plan.tiers.basis.attainment} attainment × 100`;
  lines.push(
    `tier ${levels[e.basisTier]!.name}: ${basis} ${roundedNumber(e.basisValue, 2)} ≥ ${levels[e.basisTier]!.min}`,
  );
  for (const gate of plan.gates) {
    let failed = false;
    for (const g of e.gatesFailed) if (g.gate === gate) failed = true;
    const m = metricWithKey(e.metrics, gate.metric);
    const value = m?.actual.value == null ? 'no value' : m.actual.value.toDecimalPlaces(4).toString();
    const effect = gate.effect === 'noPayout' ? 'no payout' : `tier at most ${gate.effect.maxTier}`;
    lines.push(
      `gate ${gate.metric} ≥ ${gate.min}: ${failed ? `failed (${value}) → ${effect}` : `passed (${value})`}`,
    );
  }
  if (e.tier !== e.basisTier) lines.push(`tier after gates: ${levels[e.tier]!.name}`);

  const payout = e.payout;
  if (payout.withheld) {
    lines.push('payout withheld by a gate: base, tier bonus and bonuses are 0');
  } else {
    lines.push(
      `payout base (${plan.tiers.mode}, on ${plan.payout.base}): ${payout.baseSteps.join(' + ')} → ${money(plan, moneyText(payout.base, plan.currency))}`,
    );
    if (!payout.tierBonus.isZero())
      lines.push(
        `tier bonus ${levels[e.tier]!.name}: ${money(plan, moneyText(payout.tierBonus, plan.currency))}`,
      );
    for (const b of payout.bonuses)
      lines.push(`bonus "${b.name}": ${b.because} → ${money(plan, moneyText(b.amount, plan.currency))}`);
    if (!payout.capReduction.isZero())
      lines.push(
        `payout cap ${plan.payout.cap}: reduces the payout by ${money(plan, moneyText(payout.capReduction, plan.currency))}`,
      );
  }
  for (const a of extra.adjustments) {
    lines.push(
      `${a.kind} for ${a.period}: recomputed ${money(plan, a.recomputed)} − already paid ${money(plan, a.frozen)} = ${money(plan, a.amount)}`,
    );
  }
  lines.push(`payout total = ${money(plan, extra.total)}`);
  return flatAll(lines);
}

/** The closing lines, known only after every partner is ranked. */
export function rankAndAwardLines(
  rank: RankResult,
  awards: { award: AwardResult; because: string }[],
): string[] {
  // A plain loop: no closures per partner.
  const within: string[] = [];
  for (const field in rank.within) {
    const r = rank.within[field];
    if (r !== null) within.push(`${r} of ${rank.of.within[field]} by ${field}`);
  }
  const lines = [
    `rank ${rank.overall} of ${rank.of.overall} overall${within.length ? `; ${within.join('; ')}` : ''}`,
  ];
  for (const a of awards) lines.push(`award ${a.award.type} "${a.award.name}": ${a.because}`);
  return flatAll(lines);
}
