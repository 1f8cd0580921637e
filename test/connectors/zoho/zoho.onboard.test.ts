// Connecting an org in another data centre (nock at the CRM boundary): the grant code
// goes to that data centre's accounts host, the org id comes from the api_domain the
// token response names, and each refusal says what the admin should change.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectZoho } from '../../../connectors/zoho/zoho.onboard.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const base = { clientId: '1000.CLIENT', clientSecret: 'secret' };

describe('connectZoho', () => {
  it('EU: exchanges at accounts.zoho.eu, reads the org at www.zohoapis.eu', async () => {
    const token = nock('https://accounts.zoho.eu')
      .post(
        '/oauth/v2/token',
        (b) => b.grant_type === 'authorization_code' && b.code === '1000.code' && !('redirect_uri' in b),
      )
      .reply(200, {
        access_token: '1000.at',
        refresh_token: '1000.rt',
        api_domain: 'https://www.zohoapis.eu',
        token_type: 'Bearer',
        expires_in: 3600,
      });
    const org = nock('https://www.zohoapis.eu', { reqheaders: { authorization: 'Zoho-oauthtoken 1000.at' } })
      .get('/crm/v8/org')
      .reply(200, { org: [{ id: '4150868000000225013', zgid: '20060016', company_name: 'Zylker GmbH' }] });
    const c = await connectZoho({ ...base, dataCentre: 'eu', grantCode: '1000.code' });
    expect(c).toMatchObject({
      orgId: '20060016',
      companyName: 'Zylker GmbH',
      settings: {},
      credentials: {
        dataCentre: 'eu',
        accountsUrl: null,
        apiDomain: 'https://www.zohoapis.eu',
        refreshToken: '1000.rt',
      },
    });
    expect(token.isDone() && org.isDone()).toBe(true);
  });

  it('invalid_client names the data centre it asked', async () => {
    nock('https://accounts.zoho.com.cn').post('/oauth/v2/token').reply(200, { error: 'invalid_client' });
    await expect(connectZoho({ ...base, dataCentre: 'cn', grantCode: '1000.code' })).rejects.toThrow(
      /does not know this client at https:\/\/accounts\.zoho\.com\.cn \(invalid_client\).*--data-center cn/,
    );
  });

  it('a refresh token is checked with one refresh; a revoked one is refused', async () => {
    nock('https://accounts.zoho.jp')
      .post('/oauth/v2/token', (b) => b.grant_type === 'refresh_token')
      .reply(200, { error: 'invalid_code' });
    await expect(connectZoho({ ...base, dataCentre: 'jp', refreshToken: '1000.old' })).rejects.toThrow(
      /refused the refresh token \(invalid_code\): it is wrong or was revoked/,
    );
  });

  it('an api_domain that is not a Zoho host is refused, pointing at the overrides', async () => {
    nock('https://accounts.zoho.com').post('/oauth/v2/token').reply(200, {
      access_token: 'a',
      refresh_token: 'r',
      api_domain: 'https://crm.example.net',
      expires_in: 3600,
    });
    await expect(connectZoho({ ...base, dataCentre: 'us', grantCode: 'c' })).rejects.toThrow(
      /not a Zoho API host: for a sandbox or private deployment pass --accounts-url/,
    );
  });

  it('a grant without the org scope says which scope is missing', async () => {
    nock('https://accounts.zoho.in').post('/oauth/v2/token').reply(200, {
      access_token: 'a',
      refresh_token: 'r',
      api_domain: 'https://www.zohoapis.in',
      expires_in: 3600,
    });
    nock('https://www.zohoapis.in').get('/crm/v8/org').reply(401, {
      code: 'OAUTH_SCOPE_MISMATCH',
      status: 'error',
      message: 'invalid oauth scope',
      details: {},
    });
    await expect(connectZoho({ ...base, dataCentre: 'in', grantCode: 'c' })).rejects.toThrow(
      /ZohoCRM\.org\.READ/,
    );
  });
});
