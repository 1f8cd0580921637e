// Plants canary secrets everywhere a request can carry them and proves none of
// them reaches the log output, a response, a job payload or the database in clear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../../src/http/app.js';
import { createAdminKey } from '../../src/store/repos/admin-keys.repo.js';
import { type Harness, harness } from './harness.js';

const CANARY = {
  refresh: 'canary-refresh-7f3a91',
  secret: 'canary-appsecret-c0ffee',
  code: 'canary-oauthcode-1234ab',
  token: 'canary-token-q9z8y7',
  nested: 'canary-nested-aa55aa',
};

describe('no secret in logs, responses, job payloads or the database in clear', () => {
  let h: Harness;
  let operatorKey: string;
  beforeAll(async () => {
    h = await harness();
    operatorKey = (await createAdminKey(h.store.db, null, 'op')).key;
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('redacts authorization headers, tokens, secrets and codes', async () => {
    const auth = { authorization: `Bearer ${operatorKey}` };
    const created = await h.app.inject({
      method: 'POST',
      url: `${ADMIN_PREFIX}/tenants`,
      headers: auth,
      payload: {
        crm: 'zoho',
        orgId: 'canary-org',
        credentials: {
          refresh_token: CANARY.refresh,
          client_secret: CANARY.secret,
          deep: { token: CANARY.nested },
        },
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    await h.app.inject({
      method: 'PUT',
      url: `${ADMIN_PREFIX}/tenants/${id}/credentials`,
      headers: auth,
      payload: { credentials: { refresh_token: CANARY.refresh } },
    });
    // Secrets in query strings and paths (OAuth callbacks, webhook URLs).
    await h.app.inject({ method: 'GET', url: `/oauth/callback?code=${CANARY.code}&state=x`, headers: auth });
    await h.app.inject({
      method: 'GET',
      url: `/webhooks/zoho/${'Z'.repeat(8)}${CANARY.token.replace(/-/g, '')}xxxxxx`,
    });
    // A logger call from application code that carries secrets in an object.
    h.app.log.info(
      {
        credentials: { refresh_token: CANARY.refresh },
        req: { headers: { authorization: `Bearer ${operatorKey}` } },
      },
      'planted',
    );
    h.app.log.info(
      { tenant: { auth: { token: CANARY.token, code: CANARY.code, client_secret: CANARY.secret } } },
      'nested',
    );
    await h.queues.add('sync', { tenantId: id as `t_${string}`, full: true });

    const logs = h.logs();
    expect(logs).toContain('planted');
    expect(logs).toContain('[REDACTED]');
    for (const value of [...Object.values(CANARY), operatorKey]) expect(logs).not.toContain(value);

    // Responses and the audit log name fields, never values.
    const audit = await h.app.inject({
      method: 'GET',
      url: `${ADMIN_PREFIX}/tenants/${id}/audit`,
      headers: auth,
    });
    for (const value of Object.values(CANARY)) {
      expect(created.body).not.toContain(value);
      expect(audit.body).not.toContain(value);
    }

    // Nothing in clear in any table (public and the queue's schema).
    const dump = await h.store.db.query<{ t: string }>(
      `select string_agg(row_to_json(x)::text, '') as t from (
         select tenant_id, credentials_ct from tenants union all
         select tenant_id, detail::text from audit_log union all
         select queue, data::text from bullmq.job) x`,
    );
    for (const value of [...Object.values(CANARY), operatorKey]) expect(dump[0]!.t).not.toContain(value);
  });
});
