// Migration 005: the partner-periods waiting for a recalculation (docs/architecture.md,
// "Coalescing"). A sync marks a row dirty (version + 1) before it enqueues the recalc
// job; the job scores the partner and clears the row only if the version it read is
// still there, so a change that lands while the job runs keeps its row and its run.
export const id = '005_recalc_dirty';

export const sql = `
create table recalc_dirty (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  period text not null,
  partner_id text not null,
  version bigint not null default 1,
  -- The latest change (the inbox rows received up to then are what the recalc waits for).
  marked_at timestamptz not null default now(),
  -- The oldest change not yet scored (bounds how long the recalc may wait).
  first_marked_at timestamptz not null default now(),
  primary key (tenant_id, period, partner_id)
);
`;
