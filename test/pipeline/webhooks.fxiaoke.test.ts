// Fxiaoke pushes through the same route: the sandbox's encrypted, signed data-change
// callback (verified by the tenant's aesKey, answered with the encrypted "success"
// the vendor side checks) and the APL workflow webhook (secret header). One inbox row
// and one sync job per push; forgeries record nothing. Also the proactive token refresh
// through the maintenance path, single-flighted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FxiaokeSandbox, startFxiaokeSandbox } from '../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { runMaintenance } from '../../src/jobs/maintenance.worker.js';
import { webhookUrl } from '../../src/jobs/webhook-url.js';
import { credentialVault } from '../../src/secrets/vault.js';
import type { TenantId } from '../../src/store/ids.js';
import { inboxCounts } from '../../src/store/repos/inbox.repo.js';
import { getWebhookToken } from '../../src/store/repos/tenants.repo.js';
import {
  sandboxCredentials,
  sandboxSettings,
  TEST_AES_KEY,
  TEST_WEBHOOK_SECRET,
} from '../connectors/fxiaoke/harness.js';
import { type IntakeRig, intakeRig, syncJobs } from './helpers/intake.js';

let sandbox: FxiaokeSandbox;
let rig: IntakeRig;
let tenantId: TenantId;
let url: string;

beforeAll(async () => {
  sandbox = await startFxiaokeSandbox({ partners: 10, opportunities: 80 });
  rig = await intakeRig('pglite');
  tenantId = await rig.addTenant(
    'fxiaoke',
    sandboxCredentials() as unknown as Record<string, unknown>,
    sandboxSettings(sandbox.url) as Record<string, unknown>,
  );
  url = webhookUrl(
    rig.url,
    { id: tenantId, crm: 'fxiaoke' },
    (await getWebhookToken(rig.store.db, tenantId))!,
  );
});
afterAll(async () => {
  await rig?.dispose();
  await sandbox?.close();
});

const openDeals = () =>
  sandbox.tables
    .get('NewOpportunityObj')!
    .rows.filter((r) => r.sales_status === '1')
    .map((r) => r._id as string);

const rows = () =>
  rig.store.db.query<{ id: string; event_key: string; record_ids: string[]; status: string }>(
    'select id, event_key, record_ids, status from inbox where tenant_id = $1 order by id',
    [tenantId],
  );

describe('Fxiaoke pushes through the webhook route', () => {
  it('a deal marked 赢单 → callback verified, encrypted success reply accepted, one row and one sync job', async () => {
    sandbox.push.callback = { url, aesKey: TEST_AES_KEY, enterpriseAccount: 'fssandbox' };
    const id = openDeals()[0]!;
    sandbox.winOpportunity(id);
    await sandbox.push.idle();
    const delivery = sandbox.push.deliveries.at(-1)!;
    // The vendor side accepts our reply only if it decrypts to "success" under its key.
    expect(delivery).toMatchObject({ kind: 'callback', dataId: id, status: 'delivered', attempts: 1 });
    const r = await rows();
    expect(r).toEqual([
      { id: r[0]!.id, event_key: delivery.messageId, record_ids: [id], status: 'enqueued' },
    ]);
    expect((await syncJobs(rig.queues)).map((j) => j.data)).toEqual([{ tenantId, eventIds: [r[0]!.id] }]);
  });

  it('a callback signed with another key is refused (401) on every retry and records nothing', async () => {
    sandbox.push.callback = {
      url,
      aesKey: Buffer.alloc(32, 1).toString('base64'),
      enterpriseAccount: 'fssandbox',
    };
    const before = await inboxCounts(rig.store.db, tenantId);
    sandbox.winOpportunity(openDeals()[0]!);
    await sandbox.push.idle();
    expect(sandbox.push.deliveries.at(-1)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await inboxCounts(rig.store.db, tenantId)).toEqual(before);
    sandbox.push.callback = null;
  });

  it('the APL workflow webhook is accepted with the tenant secret and refused without it', async () => {
    sandbox.push.workflow = { url, secret: TEST_WEBHOOK_SECRET };
    const jobsBefore = (await syncJobs(rig.queues)).length;
    const id = openDeals()[0]!;
    sandbox.winOpportunity(id);
    await sandbox.push.idle();
    expect(sandbox.push.deliveries.at(-1)).toMatchObject({ kind: 'workflow', status: 'delivered' });
    const last = (await rows()).at(-1)!;
    expect(last).toMatchObject({ record_ids: [id], status: 'enqueued' });
    expect(last.event_key).toMatch(/^wf:NewOpportunityObj:/);
    expect(await syncJobs(rig.queues)).toHaveLength(jobsBefore + 1);

    sandbox.push.workflow = { url, secret: 'not-the-tenant-secret-000' };
    const before = await inboxCounts(rig.store.db, tenantId);
    sandbox.winOpportunity(openDeals()[0]!);
    await sandbox.push.idle();
    expect(sandbox.push.deliveries.at(-1)).toMatchObject({ kind: 'workflow', status: 'failed' });
    expect(sandbox.push.deliveries.at(-1)?.lastError).toBe('HTTP 401');
    expect(await inboxCounts(rig.store.db, tenantId)).toEqual(before);
    sandbox.push.workflow = null;
  });

  it('50 concurrent refresh-token maintenance jobs → one corpAccessToken fetch', async () => {
    const tokenCalls = () => sandbox.calls.byPath['/cgi/corpAccessToken/get/V2'] ?? 0;
    const before = tokenCalls();
    const ctx = rig.maintenance();
    // The callback tests above may have fetched a token: make the stored one nearly expired.
    const vault = credentialVault<Record<string, unknown>>(rig.store.db, rig.keyring, tenantId);
    const creds = await vault.read();
    if (creds.token) {
      await vault.write({ ...creds, token: { ...(creds.token as object), refreshAt: Date.now() + 60_000 } });
    }
    rig.connectors.forget(tenantId);
    const out = await Promise.all(
      Array.from({ length: 50 }, () => runMaintenance(ctx, { tenantId, task: 'refresh-token' })),
    );
    expect(out.every((o) => 'done' in o)).toBe(true);
    expect(tokenCalls()).toBe(before + 1);
  });
});
