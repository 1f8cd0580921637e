// Credentials in clear exist only here, in the process that needs them.
// Implements the connector contract's CredentialVault for one tenant.
import type { CredentialVault } from '../../connectors/contract.js';
import type { TenantId } from '../store/ids.js';
import { getSealedCredentials, putSealedCredentials } from '../store/repos/tenants.repo.js';
import type { Sql } from '../store/sql.js';
import { open, type Sealed, seal } from './cipher.js';
import type { Keyring } from './keyring.js';

export function sealCredentials(keyring: Keyring, tenantId: TenantId, credentials: unknown): Sealed {
  return seal(keyring, tenantId, JSON.stringify(credentials));
}

export function credentialVault<C>(sql: Sql, keyring: Keyring, tenantId: TenantId): CredentialVault<C> {
  return {
    async read() {
      const sealed = await getSealedCredentials(sql, tenantId);
      if (!sealed) throw new Error(`tenant ${tenantId} has no stored credentials`);
      return JSON.parse(open(keyring, tenantId, sealed)) as C;
    },
    async write(next) {
      const ok = await putSealedCredentials(sql, tenantId, sealCredentials(keyring, tenantId, next));
      if (!ok) throw new Error(`tenant ${tenantId} does not exist`);
    },
  };
}
