// Migration 003: push subscriptions. One row per tenant: the CRM channel we hold,
// when it expires, and a hash of the notify URL it points at (the URL carries the
// tenant's webhook token, so only its hash is kept; a changed PUBLIC_URL shows up as
// a different hash and makes the renewal job subscribe afresh).
export const id = '003_subscriptions';

export const sql = `
create table subscriptions (
  tenant_id text primary key references tenants (tenant_id) on delete cascade,
  channel_id text not null,
  expires_at timestamptz,
  notify_url_hash text not null,
  renewed_at timestamptz not null default now(),
  last_error text,
  updated_at timestamptz not null default now()
);
`;
