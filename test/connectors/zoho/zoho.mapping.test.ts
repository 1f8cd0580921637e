import { describe, expect, it } from 'vitest';
import { mapAccount, mapDeal, mapPartner } from '../../../connectors/zoho/zoho.mapping.js';
import { parseZohoSettings } from '../../../connectors/zoho/zoho.settings.js';

const s = parseZohoSettings({});

describe('zoho mapping', () => {
  it('maps a records-API deal (lookups as {name,id}, $ metadata keys, Owner object)', () => {
    // Shape from the fact sheet §2.1 / §4.4 / §4.5 samples.
    const raw = {
      id: '554023000000527003',
      Owner: { name: 'Patricia Boyle', id: '554023000000235011', email: 'p.boyle@abc.com' },
      Deal_Name: 'v7 Update',
      Stage: 'Closed Won',
      Pipeline: 'Standard (Standard)',
      Amount: 250000.5,
      Currency: 'INR',
      Exchange_Rate: 83.1,
      $currency_symbol: 'Rs.',
      Closing_Date: '2027-02-14',
      Account_Name: { name: 'Contoso', id: '554023000000111001' },
      Channel_Partner: { name: 'Acme Distribution', id: '554023000000222001' },
      Customer_Satisfaction: 4.8,
      Modified_Time: '2021-05-02T11:17:33+05:30',
    };
    const m = mapDeal(raw, s);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.value.record).toEqual({
      id: '554023000000527003',
      name: 'v7 Update',
      partnerId: '554023000000222001',
      accountId: '554023000000111001',
      amount: '250000.5',
      currency: 'INR',
      status: 'won',
      closedAt: '2027-02-14',
      csat: 4.8,
      attributes: { stage: 'Closed Won', exchangeRate: '83.1' },
    });
    expect(m.value.modifiedAt).toBe('2021-05-02T11:17:33+05:30');
  });

  it('maps a COQL deal (lookups as {id}); lost and open stages; no currency falls back to the home currency', () => {
    const lost = mapDeal(
      {
        id: '1',
        Deal_Name: 'x',
        Stage: 'Closed Lost to Competition',
        Amount: 10,
        Channel_Partner: { id: '9' },
      },
      s,
    );
    expect(lost.ok && lost.value.record).toMatchObject({ status: 'lost', partnerId: '9', currency: 'USD' });
    const open = mapDeal({ id: '2', Stage: 'Negotiation/Review', Amount: '99.90', Channel_Partner: null }, s);
    expect(open.ok && open.value.record).toMatchObject({ status: 'open', partnerId: null, amount: '99.90' });
  });

  it('quarantines bad deals with a reason naming the field', () => {
    const noAmount = mapDeal({ id: '3', Stage: 'Closed Won', Amount: null }, s);
    expect(noAmount).toMatchObject({ ok: false, quarantined: { id: '3', reason: 'Amount is empty' } });
    const badAmount = mapDeal({ id: '4', Stage: 'Closed Won', Amount: 'lots' }, s);
    expect(badAmount.ok).toBe(false);
    if (!badAmount.ok) expect(badAmount.quarantined.reason).toMatch(/Amount is not a number/);
    const badCurrency = mapDeal({ id: '5', Amount: 1, Currency: 'Rupees' }, s);
    expect(badCurrency.ok).toBe(false);
    if (!badCurrency.ok) expect(badCurrency.quarantined.reason).toMatch(/^currency:/);
  });

  it('honours overridden mappings (custom won stage and partner lookup)', () => {
    const custom = parseZohoSettings({
      wonStages: ['Signed'],
      dealFields: { partner: 'Reseller', amount: 'Net_Amount' },
    });
    const m = mapDeal({ id: '6', Stage: 'Signed', Net_Amount: 5, Reseller: { id: '77' } }, custom);
    expect(m.ok && m.value.record).toMatchObject({ status: 'won', partnerId: '77', amount: '5' });
  });

  it('maps a partner account with level, region, target as a decimal string', () => {
    const m = mapPartner(
      {
        id: '554023000000222001',
        Account_Name: '华东渠道科技有限公司',
        Account_Type: 'Reseller',
        Partner_Level: 'Gold',
        Billing_State: '上海',
        Quarterly_Target: 1200000,
        Modified_Time: '2026-01-01T00:00:00+08:00',
      },
      s,
    );
    expect(m.ok && m.value.record).toEqual({
      id: '554023000000222001',
      name: '华东渠道科技有限公司',
      level: 'Gold',
      region: '上海',
      agreementEnd: null,
      attributes: { Quarterly_Target: '1200000', Account_Type: 'Reseller' },
    });
  });

  it('maps a customer account', () => {
    const m = mapAccount({ id: 'A1', Account_Name: 'Contoso', Billing_State: 'CA', Industry: 'Retail' }, s);
    expect(m.ok && m.value.record).toEqual({
      id: 'A1',
      name: 'Contoso',
      partnerId: null,
      region: 'CA',
      industry: 'Retail',
      attributes: {},
    });
  });

  it('rejects settings that are not api names, naming the path', () => {
    expect(() => parseZohoSettings({ dealFields: { partner: 'Channel Partner' } })).toThrow(
      /dealFields.partner/,
    );
  });
});
