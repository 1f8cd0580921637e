// Push intake end to end: the Zoho sandbox as the CRM, subscribed (by the maintenance
// task) to our real route on a listening app; real Redis queues; the store on
// PostgreSQL and on the embedded PGlite. A push becomes one inbox row and one sync
// job; duplicates, forgeries and wrong URLs change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../connectors/zoho/sandbox/sandbox.server.js';
import { runMaintenance } from '../../src/jobs/maintenance.worker.js';
import { webhookUrl } from '../../src/jobs/webhook-url.js';
import type { TenantId } from '../../src/store/ids.js';
import { listAudit } from '../../src/store/repos/audit.repo.js';
import { inboxCounts } from '../../src/store/repos/inbox.repo.js';
import { getSubscription } from '../../src/store/repos/subscriptions.repo.js';
import { getWebhookToken } from '../../src/store/repos/tenants.repo.js';
import type { StoreKind } from '../runtime/helpers/stores.js';
import { type IntakeRig, intakeRig, syncJobs } from './helpers/intake.js';

let sb: ZohoSandbox;
beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { seed: 11, partners: 20, deals: 300 } });
});
afterAll(() => sb?.close());

const zohoCredentials = () => ({
  dataCentre: 'us',
  accountsUrl: sb.url,
  clientId: sb.clientId,
  clientSecret: sb.clientSecret,
  refreshToken: sb.oauth.issueRefreshToken(sb.clientId),
});
const zohoSettings = () => ({ allowedApiDomains: [sb.url], edition: 'enterprise' });

/** A deal a user can still close. */
function openDeal() {
  return [...sb.org.module('Deals')!.records.values()].find(
    (d) => d.Stage !== 'Closed Won' && d.Stage !== 'Closed Lost' && d.Channel_Partner,
  )!;
}

async function inboxRows(rig: IntakeRig, tenantId: TenantId) {
  return rig.store.db.query<{ id: string; status: string; event_key: string; record_ids: string[] }>(
    'select id, status, event_key, record_ids from inbox where tenant_id = $1 order by id',
    [tenantId],
  );
}

