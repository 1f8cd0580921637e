// Migration 002: what the live pipeline keeps beside the synced records — each
// partner's unranked score (pass 1, so one partner's change does not rescore the
// tenant), the CRM's exchange rates as last read, and sync/recalculation runs
// (resumable, observable: the CLI and the admin API poll them).
export const id = '002_pipeline';

export const sql = `
create table unranked_results (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  partner_id text not null,
  period text not null,
  plan_version integer not null,
  facts_hash text not null,
  unranked jsonb not null,
  computed_at timestamptz not null default now(),
  primary key (tenant_id, period, partner_id)
);

-- The plan-currency rates read from the CRM at the last sync (recalculations must not call the CRM).
create table tenant_rates (
  tenant_id text primary key references tenants (tenant_id) on delete cascade,
  currency text not null,
  rates jsonb not null default '{}',
  updated_at timestamptz not null default now()
);

create table sync_runs (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  run_id text not null,
  kind text not null check (kind in ('full', 'incremental', 'recalc')),
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  options jsonb not null default '{}',
  progress jsonb not null default '{}',
  error text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, run_id)
);
create index sync_runs_recent on sync_runs (tenant_id, created_at desc);
-- At most one open run per tenant, kind and options: a second request joins the open
-- one (two full syncs of one tenant would fight over the same resume cursors).
create unique index sync_runs_one_open on sync_runs (tenant_id, kind, options) where status in ('queued', 'running');
`;
