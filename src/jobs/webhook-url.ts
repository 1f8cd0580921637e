// Where a CRM sends a tenant's pushes: PUBLIC_URL + /webhooks/{crm}/{tenant}/{token}.
// The token (tenants.webhook_token) makes the URL unguessable; it is a secret, so
// the URL is never logged or stored in clear (subscriptions keep its hash).
export const WEBHOOK_PREFIX = '/webhooks';

export function webhookUrl(publicUrl: string, tenant: { id: string; crm: string }, token: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}${WEBHOOK_PREFIX}/${tenant.crm}/${encodeURIComponent(tenant.id)}/${encodeURIComponent(token)}`;
}
