import { describe, expect, it } from 'vitest';
import { DISCOVERED_KEY, mergeDiscovered } from '../../src/jobs/settings-merge.js';

describe('mergeDiscovered', () => {
  it('fills what the admin left unset, key by key inside objects', () => {
    const r = mergeDiscovered(
      { dealFields: { partner: 'My_Partner' }, edition: 'enterprise' },
      { dealFields: { partner: 'Channel_Partner', csat: null }, wonStages: ['Closed Won'] },
    );
    expect(r.settings).toEqual({
      dealFields: { partner: 'My_Partner', csat: null },
      edition: 'enterprise',
      wonStages: ['Closed Won'],
      [DISCOVERED_KEY]: { dealFields: { partner: 'Channel_Partner', csat: null }, wonStages: ['Closed Won'] },
    });
    expect(r.kept).toEqual(['dealFields.partner']);
  });

  it('refreshes values an earlier install found, keeps values the admin changed since', () => {
    const first = mergeDiscovered(
      {},
      { wonStages: ['Won'], lostStages: ['Lost'], resultFields: { tier: 'a' } },
    );
    const edited = { ...first.settings, lostStages: ['Lost', 'Dead'] };
    const second = mergeDiscovered(edited, {
      wonStages: ['Won', 'Signed'],
      lostStages: ['Lost 2'],
      resultFields: { tier: 'b' },
    });
    expect(second.settings).toMatchObject({
      wonStages: ['Won', 'Signed'],
      lostStages: ['Lost', 'Dead'],
      resultFields: { tier: 'b' },
    });
    expect(second.kept).toEqual(['lostStages']);
  });

  it('an admin value equal to the discovery is not reported as kept', () => {
    expect(mergeDiscovered({ homeCurrency: 'EUR' }, { homeCurrency: 'EUR' }).kept).toEqual([]);
  });
});
