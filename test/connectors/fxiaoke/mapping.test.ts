// Mapping on the fact sheet's sample payloads (§2.3 vendor OpportunityObj sample, §2.7 real
// NewOpportunityObj tenant data): amount strings, ms dates, __r displays, option codes, omitted nulls.
import { describe, expect, it } from 'vitest';
import type { ObjectDescribe } from '../../../connectors/fxiaoke/fxiaoke.describe.js';
import {
  calendarDate,
  discoverStatusCodes,
  isoWithOffset,
  type MappingContext,
  mapAccount,
  mapDeal,
  mapPartner,
  statusCodesFrom,
} from '../../../connectors/fxiaoke/fxiaoke.mapping.js';
import { parseFxiaokeSettings } from '../../../connectors/fxiaoke/fxiaoke.settings.js';

const settings = parseFxiaokeSettings({
  operator: { openUserId: 'FSUID_X' },
  partnerFields: {
    level: 'partner_level__c',
    region: 'province',
    attributes: { Quarterly_Target: 'quarter_target__c' },
  },
  accountFields: { region: 'province', industry: 'industry' },
  dealFields: { attributes: { priority: 'field_lmjjf__c', stage: 'sales_stage' } },
});

const oppDescribe: ObjectDescribe = {
  api_name: 'NewOpportunityObj',
  fields: {
    name: { api_name: 'name', type: 'text' },
    amount: { api_name: 'amount', type: 'currency', decimal_places: 2 },
    close_date: { api_name: 'close_date', type: 'date', time_zone: 'GMT+8' },
    account_id: { api_name: 'account_id', type: 'object_reference', target_api_name: 'AccountObj' },
    partner_id: { api_name: 'partner_id', type: 'object_reference', target_api_name: 'PartnerObj' },
    sales_status: {
      api_name: 'sales_status',
      type: 'select_one',
      options: [
        { label: '进行中', value: '1' },
        { label: '赢单', value: '2' },
        { label: '输单', value: '3' },
      ],
    },
    sales_stage: {
      api_name: 'sales_stage',
      type: 'select_one',
      options: [
        { label: '初步接洽', value: '1' },
        { label: '贏單', value: '5' },
      ],
    },
    field_lmjjf__c: {
      api_name: 'field_lmjjf__c',
      type: 'select_one',
      options: [
        { label: '高', value: 'TvP3c4kMA' },
        { label: '低', value: 'x8Q' },
      ],
    },
    last_modified_time: { api_name: 'last_modified_time', type: 'date_time', time_zone: 'GMT+8' },
  },
};
const partnerDescribe: ObjectDescribe = {
  api_name: 'PartnerObj',
  fields: {
    name: { api_name: 'name', type: 'text' },
    partner_level__c: {
      api_name: 'partner_level__c',
      type: 'select_one',
      options: [
        { label: '金牌', value: 'g1' },
        { label: '银牌', value: 's1' },
      ],
    },
    province: { api_name: 'province', type: 'province' },
    quarter_target__c: { api_name: 'quarter_target__c', type: 'currency' },
  },
};
const accountDescribe: ObjectDescribe = {
  api_name: 'AccountObj',
  fields: {
    name: { api_name: 'name', type: 'text' },
    partner_id: { api_name: 'partner_id', type: 'object_reference', target_api_name: 'PartnerObj' },
    province: { api_name: 'province', type: 'province' },
    industry: { api_name: 'industry', type: 'select_one', options: [{ label: '制造业', value: '3' }] },
  },
};
const ctx: MappingContext = {
  settings,
  partner: partnerDescribe,
  account: accountDescribe,
  deal: oppDescribe,
  status: statusCodesFrom(oppDescribe, settings),
};

