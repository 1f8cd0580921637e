// Zoho data centres as data (fact sheet §1.3, from the official TypeScript SDK's
// routes/dc/*_data_center.ts). The accounts host follows the data centre the org
// lives in; the REST host is whatever `api_domain` the token response names, so
// nothing here is used to build API URLs except as a plausibility check.

export const ZOHO_DATA_CENTRES = {
  us: {
    accounts: 'https://accounts.zoho.com',
    api: 'https://www.zohoapis.com',
    sandboxApi: 'https://sandbox.zohoapis.com',
    developerApi: 'https://developer.zohoapis.com',
    upload: 'https://content.zohoapis.com',
  },
  eu: {
    accounts: 'https://accounts.zoho.eu',
    api: 'https://www.zohoapis.eu',
    sandboxApi: 'https://sandbox.zohoapis.eu',
    developerApi: 'https://developer.zohoapis.eu',
    upload: 'https://content.zohoapis.eu',
  },
  in: {
    accounts: 'https://accounts.zoho.in',
    api: 'https://www.zohoapis.in',
    sandboxApi: 'https://sandbox.zohoapis.in',
    developerApi: 'https://developer.zohoapis.in',
    upload: 'https://content.zohoapis.in',
  },
  au: {
    accounts: 'https://accounts.zoho.com.au',
    api: 'https://www.zohoapis.com.au',
    sandboxApi: 'https://sandbox.zohoapis.com.au',
    developerApi: 'https://developer.zohoapis.com.au',
    upload: 'https://content.zohoapis.com.au',
  },
  cn: {
    accounts: 'https://accounts.zoho.com.cn',
    api: 'https://www.zohoapis.com.cn',
    sandboxApi: 'https://sandbox.zohoapis.com.cn',
    developerApi: 'https://developer.zohoapis.com.cn',
    upload: 'https://content.zohoapis.com.cn',
  },
  jp: {
    accounts: 'https://accounts.zoho.jp',
    api: 'https://www.zohoapis.jp',
    sandboxApi: 'https://sandbox.zohoapis.jp',
    developerApi: 'https://developer.zohoapis.jp',
    upload: 'https://content.zohoapis.jp',
  },
  ca: {
    accounts: 'https://accounts.zohocloud.ca',
    api: 'https://www.zohoapis.ca',
    sandboxApi: 'https://sandbox.zohoapis.ca',
    developerApi: 'https://developer.zohoapis.ca',
    upload: 'https://upload.zohocloud.ca',
  },
  sa: {
    accounts: 'https://accounts.zoho.sa',
    api: 'https://www.zohoapis.sa',
    sandboxApi: 'https://sandbox.zohoapis.sa',
    developerApi: 'https://developer.zohoapis.sa',
    upload: 'https://files.zoho.sa',
  },
} as const;

export type ZohoDataCentre = keyof typeof ZOHO_DATA_CENTRES;
export const ZOHO_DATA_CENTRE_IDS = Object.keys(ZOHO_DATA_CENTRES) as ZohoDataCentre[];

export function isZohoDataCentre(value: string): value is ZohoDataCentre {
  return Object.hasOwn(ZOHO_DATA_CENTRES, value);
}

/** Accounts host for a data centre, or the override (sandboxes, private deployments). */
export function accountsUrlFor(dc: ZohoDataCentre, override?: string | null): string {
  return stripSlash(override ?? ZOHO_DATA_CENTRES[dc].accounts);
}

export function tokenUrl(accountsUrl: string): string {
  return `${stripSlash(accountsUrl)}/oauth/v2/token`;
}

export function authorizeUrl(accountsUrl: string): string {
  return `${stripSlash(accountsUrl)}/oauth/v2/auth`;
}

/**
 * The OAuth redirect carries `location` and `accounts-server`; Zoho says to use them
 * for all later calls. Returns the data centre whose accounts host matches, or null.
 */
export function dataCentreFromAccountsServer(accountsServer: string): ZohoDataCentre | null {
  const wanted = stripSlash(accountsServer).toLowerCase();
  return ZOHO_DATA_CENTRE_IDS.find((dc) => ZOHO_DATA_CENTRES[dc].accounts === wanted) ?? null;
}

/**
 * `api_domain` comes from a token response; we still refuse anything that is not
 * a Zoho API host over HTTPS (a tampered or misrouted response must not make us
 * send tokens elsewhere), unless the tenant was configured with explicit overrides
 * (sandbox on loopback, private deployment), which the caller passes as `allowed`.
 */
export function checkApiDomain(apiDomain: string, allowed: readonly string[] = []): string {
  let url: URL;
  try {
    url = new URL(apiDomain);
  } catch {
    throw new Error(`api_domain "${apiDomain}" is not a URL`);
  }
  const origin = url.origin;
  if (allowed.map(stripSlash).includes(origin)) return origin;
  if (url.protocol !== 'https:') throw new Error(`api_domain "${apiDomain}" is not https`);
  if (!/(^|\.)zohoapis\.(com|eu|in|com\.au|com\.cn|jp|ca|sa)$/.test(url.hostname)) {
    throw new Error(`api_domain "${apiDomain}" is not a Zoho API host`);
  }
  return origin;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