describe.each<StoreKind>(['postgres', 'pglite'])('push intake on %s + Redis', (kind) => {
  let rig: IntakeRig;
  let tenantId: TenantId;

  beforeAll(async () => {
    rig = await intakeRig(kind);
    tenantId = await rig.addTenant('zoho', zohoCredentials(), zohoSettings());
    // Subscribe through the maintenance path: PUBLIC_URL (the listening app) + the route.
    const out = await runMaintenance(rig.maintenance(), { tenantId, task: 'renew-subscription' });
    expect(out).toMatchObject({ done: true, detail: { action: 'subscribed' } });
  });
  afterAll(async () => {
    await rig?.dispose();
  });

  it('a deal set Closed Won in the sandbox → one inbox row and one sync job naming it', async () => {
    const sub = await getSubscription(rig.store.db, tenantId);
    expect(sub).toMatchObject({ channelId: expect.stringMatching(/^\d+$/), lastError: null });
    expect(Date.parse(sub!.expiresAt!)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const channel = sb.watch.channels.get(sub!.channelId)!;
    const token = await getWebhookToken(rig.store.db, tenantId);
    expect(channel.notify_url.startsWith(webhookUrl(rig.url, { id: tenantId, crm: 'zoho' }, token!))).toBe(
      true,
    );
    expect((await listAudit(rig.store.db, tenantId)).map((a) => a.action)).toContain(
      'subscription.subscribed',
    );

    const deal = openDeal();
    const sentBefore = sb.getStats().notifications.sent;
    sb.setDealStage(deal.id, 'Closed Won');
    await sb.watch.idle();
    expect(sb.getStats().notifications.sent).toBe(sentBefore + 1);

    const rows = await inboxRows(rig, tenantId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'enqueued', record_ids: [deal.id] });
    const jobs = await syncJobs(rig.queues);
    expect(jobs.map((j) => j.data)).toEqual([{ tenantId, eventIds: [rows[0]!.id] }]);
    expect(jobs[0]!.id).toBe(`sync.${tenantId}.ev.${rows[0]!.id}`);
  });

  it('50 identical pushes at once → one inbox row, one sync job, every push answered 2xx', async () => {
    const sub = (await getSubscription(rig.store.db, tenantId))!;
    const channel = sb.watch.channels.get(sub.channelId)!;
    const deal = openDeal();
    const body = JSON.stringify({
      server_time: Date.now(),
      query_params: Object.fromEntries(new URL(channel.notify_url).searchParams),
      module: 'Deals',
      ids: [deal.id],
      affected_fields: [],
      operation: 'update',
      channel_id: channel.channel_id,
      token: channel.token,
    });
    const rowsBefore = (await inboxRows(rig, tenantId)).length;
    const jobsBefore = (await syncJobs(rig.queues)).length;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(channel.notify_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const recorded = await Promise.all(
      answers.map(async (a) => ((await a.json()) as { recorded: number }).recorded),
    );
    expect(recorded.reduce((s, n) => s + n, 0)).toBe(1);
    const rows = await inboxRows(rig, tenantId);
    expect(rows).toHaveLength(rowsBefore + 1);
    const jobs = await syncJobs(rig.queues);
    expect(jobs).toHaveLength(jobsBefore + 1);
    expect(jobs.at(-1)!.data).toEqual({ tenantId, eventIds: [rows.at(-1)!.id] });
  });

  it('forged, unsigned and wrong-URL pushes get 401/404 and record nothing', async () => {
    const sub = (await getSubscription(rig.store.db, tenantId))!;
    const channel = sb.watch.channels.get(sub.channelId)!;
    const notify = new URL(channel.notify_url);
    const secret = notify.searchParams.get('k')!;
    const token = (await getWebhookToken(rig.store.db, tenantId))!;
    const genuine = {
      server_time: Date.now(),
      module: 'Deals',
      ids: [openDeal().id],
      operation: 'update',
      channel_id: channel.channel_id,
      token: channel.token,
    };
    const before = await inboxCounts(rig.store.db, tenantId);
    const jobsBefore = (await syncJobs(rig.queues)).length;
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const base = `${rig.url}/webhooks`;
    const cases: [string, string, unknown, number][] = [
      ['no secret', `${base}/zoho/${tenantId}/${token}`, genuine, 401],
      ['wrong secret', `${base}/zoho/${tenantId}/${token}?k=guess`, genuine, 401],
      [
        'forged channel token',
        `${base}/zoho/${tenantId}/${token}?k=${secret}`,
        { ...genuine, token: 'x' },
        401,
      ],
      [
        'forged channel id',
        `${base}/zoho/${tenantId}/${token}?k=${secret}`,
        { ...genuine, channel_id: '1' },
        401,
      ],
      ['wrong url token', `${base}/zoho/${tenantId}/${token.slice(0, -2)}xx?k=${secret}`, genuine, 404],
      ['unknown tenant', `${base}/zoho/t_doesnotexist/${token}?k=${secret}`, genuine, 404],
      ['not a tenant id', `${base}/zoho/..%2F..%2Fadmin/${token}?k=${secret}`, genuine, 404],
      ['wrong crm', `${base}/fxiaoke/${tenantId}/${token}?k=${secret}`, genuine, 404],
    ];
    const notFoundBodies = new Set<string>();
    for (const [name, url, body, status] of cases) {
      const res = await post(url, body);
      expect({ name, status: res.status }).toEqual({ name, status });
      const text = await res.text();
      if (status === 404) notFoundBodies.add(text);
      expect(text).not.toContain(secret);
    }
    // No oracle: every 404 is the same.
    expect(notFoundBodies.size).toBe(1);
    expect(await inboxCounts(rig.store.db, tenantId)).toEqual(before);
    expect(await syncJobs(rig.queues)).toHaveLength(jobsBefore);
    // Neither the URL token nor the notify secret reaches the logs.
    expect(rig.logs()).toContain('push rejected');
    expect(rig.logs()).not.toContain(token);
    expect(rig.logs()).not.toContain(secret);
  });

  it('a Zoho workflow-rule webhook (form data, secret in the body) goes through the raw-body path', async () => {
    const sub = (await getSubscription(rig.store.db, tenantId))!;
    const secret = new URL(sb.watch.channels.get(sub.channelId)!.notify_url).searchParams.get('k')!;
    const token = (await getWebhookToken(rig.store.db, tenantId))!;
    const deal = openDeal();
    const url = `${rig.url}/webhooks/zoho/${tenantId}/${token}`;
    const form = new URLSearchParams({ ids: deal.id, modified: '2027-03-01T10:00:00+08:00', k: secret });
    const post = (body: string, type?: string, query = '') =>
      fetch(`${url}${query}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body });
    const first = await post(form.toString(), 'application/x-www-form-urlencoded');
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, recorded: 1 });
    // The same change again (a Zoho retry) is a duplicate.
    expect(await (await post(form.toString(), 'application/x-www-form-urlencoded')).json()).toEqual({
      ok: true,
      recorded: 0,
    });
    const last = (await inboxRows(rig, tenantId)).at(-1)!;
    expect(last).toMatchObject({ record_ids: [deal.id], status: 'enqueued' });
    expect(last.event_key).toBe(`zoho:workflow:Deals:${deal.id}:2027-03-01T10:00:00+08:00`);
    // Odd content types and malformed bodies reach the verifier, which refuses them:
    // 401 without the secret, 400 with it.
    expect((await post('{not json', 'application/json')).status).toBe(401);
    expect((await post('{not json', 'application/json', `?k=${secret}`)).status).toBe(400);
    expect((await post('hello', 'text/plain', `?k=${secret}`)).status).toBe(400);
  });

  it('a body over the route limit is refused with 413 and records nothing', async () => {
    const token = (await getWebhookToken(rig.store.db, tenantId))!;
    const before = await inboxCounts(rig.store.db, tenantId);
    const res = await fetch(`${rig.url}/webhooks/zoho/${tenantId}/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(600 * 1024),
    });
    expect(res.status).toBe(413);
    expect(await inboxCounts(rig.store.db, tenantId)).toEqual(before);
  });
});