// §2.7, real tenant (S24): values exactly as listed there.
const realOpportunity = {
  _id: '650c09e8dc044f0001973eab',
  name: '勝美-育賢二-2023',
  amount: '21739535.00',
  close_date: 1690214400000,
  account_id: '6508f92086a6c8000190db97',
  account_id__r: '勝美建設股份有限公司',
  sales_stage: '5',
  sales_stage__r: '贏單',
  sales_status: '2',
  sales_status__r: '赢单',
  sales_process_id: '64ec36f86815cf000178aec1',
  sales_process_id__r: '建案销售流程',
  probability: 100,
  probability_amount: '21739535.00',
  stg_changed_time: 1697185975802,
  owner: ['FSUID_F8E5C73533927249281F06800BC975AA'],
  field_lmjjf__c: 'TvP3c4kMA',
  field_lmjjf__c__r: '高',
  life_status: 'normal',
  last_modified_time: 1697185975802,
  searchAfterId: ['1754092250913', '1754092250957931', '650c09e8dc044f0001973eab'],
};

describe('mapDeal on the real NewOpportunityObj sample', () => {
  it('maps amount string, ms close date (GMT+8 calendar day), won code 2 and option labels', () => {
    const r = mapDeal(realOpportunity, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.record).toEqual({
      id: '650c09e8dc044f0001973eab',
      name: '勝美-育賢二-2023',
      partnerId: null, // the sample has no partner lookup: absent, not invented
      accountId: '6508f92086a6c8000190db97',
      amount: '21739535.00',
      currency: 'CNY',
      status: 'won',
      closedAt: '2023-07-25', // 1690214400000 = 2023-07-25 00:00 in GMT+8
      csat: null,
      attributes: { priority: '高', stage: '贏單', statusLabel: '赢单' },
    });
    expect(r.value.modifiedAt).toBe(new Date(1697185975802).toISOString());
    expect(r.value.raw).toBe(realOpportunity);
  });

  it('labels come from the describe, not the record display, when the two differ', () => {
    const r = mapDeal({ ...realOpportunity, field_lmjjf__c: 'x8Q', field_lmjjf__c__r: '高' }, ctx);
    expect(r.ok && r.value.record.attributes.priority).toBe('低');
  });

  it('won/lost codes follow the describe, so a tenant whose 赢单 is "w" still maps', () => {
    const d: ObjectDescribe = {
      ...oppDescribe,
      fields: {
        ...oppDescribe.fields,
        sales_status: {
          api_name: 'sales_status',
          type: 'select_one',
          options: [
            { label: '赢单', value: 'w' },
            { label: '输单', value: '2' },
          ],
        },
      },
    };
    const c = { ...ctx, deal: d, status: statusCodesFrom(d, settings) };
    expect(
      mapDeal(realOpportunity, c).ok &&
        (mapDeal(realOpportunity, c) as { value: { record: { status: string } } }).value.record.status,
    ).toBe('lost');
    expect(discoverStatusCodes(d.fields.sales_status)).toEqual({ won: ['w'], lost: ['2'] });
  });

  it('omitted null fields stay absent: an open deal without amount is 0, a won one is quarantined', () => {
    const { amount: _a, close_date: _c, ...noAmount } = realOpportunity;
    const open = mapDeal({ ...noAmount, sales_status: '1' }, ctx);
    expect(open.ok && open.value.record).toMatchObject({ amount: '0', status: 'open', closedAt: null });
    const won = mapDeal(noAmount, ctx);
    expect(won).toMatchObject({
      ok: false,
      quarantined: { entity: 'deal', reason: 'won deal has no amount' },
    });
  });

  it('quarantines a non-decimal amount with the reason', () => {
    const r = mapDeal({ ...realOpportunity, amount: '1,000.00' }, ctx);
    expect(r).toMatchObject({ ok: false, quarantined: { id: realOpportunity._id } });
    if (!r.ok) expect(r.quarantined.reason).toContain('not a decimal');
  });

  it('an invalidated (作废) deal stops counting as won', () => {
    const r = mapDeal({ ...realOpportunity, life_status: 'invalid' }, ctx);
    expect(r.ok && r.value.record).toMatchObject({ status: 'lost', attributes: { lifeStatus: 'invalid' } });
  });

  it('uses mc_currency when the record carries one', () => {
    const r = mapDeal({ ...realOpportunity, mc_currency: 'USD' }, ctx);
    expect(r.ok && r.value.record.currency).toBe('USD');
  });
});

