// What the rest of the server uses from the Zoho connector (the job layer, the
// OAuth routes, the CLI). The sandbox is imported from ./sandbox/ directly.
export type { AccessGrant, ZohoCredentials, ZohoCredentialsInput } from './zoho.auth.js';
export {
  accountsFromRedirect,
  buildAuthorizeUrl,
  createInstallState,
  exchangeCode,
  verifyInstallState,
  ZOHO_SCOPES,
  ZohoCredentialsSchema,
} from './zoho.auth.js';
export type { ZohoConnector, ZohoConnectorOptions, ZohoDeps } from './zoho.connector.js';
export { createZohoConnector } from './zoho.connector.js';
export { classifyAny as classifyZohoError, classifyZoho, ZOHO_ERROR_CODES } from './zoho.errors.js';
export type { ZohoDataCentre } from './zoho.hosts.js';
export { isZohoDataCentre, ZOHO_DATA_CENTRE_IDS, ZOHO_DATA_CENTRES } from './zoho.hosts.js';
export type { ZohoConnectInput, ZohoConnection } from './zoho.onboard.js';
export { connectZoho, revokeRefreshToken, ZohoConnectError } from './zoho.onboard.js';
export type { ZohoEdition, ZohoSettings, ZohoSettingsInput } from './zoho.settings.js';
export { parseZohoSettings, ZohoSettingsSchema } from './zoho.settings.js';
export { CHANNEL_LIFETIME_MS } from './zoho.watch.js';
