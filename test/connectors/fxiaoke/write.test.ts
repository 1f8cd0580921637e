// Install check and write-back against the sandbox: which result fields exist (by api name
// or label), which an admin must create, discovered mapping, and both write paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultFields, ResultWrite } from '../../../connectors/contract.js';
import { parseFxiaokeSettings, RESULT_KEYS } from '../../../connectors/fxiaoke/fxiaoke.settings.js';
import { postIdFor, toFxValues } from '../../../connectors/fxiaoke/fxiaoke.write.js';
import { createFxiaokeHarness, type FxiaokeHarness } from './harness.js';

const fields = (i: number): ResultFields => ({
  tier: i % 2 ? '金牌' : '银牌',
  score: 93.75 + i,
  payout: `${60000 + i}.00`,
  period: '2026-Q4',
  rank: i + 1,
  nextTier: '白金',
  nextTierGap: 16.25,
  awards: '金牌伙伴; 区域前三',
  updated: '2026-11-26T10:00:00.000Z',
  details: JSON.stringify({ metrics: { revenue: { actual: '1250000.00' } } }),
  inputsHash: `sha256-${i}`,
});

describe('toFxValues', () => {
  it('writes numbers and currency as strings, date_time as ms, nulls as null', () => {
    const s = parseFxiaokeSettings({ operator: { openUserId: 'x' } });
    const v = toFxValues({ ...fields(0), rank: null, nextTier: null, nextTierGap: null }, s);
    expect(v).toEqual({
      ci_tier__c: '银牌',
      ci_score__c: '93.75',
      ci_payout__c: '60000.00',
      ci_period__c: '2026-Q4',
      ci_rank__c: null,
      ci_next_tier__c: null,
      ci_next_tier_gap__c: null,
      ci_awards__c: '金牌伙伴; 区域前三',
      ci_updated__c: Date.parse('2026-11-26T10:00:00.000Z'),
      ci_details__c: expect.any(String),
      ci_inputs_hash__c: 'sha256-0',
    });
  });
  it('postId is deterministic per tenant and content', () => {
    expect(postIdFor('t1', { a: 1 })).toBe(postIdFor('t1', { a: 1 }));
    expect(postIdFor('t1', { a: 1 })).not.toBe(postIdFor('t2', { a: 1 }));
    expect(postIdFor('t1', { a: 1 })).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});

describe('installFields', () => {
  let fresh: FxiaokeHarness;
  let labelled: FxiaokeHarness;
  beforeAll(async () => {
    fresh = await createFxiaokeHarness({ partners: 20, opportunities: 50, resultFields: 'none' });
    labelled = await createFxiaokeHarness({
      partners: 20,
      opportunities: 50,
      resultFields: 'labels',
      partnerLookupField: 'field_p8Xa2__c',
    });
  });
  afterAll(async () => {
    await fresh.close();
    await labelled.close();
  });

  it('on a fresh tenant lists every result field an admin must create, with types', async () => {
    const report = await fresh.makeConnector().installFields();
    expect(report.created).toEqual([]);
    expect(report.present).toEqual([]);
    expect(report.missing).toHaveLength(RESULT_KEYS.length);
    expect(report.missing.find((m) => m.apiName === 'ci_score__c')).toMatchObject({
      type: 'number (2 decimals)',
    });
    expect(report.missing.find((m) => m.apiName === 'ci_payout__c')).toMatchObject({
      type: 'currency (2 decimals)',
    });
    expect(report.missing.find((m) => m.apiName === 'ci_updated__c')).toMatchObject({ type: 'date_time' });
    expect(report.missing.find((m) => m.apiName === 'ci_details__c')).toMatchObject({ type: 'long_text' });
    expect(report.discoveredSettings).toMatchObject({
      dealFields: { partner: 'partner_id' },
      accountFields: { partner: 'partner_id' },
      dealStatus: { won: ['2'], lost: ['3'] },
    });
  });

  it('after the admin creates the fields in the UI, install finds them', async () => {
    for (const [i, key] of RESULT_KEYS.entries()) {
      if (i % 2) continue;
      fresh.sandbox.addField('PartnerObj', { api_name: `ci_${key}_x__c`, label: 'x', type: 'text' });
    }
    fresh.sandbox.addField('PartnerObj', { api_name: 'ci_tier__c', label: '激励等级', type: 'text' });
    const report = await fresh.makeConnector().installFields();
    expect(report.present).toContain('ci_tier__c');
    expect(report.missing.map((m) => m.apiName)).not.toContain('ci_tier__c');
  });

  it('finds UI-generated field_xxxxx__c fields by label and discovers a custom partner lookup', async () => {
    const report = await labelled.makeConnector().installFields();
    expect(report.missing).toEqual([]);
    expect(report.present).toHaveLength(RESULT_KEYS.length);
    expect(report.present.every((a) => /^field_[0-9A-Za-z]{5}__c$/.test(a))).toBe(true);
    const d = report.discoveredSettings as {
      resultFields: Record<string, string>;
      dealFields: { partner: string };
      customFields: { partner: { apiName: string }[] };
    };
    expect(Object.keys(d.resultFields).sort()).toEqual([...RESULT_KEYS].sort());
    expect(d.dealFields.partner).toBe('field_p8Xa2__c');
    expect(
      (report.discoveredSettings as { resultFieldMaxLength: Record<string, number> }).resultFieldMaxLength,
    ).toMatchObject({ details: 20_000, tier: 100 });
    expect(d.customFields.partner.map((f) => f.apiName)).toContain('field_Lv8p2__c');
    expect(d.customFields.partner.map((f) => f.apiName)).not.toContain(d.resultFields.tier);
  });

  it('discovered settings, applied to the tenant, drive mapping and write-back', async () => {
    const before = labelled.makeConnector();
    let credited = 0;
    for await (const p of before.listDeals()) credited += p.items.filter((i) => i.record.partnerId).length;
    expect(credited).toBe(0); // partner_id does not exist on this tenant: nothing is credited, nothing invented

    const d = (await before.installFields()).discoveredSettings as {
      accountFields: { partner: string };
      dealFields: { partner: string };
      dealStatus: { won: string[]; lost: string[] };
      resultFields: Record<string, string>;
    };
    const after = labelled.makeConnector({
      accountFields: { partner: d.accountFields.partner },
      dealFields: { partner: d.dealFields.partner },
      dealStatus: { won: d.dealStatus.won, lost: d.dealStatus.lost },
      resultFields: d.resultFields,
    });
    credited = 0;
    for await (const p of after.listDeals()) credited += p.items.filter((i) => i.record.partnerId).length;
    expect(credited).toBeGreaterThan(0);
    const partnerId = labelled.sandbox.tables.get('PartnerObj')!.rows[0]!._id as string;
    expect((await after.writeResults([{ partnerId, fields: fields(4) }]))[0]).toEqual({
      partnerId,
      ok: true,
    });
    expect(labelled.sandbox.record('PartnerObj', partnerId)![d.resultFields.score!]).toBe('97.75');
  });

  it('reports a field of the wrong type as missing with the reason', async () => {
    fresh.sandbox.addField('PartnerObj', { api_name: 'ci_score__c', label: '激励得分', type: 'text' });
    const report = await fresh.makeConnector().installFields();
    expect(report.missing.find((m) => m.apiName === 'ci_score__c')?.note).toMatch(
      /is text; create a number field/,
    );
  });
});

describe('write-back round trip', () => {
  let h: FxiaokeHarness;
  beforeAll(async () => {
    h = await createFxiaokeHarness({ partners: 300, opportunities: 100, resultFields: 'apiNames' });
  });
  afterAll(async () => {
    await h.close();
  });
  const partnerIds = () => h.sandbox.tables.get('PartnerObj')!.rows.map((r) => r._id as string);

  it('update mode: one data/update per partner with triggerWorkFlow false; values land in the CRM', async () => {
    const connector = h.makeConnector();
    const rows: ResultWrite[] = partnerIds()
      .slice(0, 5)
      .map((id, i) => ({ partnerId: id, fields: fields(i) }));
    h.sandbox.resetCalls();
    const out = await connector.writeResults(rows);
    expect(out.every((o) => o.ok)).toBe(true);
    expect(h.sandbox.calls.byPath['/cgi/crm/v2/data/update']).toBe(5);
    const rec = h.sandbox.record('PartnerObj', rows[2]!.partnerId)!;
    expect(rec).toMatchObject({
      ci_tier__c: '银牌',
      ci_score__c: '95.75',
      ci_payout__c: '60002.00',
      ci_rank__c: '3',
      ci_updated__c: Date.parse('2026-11-26T10:00:00.000Z'),
      ci_inputs_hash__c: 'sha256-2',
    });
    expect(h.sandbox.push.deliveries.filter((d) => d.kind === 'workflow')).toEqual([]);
  });

  it('update mode: a bad record fails alone with a permanent error, the others are written', async () => {
    const connector = h.makeConnector();
    const ids = partnerIds().slice(10, 13);
    const out = await connector.writeResults([
      { partnerId: ids[0]!, fields: fields(1) },
      { partnerId: '650a1e2cdc04ffffffffffff', fields: fields(2) },
      { partnerId: ids[2]!, fields: fields(3) },
    ]);
    expect(out.map((o) => o.ok)).toEqual([true, false, true]);
    const bad = out[1]!;
    expect(!bad.ok && bad.error.kind).toBe('permanent');
  });

  it('update mode: the daily quota running out stops the batch and pauses the tenant', async () => {
    const { connector, statuses } = h.make();
    await connector.installFields(); // token + describes before the quota trips
    h.sandbox.injectFault('/cgi/crm/v2/data/update', 30002, 100);
    const rows = partnerIds()
      .slice(20, 30)
      .map((id, i) => ({ partnerId: id, fields: fields(i) }));
    h.sandbox.resetCalls();
    const out = await connector.writeResults(rows);
    expect(out.every((o) => !o.ok && o.error.kind === 'quotaExhausted')).toBe(true);
    // At most the calls already in flight (concurrency 4) reach the CRM.
    expect(h.sandbox.calls.byPath['/cgi/crm/v2/data/update']).toBeLessThanOrEqual(4);
    expect(statuses.some((s) => s.status === 'paused' && s.until instanceof Date)).toBe(true);
    h.sandbox.clearFaults();
  });

  it('apl mode: 250 results in ceil(250/100) = 3 function calls; a retried batch writes nothing twice', async () => {
    const connector = h.makeConnector({ writeMode: 'apl' });
    expect(connector.limits.writeBatchSize).toBe(100);
    const rows: ResultWrite[] = partnerIds()
      .slice(0, 250)
      .map((id, i) => ({ partnerId: id, fields: fields(i) }));
    h.sandbox.resetCalls();
    const out = await connector.writeResults(rows);
    expect(out).toHaveLength(250);
    expect(out.every((o) => o.ok)).toBe(true);
    expect(h.sandbox.calls.byPath['/cgi/crm/v2/special/function']).toBe(3);
    const rec = h.sandbox.record('PartnerObj', rows[249]!.partnerId)!;
    expect(rec.ci_score__c).toBe(String(93.75 + 249));
    const version = rec.version;
    await connector.writeResults(rows.slice(200)); // same content → same postId
    expect(h.sandbox.record('PartnerObj', rows[249]!.partnerId)!.version).toBe(version);
  });

  it('apl mode: per-record failures reported by the function are per-record outcomes', async () => {
    const connector = h.makeConnector({ writeMode: 'apl' });
    const out = await connector.writeResults([
      { partnerId: partnerIds()[0]!, fields: { ...fields(7), inputsHash: 'new-hash' } },
      { partnerId: '650a1e2cdc04ffffffffffff', fields: fields(8) },
    ]);
    expect(out[0]).toEqual({ partnerId: partnerIds()[0], ok: true });
    expect(out[1]).toMatchObject({ ok: false, error: { kind: 'permanent' } });
  });
});
