// Issue 5 acceptance, small: the admin's steps through the CLI against a running
// server, then an opportunity marked 赢单 in the Fxiaoke sandbox changes the
// partner's fields through the encrypted callback. `npm run bench:acceptance` runs it
// at 2,000 partners and 50,000 opportunities.
import { describe, expect, it } from 'vitest';
import { fxiaokeLiveLoop } from './fxiaoke-live-loop.js';

describe('the live loop against the Fxiaoke sandbox', () => {
  it('tenant add → install-fields → sync --full --wait → 赢单 callback → the partner’s fields change', async () => {
    const report = await fxiaokeLiveLoop({ partners: 40, accounts: 120, opportunities: 800 });
    expect(report.steps).toHaveLength(4);
    expect(report.closed.after).not.toEqual(report.closed.before);
  }, 180_000);
});
