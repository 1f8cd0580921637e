// Tenant → its CRM connector. One instance per tenant and settings version, kept for
// the life of the process: a connector holds the tenant's limiter state and its
// cached access token, so building a fresh one per job would defeat both. A change of
// the tenant's settings (field mapping, edition) builds a new one.
import type { CrmConnector } from '../../connectors/contract.js';
import { createFxiaokeConnector } from '../../connectors/fxiaoke/index.js';
import { createZohoConnector } from '../../connectors/zoho/index.js';
import type { TenantId } from '../store/ids.js';
import { getSettings } from '../store/repos/settings.repo.js';
import { getTenant, type Tenant } from '../store/repos/tenants.repo.js';
import { type ConnectorContext, connectorDeps } from './connector-deps.js';

export interface TenantConnector {
  tenant: Tenant;
  connector: CrmConnector;
}

export class UnknownTenantError extends Error {}

export interface ConnectorFactory {
  /** The tenant (fresh from the store) and its connector. */
  forTenant(tenantId: TenantId): Promise<TenantConnector>;
  /** Drops cached connectors (tests; credential replacement). */
  forget(tenantId?: TenantId): void;
}

export function connectorFactory(ctx: ConnectorContext): ConnectorFactory {
  const cache = new Map<TenantId, { key: string; connector: CrmConnector }>();
  return {
    async forTenant(tenantId) {
      const tenant = await getTenant(ctx.store.db, tenantId);
      if (!tenant) throw new UnknownTenantError(`tenant ${tenantId} does not exist`);
      const settings = await getSettings(ctx.store.db, tenantId);
      const key = `${tenant.crm}\u0000${JSON.stringify(settings)}`;
      const hit = cache.get(tenantId);
      if (hit && hit.key === key) return { tenant, connector: hit.connector };
      const connector =
        tenant.crm === 'zoho'
          ? createZohoConnector(connectorDeps(ctx, tenantId, 'zoho', settings))
          : createFxiaokeConnector(connectorDeps(ctx, tenantId, 'fxiaoke', settings));
      cache.set(tenantId, { key, connector });
      return { tenant, connector };
    },
    forget(tenantId) {
      if (tenantId) cache.delete(tenantId);
      else cache.clear();
    },
  };
}
