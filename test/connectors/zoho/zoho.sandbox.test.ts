// The sandbox follows Zoho's documented rules (fact sheet §2, §4, §5, §6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';

let sb: ZohoSandbox;
let auth: Record<string, string>;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** A local notify_url: collects the JSON bodies the sandbox's watch channels POST. */
async function callbackReceiver() {
  const received: Record<string, unknown>[] = [];
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    received,
    port: (server.address() as import('node:net').AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { seed: 3, partners: 30, deals: 2500 } });
  const rt = sb.oauth.issueRefreshToken(sb.clientId);
  const tok = await fetch(`${sb.url}/oauth/v2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
      refresh_token: rt,
    }),
  }).then((r) => r.json() as Promise<{ access_token: string; api_domain: string; expires_in: number }>);
  expect(tok.api_domain).toBe(sb.url);
  expect(tok.expires_in).toBe(3600);
  auth = { authorization: `Zoho-oauthtoken ${tok.access_token}` };
});
afterAll(() => sb.close());

describe('zoho sandbox', () => {
  it('is deterministic per seed, with several currencies and Chinese and English names', () => {
    const a = new ZohoSandbox({ seed: { seed: 9, partners: 10, deals: 50 } });
    const b = new ZohoSandbox({ seed: { seed: 9, partners: 10, deals: 50 } });
    const recs = (s: ZohoSandbox) => [...s.org.module('Deals')!.records.values()].map((r) => ({ ...r }));
    expect(recs(a)).toEqual(recs(b));
    const names = [...sb.org.module('Accounts')!.records.values()].map((r) => String(r.Account_Name));
    expect(names.some((n) => /[\u4e00-\u9fff]/.test(n))).toBe(true);
    expect(names.some((n) => /^[A-Za-z]/.test(n))).toBe(true);
    const currencies = new Set([...sb.org.module('Deals')!.records.values()].map((r) => r.Currency));
    expect(currencies.size).toBeGreaterThanOrEqual(3);
  });

  it('rejects unauthenticated calls with INVALID_TOKEN', async () => {
    const res = await fetch(`${sb.url}/crm/v8/Deals?fields=Deal_Name`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 'INVALID_TOKEN',
      details: {},
      message: 'invalid oauth token',
      status: 'error',
    });
  });

  it('GET records: fields required and at most 50, per_page at most 200', async () => {
    expect((await api('GET', '/crm/v8/Deals')).body.code).toBe('REQUIRED_PARAM_MISSING');
    const many = Array.from({ length: 51 }, () => 'Deal_Name').join(',');
    expect((await api('GET', `/crm/v8/Deals?fields=${many}`)).body.code).toBe('LIMIT_EXCEEDED');
    expect((await api('GET', '/crm/v8/Deals?fields=Deal_Name&per_page=201')).body.code).toBe('INVALID_DATA');
    expect((await api('GET', '/crm/v8/Nope?fields=Deal_Name')).body.code).toBe('INVALID_MODULE');
  });

  it('GET records: page reaches 2,000 records, then page_token bound to the params', async () => {
    const p10 = await api('GET', '/crm/v8/Deals?fields=Deal_Name&page=10');
    expect(p10.status).toBe(200);
    expect(p10.body.info.more_records).toBe(true);
    expect((await api('GET', '/crm/v8/Deals?fields=Deal_Name&page=11')).body.code).toBe(
      'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
    );
    const token = p10.body.info.next_page_token as string;
    const p11 = await api('GET', `/crm/v8/Deals?fields=Deal_Name&page_token=${token}`);
    expect(p11.status).toBe(200);
    expect(p11.body.info.page).toBe(11);
    expect((await api('GET', `/crm/v8/Deals?fields=Amount&page_token=${token}`)).body.code).toBe(
      'TOKEN_BOUND_DATA_MISMATCH',
    );
    expect((await api('GET', `/crm/v8/Deals?fields=Deal_Name&page=2&page_token=${token}`)).body.code).toBe(
      'AMBIGUITY_DURING_PROCESSING',
    );
    expect((await api('GET', '/crm/v8/Deals?fields=Deal_Name&page_token=nope')).body.code).toBe(
      'INVALID_DATA',
    );
  });

  it('GET records: If-Modified-Since filters, 304 when nothing changed, lookups as {name,id}', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 19) + '+00:00';
    expect(
      (await api('GET', '/crm/v8/Deals?fields=Deal_Name', undefined, { 'If-Modified-Since': future })).status,
    ).toBe(304);
    const id = sb.org.module('Deals')!.ids[5]!;
    const since = new Date(Date.now() - 1000).toISOString().slice(0, 19) + '+00:00';
    sb.setDealStage(id, 'Closed Won');
    const res = await api('GET', '/crm/v8/Deals?fields=Deal_Name,Channel_Partner', undefined, {
      'If-Modified-Since': since,
    });
    expect(res.body.data.map((r: { id: string }) => r.id)).toContain(id);
    const withPartner = res.body.data.find((r: { Channel_Partner: unknown }) => r.Channel_Partner);
    if (withPartner) expect(Object.keys(withPartner.Channel_Partner).sort()).toEqual(['id', 'name']);
  });

  it('COQL: 2,000 per call, brackets for more than two criteria, offset limit, credits by LIMIT band', async () => {
    sb.resetStats();
    const q = (s: string) => api('POST', '/crm/v8/coql', { select_query: s });
    expect((await q('select Deal_Name from Deals where id > 0 limit 2001')).body.code).toBe('LIMIT_EXCEEDED');
    expect(
      (await q("select Deal_Name from Deals where Stage = 'x' and Amount > 1 and id > 0")).body.code,
    ).toBe('SYNTAX_ERROR');
    expect((await q('select Deal_Name from Deals where id > 0 limit 99000, 2000')).body.code).toBe(
      'LIMIT_EXCEEDED',
    );
    expect((await q('select Nope from Deals where id > 0')).body.code).toBe('INVALID_QUERY');
    const big = await q(
      "select Deal_Name, Channel_Partner.Account_Name from Deals where (Stage = 'Closed Won' and id > 0) limit 2000",
    );
    expect(big.status).toBe(200);
    expect(big.body.data[0]).toHaveProperty(['Channel_Partner.Account_Name']);
    const small = await q('select Deal_Name from Deals where id > 0 limit 200');
    expect(small.body.data).toHaveLength(200);
    expect((await q("select Deal_Name from Deals where Deal_Name = 'no such deal'")).status).toBe(204);
    const stats = sb.getStats().byEndpoint['POST /crm/v8/coql']!;
    expect(stats.credits).toBe(3 + 1 + 1); // 2000-band, 200-band, and the empty 200-band query
  });

  it('COQL by id (= and in, alone or under and) gives the rows a scan gives, in id order', async () => {
    // No rows: 204 and no body.
    const q = async (s: string) => (await api('POST', '/crm/v8/coql', { select_query: s })).body ?? {};
    const ids = sb.org.module('Deals')!.ids;
    const [a, b, c] = [ids[5]!, ids[2]!, ids[9]!];
    const named = await q(
      `select Deal_Name, Stage from Deals where id in (${a}, ${b}, ${c}, 5725767999999999999)`,
    );
    expect(named.data.map((r: { id: string }) => r.id)).toEqual([b, a, c]);
    // The same rows through a condition the sandbox must scan for.
    const scanned = await q(`select Deal_Name, Stage from Deals where id >= ${b} and id <= ${c} limit 2000`);
    const wanted = new Set([a, b, c]);
    expect(named.data).toEqual(scanned.data.filter((r: { id: string }) => wanted.has(r.id)));
    // Further criteria still apply; a leading zero names the same record (ids compare as integers).
    const stage = named.data.find((r: { id: string }) => r.id === a).Stage;
    const both = await q(`select Stage from Deals where (id in (${a}, ${b}) and Stage = '${stage}')`);
    expect(both.data.map((r: { id: string }) => r.id)).toContain(a);
    expect(
      (await q(`select Stage from Deals where id = 0${a}`)).data.map((r: { id: string }) => r.id),
    ).toEqual([a]);
    expect((await q('select Stage from Deals where id = 5725767999999999999')).data).toBeUndefined();
  });

  it('PUT: per-record results, INVALID_DATA for bad values, 207 for mixed, 100 records at most', async () => {
    const [a, b] = sb.org.module('Accounts')!.ids;
    const res = await api('PUT', '/crm/v8/Accounts', {
      data: [
        { id: a, Billing_State: 'Texas' },
        { id: b, Quarterly_Target: 'lots' },
        { id: '5725767999999999999', Billing_State: 'x' },
        { Billing_State: 'no id' },
      ],
      trigger: [],
    });
    expect(res.status).toBe(207);
    expect(res.body.data.map((d: { code: string }) => d.code)).toEqual([
      'SUCCESS',
      'INVALID_DATA',
      'INVALID_DATA',
      'MANDATORY_NOT_FOUND',
    ]);
    expect(res.body.data[1].details).toMatchObject({
      api_name: 'Quarterly_Target',
      json_path: '$.data[1].Quarterly_Target',
    });
    const tooMany = await api('PUT', '/crm/v8/Accounts', {
      data: Array.from({ length: 101 }, () => ({ id: a })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('LIMIT_EXCEEDED');
  });

  it('Fields API: at most 5 per call, only ids in the response, duplicates refused', async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ field_label: `X ${i}`, data_type: 'text' }));
    expect((await api('POST', '/crm/v8/settings/fields?module=Accounts', { fields: six })).body.code).toBe(
      'LIMIT_EXCEEDED',
    );
    const made = await api('POST', '/crm/v8/settings/fields?module=Accounts', {
      fields: [{ field_label: 'Partner Score', data_type: 'double', length: 16, decimal_place: 2 }],
    });
    expect(made.body.fields[0]).toEqual({
      code: 'SUCCESS',
      details: { id: expect.any(String) },
      message: 'field created',
      status: 'success',
    });
    const list = await api('GET', '/crm/v8/settings/fields?module=Accounts');
    expect(
      list.body.fields.find((f: { id: string }) => f.id === made.body.fields[0].details.id).api_name,
    ).toBe('Partner_Score');
    const dup = await api('POST', '/crm/v8/settings/fields?module=Accounts', {
      fields: [{ field_label: 'Partner Score', data_type: 'text' }],
    });
    expect(dup.body.fields[0].code).toBe('DUPLICATE_DATA');
  });

  it('watch: token at most 50 characters, expiry capped (default one hour), expired channels stay silent', async () => {
    const long = await api('POST', '/crm/v8/actions/watch', {
      watch: [
        {
          channel_id: '1',
          events: ['Deals.edit'],
          notify_url: 'http://127.0.0.1:9/x',
          token: 'x'.repeat(51),
        },
      ],
    });
    expect(long.body.watch[0].code).toBe('INVALID_DATA');
    const far = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 19) + '+00:00';
    const ok = await api('POST', '/crm/v8/actions/watch', {
      watch: [
        { channel_id: '2', events: ['Deals.edit'], notify_url: 'http://127.0.0.1:9/x', channel_expiry: far },
      ],
    });
    const expiry = Date.parse(ok.body.watch[0].details.events[0].channel_expiry);
    expect(expiry - Date.now()).toBeLessThanOrEqual(3_600_000 + 2000);
    await api('DELETE', '/crm/v8/actions/watch?channel_ids=1,2');
  });

  it('concurrency: calls beyond the edition limit get 429 TOO_MANY_REQUESTS', async () => {
    const slow = new ZohoSandbox({ edition: 'free', latencyMs: 100, seed: { partners: 2, deals: 5 } });
    await slow.listen(0, '127.0.0.1');
    try {
      const rt = slow.oauth.issueRefreshToken(slow.clientId);
      const tok = (await fetch(`${slow.url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: slow.clientId,
          client_secret: slow.clientSecret,
          refresh_token: rt,
        }),
      }).then((r) => r.json())) as { access_token: string };
      const calls = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${slow.url}/crm/v8/Deals?fields=Deal_Name`, {
            headers: { authorization: `Zoho-oauthtoken ${tok.access_token}` },
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string } })),
        ),
      );
      const limited = calls.filter((c) => c.status === 429);
      expect(limited.length).toBe(3);
      expect(limited[0]!.body.code).toBe('TOO_MANY_REQUESTS');
    } finally {
      await slow.close();
    }
  });

  it('credits: past half the daily budget the remaining credits are announced; at zero, 429', async () => {
    const tiny = new ZohoSandbox({ dailyCredits: 4, seed: { partners: 2, deals: 5 } });
    await tiny.listen(0, '127.0.0.1');
    try {
      const rt = tiny.oauth.issueRefreshToken(tiny.clientId);
      const tok = (await fetch(`${tiny.url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: tiny.clientId,
          client_secret: tiny.clientSecret,
          refresh_token: rt,
        }),
      }).then((r) => r.json())) as { access_token: string };
      const h = { authorization: `Zoho-oauthtoken ${tok.access_token}` };
      const seen: (string | null)[] = [];
      let last = 0;
      for (let i = 0; i < 5; i++) {
        const r = await fetch(`${tiny.url}/crm/v8/Deals?fields=Deal_Name`, { headers: h });
        await r.arrayBuffer();
        seen.push(r.headers.get('x-api-credits-remaining'));
        last = r.status;
      }
      expect(seen.slice(0, 4)).toEqual([null, '2', '1', '0']);
      expect(last).toBe(429);
    } finally {
      await tiny.close();
    }
  });

  it('search: criteria with Zoho escapes, equals behaves like contains, 2,000-record cap', async () => {
    const name = String(sb.org.module('Accounts')!.records.get(sb.seedSummary.partnerIds[0]!)!.Account_Name);
    const part = encodeURIComponent(`(Account_Name:equals:${name.slice(0, 4).replace(/([(),])/g, '\\$1')})`);
    const hit = await api('GET', `/crm/v8/Accounts/search?criteria=${part}`);
    expect(hit.status).toBe(200);
    expect(hit.body.data.some((r: { Account_Name: string }) => r.Account_Name === name)).toBe(true);
    const typed = encodeURIComponent('((Account_Type:in:Partner,Reseller)and(Billing_State:equals:上海))');
    const both = await api('GET', `/crm/v8/Accounts/search?criteria=${typed}`);
    if (both.status === 200) {
      for (const r of both.body.data) expect(['Partner', 'Reseller']).toContain(r.Account_Type);
    }
    expect((await api('GET', `/crm/v8/Deals/search?criteria=${part}&page=11&per_page=200`)).body.code).toBe(
      'LIMIT_REACHED',
    );
    expect((await api('GET', '/crm/v8/Deals/search')).body.code).toBe('REQUIRED_PARAM_MISSING');
  });

  it('deleted records: listed with If-Modified-Since, 204 when none', async () => {
    const since = new Date(Date.now() - 1000).toISOString().slice(0, 19) + '+00:00';
    const id = sb.org.module('Deals')!.ids[0]!;
    sb.userDelete('Deals', id);
    const res = await api('GET', '/crm/v8/Deals/deleted?type=all', undefined, { 'If-Modified-Since': since });
    expect(res.body.data.map((d: { id: string }) => d.id)).toEqual([id]);
    expect(Object.keys(res.body.data[0]).sort()).toEqual([
      'created_by',
      'deleted_by',
      'deleted_time',
      'display_name',
      'id',
      'type',
    ]);
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 19) + '+00:00';
    expect(
      (await api('GET', '/crm/v8/Deals/deleted?type=all', undefined, { 'If-Modified-Since': future })).status,
    ).toBe(204);
    expect((await api('GET', '/crm/v8/Deals/deleted?type=bogus')).body.code).toBe('INVALID_DATA');
  });

  it('watch: an expired channel sends nothing; a live one honours its field condition', async () => {
    const { received, port, close } = await callbackReceiver();
    try {
      const stageFieldId = sb.org.module('Deals')!.field('Stage')!.id;
      await api('POST', '/crm/v8/actions/watch', {
        watch: [
          {
            channel_id: '77',
            events: ['Deals.edit'],
            notify_url: `http://127.0.0.1:${port}/n?k=abc`,
            token: 'tok',
            notification_condition: [
              {
                type: 'field_selection',
                module: { api_name: 'Deals', id: sb.org.module('Deals')!.id },
                field_selection: {
                  group_operator: 'or',
                  group: [{ field: { api_name: 'Stage', id: stageFieldId } }],
                },
              },
            ],
          },
        ],
      });
      const id = sb.org.module('Deals')!.ids[10]!;
      sb.userUpdate('Deals', id, { Deal_Name: 'renamed only' }); // not a watched field
      const stage =
        sb.org.module('Deals')!.records.get(id)!.Stage === 'Closed Lost' ? 'Qualification' : 'Closed Lost';
      sb.setDealStage(id, stage);
      await sb.watch.idle();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        ids: [id],
        operation: 'update',
        channel_id: '77',
        token: 'tok',
        query_params: { k: 'abc' },
        module: 'Deals',
      });
      sb.watch.channels.get('77')!.expiresAt = Date.now() - 1;
      sb.setDealStage(id, stage === 'Closed Lost' ? 'Closed Won' : 'Closed Lost');
      await sb.watch.idle();
      expect(received).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it('mass update: every record changed, ONE notification naming all their ids', async () => {
    const { received, port, close } = await callbackReceiver();
    try {
      await api('POST', '/crm/v8/actions/watch', {
        watch: [
          { channel_id: '78', events: ['Deals.edit'], notify_url: `http://127.0.0.1:${port}/m`, token: 't' },
        ],
      });
      const deals = sb.org.module('Deals')!;
      const ids = deals.ids.slice(100, 130);
      sb.userMassUpdate('Deals', ids, { Stage: 'Closed Won', Closing_Date: '2027-01-15' });
      await sb.watch.idle();
      expect(received).toEqual([expect.objectContaining({ ids, operation: 'update' })]);
      for (const id of ids) {
        expect(deals.records.get(id)).toMatchObject({
          Stage: 'Closed Won',
          Closing_Date: '2027-01-15',
          Probability: 100,
        });
      }
    } finally {
      sb.watch.remove(['78']);
      await close();
    }
  });

  it('insert and upsert: mandatory fields, per-record results, duplicate check on the name field', async () => {
    const ins = await api('POST', '/crm/v8/Accounts', {
      data: [{ Account_Name: 'New Partner 新伙伴', Account_Type: 'Partner' }, { Account_Type: 'Partner' }],
    });
    expect(ins.status).toBe(207);
    expect(ins.body.data.map((d: { code: string }) => d.code)).toEqual(['SUCCESS', 'MANDATORY_NOT_FOUND']);
    expect(ins.body.data[1].details.api_name).toBe('Account_Name');
    const id = ins.body.data[0].details.id as string;
    const up = await api('POST', '/crm/v8/Accounts/upsert', {
      data: [{ Account_Name: 'New Partner 新伙伴', Billing_State: '四川' }, { Account_Name: 'Another One' }],
    });
    expect(up.status).toBe(200);
    expect(up.body.data[0]).toMatchObject({
      action: 'update',
      duplicate_field: 'Account_Name',
      details: { id },
    });
    expect(up.body.data[1]).toMatchObject({ action: 'insert', message: 'record added' });
    expect(sb.org.module('Accounts')!.records.get(id)!.Billing_State).toBe('四川');
  });
});
