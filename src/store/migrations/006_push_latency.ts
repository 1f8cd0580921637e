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
// - deals by account, and the deals with splits: a recalculation batch reads the deals
//   of its partners (directly or through a split) and of their accounts, and a sync
//   pass the partners on changed accounts; without these each read scanned every deal
//   of the tenant (200,000 on the full-size bench).
export const id = '006_push_latency';

export const sql = `
alter table results add column numbers_changed boolean not null default true;
alter table recalc_dirty add column own_passes integer not null default 1;
create index deals_by_account on deals (tenant_id, account_id);
create index deals_with_splits on deals (tenant_id) where record ? 'splits';
`;
