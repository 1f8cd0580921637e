// Migration 004: widget sessions (docs/widget.md §2). Only the sha256 of a session token is
// stored; a token is bound to one tenant, one CRM and one CRM user and lives minutes, not days.
// Also: the one-time `state` of a Fxiaoke OAuth code flow in progress, and the per-tenant
// secret a Zoho Function signs the user's identity with (sealed like the CRM credentials).
export const id = '004_widget_sessions';

export const sql = `
create table widget_sessions (
  token_hash text primary key,
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  crm text not null check (crm in ('zoho', 'fxiaoke')),
  crm_user_id text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index widget_sessions_expiry on widget_sessions (expires_at);
create index widget_sessions_by_tenant on widget_sessions (tenant_id);

create table widget_oauth_states (
  state_hash text primary key,
  tenant_id text not null references tenants (tenant_id) on delete cascade,
  partner_id text not null,
  lang text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index widget_oauth_states_expiry on widget_oauth_states (expires_at);

create table widget_secrets (
  tenant_id text primary key references tenants (tenant_id) on delete cascade,
  key_id text not null,
  secret_ct text not null,
  created_at timestamptz not null default now()
);
`;
