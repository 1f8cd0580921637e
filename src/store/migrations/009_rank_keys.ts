// Migration 009 (docs/pipeline.md): two reads of every recalculation and rerank made cheap.
// - unranked_results.rankable: the row's ranking key (the UnrankedResult's `rankable`)
//   in a column of its own. Every rerank reads every partner's key of the period;
//   taken out of the stored document (`unranked->'rankable'`) that meant fetching and
//   decompressing each partner's whole row, kilobytes of explain lines, to keep a
//   few hundred bytes (60 ms per rerank of 2,000 partners on bench:pipeline's tenant).
// - deals_won_by_partner: a partner's won, live deals by close date. A recalculation
//   batch reads its partners' won deals of the scored periods; through deals_by_partner
//   that visited every deal each partner ever had, lost and open ones too.
export const id = '009_rank_keys';

export const sql = `
alter table unranked_results add column rankable jsonb;
update unranked_results set rankable = unranked->'rankable';
-- A row without a key (none is expected) is dropped: its period then has fewer rows than
-- partners, and its next rerank scores the period whole (rerank.worker.ts).
delete from unranked_results where rankable is null or rankable = 'null'::jsonb;
alter table unranked_results alter column rankable set not null;
create index deals_won_by_partner on deals (tenant_id, partner_id, (left(closed_at, 10)))
  where status = 'won' and deleted_at is null;
`;
