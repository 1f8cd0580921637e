// `tenant add --crm fxiaoke` and `tenant install-fields` against the Fxiaoke sandbox,
// with no server running (each command opens the temp DATA_DIR itself). The sandbox
// starts without the result fields, as a fresh enterprise does: Fxiaoke has no
// field-creation API, so install-fields lists them and exits 1.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESULT_FIELDS } from '../../../connectors/fxiaoke/fxiaoke.settings.js';
import { resultFieldDescribes } from '../../../connectors/fxiaoke/sandbox/sandbox.describe.js';
import {
  type FxiaokeSandbox,
  SANDBOX_APP,
  SANDBOX_TENANT,
  startFxiaokeSandbox,
} from '../../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { runCli } from '../../runtime/helpers/cli.js';

let dir: string;
let sb: FxiaokeSandbox;

const add = (...extra: string[]) =>
  runCli(
    'tenant',
    'add',
    '--crm',
    'fxiaoke',
    '--app-id',
    SANDBOX_APP.appId,
    '--permanent-code',
    SANDBOX_APP.permanentCode,
    '--host',
    sb.url,
    ...extra,
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ci-fx-connect-'));
  process.env.DATA_DIR = join(dir, 'data');
  delete process.env.DATABASE_URL;
  delete process.env.REDIS_URL;
  delete process.env.ENCRYPTION_KEYS;
  sb = await startFxiaokeSandbox({ resultFields: 'none', partners: 5, accounts: 10, opportunities: 20 });
});

afterAll(async () => {
  await sb?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('tenant add --crm fxiaoke and install-fields (no server running)', () => {
  let tenantId: string;

  it('a wrong app secret exits 1 naming the app secret', async () => {
    const r = await add('--app-secret', 'wrong-secret', '--admin-mobile', SANDBOX_TENANT.admin.mobile);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/appSecret is wrong .*errorCode 10006/);
  });

  it('an unknown admin mobile exits 1', async () => {
    const r = await add('--app-secret', SANDBOX_APP.appSecret, '--admin-mobile', '13900000000');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no Fxiaoke employee has the operator mobile number 139\*\*\*\*00/);
  });

  it('connects with the app credentials, resolving the operator from the admin mobile', async () => {
    const r = await add(
      '--app-secret',
      SANDBOX_APP.appSecret,
      '--admin-mobile',
      SANDBOX_TENANT.admin.mobile,
      '--name',
      '华东渠道',
      '--json',
    );
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({
      id: expect.stringMatching(/^t_/),
      crm: 'fxiaoke',
      orgId: SANDBOX_TENANT.corpId,
      name: '华东渠道',
      hasCredentials: true,
      connected: { operatorOpenUserId: SANDBOX_TENANT.admin.openUserId },
    });
    expect(r.out).not.toContain(SANDBOX_APP.appSecret);
    tenantId = doc.id;
  });

  it('install-fields lists every missing result field with its type and exits 1', async () => {
    const r = await runCli('tenant', 'install-fields', '--tenant', tenantId);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/missing \(11\): create these by hand/);
    for (const f of Object.values(DEFAULT_RESULT_FIELDS)) {
      expect(r.out).toContain(`${f.label}  api name ${f.apiName}  type ${f.type}`);
    }
    expect(r.out).toMatch(/管理后台 → 对象管理 → 合作伙伴/);

    const json = await runCli('tenant', 'install-fields', '--tenant', tenantId, '--json');
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.out);
    expect(doc).toMatchObject({ tenantId, crm: 'fxiaoke', ok: false, created: [], present: [] });
    expect(doc.missing).toHaveLength(11);
    expect(doc.missing[0]).toMatchObject({ apiName: 'ci_tier__c', type: 'text' });
  });

  it('once the admin created the fields, install-fields finds them and exits 0', async () => {
    // As in the Fxiaoke UI: the labels kept, the api names generated (field_xxxxx__c).
    Object.assign(sb.describes.PartnerObj!.fields, resultFieldDescribes('labels'));
    const r = await runCli('tenant', 'install-fields', '--tenant', tenantId, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.missing).toEqual([]);
    expect(doc.present).toHaveLength(11);
    expect(doc.present.every((n: string) => /^field_\w+__c$/.test(n))).toBe(true);
    const shown = JSON.parse((await runCli('tenant', 'show', tenantId, '--json')).out);
    expect(shown.status).toBe('active');
  });
});
