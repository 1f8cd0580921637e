// Exchange rates (plan-currency units per one unit of another currency) as last read
// from the tenant's CRM: recalculations read them here instead of calling the CRM.
import type { TenantId } from '../ids.js';
import type { Sql } from '../sql.js';

export async function putRates(
  sql: Sql,
  tenantId: TenantId,
  currency: string,
  rates: Record<string, string>,
): Promise<void> {
  await sql.query(
    `insert into tenant_rates (tenant_id, currency, rates) values ($1, $2, $3::jsonb)
     on conflict (tenant_id) do update set currency = excluded.currency, rates = excluded.rates, updated_at = now()`,
    [tenantId, currency, JSON.stringify(rates)],
  );
}

/** The stored rates when they were read for `currency`; empty otherwise. */
export async function getRates(
  sql: Sql,
  tenantId: TenantId,
  currency: string,
): Promise<Record<string, string>> {
  const rows = await sql.query<{ currency: string; rates: Record<string, string> }>(
    'select currency, rates from tenant_rates where tenant_id = $1',
    [tenantId],
  );
  const r = rows[0];
  return r && r.currency === currency ? r.rates : {};
}
