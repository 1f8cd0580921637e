// Ranking: by score descending, then the payout base's actual descending, then
// partner id ascending — a total order, so ranks never tie and never depend on
// input order. `within` ranks inside groups of a partner field.
import type { Partner } from './input.js';
import type { Decimal } from './money.js';
import type { RankResult } from './results.js';

export interface Rankable {
  partner: Partner;
  scoreExact: Decimal;
  score: number;
  baseActual: Decimal;
}

export function partnerField(partner: Partner, field: string): string | null {
  const value =
    field === 'region' ? partner.region : field === 'level' ? partner.level : partner.attributes[field];
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

function compare(a: Rankable, b: Rankable): number {
  if (a.score !== b.score) return b.score - a.score;
  const base = b.baseActual.comparedTo(a.baseActual);
  if (base !== 0) return base;
  return a.partner.id < b.partner.id ? -1 : a.partner.id > b.partner.id ? 1 : 0;
}

/** Ranks every partner overall and within each of `fields`. */
export function rankAll(items: Rankable[], fields: string[]): Map<string, RankResult> {
  const sorted = [...items].sort(compare);
  const out = new Map<string, RankResult>();
  sorted.forEach((item, i) => {
    out.set(item.partner.id, { overall: i + 1, within: {}, of: { overall: sorted.length, within: {} } });
  });
  for (const field of fields) {
    const groups = new Map<string, Rankable[]>();
    for (const item of sorted) {
      const key = partnerField(item.partner, field);
      const rank = out.get(item.partner.id)!;
      if (key === null) {
        rank.within[field] = null;
        rank.of.within[field] = null;
        continue;
      }
      const group = groups.get(key) ?? [];
      group.push(item);
      groups.set(key, group);
      rank.within[field] = group.length;
    }
    for (const group of groups.values()) {
      for (const item of group) out.get(item.partner.id)!.of.within[field] = group.length;
    }
  }
  return out;
}
