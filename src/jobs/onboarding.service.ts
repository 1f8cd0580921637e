// Connecting a CRM and installing its result fields, shared by the CLI, the admin API
// and the Zoho OAuth routes. The CRM calls happen outside any transaction (embedded
// PGlite has one session; a transaction held across a slow CRM call blocks everyone);
// only the final writes are transactional, and audited without secret values.
import type { InstallReport } from '../../connectors/contract.js';
import { connectFxiaoke, type FxiaokeConnectInput } from '../../connectors/fxiaoke/index.js';
import {
  connectZoho,
  revokeRefreshToken,
  ZohoConnectError,
  type ZohoConnectInput,
} from '../../connectors/zoho/index.js';
import type { Keyring } from '../secrets/keyring.js';
import type { TenantId } from '../store/ids.js';
import { audit } from '../store/repos/audit.repo.js';
import { getSettings, putSettings } from '../store/repos/settings.repo.js';
import { getTenant, type Tenant } from '../store/repos/tenants.repo.js';
import type { Sql } from '../store/sql.js';
import type { ConnectorContext } from './connector-deps.js';
import { connectorFactory } from './connectors.js';
import { mergeDiscovered } from './settings-merge.js';
import { addTenant, changeTenantStatus, replaceCredentials } from './tenants.service.js';

export type ConnectInput =
  | ({ crm: 'zoho'; name?: string } & ZohoConnectInput)
  | ({
      crm: 'fxiaoke';
      name?: string;
      orgId?: string;
      /** The data-change callback's AES key (base64 of 32 bytes), from the app's callback settings. */
      callbackAesKey?: string | null;
      /** The shared secret the APL workflow function sends (at least 16 characters). */
      webhookSecret?: string | null;
    } & FxiaokeConnectInput);

export interface Connected {
  tenant: Tenant;
  /** What was learned from the CRM (never secrets). */
  learned: { orgId: string; companyName?: string | null; operatorOpenUserId?: string };
}

/** Checks the credentials against the CRM, then creates the tenant with them sealed. */
export async function connectTenant(
  db: Sql,
  keyring: Keyring,
  input: ConnectInput,
  actor: string,
): Promise<Connected> {
  if (input.crm === 'zoho') {
    const c = await connectZoho(input);
    try {
      const tenant = await addTenant(
        db,
        keyring,
        {
          crm: 'zoho',
          orgId: c.orgId,
          region: input.dataCentre,
          name: input.name ?? c.companyName ?? undefined,
          credentials: c.credentials,
          settings: c.settings,
        },
        actor,
      );
      return { tenant, learned: { orgId: c.orgId, companyName: c.companyName } };
    } catch (e) {
      // The code minted a refresh token nobody will use: give it back (never one the admin brought).
      if (input.grantCode) await revokeRefreshToken(c.credentials);
      throw e;
    }
  }
  const c = await connectFxiaoke(input);
  const orgId = input.orgId ?? c.orgId;
  const tenant = await addTenant(
    db,
    keyring,
    {
      crm: 'fxiaoke',
      orgId,
      region: new URL(c.settings.baseUrl as string).host,
      name: input.name,
      credentials: {
        ...c.credentials,
        ...(input.callbackAesKey ? { callbackAesKey: input.callbackAesKey } : {}),
        ...(input.webhookSecret ? { webhookSecret: input.webhookSecret } : {}),
      },
      settings: c.settings,
    },
    actor,
  );
  return { tenant, learned: { orgId, operatorOpenUserId: c.operatorOpenUserId } };
}

/** Reconnects an existing Zoho tenant (OAuth callback): new credentials, same tenant and org. */
export async function reconnectZohoTenant(
  db: Sql,
  keyring: Keyring,
  tenant: Tenant,
  input: ZohoConnectInput,
  actor: string,
): Promise<Connected> {
  const c = await connectZoho(input);
  // Consent given in another org must not replace this tenant's credentials.
  if (c.orgId !== tenant.orgId) {
    throw new ZohoConnectError(
      `the consent was given for Zoho org ${c.orgId}, but tenant ${tenant.id} is org ${tenant.orgId}: ` +
        'sign in to the right org and connect again',
      'org_mismatch',
    );
  }
  await replaceCredentials(db, keyring, tenant.id, c.credentials, actor);
  if (Object.keys(c.settings).length > 0) {
    await db.transaction(async (tx) => {
      const stored = await getSettings(tx, tenant.id);
      await putSettings(tx, tenant.id, { ...stored, ...c.settings });
    });
  }
  const updated =
    tenant.status === 'needs_reauth'
      ? await changeTenantStatus(db, tenant.id, { status: 'active', reason: null }, actor)
      : await getTenant(db, tenant.id);
  return { tenant: updated ?? tenant, learned: { orgId: c.orgId, companyName: c.companyName } };
}

export interface FieldsInstalled {
  tenantId: TenantId;
  crm: Tenant['crm'];
  created: string[];
  present: string[];
  missing: InstallReport['missing'];
  /** Settings paths where the admin's value was kept over what install found. */
  keptSettings: string[];
  settings: Record<string, unknown>;
}

/** Runs the connector's installFields() and stores what it discovered in the tenant's settings. */
export async function installTenantFields(
  ctx: ConnectorContext,
  tenantId: TenantId,
  actor: string,
): Promise<FieldsInstalled> {
  const factory = connectorFactory(ctx);
  const { tenant, connector } = await factory.forTenant(tenantId);
  const report = await connector.installFields();
  const db = ctx.store.db;
  const merged = await db.transaction(async (tx) => {
    const m = mergeDiscovered(await getSettings(tx, tenantId), report.discoveredSettings);
    await putSettings(tx, tenantId, m.settings);
    await audit(tx, tenantId, actor, 'fields.installed', {
      created: report.created,
      present: report.present.length,
      missing: report.missing.map((f) => f.apiName),
      keptSettings: m.kept,
    });
    return m;
  });
  return {
    tenantId,
    crm: tenant.crm,
    created: report.created,
    present: report.present,
    missing: report.missing,
    keptSettings: merged.kept,
    settings: merged.settings,
  };
}
