-- Initial schema. Every table carries tenant_id; every query filters by it.
-- Money is numeric (never float); times are timestamptz.

create table tenants (
  tenant_id text primary key,
  name text not null default '',
  crm text not null check (crm in ('zoho', 'fxiaoke')),
  -- The CRM organisation: Zoho org id / Fxiaoke enterprise account.
  org_id text not null,
  -- Zoho data centre (us, eu, in, au, cn, jp, ca, sa) or the Fxiaoke cloud host.
  region text not null default '',
  status text not null default 'active' check (status in ('active', 'needs_reauth', 'paused')),
  status_reason text,
  paused_until timestamptz,
  -- AES-256-GCM ciphertext of the credentials JSON, and the key that sealed it.
  credentials_key_id text,
  credentials_ct text,
  -- Secret part of the unguessable per-tenant webhook URL.
  webhook_token text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (crm, org_id)
);

create table plans (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  version integer not null,
  format text not null check (format in ('yaml', 'json')),
  source text not null,
  plan jsonb not null,
  active boolean not null default false,
  created_by text not null,
  created_at timestamptz not null default now(),
  activated_at timestamptz,
  primary key (tenant_id, version)
);
-- Exactly one active plan per tenant.
create unique index plans_one_active on plans (tenant_id) where active;

create table partners (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  partner_id text not null,
  name text not null default '',
  level text,
  region text,
  record jsonb not null,
  raw jsonb,
  crm_modified_at timestamptz,
  deleted_at timestamptz,
  synced_at timestamptz not null default now(),
  primary key (tenant_id, partner_id)
);

create table accounts (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  account_id text not null,
  partner_id text,
  name text not null default '',
  record jsonb not null,
  raw jsonb,
  crm_modified_at timestamptz,
  deleted_at timestamptz,
  synced_at timestamptz not null default now(),
  primary key (tenant_id, account_id)
);
create index accounts_by_partner on accounts (tenant_id, partner_id);

create table deals (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  deal_id text not null,
  partner_id text,
  account_id text,
  name text not null default '',
  status text not null check (status in ('open', 'won', 'lost')),
  amount numeric not null,
  currency text not null,
  closed_at text,
  record jsonb not null,
  raw jsonb,
  crm_modified_at timestamptz,
  deleted_at timestamptz,
  synced_at timestamptz not null default now(),
  primary key (tenant_id, deal_id)
);
create index deals_by_partner on deals (tenant_id, partner_id);
create index deals_by_modified on deals (tenant_id, crm_modified_at);

create table inbox (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  id bigserial not null,
  event_key text not null,
  entity text not null,
  operation text not null,
  record_ids jsonb not null default '[]',
  status text not null default 'pending' check (status in ('pending', 'enqueued', 'done', 'failed')),
  attempts integer not null default 0,
  last_error text,
  received_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, event_key)
);
create index inbox_open on inbox (tenant_id, status) where status in ('pending', 'enqueued');

create table results (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  partner_id text not null,
  period text not null,
  plan_version integer not null,
  inputs_hash text not null,
  result jsonb not null,
  computed_at timestamptz not null default now(),
  writeback_status text not null default 'pending' check (writeback_status in ('pending', 'written', 'failed', 'skipped')),
  written_hash text,
  written_at timestamptz,
  writeback_error text,
  primary key (tenant_id, partner_id, period)
);
create index results_writeback on results (tenant_id, writeback_status);

create table statements (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  partner_id text not null,
  period text not null,
  plan_version integer not null,
  inputs_hash text not null,
  payout numeric not null,
  currency text not null,
  result jsonb not null,
  frozen_at timestamptz not null default now(),
  primary key (tenant_id, partner_id, period)
);

create table quarantine (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  id bigserial not null,
  entity text not null,
  record_id text not null,
  reason text not null,
  raw jsonb,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index quarantine_recent on quarantine (tenant_id, created_at desc);

create table settings (
  tenant_id text primary key references tenants (tenant_id) on delete cascade,
  settings jsonb not null default '{}',
  updated_at timestamptz not null default now()
);

create table sync_state (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  entity text not null,
  cursor text,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_error text,
  primary key (tenant_id, entity)
);

-- Admin API keys: only the sha256 of the key is stored. tenant_id null = operator key
-- (may create and list tenants; never reads a tenant's data through tenant routes).
create table admin_keys (
  key_id text primary key,
  tenant_id text references tenants (tenant_id) on delete cascade,
  key_hash text not null unique,
  label text not null default '',
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index admin_keys_by_tenant on admin_keys (tenant_id);

create table audit_log (
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  id bigserial not null,
  actor text not null,
  action text not null,
  detail jsonb not null default '{}',
  at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index audit_recent on audit_log (tenant_id, at desc);
