// Builds what a connector needs for one tenant (connectors/contract.ts ConnectorDeps):
// its decrypted-on-demand credentials, a cross-process lock, status changes
// (audited), the clock, a logger bound to the tenant, and CRM-call metrics.
import type { ConnectorDeps, CrmKind } from '../../connectors/contract.js';
import type { Logger } from '../log.js';
import { crmCallDuration, crmCalls } from '../metrics.js';
import type { Keyring } from '../secrets/keyring.js';
import { credentialVault } from '../secrets/vault.js';
import type { Store } from '../store/database.js';
import type { TenantId } from '../store/ids.js';
import type { Locks } from '../store/locks.js';
import { audit } from '../store/repos/audit.repo.js';
import { setTenantStatus } from '../store/repos/tenants.repo.js';

export interface ConnectorContext {
  store: Store;
  keyring: Keyring;
  locks: Locks;
  logger: Logger;
  now?: () => Date;
}

export function connectorDeps<C, S>(
  ctx: ConnectorContext,
  tenantId: TenantId,
  crm: CrmKind,
  settings: S,
): ConnectorDeps<C, S> {
  const db = ctx.store.db;
  return {
    tenantId,
    credentials: credentialVault<C>(db, ctx.keyring, tenantId),
    settings,
    withLock: (key, fn) => ctx.locks.withLock(`${tenantId}:${key}`, fn),
    async setStatus(status, reason, until) {
      await db.transaction(async (tx) => {
        await setTenantStatus(tx, tenantId, status, reason ?? null, until ?? null);
        await audit(tx, tenantId, `connector:${crm}`, `tenant.${status}`, {
          reason: reason ?? null,
          until: until?.toISOString() ?? null,
        });
      });
    },
    now: ctx.now ?? (() => new Date()),
    log: ctx.logger.child({ tenantId, crm }),
    onCall(call) {
      crmCalls.inc({ tenant: tenantId, crm, endpoint: call.endpoint, outcome: call.outcome });
      crmCallDuration.observe({ crm, outcome: call.outcome }, call.ms / 1000);
    },
  };
}
