import { describe, expect, it } from 'vitest';
import {
  accountsUrlFor,
  checkApiDomain,
  dataCentreFromAccountsServer,
  tokenUrl,
  ZOHO_DATA_CENTRE_IDS,
  ZOHO_DATA_CENTRES,
} from '../../../connectors/zoho/zoho.hosts.js';

describe('zoho hosts', () => {
  it('knows the eight data centres of the fact sheet', () => {
    expect(ZOHO_DATA_CENTRE_IDS.sort()).toEqual(['au', 'ca', 'cn', 'eu', 'in', 'jp', 'sa', 'us']);
    expect(tokenUrl(accountsUrlFor('cn'))).toBe('https://accounts.zoho.com.cn/oauth/v2/token');
    expect(tokenUrl(accountsUrlFor('ca'))).toBe('https://accounts.zohocloud.ca/oauth/v2/token');
    expect(accountsUrlFor('eu', 'http://127.0.0.1:9/')).toBe('http://127.0.0.1:9');
  });
  it('maps the redirect accounts-server back to its data centre', () => {
    for (const dc of ZOHO_DATA_CENTRE_IDS) {
      expect(dataCentreFromAccountsServer(`${ZOHO_DATA_CENTRES[dc].accounts}/`)).toBe(dc);
    }
    expect(dataCentreFromAccountsServer('https://accounts.example.com')).toBeNull();
  });
  it('accepts every data centre api_domain and refuses foreign or plain-http hosts', () => {
    for (const dc of ZOHO_DATA_CENTRE_IDS) {
      expect(checkApiDomain(ZOHO_DATA_CENTRES[dc].api)).toBe(ZOHO_DATA_CENTRES[dc].api);
    }
    expect(() => checkApiDomain('https://evil.example.com')).toThrow(/not a Zoho API host/);
    expect(() => checkApiDomain('http://www.zohoapis.com')).toThrow(/not https/);
    expect(checkApiDomain('http://127.0.0.1:4000', ['http://127.0.0.1:4000'])).toBe('http://127.0.0.1:4000');
  });
});