// §2.3 vendor sample (OpportunityObj 1.0 list + get fields).
describe('mapDeal on the vendor OpportunityObj sample', () => {
  const s1 = parseFxiaokeSettings({
    operator: { openUserId: 'FSUID_X' },
    objects: { deal: 'OpportunityObj' },
  });
  const d1: ObjectDescribe = {
    api_name: 'OpportunityObj',
    fields: {
      expected_deal_closed_date: { api_name: 'expected_deal_closed_date', type: 'date', time_zone: 'GMT+8' },
      account_id: { api_name: 'account_id', type: 'object_reference', target_api_name: 'AccountObj' },
    },
  };
  const vendor = {
    _id: '5ea6c76a442fcc00017ef9fe',
    sales_stg_changed_time: 1588040003479,
    account_id__r: '新建客户',
    account_id: '5ea6c6f1442fcc00017ef9b5',
    UDAttach1__c: [],
    expected_deal_closed_date: 1585929600000,
    created_by__r: { name: '蒋小川1', id: '1453', dept: '1000', tenantId: '590163', status: 0 },
    oppo_stage_id: '41a5807ad840477faa255bd50a65da5d',
    owner_department_id: '1000',
    owner_department: '董事会',
    UDSText2__c: '16',
    sales_process_name: '销售流程带售后',
    biz_status: 'running',
    lock_status: '0',
    create_time: 1587988330715,
    probability: '30',
    version: '14',
  };
  it('uses the OpportunityObj preset fields; no amount and no status → open deal worth 0', () => {
    const r = mapDeal(vendor, { ...ctx, settings: s1, deal: d1, status: statusCodesFrom(d1, s1) });
    expect(r.ok && r.value.record).toMatchObject({
      id: '5ea6c76a442fcc00017ef9fe',
      accountId: '5ea6c6f1442fcc00017ef9b5',
      status: 'open',
      amount: '0',
      closedAt: '2020-04-04',
    });
    expect(r.ok && r.value.modifiedAt).toBe(new Date(1587988330715).toISOString());
  });
});

describe('mapPartner / mapAccount', () => {
  it('maps option codes to labels, region from __r display, numeric attribute', () => {
    const r = mapPartner(
      {
        _id: 'p1',
        name: '上海信达科技有限公司',
        partner_level__c: 'g1',
        province: '310000',
        province__r: '上海市',
        quarter_target__c: '1200000.00',
        last_modified_time: 1700000000000,
      },
      ctx,
    );
    expect(r.ok && r.value.record).toEqual({
      id: 'p1',
      name: '上海信达科技有限公司',
      level: '金牌',
      region: '上海市',
      agreementEnd: null,
      attributes: { Quarterly_Target: 1200000 },
    });
  });
  it('omitted fields map to null, not to invented values', () => {
    const r = mapPartner({ _id: 'p2', name: '无等级伙伴' }, ctx);
    expect(r.ok && r.value.record).toMatchObject({ level: null, region: null, attributes: {} });
  });
  it('maps an account with its partner lookup and industry code', () => {
    const r = mapAccount(
      {
        _id: 'a1',
        name: '杭州远景制造',
        partner_id: 'p1',
        partner_id__r: '上海信达',
        province: '330000',
        province__r: '浙江省',
        industry: '3',
      },
      ctx,
    );
    expect(r.ok && r.value.record).toEqual({
      id: 'a1',
      name: '杭州远景制造',
      partnerId: 'p1',
      region: '浙江省',
      industry: '制造业',
      attributes: {},
    });
  });
  it('quarantines a record without _id', () => {
    expect(mapAccount({ name: 'x' }, ctx)).toMatchObject({
      ok: false,
      quarantined: { reason: 'record has no _id' },
    });
  });
});

describe('time helpers', () => {
  it('formats in GMT+8', () => {
    expect(calendarDate(Date.UTC(2027, 2, 31, 15, 30), 480)).toBe('2027-03-31');
    expect(calendarDate(Date.UTC(2027, 2, 31, 16, 30), 480)).toBe('2027-04-01');
    expect(isoWithOffset(1697185975802, 480)).toBe('2023-10-13T16:32:55.802+08:00');
  });
});
