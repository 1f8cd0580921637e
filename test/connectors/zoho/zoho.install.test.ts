// installFields against orgs that differ from the defaults.
import { afterEach, describe, expect, it } from 'vitest';
import { ZohoSandbox } from '../../../connectors/zoho/sandbox/sandbox.server.js';
import { parseZohoSettings } from '../../../connectors/zoho/zoho.settings.js';
import { connectorFor, tenantFor } from './zoho.harness.js';

let sb: ZohoSandbox | null = null;
afterEach(async () => {
  await sb?.close();
  sb = null;
});

describe('zoho installFields', () => {
  it('discovers won/lost stages, the partner lookup and the base currency', async () => {
    sb = await ZohoSandbox.start({ seed: { partners: 5, deals: 20 } });
    const report = await connectorFor(tenantFor(sb)).installFields();
    expect(report.created).toHaveLength(10);
    expect(report.missing).toEqual([]);
    expect(report.discoveredSettings).toMatchObject({
      wonStages: ['Closed Won'],
      lostStages: ['Closed Lost', 'Closed Lost to Competition'],
      partnerLookupFound: true,
      homeCurrency: 'USD',
      resultFields: { tier: 'Incentive_Tier', details: 'Incentive_Details' },
    });
    // What install discovers is valid settings as it stands.
    expect(() => parseZohoSettings(report.discoveredSettings)).not.toThrow();
  });

  it('on an org without optional fields, maps them to null so COQL never names a missing column', async () => {
    sb = await ZohoSandbox.start({ seed: { partners: 5, deals: 40 } });
    sb.org.module('Deals')!.removeField('Customer_Satisfaction');
    sb.org.module('Accounts')!.removeField('Partner_Level');
    const t = tenantFor(sb);
    const report = await connectorFor(t).installFields();
    expect(report.discoveredSettings).toMatchObject({
      dealFields: { csat: null, partner: 'Channel_Partner' },
      partnerFields: { level: null, target: 'Quarterly_Target' },
    });
    // With the discovered settings stored, sync works on that org.
    const {
      resultFields: _r,
      partnerLookupFound: _p,
      ...settings
    } = report.discoveredSettings as Record<string, unknown>;
    const c = connectorFor(tenantFor(sb, { settings: settings as never }));
    let deals = 0;
    for await (const page of c.listDeals()) deals += page.items.length + page.quarantined.length;
    expect(deals).toBe(40);
    let partners = 0;
    for await (const page of c.listPartners()) partners += page.items.length;
    expect(partners).toBe(5);
  });

  it('reports the fields a Standard edition cannot hold (custom field cap) with the reason', async () => {
    sb = await ZohoSandbox.start({ edition: 'standard', seed: { partners: 3, deals: 5 } });
    const report = await connectorFor(tenantFor(sb)).installFields();
    // Accounts already carries 2 custom fields; the cap is 10.
    expect(report.created).toHaveLength(8);
    expect(report.missing).toHaveLength(2);
    for (const m of report.missing) expect(m.note).toMatch(/LIMIT_EXCEEDED/);
    const again = await connectorFor(tenantFor(sb)).installFields();
    expect(again.created).toEqual([]);
    expect(again.present).toHaveLength(8);
  });

  it('a renamed won stage is found by its probability', async () => {
    sb = await ZohoSandbox.start({ seed: { partners: 3, deals: 5 } });
    const stage = sb.org.module('Deals')!.field('Stage')!;
    const won = stage.pick_list_values.find((v) => v.probability === 100)!;
    won.display_value = '赢单';
    won.actual_value = '赢单';
    const report = await connectorFor(tenantFor(sb)).installFields();
    expect(report.discoveredSettings).toMatchObject({ wonStages: ['赢单'] });
  });
});
