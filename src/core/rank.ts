// Ranking: by score descending, then the payout base's actual descending, then
// partner id ascending — a total order, so ranks never tie and never depend on
// input order. `within` ranks inside groups of a partner field.
import type { Partner } from './input.js';
import { Decimal } from './money.js';
import type { RankResult } from './results.js';

export interface Rankable {
  partner: Partner;
  score: number;
  /** The payout base's actual (decimal text), the first tie-breaker. */
  baseActual: string;
}

export function partnerField(partner: Partner, field: string): string | null {
  const value =
    field === 'region' ? partner.region : field === 'level' ? partner.level : partner.attributes[field];
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

type Keyed = { item: Rankable; base: Decimal };

function compare(a: Keyed, b: Keyed): number {
  if (a.item.score !== b.item.score) return b.item.score - a.item.score;
  const base = b.base.comparedTo(a.base);
  if (base !== 0) return base;
  const [x, y] = [a.item.partner.id, b.item.partner.id];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Ranks every partner overall and within each of `fields`. */
export function rankAll(items: Rankable[], fields: string[]): Map<string, RankResult> {
  const sorted = items
    .map((item) => ({ item, base: new Decimal(item.baseActual) }))
    .sort(compare)
    .map((k) => k.item);
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
