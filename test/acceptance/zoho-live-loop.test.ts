// Issue 4/6 acceptance, small: the admin's steps through the CLI against a running
// server, then a deal closed in the Zoho sandbox changes the partner's fields through
// the push path. `npm run bench:acceptance` runs the same loop at 2,000 partners and
// 50,000 deals and prints the calls and credits of each step.
import { describe, expect, it } from 'vitest';
import { zohoLiveLoop } from './zoho-live-loop.js';

describe('the live loop against the Zoho sandbox', () => {
  it('tenant add → install-fields → sync --full --wait → push → the partner’s fields change', async () => {
    const report = await zohoLiveLoop({ partners: 60, deals: 1500 });
    const names = report.steps.map((s) => s.step);
    expect(names).toHaveLength(5);
    const push = report.steps.at(-1)!;
    // One notification: re-read the deal (1 call), write the partner (1 call).
    expect(push.calls).toBeLessThanOrEqual(3);
    expect(report.closed.after).not.toEqual(report.closed.before);
    expect(report.closed.after.Incentive_Tier).toEqual(expect.any(String));
  }, 180_000);
});
