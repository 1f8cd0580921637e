// Builds widget payloads from a plan and a normalized input with the real core. It is the
// fixture data source of demos and tests, and the reference the server endpoint follows
// (docs/widget.md): same inputs, same payload.
import {
  type Deal,
  type Plan,
  parsePeriod,
  periodOfInstant,
  type ResultsDocument,
  score,
  shiftPeriod,
} from '../../src/core/index.js';
import { sliceInput } from '../../src/widget-api/slice.js';
import {
  type HistoryPoint,
  type OpenDeal,
  type WidgetData,
  WidgetDataError,
  type WidgetPayload,
} from './types.js';

export interface BuildOptions {
  partnerId: string;
  /** Defaults to the period containing `now`. */
  period?: string;
  /** "Now" as an ISO instant: decides the current period (the core reads no clock). */
  now: string;
  /** How many periods the picker and the trend go back (including the current one). */
  periodsBack?: number;
  /** Optional scorer cache so history is computed once per period. */
  cache?: Map<string, ResultsDocument>;
}

interface InputLike {
  partners?: { id: string; name?: string; level?: string | null; region?: string | null }[];
  accounts?: { id: string; name?: string }[];
  deals?: Partial<Deal>[];
}

function scored(
  plan: Plan,
  input: unknown,
  period: string,
  now: string,
  cache?: Map<string, ResultsDocument>,
) {
  const hit = cache?.get(period);
  if (hit) return hit;
  const doc = score(plan, input, { period, computedAt: now });
  cache?.set(period, doc);
  return doc;
}

function creditedTo(deal: Partial<Deal>, partnerId: string): boolean {
  return deal.splits?.length
    ? deal.splits.some((s) => s.partnerId === partnerId)
    : deal.partnerId === partnerId;
}

/** The what-if input slice (docs/widget.md §3); the server builds the same from its store. */
export { sliceInput };

export function buildPayload(plan: Plan, input: unknown, options: BuildOptions): WidgetPayload {
  const doc = input as InputLike;
  const partner = doc.partners?.find((p) => p.id === options.partnerId);
  if (!partner) throw new WidgetDataError('not-found', `partner "${options.partnerId}" is not in the data`);
  const current = periodOfInstant(plan.period, plan.timezone, Date.parse(options.now));
  const back = options.periodsBack ?? 6;
  const keys: string[] = [];
  for (let i = back - 1; i >= 0; i--) keys.push(shiftPeriod(plan.period, plan.timezone, current, -i).key);
  const shown = options.period ?? current.key;
  if (!parsePeriod(plan.period, plan.timezone, shown).ok || !keys.includes(shown)) {
    throw new WidgetDataError('not-found', `period "${shown}" is not one of ${keys.join(', ')}`);
  }
  const history: HistoryPoint[] = keys.map((key) => {
    const r = scored(plan, input, key, options.now, options.cache).results.find(
      (x) => x.partnerId === options.partnerId,
    );
    return { period: key, score: r?.score ?? 0, tier: r?.tier ?? '', payout: r?.payout.total ?? '0' };
  });
  const resultDoc = scored(plan, input, shown, options.now, options.cache);
  const result = resultDoc.results.find((r) => r.partnerId === options.partnerId);
  if (!result)
    throw new WidgetDataError('not-found', `partner "${options.partnerId}" was left out as invalid`);
  const isCurrent = shown === current.key;
  const accounts = new Map((doc.accounts ?? []).map((a) => [a.id, a.name ?? '']));
  const openDeals: OpenDeal[] = isCurrent
    ? (doc.deals ?? [])
        .filter((d) => d.status === 'open' && typeof d.id === 'string' && creditedTo(d, options.partnerId))
        .map((d) => ({
          id: d.id!,
          name: d.name ?? d.id!,
          amount: d.amount ?? '0',
          currency: d.currency ?? plan.currency,
          expectedClose: d.closedAt ?? null,
          accountName: (d.accountId && accounts.get(d.accountId)) || null,
        }))
    : [];
  return {
    partner: {
      id: partner.id,
      name: partner.name ?? partner.id,
      level: partner.level ?? null,
      region: partner.region ?? null,
    },
    period: shown,
    periods: keys
      .map((key) => ({ key, status: key === current.key ? ('current' as const) : ('frozen' as const) }))
      .reverse(),
    computedAt: resultDoc.computedAt ?? null,
    currency: plan.currency,
    plan,
    result,
    history,
    openDeals,
    input: isCurrent ? sliceInput(input, options.partnerId) : null,
  };
}

/** Serves payloads from an in-memory plan and input (demo page, unit tests, the dev server). */
export class FixtureWidgetData implements WidgetData {
  private readonly cache = new Map<string, ResultsDocument>();
  constructor(
    private readonly plan: Plan,
    private readonly input: unknown,
    private readonly now: string,
  ) {}

  async load(partnerId: string, period?: string): Promise<WidgetPayload> {
    return buildPayload(this.plan, this.input, { partnerId, period, now: this.now, cache: this.cache });
  }
}
