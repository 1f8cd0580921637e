// `tenant add --crm zoho` and `tenant install-fields` against the Zoho sandbox, while a
// server (startRuntime, embedded store in a temp DATA_DIR) runs: the commands reach
// its store through the loopback gateway.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { type Runtime, startRuntime } from '../../../src/main.js';
import { loadKeyring } from '../../../src/secrets/embedded-key.js';
import { credentialVault } from '../../../src/secrets/vault.js';
import type { TenantId } from '../../../src/store/ids.js';
import { getSettings, putSettings } from '../../../src/store/repos/settings.repo.js';
import { listTenants } from '../../../src/store/repos/tenants.repo.js';
import { runCli } from '../../runtime/helpers/cli.js';

let dir: string;
let sb: ZohoSandbox;
let runtime: Runtime;

async function grantCode(): Promise<string> {
  const res = await fetch(`${sb.url}/__sandbox/oauth/grant`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.fields.ALL,ZohoCRM.org.READ' }),
  });
  return ((await res.json()) as { code: string }).code;
}

const add = (...extra: string[]) =>
  runCli(
    'tenant',
    'add',
    '--crm',
    'zoho',
    '--data-center',
    'us',
    '--client-id',
    sb.clientId,
    '--accounts-url',
    sb.url,
    ...extra,
  );

/** Every table's rows as text: where a leaked secret would show. */
async function databaseText(): Promise<string> {
  const db = runtime.store.db;
  const parts = await Promise.all(
    ['tenants', 'settings', 'audit_log'].map((t) => db.query(`select * from ${t}`)),
  );
  return JSON.stringify(parts);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ci-zoho-connect-'));
  process.env.DATA_DIR = join(dir, 'data');
  process.env.PORT = '0';
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  delete process.env.ENCRYPTION_KEYS;
  sb = await ZohoSandbox.start({ seed: { seed: 3, partners: 10, deals: 60 } });
  runtime = await startRuntime(loadConfig(), { role: 'all', logger: createLogger('silent') });
});

