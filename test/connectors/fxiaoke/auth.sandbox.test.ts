// Both token styles and the operator lookup, end to end against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_TENANT } from '../../../connectors/fxiaoke/sandbox/sandbox.server.js';
import { createFxiaokeHarness, type FxiaokeHarness } from './harness.js';

let h: FxiaokeHarness;
beforeAll(async () => {
  h = await createFxiaokeHarness({ partners: 250, opportunities: 100 });
});
afterAll(async () => {
  await h.close();
});

async function countPartners(c: ReturnType<FxiaokeHarness['makeConnector']>) {
  let n = 0;
  for await (const p of c.listPartners()) n += p.items.length;
  return n;
}

describe('auth styles against the sandbox', () => {
  it('oauth2: /oauth2.0/token then header auth for every call', async () => {
    h.sandbox.resetCalls();
    const c = h.makeConnector({
      authStyle: 'oauth2',
      operator: { employeeId: SANDBOX_TENANT.admin.employeeId },
    });
    expect(await countPartners(c)).toBe(250);
    expect(h.sandbox.calls.byPath['/oauth2.0/token']).toBe(1);
    expect(h.sandbox.calls.byPath['/cgi/corpAccessToken/get/V2']).toBeUndefined();
  });

  it('legacy with only the admin mobile: one getByMobile, then the sync', async () => {
    h.sandbox.resetCalls();
    const c = h.makeConnector({ operator: { mobile: SANDBOX_TENANT.admin.mobile } });
    expect(await countPartners(c)).toBe(250);
    expect(await countPartners(c)).toBe(250);
    expect(h.sandbox.calls.byPath['/cgi/user/getByMobile']).toBe(1);
  });

  it('an unknown operator mobile is a permanent, readable error (mobile masked)', async () => {
    const c = h.makeConnector({ operator: { mobile: '13900000000' } });
    await expect(countPartners(c)).rejects.toThrow(/operator mobile number 139\*\*\*\*00/);
  });

  it('wrong app secret parks the tenant as needs_reauth', async () => {
    const { connector, statuses } = h.make({}, { appSecret: 'wrong-secret' });
    await expect(countPartners(connector)).rejects.toThrow(/10006/);
    expect(statuses).toEqual([expect.objectContaining({ status: 'needs_reauth' })]);
  });

  it('thirdTraceId is on every URL by default and can be switched off', async () => {
    h.sandbox.resetCalls();
    await countPartners(h.makeConnector());
    expect(h.sandbox.calls.missingTraceId).toBe(0);
    h.sandbox.resetCalls();
    await countPartners(h.makeConnector({ sendThirdTraceId: false }));
    expect(h.sandbox.calls.missingTraceId).toBe(h.sandbox.calls.total);
  });

  it('the token is cached in the vault: a second connector of the same tenant fetches none', async () => {
    const first = h.make();
    await countPartners(first.connector);
    h.sandbox.resetCalls();
    // Same vault contents (another process of the same tenant).
    const second = h.make({}, { token: first.vault().token });
    await countPartners(second.connector);
    expect(h.sandbox.calls.byPath['/cgi/corpAccessToken/get/V2']).toBeUndefined();
  });
});
