// The what-if input slice (docs/widget.md §3): the part of a normalized input that scores
// one partner exactly as the whole does. Pure (no I/O): the server builds it from its store,
// the widget's fixture data source from an in-memory input; both through this function.

interface DealLike {
  id?: unknown;
  status?: unknown;
  partnerId?: string | null;
  accountId?: string | null;
  splits?: { partnerId: string }[];
}

/**
 * The part of the input that scores one partner exactly as the whole does (score, tier,
 * metrics, payout, adjustments; not rank): the deals credited to it, every won deal on its
 * accounts (first-won facts for new customers), the partners those deals name, its accounts,
 * its statements and the rates. This is what the widget gets for what-if (docs/widget.md §3).
 */
export function sliceInput(input: unknown, partnerId: string): Record<string, unknown> {
  const doc = input as {
    partners?: { id: string }[];
    accounts?: { id: string }[];
    deals?: DealLike[];
    statements?: { partnerId: string }[];
    rates?: unknown;
  };
  const deals = doc.deals ?? [];
  const credited = (d: DealLike) =>
    d.splits?.length ? d.splits.some((x) => x.partnerId === partnerId) : d.partnerId === partnerId;
  const mine = deals.filter(credited);
  const accountIds = new Set(mine.map((d) => d.accountId).filter((a): a is string => typeof a === 'string'));
  const kept = deals.filter((d) => credited(d) || (d.status === 'won' && accountIds.has(d.accountId ?? '')));
  const partnerIds = new Set([partnerId]);
  for (const d of kept) {
    if (d.partnerId) partnerIds.add(d.partnerId);
    for (const x of d.splits ?? []) partnerIds.add(x.partnerId);
  }
  return {
    partners: (doc.partners ?? []).filter((p) => partnerIds.has(p.id)),
    accounts: (doc.accounts ?? []).filter((a) => accountIds.has(a.id)),
    deals: kept,
    rates: doc.rates ?? {},
    statements: (doc.statements ?? []).filter((st) => st.partnerId === partnerId),
  };
}
