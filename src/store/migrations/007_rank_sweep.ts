// Migration 007 (docs/pipeline.md, "Ranks after a burst of pushes"):
// results.facts_hash — the UnrankedResult's factsHash a stored result was completed
// from. A rerank compares it with the stored pass-1 row's to tell a partner whose own
// facts changed (write it now) from one only another partner's move re-ranked (may
// wait for the period's next rank sweep); and a result saved with a new facts hash is
// one with new numbers for the write-back's order (was a comparison of the whole JSON
// documents, minus their rank parts, in every save). Results stored before it have
// none; the next rerank of their period gives each its own (saveResults).
export const id = '007_rank_sweep';

export const sql = `
alter table results add column facts_hash text;
`;
