import { describe, expect, it } from 'vitest';
import { startFromArgs } from '../../../src/cli/sandbox-fxiaoke.js';
import { main } from '../../../src/cli.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('channel-incentives sandbox fxiaoke', () => {
  it('--help prints the options and exits 0', async () => {
    const c = capture();
    expect(await main(['sandbox', 'fxiaoke', '--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('--seed N');
  });

  it('bad usage exits 2 and names the problem', async () => {
    const c = capture();
    expect(await main(['sandbox', 'fxiaoke', '--seed', 'abc'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('--seed must be a non-negative integer');
    expect(await main(['sandbox', 'fxiaoke', '--bogus'], capture().io)).toBe(2);
  });

  it('starts a seeded sandbox on the given port with the given seed', async () => {
    const s = await startFromArgs([
      '--port',
      '0',
      '--seed',
      '9',
      '--partners',
      '10',
      '--opportunities',
      '40',
    ]);
    if (s.help) throw new Error('unexpected help');
    try {
      expect(s.info.counts).toEqual({
        PartnerObj: 10,
        AccountObj: 40,
        NewOpportunityObj: 40,
        object_Rb7x2__c: 10,
      });
      const r = await fetch(`${s.info.url}/sandbox/info`);
      expect(((await r.json()) as { app: { appId: string } }).app.appId).toBe(s.info.credentials.appId);
    } finally {
      await s.sandbox.close();
    }
  });
});
