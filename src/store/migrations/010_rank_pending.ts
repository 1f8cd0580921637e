// Migration 010 (docs/pipeline.md, "Ranks after a burst of pushes"): a durable mark per
// tenant-period whose ranking is owed. A rerank or rank sweep waits in the queue (75 ms,
// or up to 30 s for a sweep); lost there with a flushed Redis, nothing re-added it, and the
// period's results stayed as they were until its next push. The mark is set when a
// ranking is asked for and cleared by a ranking that saved every moved result; the
// inbox reconciler wakes the period's ranking again from a mark left stale.
export const id = '010_rank_pending';

export const sql = `
create table rank_pending (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  period text not null,
  marked_at timestamptz not null default now(),
  primary key (tenant_id, period)
);
`;