afterAll(async () => {
  await runtime?.stop(5000);
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('tenant add --crm zoho (server running)', () => {
  let tenantId: TenantId;

  it('exchanges a sandbox grant code, learns the org id and stores the credentials sealed', async () => {
    const r = await add('--client-secret', sb.clientSecret, '--grant-code', await grantCode(), '--json');
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out); // exactly one JSON document
    expect(doc).toMatchObject({
      id: expect.stringMatching(/^t_/),
      crm: 'zoho',
      orgId: '777000001',
      region: 'us',
      name: 'Sandbox Org',
      hasCredentials: true,
      connected: { orgId: '777000001', companyName: 'Sandbox Org' },
    });
    tenantId = doc.id;
    expect((await listTenants(runtime.store.db)).map((t) => t.id)).toEqual([tenantId]);

    const refreshTokens = [...sb.oauth.accessTokens.values()].map((a) => a.refreshToken!);
    expect(refreshTokens).toHaveLength(1);
    const text = await databaseText();
    expect(text).not.toContain(refreshTokens[0]);
    expect(text).not.toContain(sb.clientSecret);
    expect(r.out).not.toContain(refreshTokens[0]);
    // Sealed, not lost: the vault opens them with the server's key.
    const keyring = await loadKeyring(loadConfig(), () => undefined);
    const creds = await credentialVault<Record<string, unknown>>(runtime.store.db, keyring, tenantId).read();
    expect(creds).toMatchObject({
      refreshToken: refreshTokens[0],
      clientId: sb.clientId,
      dataCentre: 'us',
      accountsUrl: sb.url,
      apiDomain: sb.url,
    });
    // The sandbox's loopback host is allowed for this tenant only because --accounts-url named it.
    expect(await getSettings(runtime.store.db, tenantId)).toEqual({ allowedApiDomains: [sb.url] });
  });

  it('a wrong or reused grant code exits 1 saying what to do, and creates nothing', async () => {
    const wrong = await add('--client-secret', sb.clientSecret, '--grant-code', '1000.bogus.code');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/refused the grant code \(invalid_code\)/);
    expect(wrong.err).toMatch(/wrong, already used, or expired/);
    expect(wrong.err).toMatch(/Generate a new code/);
    const code = await grantCode();
    await fetch(`${sb.url}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: sb.clientId,
        client_secret: sb.clientSecret,
        code,
      }),
    });
    const reused = await add('--client-secret', sb.clientSecret, '--grant-code', code, '--json');
    expect(reused.code).toBe(1);
    expect(reused.out).toBe('');
    expect(reused.err).toMatch(/invalid_code/);
    expect(await listTenants(runtime.store.db)).toHaveLength(1);
  });

  it('a wrong client secret names the client and the data centre', async () => {
    const r = await add('--client-secret', 'not-the-secret', '--grant-code', await grantCode());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not know this client .* \(invalid_client\)/);
    expect(r.err).toMatch(/--data-center us/);
  });

  it('connecting the same org again (refresh-token form) is refused: the tenant exists', async () => {
    const token = sb.oauth.issueRefreshToken(sb.clientId);
    const r = await add('--client-secret', sb.clientSecret, '--refresh-token', token);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/zoho tenant for organisation "777000001" already exists/);
    // The admin's own refresh token is not revoked by the refusal…
    expect(sb.oauth.revokeRefreshToken(token)).toBe(true);
    // …but one minted from a grant code for an org already connected is given back.
    const before = new Set([...sb.oauth.accessTokens.values()].map((a) => a.refreshToken));
    const again = await add('--client-secret', sb.clientSecret, '--grant-code', await grantCode());
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    const minted = [...sb.oauth.accessTokens.values()].filter((a) => !before.has(a.refreshToken));
    expect(minted).toEqual([]); // revoking a refresh token drops its access tokens too
  });

  it('bad usage exits 2 and names the flag', async () => {
    const noDc = await runCli('tenant', 'add', '--crm', 'zoho', '--client-id', 'x', '--grant-code', 'y');
    expect(noDc.code).toBe(2);
    expect(noDc.err).toMatch(/--data-center is required/);
    const badDc = await add('--client-secret', 's', '--grant-code', 'c', '--data-center', 'uk');
    expect(badDc.code).toBe(2);
    expect(badDc.err).toMatch(/--data-center must be one of us, eu, in, au, cn, jp, ca, sa/);
    const both = await add('--client-secret', 's', '--grant-code', 'c', '--refresh-token', 't');
    expect(both.code).toBe(2);
    const stray = await runCli('tenant', 'add', '--crm', 'zoho', '--org', '1', '--client-id', 'x');
    expect(stray.code).toBe(2);
    expect(stray.err).toMatch(/--client-id need the connecting form/);
  });

  it('install-fields creates the Incentive_* fields in the sandbox and stores the discovered mapping', async () => {
    const r = await runCli('tenant', 'install-fields', '--tenant', tenantId, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ tenantId, crm: 'zoho', ok: true, missing: [] });
    expect(doc.created).toHaveLength(10);
    const inSandbox = sb.org.module('Accounts')!.fields.map((f) => f.api_name);
    for (const name of doc.created) expect(inSandbox).toContain(name);
    expect(doc.created).toContain('Incentive_Details');

    const settings = await getSettings(runtime.store.db, tenantId);
    expect(settings).toMatchObject({
      allowedApiDomains: [sb.url],
      wonStages: ['Closed Won'],
      resultFields: { tier: 'Incentive_Tier', details: 'Incentive_Details' },
      installDiscovered: { wonStages: ['Closed Won'] },
    });
  });

  it('a second run finds every field present, refreshes discoveries and keeps what the admin set', async () => {
    const settings = await getSettings(runtime.store.db, tenantId);
    await putSettings(runtime.store.db, tenantId, { ...settings, wonStages: ['Signed'] });
    const r = await runCli('tenant', 'install-fields', '--tenant', tenantId);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/created \(0\): -/);
    expect(r.out).toMatch(/already present \(10\): Incentive_Tier/);
    expect(r.out).toMatch(/kept your settings for: wonStages/);
    expect(r.out).toMatch(/all result fields are in place/);
    expect(await getSettings(runtime.store.db, tenantId)).toMatchObject({
      wonStages: ['Signed'],
      lostStages: ['Closed Lost', 'Closed Lost to Competition'],
    });
  });

  it('install-fields on an unknown tenant exits 1', async () => {
    const r = await runCli('tenant', 'install-fields', '--tenant', 't_nosuchtenant');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/tenant t_nosuchtenant does not exist/);
  });
});
