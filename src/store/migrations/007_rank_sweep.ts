// Migration 007 (docs/pipeline.md, "Ranks after a burst of pushes"):
// results.facts_hash — the UnrankedResult's factsHash a stored result was completed
// from. A rerank compares it with the stored pass-1 row's to tell a partner whose own
// facts changed (write it now) from one only another partner's move re-ranked (may
// wait for the period's next rank sweep); and a result saved with a new facts hash is
// one with new numbers for the write-back's order (was a comparison of the whole JSON
// documents, minus their rank parts, in every save).
// deals_won_by_partner_date: a recalculation batch reads its partners' won deals closed
// in the scored and settled periods (load-input.ts), by partner and calendar date,
// instead of every won deal they ever had; deals_won_by_account: and the won deals on
// its partners' accounts without fetching their open and lost ones.
export const id = '007_rank_sweep';

export const sql = `
alter table results add column facts_hash text;
create index deals_won_by_partner_date on deals (tenant_id, partner_id, (left(closed_at, 10)))
  where status = 'won' and deleted_at is null;
create index deals_won_by_account on deals (tenant_id, account_id) where status = 'won' and deleted_at is null;
`;
