// Conformance: the official @zohocrm/typescript-sdk-8.0 (dev dependency only), pointed
// at the sandbox through a custom Environment, must be able to authenticate, read
// deals and partner accounts (records API with page_token, and COQL) and update a
// record. If Zoho's own client cannot parse our sandbox, the sandbox is wrong.
// The SDK keeps process-global state (that is why production code does not use it);
// this file is its own vitest worker, so nothing else shares that state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SDK from '@zohocrm/typescript-sdk-8.0';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';

let sb: ZohoSandbox;
let dir: string;

beforeAll(async () => {
  sb = await ZohoSandbox.start({ seed: { seed: 11, partners: 40, deals: 450 } });
  dir = mkdtempSync(join(tmpdir(), 'zoho-sdk-'));
  const environment = new SDK.Environment(sb.url, `${sb.url}/oauth/v2/token`, sb.url);
  const token = new SDK.OAuthBuilder()
    .clientId(sb.clientId)
    .clientSecret(sb.clientSecret)
    .refreshToken(sb.oauth.issueRefreshToken(sb.clientId))
    .findUser(false)
    .build();
  await (await new SDK.InitializeBuilder())
    .environment(environment)
    .token(token)
    .store(new SDK.FileStore(join(dir, 'tokens.txt')))
    .SDKConfig(new SDK.SDKConfigBuilder().pickListValidation(true).autoRefreshFields(false).build())
    .resourcePath(dir)
    .logger(new SDK.LogBuilder().level(SDK.Levels.OFF).build())
    .initialize();
});

afterAll(async () => {
  await sb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('official Zoho SDK against the sandbox', () => {
  it('refreshes its token at the sandbox accounts endpoint and reads deals across page_token', async () => {
    const ops = new SDK.Record.RecordOperations('Deals');
    const seen: string[] = [];
    let pageToken: string | null = null;
    for (let page = 1; page <= 3; page++) {
      const params = new SDK.ParameterMap();
      await params.add(
        SDK.Record.GetRecordsParam.FIELDS,
        'Deal_Name,Amount,Stage,Closing_Date,Channel_Partner,Currency,Exchange_Rate',
      );
      await params.add(SDK.Record.GetRecordsParam.PER_PAGE, 200);
      if (pageToken) await params.add(SDK.Record.GetRecordsParam.PAGE_TOKEN, pageToken);
      const res = await ops.getRecords(params);
      expect(res.getStatusCode()).toBe(200);
      const body = res.getObject();
      expect(body).toBeInstanceOf(SDK.Record.ResponseWrapper);
      if (!(body instanceof SDK.Record.ResponseWrapper)) return;
      for (const r of body.getData()) {
        seen.push(String(r.getId()));
        expect(typeof r.getKeyValue('Deal_Name')).toBe('string');
        const amount = r.getKeyValue('Amount');
        expect(amount === null || typeof amount === 'number').toBe(true);
        expect(r.getKeyValue('Closing_Date')).toBeInstanceOf(Date);
      }
      const info = body.getInfo();
      if (!info.getMoreRecords()) break;
      pageToken = info.getNextPageToken();
      expect(pageToken).toBeTruthy();
    }
    expect(seen.length).toBe(450);
    expect(new Set(seen).size).toBe(450);
    expect(sb.getStats().tokenRequests).toBeGreaterThanOrEqual(1);
  });

  it('reads partner accounts through COQL, with lookups as records', async () => {
    const body = new SDK.Coql.BodyWrapper();
    body.setSelectQuery(
      "select Account_Name, Account_Type, Partner_Level, Quarterly_Target from Accounts where Account_Type in ('Partner', 'Reseller', 'Distributor') limit 200",
    );
    const res = await new SDK.Coql.CoqlOperations().getRecords(body);
    expect(res.getStatusCode()).toBe(200);
    const wrapper = res.getObject();
    expect(wrapper).toBeInstanceOf(SDK.Coql.ResponseWrapper);
    if (!(wrapper instanceof SDK.Coql.ResponseWrapper)) return;
    const rows = wrapper.getData();
    expect(rows).toHaveLength(40);
    for (const r of rows)
      expect(['Partner', 'Reseller', 'Distributor']).toContain(String(r.getKeyValue('Account_Type')));
    expect(wrapper.getInfo().getMoreRecords()).toBe(false);
  });

  it('updates a partner account with trigger [] and gets a SuccessResponse; a bad value gets an APIException', async () => {
    const id = sb.seedSummary.partnerIds[0]!;
    const ok = new SDK.Record.Record();
    ok.setId(BigInt(id));
    ok.addKeyValue('Billing_State', '浙江');
    const bad = new SDK.Record.Record();
    // The SDK checks value types against the sandbox's field metadata before sending
    // (a string for a currency field never leaves the client), so the server-side
    // INVALID_DATA is provoked with a record id that does not exist.
    bad.setId(5725767999999999999n);
    bad.addKeyValue('Billing_State', 'Texas');
    const request = new SDK.Record.BodyWrapper();
    request.setData([ok, bad]);
    request.setTrigger([]);
    const res = await new SDK.Record.RecordOperations('Accounts').updateRecords(request);
    expect(res.getStatusCode()).toBe(207);
    const wrapper = res.getObject();
    expect(wrapper).toBeInstanceOf(SDK.Record.ActionWrapper);
    if (!(wrapper instanceof SDK.Record.ActionWrapper)) return;
    const [first, second] = wrapper.getData();
    expect(first).toBeInstanceOf(SDK.Record.SuccessResponse);
    expect(second).toBeInstanceOf(SDK.Record.APIException);
    if (second instanceof SDK.Record.APIException) expect(second.getCode().getValue()).toBe('INVALID_DATA');
    expect(sb.org.module('Accounts')!.records.get(id)!.Billing_State).toBe('浙江');
  });

  it("types values by the sandbox's field metadata (a currency field is a Double to the SDK)", async () => {
    const rec = new SDK.Record.Record();
    rec.setId(BigInt(sb.seedSummary.partnerIds[2]!));
    rec.addKeyValue('Quarterly_Target', 'not a number');
    const request = new SDK.Record.BodyWrapper();
    request.setData([rec]);
    await expect(new SDK.Record.RecordOperations('Accounts').updateRecords(request)).rejects.toThrow(
      /"accepted-type":"Double"/,
    );
  });
});
