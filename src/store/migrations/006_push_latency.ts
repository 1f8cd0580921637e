// Migration 006, for push-to-write-back latency (docs/pipeline.md):
// - results.numbers_changed: a pending result changes numbers the CRM shows (revenue,
//   score, tier, payout…), not only the rank. A rerank rewrites every partner whose
//   rank moved; the write-back sends the results with new numbers first, so a pushed
//   deal's partner does not wait behind hundreds of rank-only rewrites.
// - recalc_dirty.own_passes: sync passes that changed the partner's own deals since it
//   was last scored. Only these make a partner "in a burst" (held until the tenant's
//   syncs settle): a mark because a customer account it shares moved (first won deal)
//   does not, or under a steady stream of pushes most partners would wait for the
//   stream to pause.
export const id = '006_push_latency';

export const sql = `
alter table results add column numbers_changed boolean not null default true;
alter table recalc_dirty add column own_passes integer not null default 1;
`;
